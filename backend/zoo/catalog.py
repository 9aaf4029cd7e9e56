"""The zoo's entries: the seed's networks plus the one-line variants its code makes possible."""

from dataclasses import replace
from functools import partial

from backend.i18n import bilingual
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

register(
    ModelSpec(
        name="simplecnn",
        title="SimpleCNN",
        family="simplecnn",
        builder=simple_cnn.simple_cnn,
        dataset=MNIST,
        paper=replace(LENET, relation="tradition"),  # the notes' network, not LeNet-5
        description=bilingual("model.simplecnn"),
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
        description=bilingual("model.alexnet"),
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
            description=bilingual("model.vgg"),
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
        description=bilingual("model.resnet"),
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
        description=bilingual("model.resnet"),
    )
)
register(
    ModelSpec(
        name="alexnet_2gpu",
        title=bilingual("title.alexnet_2gpu")["en"],
        titles=bilingual("title.alexnet_2gpu"),
        family="alexnet",
        builder=alexnet.alexnet_2gpu,
        dataset=IMAGENET,
        paper=ALEXNET,
        description=bilingual("model.alexnet_2gpu"),
    )
)
for _depth, _builder in ((18, resnet.plain18), (34, resnet.plain34)):
    register(
        ModelSpec(
            name=f"plain{_depth}",
            title=bilingual("title.plain", depth=_depth)["en"],
            titles=bilingual("title.plain", depth=_depth),
            family="resnet",
            builder=_builder,
            dataset=CIFAR10,
            paper=RESNET,
            description=bilingual("model.plain", depth=_depth),
        )
    )
register(
    ModelSpec(
        name="alexnet_torchvision",
        title=bilingual("title.alexnet_torchvision")["en"],
        titles=bilingual("title.alexnet_torchvision"),
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
            "버전으로, 채널이 강의 노트의 96-256-384-384-256 대신 64-192-384-256-256이고, "
            "분류기 앞에 6×6 적응형 평균 풀링(AdaptiveAvgPool2d)이 있어 63 px 이상의 어떤 "
            "입력도 받습니다(강의 노트의 AlexNet은 223–254 px만). 파라미터 61,100,840개(강의 노트 "
            "62,378,344개): 여전히 거의 전부가 완전연결층에 있습니다.",
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
            "네트워크. 강의 노트의 CIFAR-10 ResNet-18과 같은 BasicBlock 잔차 블록이지만, 7×7 "
            "stride 2 합성곱과 3×3 stride 2 max-pool로 된 stem이 layer1 전에 224 px를 56으로 "
            "줄이고(CIFAR stem은 풀링 없는 3×3 합성곱으로 32 px 유지), 출력이 1000 "
            "클래스입니다: 파라미터 11,689,512개(CIFAR 버전 11,173,962개).",
        },
    )
)
register(
    ModelSpec(
        name="basicblock",
        title=bilingual("title.basicblock")["en"],
        titles=bilingual("title.basicblock"),
        family="resnet",
        builder=lambda _num_classes: resnet.IdentityBlock(64),
        dataset=None,
        paper=RESNET,
        input_shape=(64, 32, 32),
        description=bilingual("model.basicblock"),
    )
)
