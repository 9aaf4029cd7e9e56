"""학습 실험실(backend/lab)의 문장: 프리셋, 데이터 세트, 실험실 네트워크, 실행 설명, 거절.
en_lab.py와 키와 자리표시자가 같습니다."""

TEXT: dict[str, str] = {
    "lab.preset.sigmoid-vs-relu.title": "시그모이드 vs ReLU: 같은 8층 합성곱을 MNIST로 학습",
    "lab.preset.sigmoid-vs-relu.lesson": (
        "여기서 측정(CPU 1스레드, 시드 0, mnist-5k 4,000장으로 "
        "3에폭, Adam 1e-3): ReLU는 학습 손실이 2.305 → 2.014 "
        "→ 1.237로 줄고 검증 정확도가 10.1 % → 45.2 % → 75.1 "
        "%로 올랐습니다. 시그모이드는 손실이 2.313 → 2.305 → "
        "2.304(ln 10 = 2.303은 찍기 수준)에 머물고 정확도는 세 에폭 "
        "모두 10.0 %(우연 수준)였습니다. 시그모이드 8개를 지나며 첫 층에 닿는 "
        "기울기가 너무 작아져 거의 학습되지 않습니다. 일반 SGD(모멘텀 0.9, lr"
        " 0.05)로는 이 규모에서 3에폭 안에 두 네트워크 모두 우연 수준을 벗어나지"
        " 못했습니다."
    ),
    "lab.preset.degradation.title": (
        "성능 저하(degradation): plain-20 vs plain-56, ResNet-20 vs ResNet-56 (MNIST, 2에폭)"
    ),
    "lab.preset.degradation.lesson": (
        "여기서 측정(CPU 1스레드, 시드 0, mnist-5k 4,000장으로 "
        "2에폭, 배치 64, SGD 모멘텀 0.9, 최대 lr 0.1 "
        "one-cycle, weight decay 1e-4). 마지막 학습 손실 / "
        "학습 정확도 / 검증 정확도: plain-20 0.246 / 92.7 % / "
        "96.4 %, plain-56 2.284 / 11.7 % / 11.9 %(여전히"
        " 우연 수준 근처, ln 10 = 2.303), ResNet-20 0.209 /"
        " 93.6 % / 96.3 %, ResNet-56 0.299 / 91.4 % /"
        " 94.9 %. 더 깊은 plain 네트워크는 자기 학습 데이터에서도 더 나쁘게"
        " 학습됩니다. skip connection이 있으면 56층 네트워크도 20층과 "
        "거의 비슷하게 학습됩니다(이 예산에서는 조금 뒤처집니다. He 외(2015, "
        "그림 6)는 CIFAR-10에서 배치 128로 64k 반복, 약 164에폭 뒤 "
        "ResNet-56이 ResNet-20보다 낮은 오차로 끝남을 보였습니다). lr"
        " 0.1 고정(warm-up 없음)으로는 ResNet-56도 학습되지 "
        "않았습니다: 2.026 / 21.1 % / 10.0 %, ResNet-20은 "
        "0.204 / 93.7 % / 95.2 %(plain-20 0.401 / "
        "87.5 % / 91.5 %, plain-56 2.284 / 11.8 % / "
        "12.5 %)."
    ),
    "lab.preset.degradation-cifar10.title": (
        "CIFAR-10 성능 저하(degradation): plain-20 vs plain-56, ResNet-20 vs ResNet-56"
    ),
    "lab.preset.degradation-cifar10.lesson": (
        "He 외(2015, 그림 6)는 CIFAR-10에서 배치 128로 64k "
        "반복(약 164에폭) 학습한 뒤 plain-56의 학습 오차가 "
        "plain-20보다 높고, ResNet-56은 ResNet-20보다 낮다고 "
        "보고합니다. 여기서는 측정하지 못했습니다: 이 서버의 데이터 폴더에는 "
        "CIFAR-10이 없고, 여기서 MNIST로 측정한 plain-20의 평균 "
        "속도(CPU 1스레드, 공유 머신의 부하에 따라 초당 42~397장)라면 "
        "50,000장으로 30에폭을 학습하는 데 plain-20 하나만 1~10시간이 "
        "걸립니다."
    ),
    "lab.dataset.mnist-5k": "MNIST 표본 (오프라인): 학습 4,000장, 검증 1,000장",
    "lab.dataset.mnist": "MNIST (DATA_DIR에서)",
    "lab.dataset.cifar10": "CIFAR-10 (DATA_DIR에서)",
    # 실험실 네트워크와 실행
    "lab.stack.title": "{depth}층 합성곱 스택({activation})",
    "lab.stack.description": (
        "MNIST용 {width}채널 3×3 합성곱 {depth}개, 각 층 뒤에 {activation}: 학습 실험실의 "
        "활성화 함수 실험용입니다."
    ),
    "lab.run.title": "{title} · 실행 {run}",
    "lab.run.description": (
        "학습 실험실에서 {dataset} 데이터로 {epochs}에폭 학습한 {title}(시드 {seed}): 검증 "
        "이미지 {images}장 중 {accuracy} 정답."
    ),
    # 거절
    "lab.not_classifier": ("{model} 모델은 클래스가 없는 구성 블록입니다. 분류기를 학습하세요."),
    "lab.epochs": "epochs 값이 한도 {limit}(TRAINING_MAX_EPOCHS)보다 큽니다. 받은 값: {value}.",
    "lab.train_images": (
        "train_images 값이 이 서버가 {dataset}에서 학습하는 최대 {limit}장보다 많습니다"
        "(데이터 세트에 {size}장, TRAINING_MAX_IMAGES={cap}). 받은 값: {value}."
    ),
    "lab.validation_images": (
        "validation_images 값이 {dataset}의 검증 이미지 {limit}장보다 많습니다. 받은 값: {value}."
    ),
    "lab.grey": "흑백",
    "lab.colour": "컬러",
    "lab.fit": (
        "{model} 모델은 {have} 이미지를 받지만 {dataset} 데이터는 {want}({kind})입니다. "
        "아키텍처 에디터에서 in_channels: {channels}, 입력 {height}×{width}(클래스 "
        "{classes}개)로 만든 사용자 정의 명세라면 맞습니다."
    ),
    "lab.fit_and": (
        "{model} 모델은 {have} 이미지를 받지만 {dataset} 데이터는 {want}({kind})입니다. "
        "아키텍처 에디터에서 in_channels: {channels}, 입력 {height}×{width}(클래스 "
        "{classes}개)로 만든 사용자 정의 명세라면 맞고, {fits} 모델도 맞습니다."
    ),
    "lab.max_runs": (
        "실행 {count}개가 보관되어 있습니다(TRAINING_MAX_RUNS={limit}). 끝난 실행을 먼저 "
        "지우세요(DELETE /training/runs/{{id}})."
    ),
    "lab.queue_full": (
        "학습 대기열이 가득 찼습니다. 실행 {running}개가 학습 중이고 {waiting}개가 기다리고 "
        "있습니다(TRAINING_QUEUE_LIMIT={limit}). 하나가 끝난 뒤 다시 시도하거나 하나를 "
        "취소하세요."
    ),
    "lab.preset_unavailable": "{name} 실험은 이 서버에서 실행할 수 없습니다. {problems}.",
    "lab.model_undefined": "{model} 모델이 정의되어 있지 않습니다",
    "lab.unknown_preset": "{name} 실험은 없습니다. 있는 실험: {names}.",
    "lab.run_not_found": (
        "{run} 학습 실행은 없습니다. 있는 실행은 GET /training/runs가 보여 줍니다."
    ),
    "lab.run_not_done": (
        "{run} 실행의 상태는 {status}입니다. 체크포인트는 실행이 끝나야 생깁니다."
    ),
    "lab.mnist_missing": (
        "{folder} 폴더에 MNIST가 없습니다(빠진 파일: {files}). 서버는 데이터를 내려받지 "
        "않습니다. 인터넷에 연결된 컴퓨터에서 `python -m backend.train fetch mnist "
        "--data-dir {data_dir}` 명령을 실행하거나, 압축을 푼 MNIST 파일 네 개를 그 폴더에 "
        "복사하세요. 아무것도 필요 없는 mnist-5k로 학습해도 됩니다."
    ),
    "lab.cifar_missing": (
        "{folder} 폴더에 CIFAR-10이 없습니다(빠진 파일: {files}). 서버는 데이터를 내려받지 "
        "않습니다. {url} 파일을 내려받아 {data_dir} 폴더에 풀어서 "
        "{folder}/data_batch_1이 생기게 하세요."
    ),
}
