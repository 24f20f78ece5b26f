"""Receding-horizon controllers: observations and a goal observation in, actions out.

A controller keeps the last k observations and the k-1 actions between them
(padded at reset by repeating the first observation with zero actions),
proposes a sequence of actions, executes the first `replan_every`, and
proposes again. Learned controllers see only what reset() and act() are
given; the oracle's simulator access lives in the callables it was built with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import torch
from torch import Tensor

from actjepa.planner.config import ControllerConfig
from actjepa.planner.errors import PlannerError
from actjepa.planner.noise import check_seeds, derive_keys, episode_keys
from actjepa.planner.plan import PlanResult, PriorLike, action_bounds, plan
from actjepa.planner.protocol import ActionPrior, EncodingPrior, LatentModel, Policy

CONTROLLER_NAMES = ("policy", "cem", "mppi", "cem+prior", "mppi+prior", "oracle", "oracle+cost")
ORACLES = ("oracle", "oracle+cost")
"MPPI on the true simulator: 'oracle' scores the task's goal distance, 'oracle+cost' the learned planners' cost."
PRIOR_SUFFIX = "+prior"


def parse_controller_name(name: str) -> tuple[str | None, bool]:
    """(planning method, plans with a prior) of a controller name; the method is None for the policy.

    'cem+prior' -> ('cem', True), 'mppi' -> ('mppi', False), 'oracle' and 'oracle+cost' -> ('mppi', False).
    """
    if name not in CONTROLLER_NAMES:
        raise PlannerError(f"unknown controller {name!r}; choose one of {', '.join(CONTROLLER_NAMES)}")
    if name == "policy":
        return None, False
    if name in ORACLES:
        return "mppi", False
    return name.removesuffix(PRIOR_SUFFIX), name.endswith(PRIOR_SUFFIX)


def configure_for(name: str, cfg: ControllerConfig) -> ControllerConfig:
    """The controller settings of one named controller: its method, and no prior trajectories without a prior."""
    method, with_prior = parse_controller_name(name)
    planner_cfg = replace(cfg.planner, method=method or cfg.planner.method)
    if not with_prior:
        planner_cfg = replace(planner_cfg, num_prior_trajectories=0)
    return replace(cfg, planner=planner_cfg)


def _model_device(model: object) -> torch.device:
    params = getattr(model, "parameters", None)
    if callable(params):
        for param in params():
            return param.device
    return torch.device("cpu")


class History:
    """The last k observations (B, k, *obs) and the k-1 actions between them (B, k-1, A)."""

    def __init__(self, context_len: int, action_dim: int | None) -> None:
        self.context_len = context_len
        self.action_dim = action_dim
        self.obs = torch.empty(0)
        "The last k observations (B, k, *obs); empty before reset()."
        self.actions: Tensor | None = None
        "The k-1 actions between them (B, k-1, A); None when k = 1."

    def reset(self, obs: Tensor) -> None:
        """Fill the window with the first observation and zero actions."""
        k = self.context_len
        self.obs = obs[:, None].expand(obs.shape[0], k, *obs.shape[1:]).clone()
        self.actions = None
        if k > 1:
            if self.action_dim is None:
                raise PlannerError("the model has no action_dim; a context longer than 1 needs it")
            self.actions = torch.zeros(obs.shape[0], k - 1, self.action_dim, device=obs.device)

    def push(self, action: Tensor, obs: Tensor) -> None:
        """Append the executed action and the observation it led to, dropping the oldest."""
        self.obs = torch.cat([self.obs[:, 1:], obs[:, None]], dim=1)
        if self.actions is not None:
            self.actions = torch.cat([self.actions[:, 1:], action[:, None].to(self.actions.dtype)], dim=1)

    def window(self, k: int) -> tuple[Tensor, Tensor | None]:
        """The most recent k observations and their k-1 actions (None when k = 1)."""
        actions = None if k == 1 or self.actions is None else self.actions[:, -(k - 1) :]
        return self.obs[:, -k:], actions


class Controller:
    """Base receding-horizon controller; subclasses say how a sequence is proposed."""

    name = "controller"

    def __init__(self, model: LatentModel | Policy, cfg: ControllerConfig, prior: ActionPrior | None = None) -> None:
        self.model = model
        self.cfg = cfg
        self.prior = prior
        self.device = torch.device(cfg.device) if cfg.device else _model_device(model)
        self.action_dim = getattr(model, "action_dim", None)
        contexts = [int(getattr(m, "context_len", 1)) for m in (model, prior) if m is not None]
        self.history = History(max(contexts), self.action_dim)
        self.goal_obs: Tensor | None = None
        self._queue: Tensor | None = None
        self._position = 0
        self._steps = 0
        self._last_action: Tensor | None = None

    @torch.inference_mode()
    def reset(self, obs: Tensor, goal_obs: Tensor, seeds: Sequence[int] | None = None) -> None:
        """Start B new episodes from observations (B, *obs) towards goal observations (B, *obs).

        seeds (one per episode) fix each episode's search noise; by default
        episode b uses cfg.seed + b.
        """
        obs, goal_obs = self._tensor(obs), self._tensor(goal_obs)
        if obs.shape[0] != goal_obs.shape[0]:
            raise PlannerError(f"reset got {obs.shape[0]} observations but {goal_obs.shape[0]} goal observations")
        self.history.reset(obs)
        self.goal_obs = goal_obs
        if seeds is None:
            seeds = [self.cfg.seed + b for b in range(obs.shape[0])]
        self._keys = episode_keys(check_seeds(seeds), self.device)
        self._queue, self._position, self._steps, self._last_action = None, 0, 0, None
        self._start_episodes(goal_obs)

    @torch.inference_mode()
    def set_goal(self, goal_obs: Tensor) -> None:
        """Head for new goal observations (B, *obs) from the next proposal on, keeping history and warm starts."""
        if self.goal_obs is None:
            raise PlannerError("call reset(obs, goal_obs) before set_goal(goal_obs)")
        goal_obs = self._tensor(goal_obs)
        if goal_obs.shape != self.goal_obs.shape:
            raise PlannerError(
                f"set_goal got goals of shape {tuple(goal_obs.shape)}, expected {tuple(self.goal_obs.shape)}"
            )
        self.goal_obs = goal_obs
        self._goal_changed()

    def _goal_changed(self) -> None:
        """Hook for state derived from the goal observations (goal latents)."""

    @torch.inference_mode()
    def act(self, obs: Tensor) -> Tensor:
        """The next action (B, A) for the current observations (B, *obs)."""
        goal_obs = self.goal_obs
        if goal_obs is None:
            raise PlannerError("call reset(obs, goal_obs) before act(obs)")
        obs = self._tensor(obs)
        if self._last_action is None:  # the first step: reset() filled the window with this observation
            self.history.obs[:, -1] = obs
        else:
            self.history.push(self._last_action, obs)
        if self._queue is None or self._position >= self.cfg.replan_every:
            self._queue = self._propose(goal_obs)
            self._position = 0
        action = self._queue[:, self._position]
        self._position += 1
        self._steps += 1
        self._last_action = action
        return action

    @property
    def executed_from_plan(self) -> int:
        """Actions of the current plan (or policy chunk) executed so far; 1 right after the act() that made it."""
        return self._position

    @property
    def current_actions(self) -> Tensor | None:
        """The actions (B, replan_every, A) being executed from the current plan or chunk; None before act()."""
        return self._queue

    def _tensor(self, value: Any) -> Tensor:
        return torch.as_tensor(value, device=self.device)

    def _bounded(self, actions: Tensor) -> Tensor:
        low, high = action_bounds(self.cfg.planner, actions.shape[-1], actions.device)
        return torch.maximum(torch.minimum(actions.float(), high), low)

    def _start_episodes(self, goal_obs: Tensor) -> None:
        """Hook for per-episode state (goal latents, warm starts)."""

    def _propose(self, goal_obs: Tensor) -> Tensor:
        """The next `replan_every` actions (B, replan_every, A) towards goal observations (B, *obs)."""
        raise NotImplementedError


class PolicyController(Controller):
    """The model's action head alone: act() chunks executed `replan_every` at a time, no search."""

    name = "policy"
    model: Policy

    def _propose(self, goal_obs: Tensor) -> Tensor:
        obs, actions = self.history.window(int(getattr(self.model, "context_len", 1)))
        chunk = self.model.act(obs, goal_obs, actions)
        if chunk.shape[1] < self.cfg.replan_every:
            raise PlannerError(
                f"the policy predicts {chunk.shape[1]} actions per chunk; set replan_every <= {chunk.shape[1]}"
            )
        return self._bounded(chunk[:, : self.cfg.replan_every])


class PlanningController(Controller):
    """CEM or MPPI in the model's latent space, optionally with an action prior."""

    model: LatentModel

    def __init__(
        self, model: LatentModel, cfg: ControllerConfig, prior: ActionPrior | None = None, name: str = "mppi"
    ) -> None:
        super().__init__(model, cfg, prior)
        self.name = name
        self.last_result: PlanResult | None = None
        self._plans = 0

    def _start_episodes(self, goal_obs: Tensor) -> None:
        self._goal_changed()
        self._warm: Tensor | None = None
        self._plans = 0

    def _goal_changed(self) -> None:
        goal_obs = self.goal_obs
        if goal_obs is None:
            return
        self.z_goal = self.model.encode_goal(goal_obs)
        own = self._prior_with_encoders()
        self.prior_z_goal = self.z_goal if own is None else own.encode_goal(goal_obs)

    def _prior_with_encoders(self) -> EncodingPrior | None:
        """The prior when it has encoders of its own; None when it reads the planning model's latents."""
        prior = self.prior
        if prior is None or prior is self.model or not isinstance(prior, EncodingPrior):
            return None
        return prior

    def _encode(self, model: LatentModel | EncodingPrior) -> Tensor:
        obs, actions = self.history.window(int(getattr(model, "context_len", 1)))
        return model.encode(obs, actions)

    def _propose(self, goal_obs: Tensor) -> Tensor:
        z0 = self._encode(self.model)
        prior: PriorLike = self.prior
        own = self._prior_with_encoders()
        if own is not None:
            prior = own.action_prior(self._encode(own), self.prior_z_goal, self.cfg.planner.horizon)
        keys = derive_keys(self._keys, self._plans)
        result = plan(
            self.model,
            z0,
            self.z_goal,
            self.cfg.planner,
            prior=prior,
            warm_start=self._warm if self.cfg.warm_start else None,
            seeds=keys,
        )
        self._plans += 1
        self.last_result = result
        step = self.cfg.replan_every
        self._warm = torch.cat([result.mean[:, step:], result.mean[:, -1:].expand(-1, step, -1)], dim=1)
        return result.actions[:, :step]


def make_controller(
    name: str, model: LatentModel | Policy, cfg: ControllerConfig | None = None, prior: object = None
) -> Controller:
    """A controller by name: policy, cem, mppi, cem+prior, mppi+prior or oracle.

    For the '+prior' names the prior defaults to the model itself; a separate
    prior object encodes observations with its own encode/encode_goal when it
    has them, else it is given the planning model's latents. The
    oracle is MPPI on a planner.oracle.SimulatorModel passed as `model`.
    """
    cfg = configure_for(name, cfg or ControllerConfig())
    _, with_prior = parse_controller_name(name)
    if name == "policy":
        if not isinstance(model, Policy):
            raise PlannerError("the policy controller needs a model with act(obs, goal_obs, actions)")
        return PolicyController(model, cfg)
    if not isinstance(model, LatentModel):
        raise PlannerError(f"{name} plans with a model's encode, encode_goal, step and rollout; this model lacks one")
    if not with_prior:
        return PlanningController(model, cfg, prior=None, name=name)
    prior = model if prior is None else prior
    if not isinstance(prior, ActionPrior):
        raise PlannerError(f"{name} needs a prior with action_prior(z, z_goal, horizon); this model has none")
    return PlanningController(model, cfg, prior=prior, name=name)
