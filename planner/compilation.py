"""When and how the planner's inner loop is compiled with torch.compile.

On CUDA many small kernel launches dominate a plan; on the CPU it is the per-operation overhead of
eager PyTorch (measured on 2 cores: a 512 x 16 rollout takes 6.2 ms eager, 2.1 ms of it matrix
products). torch.compile fuses the normalisations, activations and the cost into a few kernels (the
CPU backend generates C++, so it needs a C++ compiler). Compiling is paid once per process and shape;
inductor's on-disk cache makes later processes cheaper. Whatever goes wrong, planning goes on eagerly,
and the reason is said once, in one line.
"""

from __future__ import annotations

import functools
import inspect
import os
import shutil
import time
import warnings
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

import torch
from torch.utils._pytree import tree_map_only

from actjepa.planner.config import PlannerConfig
from actjepa.planner.protocol import LatentModel

Fn = TypeVar("Fn", bound=Callable[..., Any])

_SAID: set[str] = set()
_CACHE: weakref.WeakKeyDictionary[LatentModel, dict[Hashable, CompiledWithFallback]] = weakref.WeakKeyDictionary()


def say_once(reason: str) -> None:
    """Warn (one line) that planning runs eagerly, once per reason and process."""
    if reason not in _SAID:
        _SAID.add(reason)
        warnings.warn(f"planner: {reason}; planning eagerly", RuntimeWarning, stacklevel=3)


@functools.cache
def cpp_compiler() -> str | None:
    """The C++ compiler torch.compile's CPU backend would use ($CXX, else g++, c++ or clang++), or None; looked
    up once per process (every plan asks)."""
    names = [os.environ["CXX"]] if os.environ.get("CXX") else ["g++", "c++", "clang++"]
    return next((path for name in names if (path := shutil.which(name))), None)


def torch_compile_disabled() -> bool:
    """True when torch.compile is switched off for the process (TORCH_COMPILE_DISABLE=1 or TORCHDYNAMO_DISABLE=1)."""
    return bool(torch._dynamo.config.disable) or os.environ.get("TORCHDYNAMO_DISABLE", "") == "1"


def compile_reason(cfg: PlannerConfig, device: torch.device, model: LatentModel) -> str | None:
    """None when this plan should be compiled, else why not (said to the user unless compile='off').

    'auto' compiles models that declare `compilable = True` (their rollout is plain tensor code), on CUDA
    or on a CPU with a C++ compiler; 'on' compiles any model; 'off' never compiles."""
    if cfg.compile == "off" or torch_compile_disabled():
        return "off"
    if device.type == "cpu" and cpp_compiler() is None:
        return "no C++ compiler found for torch.compile on the CPU (install g++ or set CXX)"
    if cfg.compile == "auto" and not getattr(model, "compilable", False):
        return "off"  # e.g. a simulator oracle: nothing to compile, nothing to say
    return None


def compile_failure(exc: Exception) -> str:
    """The one-line reason said when torch.compile fails: the exception's type and first line."""
    return f"torch.compile failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"


RECOMPILE_LIMIT = 64
"Compiled variants allowed per planner function (torch's default of 8 sent later configurations back to eager)."


def recompile_options() -> dict[str, Any]:
    """torch.compile arguments that give each compiled function its own guards and cache (the round's code object
    is shared by every model and configuration). Releases of torch that lack them (before 2.13) get the same
    limit process-wide instead."""
    accepted = inspect.signature(torch.compile).parameters
    if "isolate_recompiles" in accepted and "recompile_limit" in accepted:
        return {"isolate_recompiles": True, "recompile_limit": RECOMPILE_LIMIT}
    config = torch._dynamo.config
    name = "recompile_limit" if hasattr(config, "recompile_limit") else "cache_size_limit"
    setattr(config, name, max(getattr(config, name), RECOMPILE_LIMIT))
    return {}


class CompiledWithFallback:
    """A torch.compile'd function that runs eagerly, for good and said once, if compiling or running it fails.

    `compile_seconds` adds up the time of the calls that compiled (new shapes), so that benchmarks can
    report compile time apart from plan time."""

    def __init__(self, eager: Callable[..., Any], device: torch.device) -> None:
        self.eager = eager
        self.device = device
        mode = "reduce-overhead" if device.type == "cuda" else None  # CUDA graphs on CUDA only
        self.compile_seconds = 0.0
        self._frames = 0
        try:
            self.compiled: Callable[..., Any] | None = torch.compile(eager, mode=mode, **recompile_options())
        except Exception as exc:  # noqa: BLE001 - a torch.compile that refuses these arguments: run eagerly
            say_once(compile_failure(exc))
            self.compiled = None

    def __call__(self, *args: Any) -> Any:
        if self.compiled is None:
            return self.eager(*args)
        counters = torch._dynamo.utils.counters["stats"]
        before, start = counters["unique_graphs"], time.perf_counter()
        try:
            out = self.compiled(*args)
        except Exception as exc:  # noqa: BLE001 - any backend failure means: run eagerly
            say_once(compile_failure(exc))
            self.compiled = None
            return self.eager(*args)
        if counters["unique_graphs"] != before:
            self.compile_seconds += time.perf_counter() - start
        if self.device.type != "cuda":
            return out
        # CUDA-graph outputs are overwritten by the next replay: keep copies (of every tensor in a tuple of them).
        return tree_map_only(torch.Tensor, torch.Tensor.clone, out)


def compiled_or_eager(
    model: LatentModel, cfg: PlannerConfig, device: torch.device, key: Hashable, build: Callable[[], Fn]
) -> Fn:
    """build() itself when this plan runs eagerly, else its compiled version, made once per model and key."""
    reason = compile_reason(cfg, device, model)
    if reason is not None:
        if reason != "off":
            say_once(reason)
        return build()
    try:
        cache = _CACHE.setdefault(model, {})
    except TypeError:  # a model that cannot be weakly referenced: compile without caching
        return cast(Fn, CompiledWithFallback(build(), device))
    full_key = (key, device.type)
    if full_key not in cache:
        cache[full_key] = CompiledWithFallback(build(), device)
    return cast(Fn, cache[full_key])


def compile_seconds(model: LatentModel) -> float:
    """Seconds spent compiling the planner's functions for this model so far in this process."""
    try:
        fns = _CACHE.get(model, {})
    except TypeError:
        return 0.0
    return sum(fn.compile_seconds for fn in fns.values())
