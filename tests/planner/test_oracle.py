import numpy as np
import pytest
import torch

from actjepa.planner import ControllerConfig, PlannerConfig, PlannerError, SimulatorModel, make_controller


class PointSim:
    """A stand-in simulator: a point with velocity damping whose achieved goal is its position."""

    def __init__(self, start: np.ndarray, goal: np.ndarray) -> None:
        self.pos, self.vel, self.desired_goal = start.copy(), np.zeros_like(start), goal
        self.calls: list[tuple[int, ...]] = []

    def _advance(self, pos, vel, action):
        vel = 0.5 * vel + 0.2 * action
        return pos + vel, vel

    def simulate(self, actions: np.ndarray) -> np.ndarray:
        self.calls.append(actions.shape)
        pos = np.broadcast_to(self.pos[:, None], actions.shape[:2] + self.pos.shape[1:]).copy()
        vel = np.broadcast_to(self.vel[:, None], pos.shape).copy()
        out = np.empty(actions.shape[:3] + (self.pos.shape[1],))
        for t in range(actions.shape[2]):
            pos, vel = self._advance(pos, vel, actions[:, :, t])
            out[:, :, t] = pos
        return out

    def step(self, action: np.ndarray) -> None:
        self.pos, self.vel = self._advance(self.pos, self.vel, action)


def test_oracle_controller_drives_the_simulator_to_the_goal():
    sim = PointSim(np.zeros((2, 2)), np.array([[0.6, -0.4], [-0.3, 0.5]]))
    oracle = SimulatorModel(sim.simulate, lambda: sim.desired_goal, action_dim=2)
    cfg = ControllerConfig(
        planner=PlannerConfig(num_samples=256, horizon=8, iterations=6, num_elites=32, running_weight=0.5),
        replan_every=2,
    )
    controller = make_controller("oracle", oracle, cfg)
    assert controller.cfg.planner.method == "mppi"
    obs = torch.zeros(2, 5)  # what the observation holds is irrelevant to the oracle
    controller.reset(obs, obs)
    start = np.linalg.norm(sim.pos - sim.desired_goal, axis=1)
    late = []
    for step in range(20):
        sim.step(controller.act(obs).numpy())
        if step >= 15:
            late.append(np.linalg.norm(sim.pos - sim.desired_goal, axis=1))
    assert np.all(np.mean(late, axis=0) < 0.25 * start)
    assert sim.calls[0] == (2, 256, 8, 2)


def test_oracle_latents_are_achieved_goals_and_goal_is_the_desired_goal():
    sim = PointSim(np.array([[0.1, 0.2]]), np.array([[0.5, 0.5]]))
    oracle = SimulatorModel(sim.simulate, lambda: sim.desired_goal)
    goal = oracle.encode_goal(torch.zeros(1, 7))
    assert torch.allclose(goal, torch.tensor([[0.5, 0.5]]))
    actions = torch.ones(1, 3, 4, 2)
    rolled = oracle.rollout(oracle.encode(torch.zeros(1, 1, 7)), actions)
    assert rolled.shape == (1, 3, 4, 2) and rolled.dtype == torch.float32
    assert np.allclose(rolled[0, 0, 0].numpy(), [0.3, 0.4])
    with pytest.raises(PlannerError, match="rollout"):
        oracle.step(torch.zeros(1, 1), torch.zeros(1, 2))


def test_oracle_rejects_callables_with_wrong_shapes():
    oracle = SimulatorModel(lambda a: np.zeros((1, 2)), lambda: np.zeros(3))
    with pytest.raises(PlannerError, match="goal"):
        oracle.encode_goal(torch.zeros(1, 4))
    with pytest.raises(PlannerError, match="simulate"):
        oracle.rollout(torch.zeros(1, 1), torch.zeros(1, 3, 4, 2))
