"""The summaries the API serves: computed once per parameter set and kept (an LRU)."""

import threading
from collections import OrderedDict

from backend.analysis.summary import (
    ModelSummary,
    SummaryCaps,
    SummaryParams,
    limit_depth,
    module_rows_only,
    summarize,
)
from backend.zoo.registry import ModelSpec


class SummaryService:
    """Summaries cached per parameter set (an LRU); errors are not cached. The HTTP answers
    are cached too, as JSON bytes: a repeated request costs no serialization at all."""

    def __init__(self, caps: SummaryCaps, cache_size: int, functional_rows: bool = True) -> None:
        self.caps = caps
        self.functional_rows = functional_rows  # False: torchinfo's rows alone (bench's A/B)
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, SummaryParams], ModelSummary] = OrderedDict()
        self._json: OrderedDict[tuple[str, SummaryParams, int | None, bool], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def cached(
        self,
        spec: ModelSpec,
        params: SummaryParams,
        depth: int | None = None,
        functional: bool = True,
    ) -> ModelSummary | None:
        """The summary if it is already computed (a dictionary look-up, safe on the event
        loop), else None: computing it is heavy work for the "analysis" lane."""
        key = (spec.name, params)
        with self._lock:
            summary = self._cache.get(key)
            if summary is None:
                return None
            self._cache.move_to_end(key)
        return self._shaped(summary, depth, functional)

    def cached_json(
        self,
        spec: ModelSpec,
        params: SummaryParams,
        depth: int | None = None,
        functional: bool = True,
    ) -> bytes | None:
        """`get_json`'s answer if it is already cached, else None (safe on the event loop)."""
        key = (spec.name, params, depth, functional)
        with self._lock:
            body = self._json.get(key)
            if body is not None:
                self._json.move_to_end(key)
            return body

    def get_json(
        self,
        spec: ModelSpec,
        params: SummaryParams,
        depth: int | None = None,
        functional: bool = True,
    ) -> bytes:
        """`get` as the JSON the API answers (pydantic-core's serializer, once per key)."""
        key = (spec.name, params, depth, functional)
        body = self.cached_json(spec, params, depth, functional)
        if body is not None:
            return body
        body = self.get(spec, params, depth, functional).model_dump_json().encode()
        with self._lock:
            self._json[key] = body
            while len(self._json) > self.cache_size:
                self._json.popitem(last=False)
        return body

    def get(
        self,
        spec: ModelSpec,
        params: SummaryParams,
        depth: int | None = None,
        functional: bool = True,
    ) -> ModelSummary:
        key = (spec.name, params)
        with self._lock:
            summary = self._cache.get(key)
            if summary is not None:
                self._cache.move_to_end(key)
        if summary is None:
            summary = summarize(spec, params, self.caps, functional_rows=self.functional_rows)
            with self._lock:
                self._cache[key] = summary
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return self._shaped(summary, depth, functional)

    @staticmethod
    def _shaped(summary: ModelSummary, depth: int | None, functional: bool) -> ModelSummary:
        if not functional:
            summary = module_rows_only(summary)
        return summary if depth is None else limit_depth(summary, depth)

    def default_params(self, spec: ModelSpec) -> SummaryParams:
        h, w = spec.default_size
        return SummaryParams(batch_size=1, height=h, width=w, num_classes=None)
