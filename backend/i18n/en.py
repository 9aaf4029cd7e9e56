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
        "The notes: deep CNNs got worse as they got deeper (vanishing gradients, degradation;"
        " He et al. trace it to optimisation difficulty, not vanishing gradients). "
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
    "gradients.init.default": "PyTorch's default initialisation, uniform Kaiming with a=√5",
    "gradients.init.he": (
        "He initialisation as He et al. used it: normal with std √(2/fan_in) for the "
        "convolutions (kaiming_normal_, mode fan_in), the last linear layer at PyTorch's "
        "default, BatchNorm at weight 1 and bias 0"
    ),
    "gradients.measured": (
        "The ratio is the L2 norm of the first convolution's weight gradient, plain-{depth}'s "
        "divided by ResNet-{depth}'s, for one draw: weights from seed {weight_seed}, one batch "
        "of {batch} random {size}×{size} images with random labels from seed {batch_seed}. "
        "Another seed gives another value."
    ),
    "gradients.skip.running": (
        "One backward pass at initialisation with {init}, the same random batch for both, "
        "BatchNorm on its initial statistics (so it passes values through). Without skip "
        "connections the gradient reaching the first layer is {ratio} times "
        "ResNet-{depth}'s ({plain_first} against {resnet_first}): layer after layer the "
        "plain network scales it down, and its first layers barely learn (vanishing "
        "gradient). ResNet adds each block's input to its output, so the gradient also "
        "flows back unchanged through the shortcut. How far it falls depends on the "
        "initialisation (compare init=default and init=he). With batch statistics, as in "
        "training (batchnorm=batch), the plain network's gradient does not vanish: He et "
        "al. (2015, §4.1) saw the same and blame the plain network's worse training on "
        "optimisation difficulty (degradation), not on vanishing gradients. {measured}"
    ),
    "gradients.skip.batch": (
        "With BatchNorm on batch statistics, as in training, and {init}, the plain "
        "network's first-layer gradient is {ratio} times ResNet-{depth}'s ({plain_first} "
        "against {resnet_first}): BatchNorm rescales every layer, so at initialisation the "
        "gradient does not vanish. He et al. (2015, §4.1) report the same for their plain "
        "networks and trace their worse training to optimisation difficulty "
        "(degradation), which the skip connections remove. With batchnorm=running the "
        "normalisation is out of the way and the plain network's gradient shrinks. {measured}"
    ),
    "gradients.activations": (
        "{depth} convolutions with the same weights (Kaiming normal), only the activation "
        "differs. With sigmoid the gradient reaching the first layer is {ratio} times "
        "ReLU's ({sigmoid_first} against {relu_first}). Sigmoid's derivative is at most "
        "0.25, but the weights multiply the gradient too, so a layer does not simply cut "
        "it fourfold: here each layer of the sigmoid network shrinks it between "
        "{shrink_min}× and {shrink_max}×, {shrink_mean}× on average. ReLU's derivative is "
        "1 wherever it is active, so with weights scaled for it (Kaiming) the gradient "
        "keeps its size — one reason ReLU replaced sigmoid and tanh."
    ),
    "model.alexnet_torchvision": (
        "The AlexNet whose ImageNet weights torchvision publishes: Krizhevsky's 2014 one-GPU "
        "variant with 64-192-384-256-256 channels instead of the seed's 96-256-384-384-256, "
        "and an adaptive average pool to 6×6 before the classifier, so it takes any input of "
        "at least 63 px (the seed's AlexNet only 223–254 px). 61,100,840 parameters against "
        "the seed's 62,378,344: nearly all of them are still in the fully connected layers."
    ),
    "model.resnet18_imagenet": (
        "ResNet-18 as the paper built it for ImageNet, the network torchvision publishes "
        "weights for: the same residual BasicBlocks as the seed's CIFAR-10 ResNet-18, but a "
        "7×7 stride-2 stem convolution and a 3×3 stride-2 max-pool shrink 224 px to 56 before"
        " layer1 (the CIFAR stem, a 3×3 convolution without pooling, keeps 32 px), and the "
        "head has 1000 classes: 11,689,512 parameters against 11,173,962."
    ),
    "gradients.underflow": "0 (below float32's range)",
    # Why a network cannot run at a size (analysis/shapes.py); {where} is "layer (Type)"
    "shape.features": "{where} expects {need} features but got {have}",
    "shape.kernel": "{where} needs at least {kernel} after padding but got {size}",
    "shape.pool": "{where} with a {window} window cannot pool a {size} map",
    "shape.forward": "{model}.forward fails: {error}",
    "shape.forward_after": "{model}.forward fails after {last}: {error}",
    "shape.fails": "{where} fails: {error}",
    # Why a line of the notes' code differs from the seed (backend/source/notes.py).
    "notes.correction.ocr_space": ("OCR read the underscore of kernel_size as a space."),
    "notes.correction.indentation": (
        "Indentation lost in the copy from the PDF, restored so that the code runs."
    ),
    "notes.correction.page_break": ("A page break dropped this line's indentation."),
    "notes.correction.comment_line": (
        "The shape comment had slipped onto a line of its own; put back after its code."
    ),
    "notes.correction.ocr_escape": ("OCR wrote \\# for #."),
    "notes.correction.missing_bracket": (
        "The ) that closes self.features = nn.Sequential( is missing in the notes; added."
    ),
    "notes.correction.ocr_bracket": ("OCR read the closing ] as 1."),
    "notes.correction.ocr_capital": ("OCR capitalised import."),
    "notes.correction.prose_comment": (
        "A sentence of the slide between the code lines, kept as a comment."
    ),
    "notes.correction.completion": (
        "Not in the notes: they stop after self.features. The average pool, the"
        " classifier and forward() are completed as torchvision's VGG."
    ),
    # Errors (api/error_text.py and the domain errors): {field} is a query parameter's name.
    "error.validation.missing": "{field} is required.",
    "error.validation.integer": "{field} must be a whole number; got {got}.",
    "error.validation.number": "{field} must be a number; got {got}.",
    "error.validation.boolean": "{field} must be true or false; got {got}.",
    "error.validation.at_least": "{field} must be at least {limit}; got {got}.",
    "error.validation.above": "{field} must be more than {limit}; got {got}.",
    "error.validation.at_most": "{field} must be at most {limit}; got {got}.",
    "error.validation.below": "{field} must be less than {limit}; got {got}.",
    "error.validation.too_long": "{field} is too long: at most {limit} characters.",
    "error.validation.one_of": "{field} must be {expected}; got {got}.",
    "error.validation.other": (
        "{field} cannot be {got}; the API's page at /docs lists what it takes."
    ),
    "error.not_found": "No such path: {path}. The API is described at /docs.",
    "error.internal": "Internal server error; the server log has details.",
    "error.sizes.range": "{model} needs {min}–{max} px.",
    "error.sizes.at_least": (
        "{model} needs at least {min} px in height and in width (the two need not be equal)."
    ),
    "error.sizes.exactly": "{model} needs exactly {min} px.",
    "error.sizes.none": "{model} accepts no input size up to {cap} px.",
    "error.input_size": "{failure}: {sizes}",
    "error.range": "{field} must be between 1 and {cap}; got {value}.",
    "error.range_both": (
        "height and width must each be between 1 and {cap}; got {height} and {width}."
    ),
    "error.classes_range": "num_classes must be between 1 and {cap}; got {value}.",
    "error.not_classifier_classes": (
        "{model} is a building block with no classifier; leave num_classes out."
    ),
    "error.depth_choice": (
        "depth must be one of {choices} (ResNet-18/34 and their plain twins); got {depth}."
    ),
    "error.depth_range": "depth must be between {lo} and {hi} layers; got {depth}.",
    "error.compare_count": "Give between 1 and {max} model names to compare; got {n}.",
    "error.compare_repeat": "Each model may appear only once in models.",
    "error.compare_size": "size must be between 1 and {cap}; got {size}.",
    "error.top_k": (
        "top_k must be between 1 and {n} (the number of {model}'s classes); got {top_k}."
    ),
    "error.busy": (
        "The server is busy: {running} predictions are running and {waiting} are "
        "waiting; retry in a moment."
    ),
    "error.export_busy": (
        "Another ONNX export is still running after {seconds} s; try again in a minute."
    ),
    "compare.upscaled": (
        "{model} is made for {dataset}'s {own}×{own} images; shown at {size} px it costs "
        "{macs} mult-adds, {factor}× the {own_macs} it needs at its own size. No one runs "
        "it like this."
    ),
    "title.alexnet_2gpu": "AlexNet (two GPUs)",
    "title.plain": "Plain-{depth} (CIFAR, no skip connections)",
    "title.alexnet_torchvision": "AlexNet (torchvision, 64 channels)",
    "title.basicblock": "Residual block (identity shortcut)",
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
    # Errors of weight downloads, uploads, model loading, methods and the time limit.
    "error.weights.none_published": (
        "{model} has no published weights to fetch (published: {published}); train it, or "
        "install your own state dict with: python -m backend.weights import {model} FILE"
    ),
    "error.weights.downloads_off": (
        "This server does not download weights from the page (ALLOW_WEIGHT_DOWNLOADS is off);"
        " on the server, run: {command}"
    ),
    "error.weights.busy": (
        "{running}'s weights are downloading ({percent}); one download runs at a time, so "
        "start {model} when it has finished."
    ),
    "error.weights.already_trained": (
        "{model} already has trained weights; to fetch the published ones instead, remove "
        "them first: python -m backend.weights remove {model}"
    ),
    "error.upload.how": (
        "send multipart/form-data with the image in a field named 'file', JSON "
        '{{"image": "data:image/png;base64,..."}}, or the image itself as the body'
    ),
    "error.upload.multipart": "The multipart body could not be parsed ({reason}); {how}.",
    "error.upload.no_file": (
        "The multipart body has no file field named 'file' (fields: {found}); {how}."
    ),
    "error.load.cooling": (
        "{model} failed to load on {device} a moment ago ({kind}) and is not retried for "
        "another {left} s; the other models still work."
    ),
    "error.load.memory": (
        "There is not enough memory on {device} to load {model} right now ({kind}); try "
        "again in {retry} s or choose a smaller model."
    ),
    "error.load.failed": (
        "{model} could not be loaded on {device} ({kind}); the other models still work. "
        "Try again in {retry} s; the server log has details."
    ),
    "error.inference.memory_gpu": (
        "The GPU ran out of memory computing this request; try again in a moment, or "
        "with a smaller model or input."
    ),
    "error.inference.memory_server": (
        "The server ran out of memory computing this request; try again in a moment, or "
        "with a smaller model or input."
    ),
    "error.method": "{path} does not take {method}.",
    "error.method.use": "{path} does not take {method}. Use {allowed}.",
    "error.method.or": " or ",
    "error.timeout": (
        "The request took longer than {seconds} s and was stopped; try again, or with a "
        "smaller input."
    ),
}
