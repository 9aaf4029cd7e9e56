"""The lab as the HTTP layer and the command line see it: start runs (checking every cap and
saying what would fit), list, cancel, delete, and serve a finished run as the model `run-<id>`
(a spec through the zoo's resolver hook, a checkpoint through the weight store's lookup)."""

import secrets
import threading
from dataclasses import replace

from backend.config import Settings
from backend.errors import (
    InvalidParameterError,
    NotAClassifierError,
    RunStateError,
    UnknownExperimentError,
)
from backend.lab.datasets import LAB_DATASETS, LabDataset, check_available
from backend.lab.presets import PRESETS, Preset, missing
from backend.lab.runner import LocalRunner, Runner
from backend.lab.settings import TERMINAL, RunSettings
from backend.lab.store import RUN_PREFIX, RunRecord, RunStore
from backend.lab.worker import Job
from backend.serving.weights import Checkpoint
from backend.zoo import ModelSpec, all_specs, get_spec, register_resolver


def _shape(shape: tuple[int, int, int]) -> str:
    return "×".join(map(str, shape))


def check_settings(run: RunSettings, caps: Settings) -> RunSettings:
    """Refuses settings outside the caps with a sentence; fills the data-size defaults."""
    spec = get_spec(run.model)  # 404 with the known names
    if not spec.is_classifier:
        raise NotAClassifierError(
            f"{run.model} is a building block with no classes; train a classifier."
        )
    dataset = LAB_DATASETS[run.dataset]
    _check_fit(spec, dataset)
    if run.epochs > caps.training_max_epochs:
        raise InvalidParameterError(
            f"epochs {run.epochs} is over the limit of {caps.training_max_epochs} "
            "(TRAINING_MAX_EPOCHS).",
            field="epochs",
            limit=caps.training_max_epochs,
        )
    train_cap = min(dataset.train_size, caps.training_max_images)
    if run.train_images is not None and run.train_images > train_cap:
        raise InvalidParameterError(
            f"train_images {run.train_images} is more than the {train_cap} this server "
            f"trains on from {run.dataset} ({dataset.train_size} there, "
            f"TRAINING_MAX_IMAGES={caps.training_max_images}).",
            field="train_images",
            limit=train_cap,
        )
    if run.validation_images is not None and run.validation_images > dataset.heldout_size:
        raise InvalidParameterError(
            f"validation_images {run.validation_images} is more than the "
            f"{dataset.heldout_size} held-out images of {run.dataset}.",
            field="validation_images",
            limit=dataset.heldout_size,
        )
    check_available(run.dataset, caps.data_dir)
    if run.train_images is None and dataset.train_size > train_cap:
        run = run.model_copy(update={"train_images": train_cap})
    return run


def _check_fit(spec: ModelSpec, dataset: LabDataset) -> None:
    want = dataset.zoo.input_shape
    have = spec.default_input_shape
    if have == want:
        return
    fits = [s.name for s in all_specs() if s.is_classifier and s.default_input_shape == want]
    channels, height, width = want
    raise InvalidParameterError(
        f"{spec.name} takes {_shape(have)} images but {dataset.key} has {_shape(want)} "
        f"({'grey' if channels == 1 else 'colour'}). A custom spec in the architecture "
        f"editor with in_channels: {channels} and a {height}×{width} input "
        f"({dataset.zoo.num_classes} classes) would fit"
        + (f", as do {', '.join(fits)}." if fits else "."),
        field="model",
        input_shape=list(want),
        models_that_fit=fits,
    )


class Lab:
    def __init__(self, settings: Settings, runner: Runner | None = None) -> None:
        self.settings = settings
        self.store = RunStore(settings.runs_dir)
        self.runner: Runner = runner or LocalRunner(
            self.store,
            settings.training_concurrency,
            settings.training_queue_limit,
            settings.training_isolation,
        )
        self._specs: dict[str, ModelSpec] = {}
        self._start_lock = threading.Lock()  # room check and queueing as one step
        self._unregister = register_resolver(self.resolve)

    def close(self) -> None:
        self._unregister()
        self.runner.close()

    # -- starting ------------------------------------------------------------------------
    def check(self, run: RunSettings) -> RunSettings:
        return check_settings(run, self.settings)

    def _job(self, record: RunRecord) -> Job:
        return Job(
            run_id=record.id,
            settings=record.settings.model_dump(),
            run_dir=str(self.store.run_dir(record.id)),
            data_dir=str(self.settings.data_dir),
            cache_dir=str(self.store.cache_dir),
            device=self.settings.device,
            threads=self.settings.training_threads,
            max_seconds=self.settings.training_max_seconds,
        )

    def _room_for(self, runs: int) -> None:
        if self.store.count() + runs > self.settings.training_max_runs:
            raise RunStateError(
                f"{self.store.count()} runs are kept (TRAINING_MAX_RUNS="
                f"{self.settings.training_max_runs}); delete finished ones first "
                "(DELETE /training/runs/{id}).",
            )
        if not self.runner.has_room(runs):
            raise self.runner.refusal()

    def start(self, run: RunSettings) -> RunRecord:
        run = self.check(run)
        with self._start_lock:
            self._room_for(1)
            record = self.store.create(run)
            self.runner.submit(record.id, self._job(record))
        return record

    def start_preset(self, name: str) -> tuple[str, list[RunRecord]]:
        preset = self.preset(name)
        problems = missing(preset, self.settings.data_dir)
        if problems:
            raise RunStateError(
                f"The {name} experiment cannot run on this server: "
                f"{'; '.join(p.rstrip('.') for p in problems)}.",
                missing=problems,
            )
        checked = [(label, self.check(s)) for label, s in preset.runs]
        group = secrets.token_hex(3)
        with self._start_lock:
            self._room_for(len(checked))
            records = []
            for label, settings in checked:
                record = self.store.create(settings, group=group, preset=name, label=label)
                self.runner.submit(record.id, self._job(record))
                records.append(record)
        return group, records

    def preset(self, name: str) -> Preset:
        preset = PRESETS.get(name)
        if preset is None:
            raise UnknownExperimentError(
                f"Unknown experiment {name!r}; available: {', '.join(PRESETS)}.",
                available=list(PRESETS),
            )
        return preset

    # -- stopping ------------------------------------------------------------------------
    def cancel_or_delete(self, run_id: str) -> RunRecord | None:
        """Cancels a queued or running run (returns it); deletes a finished one (None)."""
        record = self.store.get(run_id)
        if record.status in TERMINAL:
            self._specs.pop(run_id, None)
            self.store.delete(run_id)
            return None
        self.store.request_cancel(run_id)
        self.runner.cancel(run_id)
        return self.store.get(run_id)

    # -- a finished run as a model ----------------------------------------------------------
    def _done_run(self, name: str) -> RunRecord | None:
        if not name.startswith(RUN_PREFIX):
            return None
        record = self.store.peek(name.removeprefix(RUN_PREFIX))
        if record is None or record.status != "done":
            return None
        return record

    def resolve(self, name: str) -> ModelSpec | None:
        record = self._done_run(name)
        if record is None:
            return None
        cached = self._specs.get(record.id)
        if cached is not None:
            return cached
        base = get_spec(record.settings.model)
        dataset = LAB_DATASETS[record.settings.dataset]
        accuracy = f"{(record.val_accuracy or 0):.1%}"
        spec = replace(
            base,
            name=name,
            title=f"{base.title} · run {record.id}",
            dataset=dataset.zoo,
            input_shape=None,
            description={
                "en": f"{base.title} trained in the lab for {record.settings.epochs} epoch(s) "
                f"on {record.settings.dataset} (seed {record.settings.seed}): "
                f"{accuracy} of {record.validation_images} held-out images right.",
                "ko": f"학습 실험실에서 {record.settings.dataset}로 {record.settings.epochs}에폭 "
                f"학습한 {base.title} (시드 {record.settings.seed}): 검증 이미지 "
                f"{record.validation_images}장 중 {accuracy} 정답.",
            },
        )
        self._specs[record.id] = spec
        return spec

    def checkpoint(self, name: str) -> Checkpoint | None:
        record = self._done_run(name)
        if record is None:
            return None
        path = self.store.checkpoint_path(record.id)
        try:
            st = path.stat()
        except OSError:
            return None
        return Checkpoint(name, path, "run", (st.st_ino, st.st_size, st.st_mtime_ns))
