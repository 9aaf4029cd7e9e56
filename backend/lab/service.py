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
    PerLanguage,
    RunStateError,
    UnknownExperimentError,
)
from backend.i18n import LANGUAGES, bilingual
from backend.lab.datasets import LAB_DATASETS, LabDataset, check_available
from backend.lab.presets import PRESETS, Preset, missing_texts
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
        raise NotAClassifierError(bilingual("lab.not_classifier", model=run.model))
    dataset = LAB_DATASETS[run.dataset]
    _check_fit(spec, dataset)
    if run.epochs > caps.training_max_epochs:
        raise InvalidParameterError(
            bilingual("lab.epochs", value=run.epochs, limit=caps.training_max_epochs),
            field="epochs",
            limit=caps.training_max_epochs,
        )
    train_cap = min(dataset.train_size, caps.training_max_images)
    if run.train_images is not None and run.train_images > train_cap:
        raise InvalidParameterError(
            bilingual(
                "lab.train_images",
                value=run.train_images,
                limit=train_cap,
                dataset=run.dataset,
                size=dataset.train_size,
                cap=caps.training_max_images,
            ),
            field="train_images",
            limit=train_cap,
        )
    if run.validation_images is not None and run.validation_images > dataset.heldout_size:
        raise InvalidParameterError(
            bilingual(
                "lab.validation_images",
                value=run.validation_images,
                limit=dataset.heldout_size,
                dataset=run.dataset,
            ),
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
        bilingual(
            "lab.fit_and" if fits else "lab.fit",
            model=spec.name,
            have=_shape(have),
            dataset=dataset.key,
            want=_shape(want),
            kind=bilingual("lab.grey" if channels == 1 else "lab.colour"),
            channels=channels,
            height=height,
            width=width,
            classes=dataset.zoo.num_classes,
            fits=", ".join(fits),
        ),
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
                bilingual(
                    "lab.max_runs", count=self.store.count(), limit=self.settings.training_max_runs
                )
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
        problems = missing_texts(preset, self.settings.data_dir)
        if problems:
            joined = {lang: "; ".join(p[lang].rstrip(".") for p in problems) for lang in LANGUAGES}
            raise RunStateError(
                bilingual("lab.preset_unavailable", name=name, problems=joined),
                missing=PerLanguage({lang: [p[lang] for p in problems] for lang in LANGUAGES}),
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
                bilingual("lab.unknown_preset", name=repr(name), names=", ".join(PRESETS)),
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
            title=bilingual("lab.run.title", title=base.title, run=record.id)["en"],
            dataset=dataset.zoo,
            input_shape=None,
            description=bilingual(
                "lab.run.description",
                title=base.title,
                epochs=record.settings.epochs,
                dataset=record.settings.dataset,
                seed=record.settings.seed,
                accuracy=accuracy,
                images=record.validation_images,
            ),
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
