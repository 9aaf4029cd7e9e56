"""Operations a model's own `forward()` does without a module: the rows torchinfo cannot see.

torchinfo lists modules; SimpleCNN's `F.relu(...)` and `x.view(-1, 64 * 7 * 7)`, and the
BasicBlock's `F.relu(self.bn1(...))`, `out += identity` and `return F.relu(out)` are plain
function calls inside `forward()`, so a summary shows a BasicBlock with no ReLU at all. One
meta-device forward pass under a `TorchFunctionMode` (no global registries, unlike torch.fx's
tracer: safe while other summaries run) records every call of the operations below that is
made directly by a model-defined `forward()` (not by torch's own modules: nn.ReLU calls
F.relu too, and already has its row), with its operand shapes and the line that calls it.

Module forward pre-hooks count module calls, so each operation knows how many torchinfo rows
(one per module call, containers first) precede it: that places it in execution order.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any
from weakref import WeakKeyDictionary

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

# resolved torch name -> (row type, how the code writes it). Only operations that change or
# gate the data; shape queries (.size(), .dim()) and copies are left out.
FUNCTIONAL_OPS: dict[str, tuple[str, str]] = {
    "torch.nn.functional.relu": ("relu", "F.relu"),
    "torch.relu": ("relu", "torch.relu"),
    "torch.relu_": ("relu", "torch.relu_"),
    "torch.Tensor.relu": ("relu", ".relu()"),
    "torch.Tensor.relu_": ("relu", ".relu_()"),
    "torch.nn.functional.leaky_relu": ("leaky_relu", "F.leaky_relu"),
    "torch.nn.functional.gelu": ("gelu", "F.gelu"),
    "torch.nn.functional.sigmoid": ("sigmoid", "F.sigmoid"),
    "torch.sigmoid": ("sigmoid", "torch.sigmoid"),
    "torch.Tensor.sigmoid": ("sigmoid", ".sigmoid()"),
    "torch.nn.functional.tanh": ("tanh", "F.tanh"),
    "torch.tanh": ("tanh", "torch.tanh"),
    "torch.Tensor.tanh": ("tanh", ".tanh()"),
    "torch.nn.functional.softmax": ("softmax", "F.softmax"),
    "torch.nn.functional.log_softmax": ("log_softmax", "F.log_softmax"),
    "torch.nn.functional.dropout": ("dropout", "F.dropout"),
    "torch.nn.functional.max_pool2d": ("max_pool2d", "F.max_pool2d"),
    "torch.nn.functional._max_pool2d": ("max_pool2d", "F.max_pool2d"),
    "torch.nn.functional.avg_pool2d": ("avg_pool2d", "F.avg_pool2d"),
    "torch._C._nn.avg_pool2d": ("avg_pool2d", "F.avg_pool2d"),
    "torch.nn.functional.adaptive_avg_pool2d": ("adaptive_avg_pool2d", "F.adaptive_avg_pool2d"),
    "torch.Tensor.view": ("view", ".view()"),
    "torch.Tensor.reshape": ("reshape", ".reshape()"),
    "torch.reshape": ("reshape", "torch.reshape"),
    "torch.flatten": ("flatten", "torch.flatten"),
    "torch.Tensor.flatten": ("flatten", ".flatten()"),
    "torch.add": ("add", "torch.add"),
    "torch.Tensor.add": ("add", ".add()"),
    "torch.Tensor.add_": ("add", ".add_()"),
    "torch.Tensor.__add__": ("add", "+"),
    "torch.Tensor.__radd__": ("add", "+"),
    "torch.Tensor.__iadd__": ("add", "+="),
    "torch.mul": ("mul", "torch.mul"),
    "torch.Tensor.__mul__": ("mul", "*"),
    "torch.Tensor.__imul__": ("mul", "*="),
    "torch.cat": ("cat", "torch.cat"),
}


def _resolve(dotted: str) -> Any:
    obj: Any = torch
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part, None)
    return obj


# The function objects themselves: the mode sees every tensor operation of the pass (torchinfo's
# bookkeeping included), so the test for "one of ours" must be one dictionary lookup.
_BY_FUNCTION: dict[Any, tuple[str, str]] = {
    f: kind for name, kind in FUNCTIONAL_OPS.items() if (f := _resolve(name)) is not None
}


@dataclass
class FunctionalCall:
    """One operation called by a model-defined forward(), in execution order."""

    name: str  # "<parent>.<type>#<k>": k counts this type within its parent, from 1
    type: str  # "relu", "view", "add", ...
    call: str  # as the code writes it: "F.relu", ".view()", "+="
    parent: str | None  # module whose forward() calls it; None: the model's own forward
    after: int  # module calls (summary rows) started before it
    input_shapes: list[list[int]]
    output_shape: list[int]
    filename: str | None  # the file of that forward()
    line: int | None  # 1-based line in that file
    code: str | None = None  # that line, stripped


@dataclass
class FunctionalTrace:
    calls: list[FunctionalCall] = field(default_factory=list)
    # module name -> the line(s) of the parent forward() that call it, one per call (modules
    # whose caller is torch's own code are not listed)
    module_calls: dict[str, list[int | None]] = field(default_factory=dict)
    module_call_count: int = 0  # module calls of the pass, the model's own excluded


def _tensors(value: Any) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _tensors(v)]
    return []


def _is_model_code(module: nn.Module) -> bool:
    """Defined by the model's author, not one of torch's own modules (whose forward we trust)."""
    return not type(module).__module__.startswith("torch.")


def _caller_line(code: CodeType | None, frame: FrameType | None) -> tuple[str | None, int | None]:
    """The line of the frame running `code` (a module's forward) above `frame`."""
    while frame is not None and code is not None:
        if frame.f_code is code:
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None, None


@dataclass(frozen=True)
class _HookPlan:
    """What the hooks need to know about a model's module tree: computed once per instance."""

    names: dict[nn.Module, str]
    model_code: frozenset[nn.Module]  # modules whose forward() is the model author's
    forward_code: dict[nn.Module, CodeType]  # those modules' forward() code objects
    hooked: tuple[nn.Module, ...]
    unseen: dict[nn.Module, int]  # module calls a hooked module makes without hooks


def _modules_to_hook(model: nn.Module) -> tuple[list[nn.Module], dict[nn.Module, int]]:
    """The modules whose calls need hooks, and for each, the module calls it makes unseen.

    A subtree of torch's own modules under another of torch's own (VGG's `features.0`…
    `features.30` under its Sequential, a downsample's conv and BatchNorm) can call no
    functional operation that gets a row, so it needs no hooks: its calls are counted when its
    hooked ancestor returns (torch's containers run each child once). Hooks cost; VGG16 goes
    from 40 hooked modules to 4.
    """
    has_model_code: dict[nn.Module, bool] = {}

    def visit(module: nn.Module) -> bool:
        found = _is_model_code(module)
        for child in module.children():
            found = visit(child) or found
        has_model_code[module] = found
        return found

    visit(model)
    hooked: list[nn.Module] = []
    unseen: dict[nn.Module, int] = {}

    def walk(module: nn.Module, parent_is_model_code: bool) -> None:
        if module is not model and not (has_model_code[module] or parent_is_model_code):
            return
        hooked.append(module)
        for child in module.children():
            if has_model_code[child] or _is_model_code(module):
                walk(child, _is_model_code(module))
            else:
                unseen[module] = unseen.get(module, 0) + sum(1 for _ in child.modules())

    walk(model, False)
    return hooked, unseen


# Per model instance (the summaries' meta instances are cached and never change their tree):
# walking the tree and naming its modules was 15 of simplecnn's 64 µs of recording set-up per
# summary, 107 of vgg16's 144.
_PLANS: WeakKeyDictionary[nn.Module, _HookPlan] = WeakKeyDictionary()


def _plan(model: nn.Module) -> _HookPlan:
    plan = _PLANS.get(model)
    if plan is None:
        names = {m: n for n, m in model.named_modules()}
        model_code = frozenset(m for m in names if _is_model_code(m))
        hooked, unseen = _modules_to_hook(model)
        plan = _HookPlan(
            names=names,
            model_code=model_code,
            forward_code={
                m: code
                for m in model_code
                if (code := getattr(type(m).forward, "__code__", None)) is not None
            },
            hooked=tuple(hooked),
            unseen=unseen,
        )
        _PLANS[model] = plan
    return plan


class _Recorder(TorchFunctionMode):
    """Hooks, in the order torch runs them around a hooked module's call (a summary tool's own
    hooks, registered after the early ones and before the late ones, run with dispatch off):

    - early pre-hook `enter`: count the call, dispatch off;
    - late pre-hook `enter_body` (model code only): dispatch on for its forward() body;
    - early forward hook `leave` (model code only): dispatch off;
    - late forward hook `leave_body`: back in the caller's body, dispatch on if that is model
      code. Torch's own modules need neither middle hook: dispatch stays off from `enter` on.
    """

    def __init__(self, model: nn.Module, module_lines: bool) -> None:
        super().__init__()
        self.module_lines = module_lines
        self.plan = _plan(model)
        self.names = self.plan.names
        self.model_code = self.plan.model_code
        self.model = model
        self.running: list[nn.Module] = []
        self.started = 0  # module calls begun, the model's own call excluded
        self.trace = FunctionalTrace()
        self._counts: dict[tuple[str | None, str], int] = {}
        # While one of torch's own modules runs (with a summary tool's hooks around it), torch
        # functions are not dispatched to this mode at all: ~3.5 µs per tensor operation saved.
        self._off: Any = None
        self._late = False
        self.handles: list[Any] = []

    def _dispatch(self, on: bool) -> None:
        if on:
            if self._off is not None:
                self._off.__exit__(None, None, None)
                self._off = None
        elif self._off is None:
            self._off = torch._C.DisableTorchFunction()
            self._off.__enter__()

    def close(self) -> None:
        self._dispatch(True)
        self.trace.module_call_count = self.started

    def enter(self, module: nn.Module, args: tuple) -> None:
        """First pre-hook of every hooked module (before a summary tool's own)."""
        if module is self.model:
            self._hook_late()
        else:
            if self.module_lines:
                line = None
                code = self.plan.forward_code.get(self.running[-1]) if self.running else None
                if code is not None:
                    _, line = _caller_line(code, sys._getframe(1))
                self.trace.module_calls.setdefault(self.names[module], []).append(line)
            self.started += 1
        self._dispatch(False)  # the other pre-hooks (torchinfo's bookkeeping) run unseen
        self.running.append(module)

    def enter_body(self, module: nn.Module, args: tuple) -> None:
        """Last pre-hook of a model-code module: its forward() body starts."""
        self._dispatch(True)

    def leave(self, module: nn.Module, args: tuple, output: Any) -> None:
        """First forward hook of the model's and model-code modules: the body is done."""
        self._dispatch(False)

    def leave_body(self, module: nn.Module, args: tuple, output: Any) -> None:
        """Last forward hook: back in the caller's forward() body."""
        self.running.pop()
        self.started += self.plan.unseen.get(module, 0)
        self._dispatch(bool(self.running) and self.running[-1] in self.model_code)

    def hook(self) -> None:
        for m in self.plan.hooked:
            self.handles.append(m.register_forward_pre_hook(self.enter, prepend=True))
            if m is self.model:
                self.handles.append(m.register_forward_hook(self.leave_model, prepend=True))
            elif m in self.model_code:
                self.handles.append(m.register_forward_hook(self.leave, prepend=True))

    def leave_model(self, module: nn.Module, args: tuple, output: Any) -> None:
        """The model's own call has no late hooks (a summary tool's come after): its first
        forward hook does what `leave_body` does for the others, then dispatch goes off."""
        self.running.pop()
        self.started += self.plan.unseen.get(module, 0)
        self._dispatch(False)

    def _hook_late(self) -> None:
        """From the model's own pre-hook: by now a summary tool has added its hooks, so these
        run after them. (The model's own call gets none: `recording` wraps its forward.)"""
        if self._late:
            return
        self._late = True
        for m in self.plan.hooked:
            if m is not self.model:
                if m in self.model_code:
                    self.handles.append(m.register_forward_pre_hook(self.enter_body))
                self.handles.append(m.register_forward_hook(self.leave_body))

    def unhook(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles.clear()

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        result = func(*args, **(kwargs or {}))
        known = _BY_FUNCTION.get(func)
        if known is None or not self.running:
            return result
        owner = self.running[-1]
        code_object = self.plan.forward_code.get(owner)
        if code_object is None:  # inside one of torch's own modules (nn.ReLU calls F.relu)
            return result
        operands = _tensors(args) + _tensors(list((kwargs or {}).values()))
        outputs = _tensors(result)
        if not operands or not outputs:
            return result
        kind, written = known
        parent = self.names[owner] or None
        filename, line = _caller_line(code_object, sys._getframe(1))
        if line is None:
            return result  # not called by that forward() (a summary tool's hook, for one)
        k = self._counts.get((parent, kind), 0) + 1
        self._counts[(parent, kind)] = k
        code = linecache.getline(filename, line).strip() if filename else ""
        if written == ".add_()" and "+=" in code:
            written = "+="
        self.trace.calls.append(
            FunctionalCall(
                name=f"{parent + '.' if parent else ''}{kind}#{k}",
                type=kind,
                call=written,
                parent=parent,
                after=self.started,
                input_shapes=[list(t.shape) for t in operands if t.dim() > 0][:2],
                output_shape=list(outputs[0].shape),
                filename=filename,
                line=line,
                code=code.split("  #")[0].strip() or None,
            )
        )
        return result


@contextmanager
def recording(model: nn.Module, module_lines: bool = False) -> Iterator[FunctionalTrace]:
    """Record the functional calls of every forward pass of `model` run inside the block;
    with `module_lines`, also the line of the parent forward() that calls each module
    (`module_calls`, for the source map: a frame walk per module call, which a summary
    does not need).

    Used around torchinfo's own pass, so a summary costs one forward, not two. Torch function
    dispatch (the mode) is on only inside model-defined forward() bodies: hooks before
    torchinfo's switch it off, hooks after them switch it back on (see `_Recorder`).
    """
    recorder = _Recorder(model, module_lines)
    recorder.hook()

    def forward_body(*args: Any, **kwargs: Any) -> Any:
        # The model's own call gets no late pre-hook (torchinfo adds its hooks after ours, in
        # the call that runs the pass), so its body switches dispatch on itself. An instance
        # attribute shadows the class's forward for this pass only; the summary holds its lock.
        recorder._dispatch(True)
        return type(model).forward(model, *args, **kwargs)

    model.forward = forward_body  # type: ignore[method-assign]
    try:
        with recorder:
            # Off until the model's body starts: the summary tool's own set-up (moving the
            # model to its device, grad mode, eval()) is hundreds of torch calls (ResNet-18: 600).
            recorder._dispatch(False)
            try:
                yield recorder.trace
            finally:
                recorder.close()  # a forward that raised left a module's dispatch switched off
    finally:
        del model.forward
        recorder.unhook()


def trace_functional(model: nn.Module, input_shape: tuple[int, ...]) -> FunctionalTrace:
    """One forward pass on `meta`; raises what the forward raises (the caller checks sizes)."""
    with torch.no_grad(), recording(model, module_lines=True) as trace:
        model(torch.empty(input_shape, device="meta"))
    return trace
