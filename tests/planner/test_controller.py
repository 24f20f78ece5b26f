import subprocess
import sys
from pathlib import Path

import pytest
import torch

from actjepa import planner
from actjepa.planner import ControllerConfig, PlannerConfig, PlannerError, make_controller
from tests.planner.models import LinearModel, PriorFromOptimum, TinyMLPModel

SMALL = PlannerConfig(
    num_samples=128, horizon=4, iterations=6, num_elites=16, num_prior_trajectories=8, running_weight=0.5
)


def closed_loop(controller, model, start, goal, steps):
    """Drive the analytic system with the controller; return states and actions."""
    state, states, actions = start.clone(), [start.clone()], []
    controller.reset(state, goal, seeds=list(range(start.shape[0])))
    for _ in range(steps):
        action = controller.act(state)
        state = model.step(state, action)
        states.append(state.clone())
        actions.append(action.clone())
    return torch.stack(states, 1), torch.stack(actions, 1)


@pytest.mark.parametrize("name", ["cem", "mppi", "cem+prior", "mppi+prior"])
def test_planning_controllers_reach_the_goal(name):
    model = LinearModel()
    prior = PriorFromOptimum(model) if "prior" in name else None
    controller = make_controller(name, model, ControllerConfig(planner=SMALL, replan_every=2), prior=prior)
    start, goal = torch.tensor([[0.0, 0.0], [0.4, -0.4]]), torch.tensor([[0.5, -0.3], [-0.2, 0.3]])
    states, actions = closed_loop(controller, model, start, goal, steps=6)
    assert (states[:, -1] - goal).norm(dim=-1).max() < 0.1
    assert actions.abs().max() <= 1.0
    assert controller.last_result.actions.shape == (2, 4, 2)


def test_history_window_padding_and_replanning_schedule():
    model = LinearModel(context_len=3)
    controller = make_controller("mppi", model, ControllerConfig(planner=SMALL, replan_every=2))
    obs = [torch.full((1, 2), float(i) / 10) for i in range(5)]
    controller.reset(obs[0], torch.zeros(1, 2))
    executed = []
    for o in obs:
        executed.append(controller.act(o))
    # Plans happen at steps 0, 2 and 4: three encodes, each of the latest 3 observations.
    assert len(model.encoded) == 3
    first_obs, first_actions = model.encoded[0]
    assert torch.equal(first_obs, obs[0][:, None].expand(1, 3, 2))
    assert torch.equal(first_actions, torch.zeros(1, 2, 2))
    third_obs, third_actions = model.encoded[2]
    assert torch.equal(third_obs, torch.stack([obs[2], obs[3], obs[4]], 1))
    assert torch.equal(third_actions, torch.stack([executed[2], executed[3]], 1))
    # The goal is encoded once per reset.
    assert len(model.encoded_goals) == 1


def test_warm_start_is_the_previous_mean_shifted_by_the_executed_steps(monkeypatch):
    model = LinearModel()
    controller = make_controller("cem", model, ControllerConfig(planner=SMALL, replan_every=3))
    seen = []
    original = planner.controller.plan

    def spy(*args, **kwargs):
        seen.append(kwargs.get("warm_start"))
        result = original(*args, **kwargs)
        seen.append(result.mean)
        return result

    monkeypatch.setattr(planner.controller, "plan", spy)
    closed_loop(controller, model, torch.zeros(1, 2), torch.tensor([[0.3, 0.2]]), steps=4)
    first_warm, first_mean, second_warm, _ = seen
    assert first_warm is None
    assert torch.equal(second_warm[:, :1], first_mean[:, 3:])
    assert torch.equal(second_warm[:, 1:], first_mean[:, -1:].expand(1, 3, 2))


def test_policy_controller_executes_chunks_without_search():
    model = TinyMLPModel()
    calls = []
    original_act = model.act

    def act(obs, goal_obs, actions=None):
        chunk = original_act(obs, goal_obs, actions)
        calls.append(chunk)
        return chunk

    model.act = act
    controller = make_controller("policy", model, ControllerConfig(planner=SMALL, replan_every=3))
    controller.reset(torch.randn(2, 3), torch.randn(2, 3))
    actions = [controller.act(torch.randn(2, 3)) for _ in range(7)]
    assert len(calls) == 3  # steps 0, 3 and 6
    assert torch.allclose(actions[4], calls[1][:, 1].clamp(-1, 1))
    with pytest.raises(PlannerError, match="replan_every"):
        bad = make_controller("policy", model, ControllerConfig(planner=SMALL, replan_every=4))
        model.chunk_len = 2
        bad.reset(torch.randn(2, 3), torch.randn(2, 3))
        bad.act(torch.randn(2, 3))


def test_a_separate_prior_encodes_observations_itself():
    model, prior_model = TinyMLPModel(), TinyMLPModel(latent_dim=6)
    controller = make_controller("mppi+prior", model, ControllerConfig(planner=SMALL), prior=prior_model)
    encoded = []
    original = prior_model.encode
    prior_model.encode = lambda obs, actions=None: encoded.append(obs) or original(obs, actions)
    obs = torch.randn(2, 3)
    controller.reset(obs, torch.randn(2, 3))
    action = controller.act(obs)
    assert len(encoded) == 1 and torch.equal(encoded[0][:, -1], obs)
    assert action.shape == (2, 2)


def test_learned_controllers_only_ever_see_observations_and_goal_observations():
    """Every tensor reaching a learned model is one the caller passed in (no simulator state)."""
    model = LinearModel(context_len=2)
    given = []
    for name in ("cem", "mppi", "mppi+prior"):
        prior = PriorFromOptimum(model) if "prior" in name else None
        controller = make_controller(name, model, ControllerConfig(planner=SMALL, replan_every=1), prior=prior)
        goal = torch.tensor([[0.2, 0.1]])
        state = torch.zeros(1, 2)
        controller.reset(state, goal)
        given += [state.clone(), goal.clone()]
        for _ in range(3):
            state = model.step(state, controller.act(state))
            given.append(state.clone())
    for obs_window, _ in model.encoded:
        for t in range(obs_window.shape[1]):
            assert any(torch.equal(obs_window[:, t], g) for g in given)
    assert all(any(torch.equal(g, x) for x in given) for g in model.encoded_goals)


def test_the_planner_package_imports_no_simulator_or_model_package():
    code = (
        "import sys, actjepa.planner; print(sorted(m for m in ('mujoco', 'actjepa.envs', 'actjepa.world_model', "
        "'actjepa.benchmarks', 'actjepa.common', 'dm_control') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"
    sources = " ".join(p.read_text() for p in Path(planner.__file__).parent.glob("*.py"))
    for forbidden in ("actjepa.envs", "actjepa.world_model", "actjepa.benchmarks", "import mujoco", "import envs"):
        assert forbidden not in sources


def test_bad_requests_raise_planner_errors():
    model = LinearModel()
    with pytest.raises(PlannerError, match="unknown controller"):
        make_controller("random", model)
    with pytest.raises(PlannerError, match="action_prior"):
        make_controller("cem+prior", model)
    with pytest.raises(PlannerError, match="reset"):
        make_controller("cem", model).act(torch.zeros(1, 2))
    with pytest.raises(PlannerError, match="replan_every"):
        ControllerConfig(planner=SMALL, replan_every=9)
