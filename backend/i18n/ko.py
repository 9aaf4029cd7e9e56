"""Korean text the server sends to people, by key (`backend.i18n.bilingual`): the same keys
and placeholders as en.py (tests/test_i18n.py). Sentences are written whole for each value, never
with unfilled particles such as (을)를.
"""

TEXT: dict[str, str] = {
    "model.simplecnn": (
        "MNIST 숫자 분류용 작은 CNN: 3×3 합성곱 + 2×2 최대 풀링 두 단계(28 →"
        " 14 → 7)와 10개의 숫자 클래스를 위한 완전연결층 두 개."
    ),
    "model.alexnet": (
        "ImageNet 2012 대회 우승. CNN + ReLU + MaxPooling + FC "
        "Layer (논문의 96-256-384-384-256 채널). 당시로는 혁신적인 2 GPU"
        " 병렬 연산 사용."
    ),
    "model.vgg": (
        "구조 리스트(cfg)로 정의한 3×3 합성곱 블록을 make_layers로 쌓은 구조. "
        "구조가 단순하고 통일감 있어서 전이학습(Transfer Learning) 용으로 가장 널리"
        " 쓰였습니다."
    ),
    "model.resnet": (
        "강의 노트: CNN은 깊게 쌓을수록 성능이 떨어지는 문제(기울기 소실, degradation)가 "
        "있었습니다(He et al.은 그 원인을 기울기 소실이 아닌 최적화의 어려움으로 "
        "봤습니다). ResNet은 입력값을 다음 층에 더해주는 skip connection(잔차 "
        "연결)을 도입해서 수백 층의 깊은 네트워크도 안정적으로 학습할 수 있게 했습니다. "
        "CIFAR-10 기준 stem: 3×3 합성곱, stride 1, max-pool 없음."
    ),
    "model.alexnet_2gpu": (
        "논문처럼 2개의 GPU로 나누어 학습한 AlexNet. conv2, conv4, "
        "conv5는 그룹 합성곱(groups=2)으로 같은 GPU의 커널 맵에만 연결되고, "
        "conv3과 완전연결층은 두 GPU 모두에서 입력을 받습니다. 그룹으로 나눈 층의 가중치가 "
        "절반이 되어 파라미터는 60,965,224개(단일 열 AlexNet은 "
        "62,378,344개)."
    ),
    "model.basicblock": (
        'Skip Connection은 입력을 그대로 더해줌으로써, "잔차(residual)"만 '
        "학습하게 도와주는 연결 방식으로, ResNet이 수백 층짜리 네트워크도 안정적으로 학습할 "
        "수 있게 만든 핵심기법입니다. 입력과 출력의 채널 수가 같은 기본 블록(분류기가 아님)."
    ),
    "model.plain": (
        "ResNet-{depth}에서 skip connection(잔차 연결)을 모두 뺀 "
        "plain 네트워크(1×1 downsample 지름길도 없음). 입력을 더해주는 길이 "
        "없으니 역전파 시 기울기가 모든 층을 거쳐야 합니다. 기울기 소실(Vanishing "
        "Gradient) 비교용입니다."
    ),
    "gradients.init.default": "PyTorch 기본 초기화, a=√5인 uniform Kaiming",
    "gradients.init.he": (
        "He et al.이 쓴 He 초기화: 합성곱은 표준편차 √(2/fan_in)인 정규분포"
        "(kaiming_normal_, mode fan_in), 마지막 선형 층은 PyTorch 기본값, BatchNorm은 "
        "가중치 1과 편향 0"
    ),
    "gradients.measured": (
        "비율은 첫 합성곱 층 가중치 기울기의 L2 노름에서 plain-{depth}의 값을 "
        "ResNet-{depth}의 값으로 나눈 것이며, 한 번 뽑은 결과입니다: 가중치는 시드 "
        "{weight_seed}, 배치는 시드 "
        "{batch_seed}에서 만든 무작위 {size}×{size} 이미지 {batch}장과 무작위 레이블입니다. "
        "시드가 다르면 값도 다릅니다."
    ),
    "gradients.skip.running": (
        "초기화 직후 같은 무작위 배치로 역전파를 한 번 한 결과입니다(초기화 방식: {init}). 여기서 "
        "BatchNorm은 초기 통계를 써서 값을 그대로 통과시킵니다. skip connection이 없으면 첫 "
        "층에 도달하는 기울기가 ResNet-{depth}의 {ratio}배입니다({plain_first} 대 "
        "{resnet_first}). plain 네트워크에서는 층을 지날 때마다 기울기가 줄어들어 앞쪽 층이 "
        "거의 학습되지 않습니다(기울기 소실). ResNet은 블록의 입력을 출력에 더하므로 기울기도 "
        "지름길을 따라 그대로 전달됩니다. 얼마나 줄어드는지는 초기화에 따라 다릅니다"
        "(init=default와 init=he를 비교해 보세요). 학습 때처럼 배치 통계를 쓰면"
        "(batchnorm=batch) plain 네트워크의 기울기는 소실되지 않습니다. He et al.(2015, "
        "§4.1)도 같은 결과를 보고, plain 네트워크가 잘 학습되지 않는 이유를 기울기 소실이 "
        "아니라 최적화의 어려움(degradation)으로 설명했습니다. {measured}"
    ),
    "gradients.skip.batch": (
        "학습 때처럼 BatchNorm이 배치 통계를 쓰면(초기화 방식: {init}) plain 네트워크의 첫 층 "
        "기울기는 ResNet-{depth}의 {ratio}배입니다({plain_first} 대 {resnet_first}). "
        "BatchNorm이 층마다 크기를 다시 맞추므로 초기에는 기울기가 소실되지 않습니다. He et "
        "al.(2015, §4.1)도 같은 결과를 보고, plain 네트워크가 잘 학습되지 않는 이유를 최적화의 "
        "어려움(degradation)으로 설명했고 skip connection이 이를 해결합니다. "
        "batchnorm=running으로 정규화를 빼면 plain 네트워크의 기울기가 줄어듭니다. {measured}"
    ),
    "gradients.activations": (
        "같은 가중치의 합성곱 {depth}개에서 활성화 함수만 다릅니다(가중치는 Kaiming 정규분포). "
        "sigmoid에서는 첫 층에 도달하는 기울기가 ReLU의 {ratio}배입니다({sigmoid_first} 대 "
        "{relu_first}). sigmoid의 미분값은 최대 0.25이지만 가중치도 기울기에 곱해지므로, 층마다 "
        "정확히 4배씩 줄어드는 것은 아닙니다. 여기서 sigmoid 네트워크의 각 층은 기울기를 "
        "{shrink_min}배에서 {shrink_max}배, 평균 {shrink_mean}배 줄입니다. ReLU는 활성 구간에서 "
        "미분값이 1이라 그에 맞춘 가중치(Kaiming 초기화)와 함께 기울기 크기가 유지됩니다. "
        "ReLU가 sigmoid와 tanh를 대신하게 된 이유 중 하나입니다."
    ),
    "model.alexnet_torchvision": (
        "torchvision이 ImageNet 가중치를 공개한 AlexNet입니다. "
        "Krizhevsky의 2014년 단일 GPU 버전으로, 채널이 강의 노트의 "
        "96-256-384-384-256 대신 64-192-384-256-256이고, "
        "분류기 앞에 6×6 적응형 평균 풀링(AdaptiveAvgPool2d)이 있어 "
        "63 px 이상의 어떤 입력도 받습니다(강의 노트의 AlexNet은 "
        "223–254 px만). 파라미터 61,100,840개(강의 노트 "
        "62,378,344개)이고, 여전히 거의 전부가 완전연결층에 있습니다."
    ),
    "model.resnet18_imagenet": (
        "논문이 ImageNet용으로 만든 ResNet-18로, torchvision이 "
        "가중치를 공개한 네트워크입니다. 강의 노트의 CIFAR-10 ResNet-18과"
        " 같은 BasicBlock 잔차 블록이지만, 7×7 stride 2 합성곱과 "
        "3×3 stride 2 max-pool로 된 stem이 layer1 전에 224"
        " px를 56으로 줄이고(CIFAR stem은 풀링 없는 3×3 합성곱으로 32"
        " px 유지), 출력이 1000 클래스입니다. 파라미터는 "
        "11,689,512개입니다(CIFAR 버전 11,173,962개)."
    ),
    "gradients.underflow": "0(float32 범위 아래)",
    # 네트워크가 이 크기로 실행되지 않는 이유(analysis/shapes.py). {where}는 "층 (종류)"
    "shape.features": "{where}: 특징 {need}개를 기대하지만 {have}개를 받았습니다",
    "shape.kernel": "{where}: 패딩 후 최소 크기 {kernel}, 받은 크기 {size}",
    "shape.pool": "{where}: {window} 창으로는 {size} 맵을 풀링할 수 없습니다",
    "shape.forward": "{model}.forward 실행이 실패합니다: {error}",
    "shape.forward_after": "{model}.forward 실행이 {last} 다음에서 실패합니다: {error}",
    "shape.fails": "{where} 실패: {error}",
    # Why a line of the notes' code differs from the seed (backend/source/notes.py).
    "notes.correction.ocr_space": ("OCR이 kernel_size의 밑줄(_)을 공백으로 읽었습니다."),
    "notes.correction.indentation": (
        "PDF에서 복사하며 깨진 들여쓰기를 코드가 실행되도록 복원했습니다."
    ),
    "notes.correction.page_break": ("페이지가 나뉘면서 이 줄의 들여쓰기가 사라졌습니다."),
    "notes.correction.comment_line": (
        "줄 끝의 크기 주석이 다음 줄로 밀려 있어 원래 코드 뒤로 옮겼습니다."
    ),
    "notes.correction.ocr_escape": ("OCR이 #을 \\#으로 적었습니다."),
    "notes.correction.missing_bracket": (
        "노트에 self.features = nn.Sequential( 을 닫는 ) 가 빠져 있어 추가했습니다."
    ),
    "notes.correction.ocr_bracket": ("OCR이 닫는 ] 를 1로 읽었습니다."),
    "notes.correction.ocr_capital": ("OCR이 import의 첫 글자를 대문자로 읽었습니다."),
    "notes.correction.prose_comment": ("코드 사이에 있던 슬라이드 문장을 주석으로 남겼습니다."),
    "notes.correction.completion": (
        "노트에 없는 부분: 노트는 self.features에서 "
        "끝납니다. avgpool, classifier, "
        "forward()는 torchvision의 VGG와 같게 "
        "보완했습니다."
    ),
    # 오류 문장(api/error_text.py와 도메인 오류). {field}는 쿼리 매개변수 이름입니다.
    "error.validation.missing": "{field} 값이 필요합니다.",
    "error.validation.integer": "{field} 값은 정수여야 합니다. 받은 값: {got}.",
    "error.validation.number": "{field} 값은 숫자여야 합니다. 받은 값: {got}.",
    "error.validation.boolean": "{field} 값은 true 또는 false여야 합니다. 받은 값: {got}.",
    "error.validation.at_least": "{field} 값은 {limit} 이상이어야 합니다. 받은 값: {got}.",
    "error.validation.above": "{field} 값은 {limit}보다 커야 합니다. 받은 값: {got}.",
    "error.validation.at_most": "{field} 값은 {limit} 이하여야 합니다. 받은 값: {got}.",
    "error.validation.below": "{field} 값은 {limit}보다 작아야 합니다. 받은 값: {got}.",
    "error.validation.too_long": "{field} 값이 너무 깁니다. 최대 {limit}자까지 받습니다.",
    "error.validation.one_of": "{field} 값은 {expected} 중 하나여야 합니다. 받은 값: {got}.",
    "error.validation.other": (
        "{field} 값이 올바르지 않습니다(받은 값: {got}). 받는 값은 /docs의 API 문서에 있습니다."
    ),
    "error.not_found": "{path} 경로는 없습니다. API 설명은 /docs에 있습니다.",
    "error.internal": "서버 내부 오류입니다. 자세한 내용은 서버 로그에 있습니다.",
    "error.sizes.range": "{model} 모델은 높이와 너비가 각각 {min}–{max} px여야 합니다.",
    "error.sizes.at_least": (
        "{model} 모델은 높이와 너비가 각각 {min} px 이상이어야 합니다(둘이 같을 필요는 없습니다)."
    ),
    "error.sizes.exactly": "{model} 모델은 높이와 너비가 모두 정확히 {min} px여야 합니다.",
    "error.sizes.none": "{model} 모델은 {cap} px 이하의 어떤 입력 크기도 받지 않습니다.",
    "error.input_size": "이 크기로는 실행할 수 없습니다. {failure}. {sizes}",
    "error.range": "{field} 값은 1 이상 {cap} 이하여야 합니다. 받은 값: {value}.",
    "error.range_both": (
        "height와 width 값은 각각 1 이상 {cap} 이하여야 합니다. 받은 값: {height}, {width}."
    ),
    "error.classes_range": "num_classes 값은 1 이상 {cap} 이하여야 합니다. 받은 값: {value}.",
    "error.not_classifier_classes": (
        "{model} 모델은 분류기가 없는 구성 블록이라 클래스 수가 없습니다. num_classes를 빼 주세요."
    ),
    "error.depth_choice": (
        "depth 값은 {choices} 중 하나여야 합니다(ResNet-18/34와 그 plain 쌍둥이). 받은 값: {depth}."
    ),
    "error.depth_range": "depth 값은 {lo} 이상 {hi} 이하여야 합니다. 받은 값: {depth}.",
    "error.compare_count": "비교할 모델 이름을 1개에서 {max}개까지 주세요. 받은 개수: {n}.",
    "error.compare_repeat": "models에는 같은 모델을 한 번만 넣을 수 있습니다.",
    "error.compare_size": "size 값은 1 이상 {cap} 이하여야 합니다. 받은 값: {size}.",
    "error.top_k": (
        "top_k 값은 1 이상 {n} 이하여야 합니다({model} 모델의 클래스 수). 받은 값: {top_k}."
    ),
    "error.busy": (
        "서버가 바쁩니다. 예측 {running}개가 실행 중이고 {waiting}개가 기다리고 있습니다. "
        "잠시 후 다시 시도하세요."
    ),
    "error.export_busy": (
        "다른 ONNX 내보내기가 {seconds}초가 지나도록 실행 중입니다. 1분 뒤에 다시 시도하세요."
    ),
    "compare.upscaled": (
        "{model} 모델은 {dataset}의 {own}×{own} 이미지용입니다. {size} px로 키우면 "
        "연산량(MACs)은 {macs}, 원래 크기에서는 {own_macs}입니다({factor}배). 실제로 이렇게 "
        "쓰지 않습니다."
    ),
    "title.alexnet_2gpu": "AlexNet (GPU 2개)",
    "title.plain": "Plain-{depth} (CIFAR, 지름길 없음)",
    "title.alexnet_torchvision": "AlexNet (torchvision, 64채널)",
    "title.basicblock": "잔차 블록(항등 지름길)",
    # Custom networks from the architecture editor (POST /architectures).
    "custom.vgg": (
        "에디터에서 만든 사용자 정의 VGG (합성곱 {convs}개, 풀링 "
        "{pools}개{bn}, {activation}, 입력 {shape}, 클래스 "
        "{classes}개). 가중치는 무작위(학습되지 않음)이므로 예측에는 아직 의미가 없습니다."
    ),
    "custom.resnet": (
        "에디터에서 만든 사용자 정의 ResNet (단계별 블록 {blocks}, "
        "{activation}, 입력 {shape}, 클래스 {classes}개). 가중치는 "
        "무작위(학습되지 않음)이므로 예측에는 아직 의미가 없습니다."
    ),
    "custom.resnet_plain": (
        "에디터에서 만든 사용자 정의 plain ResNet (단계별 블록 {blocks}, "
        "skip connection 없음, {activation}, 입력 {shape}, 클래스 "
        "{classes}개). 가중치는 무작위(학습되지 않음)이므로 예측에는 아직 의미가 없습니다."
    ),
    "custom.simplecnn": (
        "에디터에서 만든 사용자 정의 SimpleCNN (합성곱 단계 {stages}개, "
        "{activation}, 입력 {shape}, 클래스 {classes}개). 가중치는 "
        "무작위(학습되지 않음)이므로 예측에는 아직 의미가 없습니다."
    ),
    "custom.alexnet": (
        "에디터에서 만든 사용자 정의 AlexNet (채널 {widths}, "
        "{activation}, 입력 {shape}, 클래스 {classes}개). 가중치는 "
        "무작위(학습되지 않음)이므로 예측에는 아직 의미가 없습니다."
    ),
    # 가중치 내려받기, 업로드, 모델 불러오기, 메서드, 시간 제한 오류.
    "error.weights.none_published": (
        "{model} 모델은 내려받을 공개 가중치가 없습니다(공개된 모델: {published}). "
        "직접 학습하거나, 가진 state dict를 다음 명령으로 설치하세요: "
        "python -m backend.weights import {model} FILE"
    ),
    "error.weights.downloads_off": (
        "이 서버는 페이지에서 가중치를 내려받지 않습니다(ALLOW_WEIGHT_DOWNLOADS가 꺼져 있습니다). "
        "서버에서 다음 명령을 실행하세요: {command}"
    ),
    "error.weights.busy": (
        "{running} 가중치를 내려받는 중입니다({percent}). 내려받기는 한 번에 하나만 실행되므로, "
        "끝난 뒤에 {model} 내려받기를 시작하세요."
    ),
    "error.weights.already_trained": (
        "{model} 모델에는 이미 학습된 가중치가 있습니다. 공개 가중치를 대신 받으려면 먼저 "
        "다음 명령으로 지우세요: python -m backend.weights remove {model}"
    ),
    "error.upload.how": (
        "이미지를 'file'이라는 필드에 담은 multipart/form-data, JSON "
        '{{"image": "data:image/png;base64,..."}}, 또는 이미지 자체를 본문으로 보내세요'
    ),
    "error.upload.multipart": "multipart 본문을 해석할 수 없습니다({reason}). {how}.",
    "error.upload.no_file": (
        "multipart 본문에 'file'이라는 파일 필드가 없습니다(있는 필드: {found}). {how}."
    ),
    "error.load.cooling": (
        "{model} 모델은 조금 전 {device}에서 불러오지 못했고({kind}) 앞으로 {left}초 동안 "
        "다시 시도하지 않습니다. 다른 모델은 그대로 쓸 수 있습니다."
    ),
    "error.load.memory": (
        "지금은 {device}에 {model} 모델을 불러올 메모리가 부족합니다({kind}). {retry}초 뒤에 "
        "다시 시도하거나 더 작은 모델을 고르세요."
    ),
    "error.load.failed": (
        "{model} 모델을 {device}에서 불러오지 못했습니다({kind}). 다른 모델은 그대로 쓸 수 "
        "있습니다. {retry}초 뒤에 다시 시도하세요. 자세한 내용은 서버 로그에 있습니다."
    ),
    "error.inference.memory_gpu": (
        "이 요청을 계산하다가 GPU 메모리가 부족해졌습니다. 잠시 후 다시 시도하거나, "
        "더 작은 모델이나 입력으로 시도하세요."
    ),
    "error.inference.memory_server": (
        "이 요청을 계산하다가 서버 메모리가 부족해졌습니다. 잠시 후 다시 시도하거나, "
        "더 작은 모델이나 입력으로 시도하세요."
    ),
    "error.method": "{path} 경로는 {method} 요청을 받지 않습니다.",
    "error.method.use": "{path} 경로는 {method} 요청을 받지 않습니다. {allowed} 요청을 쓰세요.",
    "error.method.or": " 또는 ",
    "error.timeout": (
        "요청이 {seconds}초보다 오래 걸려 중단되었습니다. 다시 시도하거나 더 작은 입력으로 "
        "시도하세요."
    ),
}
