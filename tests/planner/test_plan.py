import pytest
import torch

from actjepa.planner import PlannerConfig, PlannerError, plan
from actjepa.planner.scoring import chunk_size
from tests.planner.models import LinearModel, PriorFromOptimum, TinyMLPModel

Z0 = torch.tensor([[0.0, 0.0], [0.3, -0.2], [-0.5, 0.4]])
GOAL = torch.tensor([[0.5, -0.3], [0.1, 0.6], [-0.2, -0.4]])


def tight(method: str, **kw) -> PlannerConfig:
    # A running cost makes the optimum unique (reach the goal at once, then stay).
    base = dict(
        method=method,
        num_samples=256,
        horizon=4,
        iterations=20,
        num_elites=24,
        min_std=0.005,
        init_std=0.5,
        num_prior_trajectories=8,
        running_weight=0.5,
        prior_penalty=0.0,
    )
    base.update(kw)
    return PlannerConfig(**base)


@pytest.mark.parametrize("method", ["cem", "mppi"])
def test_converges_to_the_known_optimum(method):
    model = LinearModel()
    result = plan(model, Z0, GOAL, tight(method), seeds=[1, 2, 3])
    best = model.optimum(Z0, GOAL, 4)
    assert (result.actions - best).abs().max() < 0.05
    # The plan reaches the goal after the first step and stays there.
    assert (result.latents - GOAL[:, None]).norm(dim=-1).max() < 0.05
    assert result.cost.max() < 0.05
    assert result.actions.shape == (3, 4, 2) and result.latents.shape == (3, 4, 2)
    assert result.cost_history.shape == (3, 20)
    assert result.elites.shape == (3, 24, 4, 2) and result.elite_costs.shape == (3, 24)
    assert torch.all(result.elite_costs[:, 1:] >= result.elite_costs[:, :-1])
    # The best cost in the pool never gets much worse from round to round.
    assert result.cost_history[:, -1].max() < result.cost_history[:, 0].min()


@pytest.mark.parametrize("method", ["cem", "mppi"])
def test_a_good_prior_converges_in_fewer_iterations(method):
    model = LinearModel()
    tolerance = 0.1

    def first_hit(result):
        hit = result.cost_history <= tolerance
        return torch.where(hit.any(1), hit.float().argmax(1), torch.tensor(99)).max().item()

    plain = plan(model, Z0, GOAL, tight(method), seeds=[1, 2, 3])
    guided = plan(model, Z0, GOAL, tight(method), prior=PriorFromOptimum(model), seeds=[1, 2, 3])
    assert first_hit(guided) == 0
    assert first_hit(plain) > first_hit(guided)
    assert guided.cost.max() <= plain.cost.max() + 1e-3


def test_prior_mean_is_in_the_first_pool_and_sets_the_std():
    model = LinearModel()
    prior = PriorFromOptimum(model, offset=0.0, std=0.05)
    result = plan(model, Z0, GOAL, tight("cem", iterations=1), prior=prior, seeds=[1, 2, 3])
    # The exact optimum (the prior mean) is in the pool, so it is the best elite.
    assert torch.allclose(result.elites[:, 0], model.optimum(Z0, GOAL, 4), atol=1e-6)
    assert result.cost_history[:, 0].max() < 1e-5


def test_warm_start_replaces_the_initial_mean():
    model = LinearModel()
    warm = model.optimum(Z0, GOAL, 4)
    result = plan(
        model, Z0, GOAL, tight("mppi", iterations=1, init_std=0.01, min_std=0.001), warm_start=warm, seeds=[1, 2, 3]
    )
    assert result.cost_history[:, 0].max() < 0.05


@pytest.mark.parametrize("model", [LinearModel(), TinyMLPModel(obs_dim=2)], ids=["linear", "mlp"])
def test_batched_plans_equal_separate_plans_with_the_same_seeds(model):
    cfg = tight("mppi", iterations=4)
    z0, goal = (Z0, GOAL) if isinstance(model, LinearModel) else (model.encode(Z0[:, None]), model.encode_goal(GOAL))
    prior = model if hasattr(model, "action_prior") else None
    batched = plan(model, z0.detach(), goal.detach(), cfg, prior=prior, seeds=[11, 12, 13])
    for b in range(3):
        alone = plan(model, z0[b : b + 1].detach(), goal[b : b + 1].detach(), cfg, prior=prior, seeds=[11 + b])
        assert torch.allclose(batched.actions[b], alone.actions[0], atol=1e-5)
        assert torch.allclose(batched.cost_history[b], alone.cost_history[0], atol=1e-5)


def test_same_generator_seed_gives_the_same_plan():
    model, cfg = LinearModel(), tight("cem", iterations=2)
    first = plan(model, Z0, GOAL, cfg, generator=torch.Generator().manual_seed(5))
    second = plan(model, Z0, GOAL, cfg, generator=torch.Generator().manual_seed(5))
    assert torch.equal(first.actions, second.actions)


def test_actions_respect_per_dimension_bounds():
    model = LinearModel()
    far = torch.tensor([[5.0, -5.0]])
    cfg = tight("cem", action_low=[-0.2, -0.7], action_high=[0.3, 0.1], init_std=2.0)
    result = plan(model, torch.zeros(1, 2), far, cfg, seeds=[0])
    low, high = torch.tensor([-0.2, -0.7]), torch.tensor([0.3, 0.1])
    for tensor in (result.actions, result.elites, result.mean.clamp(low, high)):
        assert torch.all(tensor >= low) and torch.all(tensor <= high)
    # Out of reach, the best plan pushes against the bounds towards the goal.
    assert torch.allclose(result.actions[0, 0], torch.tensor([0.3, -0.7]), atol=0.02)


def test_non_finite_costs_raise_a_one_line_planner_error():
    class Exploding(LinearModel):
        def rollout(self, z0, actions):
            out = super().rollout(z0, actions)
            out[:, 0, -1, 0] = float("nan")
            return out

    with pytest.raises(PlannerError) as info:
        plan(Exploding(), Z0, GOAL, tight("mppi", iterations=2), seeds=[0, 1, 2])
    assert "non-finite" in str(info.value) and "\n" not in str(info.value)


def test_bad_inputs_raise_planner_errors():
    model = LinearModel()
    with pytest.raises(PlannerError, match="seeds"):
        plan(model, Z0, GOAL, tight("cem"), seeds=[1])
    with pytest.raises(PlannerError, match="warm_start"):
        plan(model, Z0, GOAL, tight("cem"), warm_start=torch.zeros(3, 5, 2))
    with pytest.raises(PlannerError, match="action_low"):
        plan(model, Z0, GOAL, tight("cem", action_low=[0.0, 0.0, 0.0]))
    with pytest.raises(PlannerError, match="num_elites"):
        PlannerConfig(num_samples=8, num_elites=16)
    with pytest.raises(PlannerError, match="method"):
        PlannerConfig(method="random")


@pytest.mark.parametrize(("budget_mb", "chunk"), [(1.0, 2500), (0.6, 1250), (0.3, 834), (0.05, 179), (1e-9, 1)])
def test_chunks_are_balanced_and_fit_the_budget(budget_mb, chunk):
    # 2500 samples at B=1, H=4, D=2, A=2: 4 * 4 * (2 + 8 * 2) = 288 bytes each
    per_sample = 288
    assert chunk_size(2500, 1, 4, 2, 2, budget_mb) == chunk
    assert chunk == 1 or chunk * per_sample <= budget_mb * 2**20
    chunks = -(-2500 // chunk)
    assert chunks * chunk - 2500 < chunks  # padding the last chunk costs less than one sample per chunk


def test_memory_budget_chunks_the_sample_axis_without_changing_the_plan():
    cfg = tight("cem", iterations=3)
    small = tight("cem", iterations=3, memory_budget_mb=0.0005)
    assert chunk_size(256, 3, 4, 2, 2, small.memory_budget_mb) < 256
    whole, chunked = LinearModel(), LinearModel()
    a = plan(whole, Z0, GOAL, cfg, seeds=[1, 2, 3])
    b = plan(chunked, Z0, GOAL, small, seeds=[1, 2, 3])
    assert torch.allclose(a.actions, b.actions, atol=1e-6)
    assert chunked.rollout_calls > whole.rollout_calls


def test_runs_on_cpu_with_a_torch_module_and_no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    model = TinyMLPModel()
    obs, goal = torch.randn(2, 1, 3), torch.randn(2, 3)
    z0, zg = model.encode(obs).detach(), model.encode_goal(goal).detach()
    result = plan(
        model, z0, zg, PlannerConfig(num_samples=64, horizon=5, iterations=3, num_elites=8), prior=model, seeds=[0, 1]
    )
    assert result.actions.device.type == "cpu" and result.latents.shape == (2, 5, 4)
    assert torch.isfinite(result.cost).all()
    assert result.cost_history[:, -1].le(result.cost_history[:, 0] + 1e-6).all()
