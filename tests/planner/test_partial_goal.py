"""partial:<controller>: the goal handed on is the current observation with only the task's goal entries taken
from the goal observation, recomposed at every step."""

from __future__ import annotations

import pytest
import torch

from actjepa.planner import PlannerError
from actjepa.planner.partial_goal import PartialGoalController, composed_goal


class RecordingController:
    """Stands in for a planner controller: records the goals it is given and acts with the step count."""

    name, cfg, device = "mppi+prior", None, torch.device("cpu")

    def __init__(self) -> None:
        self.goals: list[torch.Tensor] = []
        self.steps = 0

    def _tensor(self, value):
        return torch.as_tensor(value, dtype=torch.float32)

    def reset(self, obs, goal_obs, seeds=None):
        self.goals.append(goal_obs.clone())

    def set_goal(self, goal_obs):
        self.goals.append(goal_obs.clone())

    def act(self, obs):
        self.steps += 1
        return torch.full((obs.shape[0], 2), float(self.steps))


def test_a_composed_goal_keeps_the_state_outside_the_goal_entries():
    obs, goal = torch.arange(12.0).reshape(2, 6), -torch.arange(12.0).reshape(2, 6)
    out = composed_goal(obs, goal, torch.tensor([1, 4]))
    expected = obs.clone()
    expected[:, [1, 4]] = goal[:, [1, 4]]
    assert torch.equal(out, expected) and torch.equal(obs, torch.arange(12.0).reshape(2, 6))  # obs untouched


def test_the_inner_controller_heads_for_the_goal_entries_from_wherever_it_is():
    inner = RecordingController()
    controller = PartialGoalController(inner, (3, 4, 5))
    assert controller.name == "partial:mppi+prior"
    start, goal = torch.zeros(2, 6), torch.full((2, 6), 9.0)
    controller.reset(start, goal)
    moved = torch.tensor([[1.0, 2, 3, 4, 5, 6], [6.0, 5, 4, 3, 2, 1]])
    action = controller.act(moved)
    assert torch.equal(action, torch.ones(2, 2))  # the inner controller's action, unchanged
    first, now = inner.goals
    assert torch.equal(first, torch.tensor([[0.0, 0, 0, 9, 9, 9]] * 2))
    assert torch.equal(now, torch.tensor([[1.0, 2, 3, 9, 9, 9], [6.0, 5, 4, 9, 9, 9]]))


def test_observations_without_the_goal_entries_are_refused_in_one_line():
    controller = PartialGoalController(RecordingController(), (19, 20, 21))
    with pytest.raises(PlannerError, match=r"partial goals need flat observations with entries \[19, 20, 21\], got"):
        controller.reset(torch.zeros(2, 6), torch.zeros(2, 6))
    with pytest.raises(PlannerError, match="call reset"):
        controller.act(torch.zeros(2, 28))
    with pytest.raises(PlannerError, match="at least one observation entry"):
        PartialGoalController(RecordingController(), ())
