"""English text the server sends to people, by key (`backend.i18n.bilingual`).

The Korean file (ko.py) has exactly the same keys and placeholders (tests/test_i18n.py).
"""

TEXT: dict[str, str] = {
    "model.simplecnn": (
        "A small CNN for MNIST digits: two 3×3 convolution + 2×2 max-pool stages (28 → 14"
        " → 7) and two fully connected layers for the 10 digit classes."
    ),
    "model.alexnet": (
        "Winner of ImageNet 2012: CNN + ReLU + max-pooling + fully connected layers, with"
        " the paper's 96-256-384-384-256 channels. Trained on two GPUs in parallel, an "
        "innovation at the time."
    ),
    "model.vgg": (
        "Stacks of 3×3 convolutions described by a configuration list (cfg) and built by "
        "make_layers. Simple and uniform, it became the most widely used backbone for "
        "transfer learning."
    ),
    "model.resnet": (
        "Deep CNNs got worse as they got deeper (vanishing gradients, degradation). "
        "ResNet adds each block's input to its output through a skip connection, so a "
        "block learns only the residual and networks of hundreds of layers train stably. "
        "CIFAR-10 stem: 3×3 conv, stride 1, no max-pool."
    ),
    "model.alexnet_2gpu": (
        "AlexNet as the paper trained it on two GPUs, drawn as one network: conv2, conv4 "
        "and conv5 are grouped convolutions (groups=2), each half connected only to the "
        "kernel maps on its own GPU; conv3 and the fully connected layers read from both."
        " Grouping cuts those layers' weights in half: 60,965,224 parameters against the "
        "single-column AlexNet's 62,378,344."
    ),
    "model.basicblock": (
        "The seed's first BasicBlock: conv-BN-ReLU-conv-BN, then the block's input is "
        "added back (the skip connection) before the last ReLU, so the block learns only "
        "the residual. Same channels in and out: a building block, not a classifier."
    ),
    "model.plain": (
        "ResNet-{depth}'s layers with every skip connection removed (and so no 1×1 "
        "downsample shortcuts): the plain network He et al. compare against. Without the "
        "added input, gradients must pass through every layer on the way back — the "
        "vanishing-gradient lesson."
    ),
    "gradients.skip.running": (
        "One backward pass at initialisation, the same random batch for both. Without "
        "skip connections the gradient reaching the first layer is {ratio} times "
        "ResNet-{depth}'s ({plain_first} against {resnet_first}): on the way back every "
        "layer multiplies it by a factor below 1, so it shrinks towards 0 and the first "
        "layers barely learn (vanishing gradient). ResNet adds each block's input to its "
        "output, so the gradient also flows back unchanged through the shortcut. "
        "BatchNorm uses its initial statistics here (it passes values through); with "
        "batch statistics, as in training (batchnorm=batch), it rescales every layer and "
        "the plain network's gradient no longer vanishes at initialisation — He et al. "
        "(2015) saw the same and blame the plain network's worse training on optimisation"
        " difficulty (degradation)."
    ),
    "gradients.skip.batch": (
        "With BatchNorm on batch statistics, as in training, the plain network's "
        "first-layer gradient is {ratio} times ResNet-{depth}'s ({plain_first} against "
        "{resnet_first}): BatchNorm rescales every layer, so at initialisation the "
        "gradient does not vanish. He et al. (2015) report the same for their plain "
        "networks and trace their worse training to optimisation difficulty "
        "(degradation), which the skip connections remove. With batchnorm=running the "
        "normalisation is out of the way and the vanishing gradient shows."
    ),
    "gradients.activations": (
        "{depth} convolutions with the same weights, only the activation differs. With "
        "sigmoid the gradient reaching the first layer is {ratio} times ReLU's "
        "({sigmoid_first} against {relu_first}): sigmoid's derivative is at most 0.25, so"
        " every layer shrinks the gradient at least fourfold on the way back. ReLU's "
        "derivative is 1 wherever it is active, so with weights scaled for it (Kaiming) "
        "the gradient keeps its size — one reason ReLU replaced sigmoid and tanh."
    ),
    # Custom networks from the architecture editor (POST /architectures).
    "custom.vgg": (
        "A custom VGG made in the editor ({convs} conv, {pools} pool{bn}, "
        "{activation}, {shape} input, {classes} classes). Its weights are "
        "random: it has never been trained, so its predictions mean nothing "
        "yet."
    ),
    "custom.resnet": (
        "A custom ResNet made in the editor ({blocks} blocks per stage, "
        "{activation}, {shape} input, {classes} classes). Its weights are "
        "random: it has never been trained, so its predictions mean nothing "
        "yet."
    ),
    "custom.resnet_plain": (
        "A custom plain ResNet made in the editor ({blocks} blocks per stage, "
        "no skip connections, {activation}, {shape} input, {classes} classes). "
        "Its weights are random: it has never been trained, so its predictions "
        "mean nothing yet."
    ),
    "custom.simplecnn": (
        "A custom SimpleCNN made in the editor ({stages} conv stages, "
        "{activation}, {shape} input, {classes} classes). Its weights are "
        "random: it has never been trained, so its predictions mean nothing "
        "yet."
    ),
    "custom.alexnet": (
        "A custom AlexNet made in the editor ({widths} channels, {activation}, "
        "{shape} input, {classes} classes). Its weights are random: it has "
        "never been trained, so its predictions mean nothing yet."
    ),
}
