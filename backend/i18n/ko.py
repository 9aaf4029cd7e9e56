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
        " 쓰였음."
    ),
    "model.resnet": (
        "CNN은 깊게 쌓을수록 성능이 떨어지는 문제(기울기 소실, degradation)가 "
        "있었음. ResNet은 입력값을 다음 층에 더해주는 skip connection(잔차 "
        "연결)을 도입해서 수백 층의 깊은 네트워크도 안정적으로 학습할 수 있게 했습니다. "
        "CIFAR-10 기준 stem: 3×3 합성곱, stride 1, max-pool 없음."
    ),
    "model.alexnet_2gpu": (
        "논문처럼 2개의 GPU로 나누어 학습한 AlexNet. conv2, conv4, "
        "conv5는 그룹 합성곱(groups=2)으로 같은 GPU의 커널 맵에만 연결되고, "
        "conv3과 완전연결층은 두 GPU 모두에서 입력을 받음. 그룹으로 나눈 층의 가중치가 "
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
        "없으니 역전파 시 기울기가 모든 층을 거쳐야 함 — 기울기 소실(Vanishing "
        "Gradient) 비교용."
    ),
    "gradients.skip.running": (
        "초기화 직후 같은 무작위 배치로 역전파를 한 번 한 결과. skip connection이 "
        "없으면 첫 층에 도달하는 기울기가 ResNet-{depth}의 "
        "{ratio}배({plain_first} 대 {resnet_first}): 역전파 시 "
        "층마다 1보다 작은 값이 곱해져 기울기가 점점 작아지고, 앞쪽(입력에 가까운) 층은 거의 "
        "학습되지 않음(기울기 소실). Skip Connection은 입력을 그대로 더해주므로 "
        "기울기도 지름길을 따라 그대로 전달됨. 여기서 BatchNorm은 초기 통계(평균 0, "
        "분산 1)를 써서 값을 그대로 통과시킴. 학습처럼 배치 통계를 "
        "쓰면(batchnorm=batch) 층마다 크기를 다시 맞춰 plain 네트워크의 기울기도"
        " 초기에는 소실되지 않음 — He et al.(2015)도 같은 것을 보고 plain "
        "네트워크의 문제를 최적화의 어려움(degradation)으로 설명함."
    ),
    "gradients.skip.batch": (
        "학습 때처럼 BatchNorm이 배치 통계를 쓰면 plain 네트워크의 첫 층 기울기는 "
        "ResNet-{depth}의 {ratio}배({plain_first} 대 "
        "{resnet_first}): BatchNorm이 층마다 크기를 다시 맞추므로 초기에는 "
        "기울기가 소실되지 않음. He et al.(2015)도 같은 결과를 보고, plain "
        "네트워크가 잘 학습되지 않는 이유를 최적화의 어려움(degradation)으로 설명했고 "
        "skip connection이 이를 해결함. batchnorm=running으로 정규화를 "
        "빼면 기울기 소실이 보임."
    ),
    "gradients.activations": (
        "같은 가중치의 합성곱 {depth}개에서 활성화 함수만 다름. sigmoid에서는 첫 층에"
        " 도달하는 기울기가 ReLU의 {ratio}배({sigmoid_first} 대 "
        "{relu_first}): sigmoid의 미분값은 최대 0.25라서 층을 지날 때마다 "
        "기울기가 4배 이상 줄어듦(기울기 소실 — 특히 ReLU 이전의 sigmoid/tanh에서"
        " 심각했음). ReLU는 활성 구간에서 미분값이 1이라 그에 맞춘 가중치(Kaiming "
        "초기화)와 함께 기울기 크기가 유지됨."
    ),
    # Custom networks from the architecture editor (POST /architectures).
    "custom.vgg": (
        "에디터에서 만든 사용자 정의 VGG (합성곱 {convs}개, 풀링 "
        "{pools}개{bn}, {activation}, 입력 {shape}, 클래스 "
        "{classes}개). 가중치는 무작위(학습되지 않음)이므로 예측에는 아직 의미가 없음."
    ),
    "custom.resnet": (
        "에디터에서 만든 사용자 정의 ResNet (단계별 블록 {blocks}, "
        "{activation}, 입력 {shape}, 클래스 {classes}개). 가중치는 "
        "무작위(학습되지 않음)이므로 예측에는 아직 의미가 없음."
    ),
    "custom.resnet_plain": (
        "에디터에서 만든 사용자 정의 plain ResNet (단계별 블록 {blocks}, "
        "skip connection 없음, {activation}, 입력 {shape}, 클래스 "
        "{classes}개). 가중치는 무작위(학습되지 않음)이므로 예측에는 아직 의미가 없음."
    ),
    "custom.simplecnn": (
        "에디터에서 만든 사용자 정의 SimpleCNN (합성곱 단계 {stages}개, "
        "{activation}, 입력 {shape}, 클래스 {classes}개). 가중치는 "
        "무작위(학습되지 않음)이므로 예측에는 아직 의미가 없음."
    ),
    "custom.alexnet": (
        "에디터에서 만든 사용자 정의 AlexNet (채널 {widths}, "
        "{activation}, 입력 {shape}, 클래스 {classes}개). 가중치는 "
        "무작위(학습되지 않음)이므로 예측에는 아직 의미가 없음."
    ),
}
