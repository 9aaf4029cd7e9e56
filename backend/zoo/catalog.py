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
        description=bilingual("model.alexnet_torchvision"),
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
        description=bilingual("model.resnet18_imagenet"),
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
