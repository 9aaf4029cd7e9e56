"""The training lab's text (backend/lab): presets, data sets, lab networks, run
descriptions and refusals. ko_lab.py has the same keys and placeholders."""

TEXT: dict[str, str] = {
    "lab.preset.sigmoid-vs-relu.title": "Sigmoid vs ReLU: the same 8-layer stack trained on MNIST",
    "lab.preset.sigmoid-vs-relu.lesson": (
        "Measured here (CPU, 1 thread, seed 0, 3 epochs of the 4,000 mnist-5k digits, Adam "
        "1e-3): with ReLU the training loss fell 2.305 → 2.014 → 1.237 and held-out accuracy "
        "rose 10.1 % → 45.2 % → 75.1 %; with sigmoid the loss stayed at 2.313 → 2.305 → 2.304"
        " (ln 10 = 2.303 is guessing) and accuracy at 10.0 %, chance, in all three epochs. "
        "Eight sigmoids shrink the gradient reaching the first layers so much that they "
        "barely move. With plain SGD (momentum 0.9, lr 0.05) neither network left chance in 3"
        " epochs at this scale."
    ),
    "lab.preset.degradation.title": (
        "Degradation: plain-20 vs plain-56, ResNet-20 vs ResNet-56 on MNIST (2 epochs)"
    ),
    "lab.preset.degradation.lesson": (
        "Measured here (CPU, 1 thread, seed 0, 2 epochs of the 4,000 mnist-5k digits, batch "
        "64, SGD momentum 0.9, peak lr 0.1 one-cycle, weight decay 1e-4), final training loss"
        " / training accuracy / validation accuracy: plain-20 0.246 / 92.7 % / 96.4 %; "
        "plain-56 2.284 / 11.7 % / 11.9 %, still near chance (ln 10 = 2.303); ResNet-20 0.209"
        " / 93.6 % / 96.3 %; ResNet-56 0.299 / 91.4 % / 94.9 %. The deeper plain network "
        "trains worse on its own training data; with skip connections the 56-layer network "
        "trains almost as well as the 20-layer one (a little behind it at this budget; He et "
        "al. (2015, Fig. 6) see ResNet-56 end below ResNet-20 on CIFAR-10 after 64k "
        "iterations of batch 128, about 164 epochs). At a constant lr 0.1 (no warm-up) "
        "ResNet-56 did not train either: 2.026 / 21.1 % / 10.0 %, against ResNet-20's 0.204 /"
        " 93.7 % / 95.2 % (plain-20 0.401 / 87.5 % / 91.5 %, plain-56 2.284 / 11.8 % / 12.5 "
        "%)."
    ),
    "lab.preset.degradation-cifar10.title": (
        "Degradation on CIFAR-10: plain-20 vs plain-56, ResNet-20 vs ResNet-56"
    ),
    "lab.preset.degradation-cifar10.lesson": (
        "He et al. (2015, Fig. 6) report that on CIFAR-10 plain-56 ends with a higher "
        "training error than plain-20, while ResNet-56 ends lower than ResNet-20, after 64k "
        "iterations of batch 128 (about 164 epochs). Not measured here: this server has no "
        "CIFAR-10 in its data folder, and plain-20 averaged 42 to 397 images/s on MNIST here "
        "(1 CPU thread, a shared machine's varying load): 30 epochs of 50,000 images would "
        "take 1 to 10 hours for plain-20 alone."
    ),
    "lab.dataset.mnist-5k": "MNIST sample (offline): 4,000 training, 1,000 held-out digits",
    "lab.dataset.mnist": "MNIST (from DATA_DIR)",
    "lab.dataset.cifar10": "CIFAR-10 (from DATA_DIR)",
    # Lab networks and runs (lab/architectures.py, lab/service.py)
    "lab.stack.title": "{depth}-layer conv stack ({activation})",
    "lab.stack.description": (
        "{depth} plain 3×3 convolutions of {width} channels with {activation} after each, for "
        "MNIST: the training lab's activation experiment."
    ),
    "lab.run.title": "{title} · run {run}",
    "lab.run.description": (
        "{title} trained in the lab for {epochs} epoch(s) on {dataset} (seed {seed}): "
        "{accuracy} of {images} held-out images right."
    ),
    # Refusals (lab/service.py, store.py, runner.py, datasets.py, presets.py, api/training.py)
    "lab.not_classifier": "{model} is a building block with no classes; train a classifier.",
    "lab.epochs": "epochs {value} is over the limit of {limit} (TRAINING_MAX_EPOCHS).",
    "lab.train_images": (
        "train_images {value} is more than the {limit} this server trains on from {dataset} "
        "({size} there, TRAINING_MAX_IMAGES={cap})."
    ),
    "lab.validation_images": (
        "validation_images {value} is more than the {limit} held-out images of {dataset}."
    ),
    "lab.grey": "grey",
    "lab.colour": "colour",
    "lab.fit": (
        "{model} takes {have} images but {dataset} has {want} ({kind}). A custom spec in the "
        "architecture editor with in_channels: {channels} and a {height}×{width} input "
        "({classes} classes) would fit."
    ),
    "lab.fit_and": (
        "{model} takes {have} images but {dataset} has {want} ({kind}). A custom spec in the "
        "architecture editor with in_channels: {channels} and a {height}×{width} input "
        "({classes} classes) would fit, as do {fits}."
    ),
    "lab.max_runs": (
        "{count} runs are kept (TRAINING_MAX_RUNS={limit}); delete finished ones first "
        "(DELETE /training/runs/{{id}})."
    ),
    "lab.queue_full": (
        "The training queue is full: {running} run(s) training and {waiting} waiting "
        "(TRAINING_QUEUE_LIMIT={limit}); try again when one has finished, or cancel one."
    ),
    "lab.preset_unavailable": "The {name} experiment cannot run on this server: {problems}.",
    "lab.model_undefined": "the model {model} is not defined",
    "lab.unknown_preset": "Unknown experiment {name}; available: {names}.",
    "lab.run_not_found": "No training run {run}; GET /training/runs lists the runs there are.",
    "lab.run_not_done": "Run {run} is {status}; its checkpoint exists once it is done.",
    "lab.mnist_missing": (
        "MNIST is not in {folder} (missing {files}). The server never downloads data: on a "
        "machine with internet access run `python -m backend.train fetch mnist --data-dir "
        "{data_dir}`, or copy the four uncompressed MNIST files there; or train on mnist-5k, "
        "which needs nothing."
    ),
    "lab.cifar_missing": (
        "CIFAR-10 is not in {folder} (missing {files}). The server never downloads data: "
        "download {url} and extract it into {data_dir}, so that {folder}/data_batch_1 exists."
    ),
}
