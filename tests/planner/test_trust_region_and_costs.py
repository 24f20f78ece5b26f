"""The trust region around the prior and the goal costs beyond L2."""

import pytest
import torch

from actjepa.planner import PlannerConfig, PlannerError, plan
from actjepa.planner.cost import distance_to_goal, goal_cost
from tests.planner.models import LinearModel, PriorFromOptimum, ValueModel

Z0 = torch.tensor([[0.0, 0.0], [0.3, -0.2], [-0.5, 0.4]])
GOAL = torch.tensor([[0.5, -0.3], [0.1, 0.6], [-0.2, -0.4]])


def cfg(**kw) -> PlannerConfig:
    base = dict(
        num_samples=128,
        horizon=4,
        iterations=4,
        num_elites=16,
        num_prior_trajectories=8,
        running_weight=0.5,
        init_std=0.5,
        prior_penalty=0.0,
    )
    base.update(kw)
    return PlannerConfig(**base)


def test_trust_region_keeps_an_optimal_prior_exactly():
    """When no candidate beats the prior by the margin, the returned plan is the prior's mean, bit for bit."""
    model = LinearModel()
    prior = PriorFromOptimum(model, offset=0.0, std=0.2)
    result = plan(model, Z0, GOAL, cfg(prior_trust=0.2), prior=prior, seeds=[1, 2, 3])
    assert bool(result.kept_prior.all())
    assert torch.equal(result.actions, prior.action_prior(Z0, GOAL, 4)[0])
    untrusted = plan(model, Z0, GOAL, cfg(), prior=prior, seeds=[1, 2, 3])
    assert not bool(untrusted.kept_prior.any())
    assert not torch.equal(untrusted.actions, result.actions)


def test_trust_region_takes_a_clearly_better_plan():
    """A prior far from the optimum is replaced wherever the search finds a much cheaper plan."""
    model = LinearModel()
    prior = PriorFromOptimum(model, offset=0.6, std=0.3)
    result = plan(model, Z0, GOAL, cfg(prior_trust=0.2, iterations=8), prior=prior, seeds=[1, 2, 3])
    assert not bool(result.kept_prior.any())
    best = model.optimum(Z0, GOAL, 4)
    prior_err = (prior.action_prior(Z0, GOAL, 4)[0] - best).abs().mean()
    assert (result.actions - best).abs().mean() < 0.5 * prior_err


def test_trust_region_bounds():
    with pytest.raises(PlannerError, match="prior_trust"):
        PlannerConfig(prior_trust=1.0)


def test_value_cost_uses_the_models_value_and_cosine_ignores_norm():
    latents = torch.randn(3, 5, 4, 2)
    model = ValueModel()
    torch.testing.assert_close(
        distance_to_goal(latents, GOAL, "value", model), 10.0 * distance_to_goal(latents, GOAL, "l2")
    )
    torch.testing.assert_close(
        distance_to_goal(3.0 * latents, GOAL, "cosine"), distance_to_goal(latents, GOAL, "cosine")
    )
    cost = goal_cost(latents, GOAL, "value", running_weight=0.5, terminal_weight=1.0, model=model)
    dist = 10.0 * distance_to_goal(latents, GOAL, "l2")
    torch.testing.assert_close(cost, dist[..., -1] + 0.5 * dist.mean(-1))
    with pytest.raises(PlannerError, match="value network"):
        goal_cost(latents, GOAL, "value", model=LinearModel())
    result = plan(model, Z0, GOAL, cfg(cost="value", iterations=12, num_samples=256), seeds=[1, 2, 3])
    assert (result.latents[:, -1] - GOAL).norm(dim=-1).max() < 0.1


def test_prior_penalty_pulls_the_plan_toward_the_prior():
    """With a heavy penalty the plan stays near a (wrong) prior; without it the search finds the optimum."""
    model = LinearModel()
    prior = PriorFromOptimum(model, offset=0.4, std=0.3)
    mean = prior.action_prior(Z0, GOAL, 4)[0]
    free = plan(model, Z0, GOAL, cfg(iterations=8), prior=prior, seeds=[1, 2, 3])
    held = plan(model, Z0, GOAL, cfg(iterations=8, prior_penalty=100.0), prior=prior, seeds=[1, 2, 3])
    assert (held.actions - mean).abs().mean() < 0.5 * (free.actions - mean).abs().mean()
    with pytest.raises(PlannerError, match="prior_penalty"):
        PlannerConfig(prior_penalty=-1.0)
