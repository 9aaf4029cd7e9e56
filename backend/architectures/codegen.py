"""A model as a self-contained Python file in the seed's style (GET /models/{name}/code).

VGG is `cfg` + `make_layers`, ResNet is `BasicBlock` (or the skip-less `PlainBlock`) +
`ResNet._make_layer`, SimpleCNN and AlexNet are written out layer by layer. The file builds a
network with exactly the server's parameter names and shapes (the tests run it in a
subprocess and compare state_dict shapes). Zoo models are written from their equivalent specs
(zoo_specs.py); the seed's standalone residual block has its own text.
"""

from backend.architectures.specs import (
    AlexNetSpec,
    ArchitectureSpec,
    ResNetSpec,
    SimpleCNNSpec,
    VGGSpec,
)

MODULE_ACT = {"relu": "nn.ReLU(inplace=True)", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()"}
FUNCTION_ACT = {"relu": "F.relu", "sigmoid": "torch.sigmoid", "tanh": "torch.tanh"}


def _header(title: str, name: str, trained: bool) -> list[str]:
    weights = (
        "The server has trained weights for it; load them with model.load_state_dict(...)."
        if trained
        else "Random weights: the network is untrained."
    )
    return [
        f'"""{title}, as CNN Explorer builds it (model name: {name}).',
        "",
        "Generated from its spec; the parameter names and shapes equal the server's model.",
        f'{weights}"""',
        "",
        "import torch",
        "import torch.nn.functional as F  # noqa: F401  (the residual and SimpleCNN forwards)",
        "from torch import nn",
        "",
    ]


def _footer(model_line: str, c: int, s: int) -> list[str]:
    return [
        "",
        "",
        model_line,
        "",
        'if __name__ == "__main__":',
        f"    x = torch.randn(1, {c}, {s}, {s})  # (batch, channels, height, width)",
        "    with torch.no_grad():",
        "        print(model(x).shape)",
        '    print(sum(p.numel() for p in model.parameters()), "parameters")',
        "",
    ]


def _vgg(spec: VGGSpec) -> list[str]:
    act = MODULE_ACT[spec.activation]
    last = [v for v in spec.cfg if v != "M"][-1]
    classifier = []
    width = f"{last} * 7 * 7"
    for h in spec.classifier:
        classifier += [f"            nn.Linear({width}, {h}),", f"            {act},"]
        classifier += ["            nn.Dropout(),"]
        width = str(h)
    classifier.append(f"            nn.Linear({width}, num_classes),")
    return [
        "# Numbers are conv output channels (3×3, padding 1); 'M' is a 2×2 max-pool, stride 2.",
        f"cfg = {spec.cfg!r}",
        "",
        "",
        f"def make_layers(cfg, batch_norm={spec.batch_norm}, in_channels={spec.in_channels}):",
        "    layers = []",
        "    for v in cfg:",
        "        if v == 'M':",
        "            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]",
        "        else:",
        "            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)",
        "            if batch_norm:",
        f"                layers += [conv2d, nn.BatchNorm2d(v), {act}]",
        "            else:",
        f"                layers += [conv2d, {act}]",
        "            in_channels = v",
        "    return nn.Sequential(*layers)",
        "",
        "",
        "class VGG(nn.Module):",
        f"    def __init__(self, num_classes={spec.num_classes}):",
        "        super().__init__()",
        "        self.features = make_layers(cfg)",
        "        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))",
        "        self.classifier = nn.Sequential(",
        *classifier,
        "        )",
        "",
        "    def forward(self, x):",
        "        x = self.features(x)",
        "        x = self.avgpool(x)",
        "        x = torch.flatten(x, 1)",
        "        x = self.classifier(x)",
        "        return x",
        *_footer(f"model = VGG(num_classes={spec.num_classes})", spec.in_channels, spec.input_size),
    ]


def _block(skip: bool, act: str) -> list[str]:
    name = "BasicBlock" if skip else "PlainBlock"
    lines = [
        f"class {name}(nn.Module):",
        "    expansion = 1",
        "",
        "    def __init__(self, in_channels, out_channels, stride=1, downsample=None):",
        "        super().__init__()",
        "        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride,",
        "                               padding=1, bias=False)",
        "        self.bn1 = nn.BatchNorm2d(out_channels)",
        "        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1,",
        "                               padding=1, bias=False)",
        "        self.bn2 = nn.BatchNorm2d(out_channels)",
    ]
    if skip:
        return [
            *lines,
            "        self.downsample = downsample",
            "",
            "    def forward(self, x):",
            "        identity = x",
            f"        out = {act}(self.bn1(self.conv1(x)))",
            "        out = self.bn2(self.conv2(out))",
            "        if self.downsample is not None:",
            "            identity = self.downsample(x)",
            "        out += identity  # Skip Connection 더하기",
            f"        return {act}(out)",
        ]
    return [
        *lines,
        "        # No skip connection, so no 1×1 downsample on a shortcut either.",
        "",
        "    def forward(self, x):",
        f"        out = {act}(self.bn1(self.conv1(x)))",
        "        out = self.bn2(self.conv2(out))",
        f"        return {act}(out)  # nothing carries the input past the block",
    ]


def _resnet(spec: ResNetSpec) -> list[str]:
    w0 = spec.widths[0]
    stem = (
        f"nn.Conv2d({spec.in_channels}, {w0}, kernel_size=3, stride=1, padding=1, bias=False)"
        if spec.stem == "cifar"
        else f"nn.Conv2d({spec.in_channels}, {w0}, kernel_size=7, stride=2, padding=3, bias=False)"
    )
    stages = [
        f"        self.layer{i + 1} = self._make_layer(block, {w}, layers[{i}], "
        f"stride={1 if i == 0 else 2})"
        for i, w in enumerate(spec.widths)
    ]
    maxpool = ["        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)"]
    block = "BasicBlock" if spec.skip else "PlainBlock"
    return [
        *_block(spec.skip, FUNCTION_ACT[spec.activation]),
        "",
        "",
        "class ResNet(nn.Module):",
        f"    def __init__(self, block, layers, num_classes={spec.num_classes}):",
        "        super().__init__()",
        f"        self.in_channels = {w0}",
        f"        self.conv1 = {stem}",
        f"        self.bn1 = nn.BatchNorm2d({w0})",
        f"        self.relu = {MODULE_ACT[spec.activation]}",
        *(maxpool if spec.stem == "imagenet" else []),
        *stages,
        "        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))",
        f"        self.fc = nn.Linear({spec.widths[-1]} * block.expansion, num_classes)",
        "",
        "    def _make_layer(self, block, out_channels, blocks, stride):",
        "        downsample = None",
        "        if stride != 1 or self.in_channels != out_channels * block.expansion:",
        "            downsample = nn.Sequential(",
        "                nn.Conv2d(self.in_channels, out_channels * block.expansion,",
        "                          kernel_size=1, stride=stride, bias=False),",
        "                nn.BatchNorm2d(out_channels * block.expansion),",
        "            )",
        "        layers = [block(self.in_channels, out_channels, stride, downsample)]",
        "        self.in_channels = out_channels * block.expansion",
        "        for _ in range(1, blocks):",
        "            layers.append(block(self.in_channels, out_channels))",
        "        return nn.Sequential(*layers)",
        "",
        "    def forward(self, x):",
        "        x = self.relu(self.bn1(self.conv1(x)))",
        *(["        x = self.maxpool(x)"] if spec.stem == "imagenet" else []),
        *[f"        x = self.layer{i + 1}(x)" for i in range(len(spec.widths))],
        "        x = self.avgpool(x)",
        "        x = torch.flatten(x, 1)",
        "        x = self.fc(x)",
        "        return x",
        *_footer(
            f"model = ResNet({block}, {spec.blocks!r}, num_classes={spec.num_classes})",
            spec.in_channels,
            spec.input_size,
        ),
    ]


def _simplecnn(spec: SimpleCNNSpec) -> list[str]:
    act = FUNCTION_ACT[spec.activation]
    convs, c = [], spec.in_channels
    for i, w in enumerate(spec.channels):
        convs.append(f"        self.conv{i + 1} = nn.Conv2d({c}, {w}, kernel_size=3, padding=1)")
        c = w
    side = spec.input_size
    for _ in spec.channels:
        side //= 2
    flat = f"{c} * {side} * {side}"
    return [
        "class SimpleCNN(nn.Module):",
        f"    def __init__(self, num_classes={spec.num_classes}):",
        "        super().__init__()",
        *convs,
        "        self.pool = nn.MaxPool2d(2, 2)",
        f"        self.fc1 = nn.Linear({flat}, {spec.hidden})",
        f"        self.fc2 = nn.Linear({spec.hidden}, num_classes)",
        "",
        "    def forward(self, x):",
        *[f"        x = self.pool({act}(self.conv{i + 1}(x)))" for i in range(len(spec.channels))],
        f"        x = x.view(-1, {flat})",
        f"        x = {act}(self.fc1(x))",
        "        x = self.fc2(x)",
        "        return x",
        *_footer(
            f"model = SimpleCNN(num_classes={spec.num_classes})", spec.in_channels, spec.input_size
        ),
    ]


def _alexnet(spec: AlexNetSpec, adaptive_pool: bool = False) -> list[str]:
    from backend.zoo.alexnet import alexnet_feature_side

    act = MODULE_ACT[spec.activation]
    c1, c2, c3, c4, c5 = spec.widths
    g2, g4, g5 = (f", groups={g}" if g != 1 else "" for g in spec.groups)
    side = 6 if adaptive_pool else alexnet_feature_side(spec.input_size)
    avgpool = ["        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))"] if adaptive_pool else []
    return [
        "class AlexNet(nn.Module):",
        f"    def __init__(self, num_classes={spec.num_classes}):",
        "        super().__init__()",
        "        self.features = nn.Sequential(",
        f"            nn.Conv2d({spec.in_channels}, {c1}, kernel_size=11, stride=4, padding=2),",
        f"            {act},",
        "            nn.MaxPool2d(kernel_size=3, stride=2),",
        f"            nn.Conv2d({c1}, {c2}, kernel_size=5, padding=2{g2}),",
        f"            {act},",
        "            nn.MaxPool2d(kernel_size=3, stride=2),",
        f"            nn.Conv2d({c2}, {c3}, kernel_size=3, padding=1),",
        f"            {act},",
        f"            nn.Conv2d({c3}, {c4}, kernel_size=3, padding=1{g4}),",
        f"            {act},",
        f"            nn.Conv2d({c4}, {c5}, kernel_size=3, padding=1{g5}),",
        f"            {act},",
        "            nn.MaxPool2d(kernel_size=3, stride=2),",
        "        )",
        *avgpool,
        "        self.classifier = nn.Sequential(",
        "            nn.Dropout(),",
        f"            nn.Linear({c5} * {side} * {side}, 4096),",
        f"            {act},",
        "            nn.Dropout(),",
        "            nn.Linear(4096, 4096),",
        f"            {act},",
        "            nn.Linear(4096, num_classes),",
        "        )",
        "",
        "    def forward(self, x):",
        "        x = self.features(x)",
        *(["        x = self.avgpool(x)"] if adaptive_pool else []),
        "        x = torch.flatten(x, 1)",
        "        x = self.classifier(x)",
        "        return x",
        *_footer(
            f"model = AlexNet(num_classes={spec.num_classes})", spec.in_channels, spec.input_size
        ),
    ]


def spec_code(
    spec: ArchitectureSpec,
    title: str,
    name: str,
    trained: bool = False,
    adaptive_pool: bool = False,  # AlexNet as torchvision writes it (alexnet_torchvision)
) -> str:
    if isinstance(spec, VGGSpec):
        body = _vgg(spec)
    elif isinstance(spec, ResNetSpec):
        body = _resnet(spec)
    elif isinstance(spec, SimpleCNNSpec):
        body = _simplecnn(spec)
    else:
        body = _alexnet(spec, adaptive_pool)
    return "\n".join([*_header(title, name, trained), "", *body])


def identity_block_code(name: str, channels: int, side: int) -> str:
    """The seed's standalone residual block (`basicblock`), which no spec family describes."""
    return "\n".join(
        [
            *_header("Residual block (identity shortcut)", name, False),
            "",
            "class BasicBlock(nn.Module):",
            f"    def __init__(self, in_channels={channels}):",
            "        super().__init__()",
            "        self.conv1 = nn.Conv2d(in_channels, in_channels, kernel_size=3, padding=1)",
            "        self.bn1 = nn.BatchNorm2d(in_channels)",
            "        self.conv2 = nn.Conv2d(in_channels, in_channels, kernel_size=3, padding=1)",
            "        self.bn2 = nn.BatchNorm2d(in_channels)",
            "",
            "    def forward(self, x):",
            "        identity = x  # Skip Connection 저장",
            "        out = F.relu(self.bn1(self.conv1(x)))",
            "        out = self.bn2(self.conv2(out))",
            "        out += identity  # Skip Connection 더하기",
            "        return F.relu(out)",
            *_footer(f"model = BasicBlock({channels})", channels, side),
        ]
    )
