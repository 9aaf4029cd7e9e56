"""The zoo's entries: the seed's networks plus the one-line variants its code makes possible."""

from functools import partial

from backend.zoo import alexnet, resnet, simple_cnn, vgg
from backend.zoo.datasets import CIFAR10, IMAGENET, MNIST
from backend.zoo.registry import ModelSpec, Paper, register

LENET = Paper(
    "Gradient-Based Learning Applied to Document Recognition",
    "LeCun, Bottou, Bengio, Haffner",
    1998,
    "https://doi.org/10.1109/5.726791",
)
ALEXNET = Paper(
    "ImageNet Classification with Deep Convolutional Neural Networks",
    "Krizhevsky, Sutskever, Hinton",
    2012,
    "https://papers.nips.cc/paper/4824-imagenet-classification-with-deep-convolutional-neural-networks",
)
ONE_WEIRD_TRICK = Paper(
    "One weird trick for parallelizing convolutional neural networks",
    "Krizhevsky",
    2014,
    "https://arxiv.org/abs/1404.5997",
)
VGG = Paper(
    "Very Deep Convolutional Networks for Large-Scale Image Recognition",
    "Simonyan, Zisserman",
    2014,
    "https://arxiv.org/abs/1409.1556",
)
RESNET = Paper(
    "Deep Residual Learning for Image Recognition",
    "He, Zhang, Ren, Sun",
    2015,
    "https://arxiv.org/abs/1512.03385",
)

VGG_TEXT = {
    "en": "Stacks of 3×3 convolutions described by a configuration list (cfg) and built by "
    "make_layers. Simple and uniform, it became the most widely used backbone for transfer "
    "learning.",
    "ko": "구조 리스트(cfg)로 정의한 3×3 합성곱 블록을 make_layers로 쌓은 구조. 구조가 단순하고 "
    "통일감 있어서 전이학습(Transfer Learning) 용으로 가장 널리 쓰였음.",
}
RESNET_TEXT = {
    "en": "Deep CNNs got worse as they got deeper (vanishing gradients, degradation). ResNet "
    "adds each block's input to its output through a skip connection, so a block learns only "
    "the residual and networks of hundreds of layers train stably. CIFAR-10 stem: 3×3 conv, "
    "stride 1, no max-pool.",
    "ko": "CNN은 깊게 쌓을수록 성능이 떨어지는 문제(기울기 소실, degradation)가 있었음. ResNet은 "
    "입력값을 다음 층에 더해주는 skip connection(잔차 연결)을 도입해서 수백 층의 깊은 "
    "네트워크도 안정적으로 학습할 수 있게 했습니다. CIFAR-10 기준 stem: 3×3 합성곱, stride 1, "
    "max-pool 없음.",
}

register(
    ModelSpec(
        name="simplecnn",
        title="SimpleCNN",
        family="simplecnn",
        builder=simple_cnn.simple_cnn,
        dataset=MNIST,
        paper=LENET,
        description={
            "en": "A small CNN for MNIST digits: two 3×3 convolution + 2×2 max-pool stages "
            "(28 → 14 → 7) and two fully connected layers for the 10 digit classes.",
            "ko": "MNIST 숫자 분류용 작은 CNN: 3×3 합성곱 + 2×2 최대 풀링 두 단계(28 → 14 → 7)와 "
            "10개의 숫자 클래스를 위한 완전연결층 두 개.",
        },
    )
)
register(
    ModelSpec(
        name="alexnet",
        title="AlexNet",
        family="alexnet",
        builder=alexnet.alexnet,
        dataset=IMAGENET,
        paper=ALEXNET,
        description={
            "en": "Winner of ImageNet 2012: CNN + ReLU + max-pooling + fully connected layers, "
            "with the paper's 96-256-384-384-256 channels. Trained on two GPUs in parallel, an "
            "innovation at the time.",
            "ko": "ImageNet 2012 대회 우승. CNN + ReLU + MaxPooling + FC Layer (논문의 "
            "96-256-384-384-256 채널). 당시로는 혁신적인 2 GPU 병렬 연산 사용.",
        },
    )
)
for _depth in (11, 13, 16, 19):
    register(
        ModelSpec(
            name=f"vgg{_depth}",
            title=f"VGG{_depth}",
            family="vgg",
            builder=partial(vgg.vgg, f"VGG{_depth}"),
            dataset=IMAGENET,
            paper=VGG,
            description=VGG_TEXT,
        )
    )
register(
    ModelSpec(
        name="resnet18",
        title="ResNet-18 (CIFAR)",
        family="resnet",
        builder=resnet.resnet18,
        dataset=CIFAR10,
        paper=RESNET,
        description=RESNET_TEXT,
    )
)
register(
    ModelSpec(
        name="resnet34",
        title="ResNet-34 (CIFAR)",
        family="resnet",
        builder=resnet.resnet34,
        dataset=CIFAR10,
        paper=RESNET,
        description=RESNET_TEXT,
    )
)
register(
    ModelSpec(
        name="alexnet_2gpu",
        title="AlexNet (two GPUs)",
        family="alexnet",
        builder=alexnet.alexnet_2gpu,
        dataset=IMAGENET,
        paper=ALEXNET,
        description={
            "en": "AlexNet as the paper trained it on two GPUs, drawn as one network: conv2, "
            "conv4 and conv5 are grouped convolutions (groups=2), each half connected only to "
            "the kernel maps on its own GPU; conv3 and the fully connected layers read from "
            "both. Grouping cuts those layers' weights in half: 60,965,224 parameters against "
            "the single-column AlexNet's 62,378,344.",
            "ko": "논문처럼 2개의 GPU로 나누어 학습한 AlexNet. conv2, conv4, conv5는 그룹 합성곱"
            "(groups=2)으로 같은 GPU의 커널 맵에만 연결되고, conv3과 완전연결층은 두 GPU 모두에서 "
            "입력을 받음. 그룹으로 나눈 층의 가중치가 절반이 되어 파라미터는 60,965,224개"
            "(단일 열 AlexNet은 62,378,344개).",
        },
    )
)
for _depth, _builder in ((18, resnet.plain18), (34, resnet.plain34)):
    register(
        ModelSpec(
            name=f"plain{_depth}",
            title=f"Plain-{_depth} (CIFAR, no skip connections)",
            family="resnet",
            builder=_builder,
            dataset=CIFAR10,
            paper=RESNET,
            description={
                "en": f"ResNet-{_depth}'s layers with every skip connection removed (and so no "
                "1×1 downsample shortcuts): the plain network He et al. compare against. "
                "Without the added input, gradients must pass through every layer on the way "
                "back — the vanishing-gradient lesson.",
                "ko": f"ResNet-{_depth}에서 skip connection(잔차 연결)을 모두 뺀 plain "
                "네트워크(1×1 downsample 지름길도 없음). 입력을 더해주는 길이 없으니 역전파 시 "
                "기울기가 모든 층을 거쳐야 함 — 기울기 소실(Vanishing Gradient) 비교용.",
            },
        )
    )
register(
    ModelSpec(
        name="alexnet_torchvision",
        title="AlexNet (torchvision, 64 channels)",
        family="alexnet",
        builder=alexnet.alexnet_torchvision,
        dataset=IMAGENET,
        paper=ONE_WEIRD_TRICK,
        description={
            "en": "The AlexNet whose ImageNet weights torchvision publishes: Krizhevsky's 2014 "
            "one-GPU variant with 64-192-384-256-256 channels instead of the seed's "
            "96-256-384-384-256, and an adaptive average pool to 6×6 before the classifier, so "
            "it takes any input of at least 63 px (the seed's AlexNet only 223–254 px). "
            "61,100,840 parameters against the seed's 62,378,344: nearly all of them are still "
            "in the fully connected layers.",
            "ko": "torchvision이 ImageNet 가중치를 공개한 AlexNet. Krizhevsky의 2014년 단일 GPU "
            "버전으로, 채널이 시드의 96-256-384-384-256 대신 64-192-384-256-256이고, "
            "분류기 앞에 6×6 적응형 평균 풀링(AdaptiveAvgPool2d)이 있어 63 px 이상의 어떤 "
            "입력도 받음(시드의 AlexNet은 223–254 px만). 파라미터 61,100,840개(시드 "
            "62,378,344개): 여전히 거의 전부가 완전연결층에 있음.",
        },
    )
)
register(
    ModelSpec(
        name="resnet18_imagenet",
        title="ResNet-18 (ImageNet)",
        family="resnet",
        builder=resnet.resnet18_imagenet,
        dataset=IMAGENET,
        paper=RESNET,
        description={
            "en": "ResNet-18 as the paper built it for ImageNet, the network torchvision "
            "publishes weights for: the same residual BasicBlocks as the seed's CIFAR-10 "
            "ResNet-18, but a 7×7 stride-2 stem convolution and a 3×3 stride-2 max-pool shrink "
            "224 px to 56 before layer1 (the CIFAR stem, a 3×3 convolution without pooling, "
            "keeps 32 px), and the head has 1000 classes: 11,689,512 parameters against "
            "11,173,962.",
            "ko": "논문이 ImageNet용으로 만든 ResNet-18로, torchvision이 가중치를 공개한 "
            "네트워크. 시드의 CIFAR-10 ResNet-18과 같은 BasicBlock 잔차 블록이지만, 7×7 "
            "stride 2 합성곱과 3×3 stride 2 max-pool로 된 stem이 layer1 전에 224 px를 56으로 "
            "줄이고(CIFAR stem은 풀링 없는 3×3 합성곱으로 32 px 유지), 출력이 1000 "
            "클래스임: 파라미터 11,689,512개(CIFAR 버전 11,173,962개).",
        },
    )
)
register(
    ModelSpec(
        name="basicblock",
        title="Residual block (identity shortcut)",
        family="resnet",
        builder=lambda _num_classes: resnet.IdentityBlock(64),
        dataset=None,
        paper=RESNET,
        input_shape=(64, 32, 32),
        description={
            "en": "The seed's first BasicBlock: conv-BN-ReLU-conv-BN, then the block's input is "
            "added back (the skip connection) before the last ReLU, so the block learns only the "
            "residual. Same channels in and out: a building block, not a classifier.",
            "ko": 'Skip Connection은 입력을 그대로 더해줌으로써, "잔차(residual)"만 '
            "학습하게 도와주는 "
            "연결 방식으로, ResNet이 수백 층짜리 네트워크도 안정적으로 학습할 수 있게 만든 "
            "핵심기법입니다. 입력과 출력의 채널 수가 같은 기본 블록(분류기가 아님).",
        },
    )
)
