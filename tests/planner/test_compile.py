"""The compiled search plans what the eager search plans, and planning falls back to eager, saying so once."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pytest
import torch
from torch.utils._pytree import tree_leaves

import actjepa.planner.compilation as compilation
from actjepa.benchmarks.perf.planner import default_model, planner_config
from actjepa.planner import plan
from actjepa.planner.search_round import Elites, RoundResult


@pytest.fixture
def dynamo_on():
    """The suite plans eagerly (tests/conftest.py); these tests switch torch.compile back on."""
    with torch._dynamo.config.patch(disable=False):
        yield
    torch._dynamo.reset()


def reacher_plan_inputs(batch: int):
    torch.manual_seed(0)  # the same (untrained) model every run
    model, _ = default_model("cpu")
    generator = torch.Generator().manual_seed(3)
    obs = torch.randn(batch, model.context_len, *model.cfg.obs_shape, generator=generator)
    goal = torch.randn(batch, *model.cfg.obs_shape, generator=generator)
    with torch.inference_mode():
        return model, model.encode(obs), model.encode_goal(goal)


def plan_with(model, z0, z_goal, cfg, **kw):
    with torch.inference_mode():
        return plan(model, z0, z_goal, cfg, prior=model, seeds=list(range(z0.shape[0])), **kw)


@pytest.mark.slow
@pytest.mark.skipif(compilation.cpp_compiler() is None, reason="torch.compile on the CPU needs a C++ compiler")
@pytest.mark.parametrize(
    ("budget", "memory_mb"),
    # Small budgets keep the cold-cache compile short; 0.5 MB: 7 chunks of 10, the last one padded. The default
    # budget is compared in docs/planner_speed.md (10 models).
    [((64, 8, 3), None), ((64, 8, 3), 0.5)],
)
def test_compiled_and_eager_plans_give_the_same_actions(dynamo_on, budget, memory_mb):
    model, z0, z_goal = reacher_plan_inputs(batch=3)
    cfg = replace(planner_config(budget, replan_every=4), memory_budget_mb=memory_mb)
    eager = plan_with(model, z0, z_goal, replace(cfg, compile="off"))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="planner:")  # a fallback to eager would say so: it must not
        compiled = plan_with(model, z0, z_goal, replace(cfg, compile="auto"))
        warm = plan_with(model, z0, z_goal, replace(cfg, compile="auto"), warm_start=eager.mean)
    assert compilation.compile_seconds(model) > 0  # it did compile
    assert (compiled.actions - eager.actions).abs().max() <= 1e-5
    assert (compiled.cost_history - eager.cost_history).abs().max() <= 1e-5
    warm_eager = plan_with(model, z0, z_goal, replace(cfg, compile="off"), warm_start=eager.mean)
    assert (warm.actions - warm_eager.actions).abs().max() <= 1e-5


def test_without_a_cpp_compiler_planning_is_eager_and_says_why_once(dynamo_on, monkeypatch):
    monkeypatch.setattr(compilation, "cpp_compiler", lambda: None)
    monkeypatch.setattr(compilation, "_SAID", set())
    model, z0, z_goal = reacher_plan_inputs(batch=2)
    cfg = planner_config((32, 4, 2), replan_every=4, compile="auto")
    with pytest.warns(RuntimeWarning, match=r"no C\+\+ compiler found .* planning eagerly") as record:
        first = plan_with(model, z0, z_goal, cfg)
        plan_with(model, z0, z_goal, cfg)
    assert len(record) == 1 and "\n" not in str(record[0].message)
    assert torch.equal(first.actions, plan_with(model, z0, z_goal, replace(cfg, compile="off")).actions)
    assert compilation.compile_seconds(model) == 0


def _compile_that_fails_when_run(fn, **kw):
    def run(*args):
        raise RuntimeError("backend exploded\nwith a long story")

    return run


def _compile_that_refuses_its_arguments(fn, **kw):
    raise TypeError("compile() got an unexpected keyword argument 'mode'")


@pytest.mark.parametrize(
    ("fake_compile", "says"),
    [
        (_compile_that_fails_when_run, "torch.compile failed \\(RuntimeError: backend exploded\\)"),
        (_compile_that_refuses_its_arguments, "torch.compile failed \\(TypeError: compile\\(\\) got an"),
    ],
)
def test_a_failing_compile_falls_back_to_eager_once(dynamo_on, monkeypatch, fake_compile, says):
    monkeypatch.setattr(torch, "compile", fake_compile)
    monkeypatch.setattr(compilation, "_SAID", set())
    model, z0, z_goal = reacher_plan_inputs(batch=2)
    cfg = planner_config((32, 4, 2), replan_every=4, compile="auto")
    with pytest.warns(RuntimeWarning, match=says) as record:
        first = plan_with(model, z0, z_goal, cfg)
        plan_with(model, z0, z_goal, cfg)
    assert len(record) == 1
    assert torch.equal(first.actions, plan_with(model, z0, z_goal, replace(cfg, compile="off")).actions)


def test_a_torch_compile_without_per_function_guards_gets_the_limit_process_wide(dynamo_on, monkeypatch):
    """torch 2.11's compile() has no isolate_recompiles or recompile_limit: passing them crashed every plan."""
    calls = []

    def older_compile(model, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None):
        calls.append(mode)
        return model  # runs the round eagerly, so the plan must equal the eager plan

    monkeypatch.setattr(torch, "compile", older_compile)
    model, z0, z_goal = reacher_plan_inputs(batch=2)
    cfg = planner_config((32, 4, 2), replan_every=4, compile="auto")
    with warnings.catch_warnings(), torch._dynamo.config.patch(recompile_limit=8):
        warnings.filterwarnings("error", message="planner:")
        compiled = plan_with(model, z0, z_goal, cfg)
        assert calls == [None] and torch._dynamo.config.recompile_limit == compilation.RECOMPILE_LIMIT
    assert torch.equal(compiled.actions, plan_with(model, z0, z_goal, replace(cfg, compile="off")).actions)


def test_auto_leaves_models_that_do_not_declare_themselves_compilable_eager(dynamo_on):
    from tests.planner.models import LinearModel

    cfg = replace(planner_config((32, 4, 2), replan_every=4), compile="auto")
    assert compilation.compile_reason(cfg, torch.device("cpu"), LinearModel()) == "off"
    assert compilation.compile_reason(replace(cfg, compile="off"), torch.device("cpu"), default_model("cpu")[0])


@pytest.mark.parametrize("output", ["tensor", "tuple", "round"])
def test_cuda_graph_outputs_are_copied_whether_one_tensor_or_a_structure_of_them(output):
    produced = torch.arange(6.0).reshape(2, 3)
    elites = Elites(produced[:, None], produced)
    result = {
        "tensor": produced,
        "tuple": (produced, produced + 1),
        "round": RoundResult(elites, produced + 1, produced + 2, produced.isfinite().all()),
    }[output]
    wrapper = compilation.CompiledWithFallback(lambda *args: result, torch.device("cpu"))
    wrapper.compiled, wrapper.device = (lambda *args: result), torch.device("cuda")
    copied = wrapper()
    assert type(copied) is type(result)
    leaves, copied_leaves = tree_leaves(result), tree_leaves(copied)
    assert len(leaves) == len(copied_leaves) == {"tensor": 1, "tuple": 2, "round": 5}[output]
    assert all(torch.equal(a, b) for a, b in zip(copied_leaves, leaves, strict=True))
    assert all(a.data_ptr() != b.data_ptr() for a, b in zip(copied_leaves, leaves, strict=True))
