"""GIFs of evaluation episodes: the scene, the goal observation, and the plan beside the real path.

Right panel: the achieved goal's real path so far, the desired goal with its
success radius, and where the current plan leads when its actions are run in
the simulator from the current state (the imagined plan made visible; the
latent rollout itself has no decoder). The scorer's view (simulator state) is
used only for drawing, never fed to the controller.
"""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

import envs  # noqa: E402
from actjepa_common import atomic_write  # noqa: E402
from benchmarks.evaluation.config import EvalConfig  # noqa: E402
from benchmarks.evaluation.controllers import build_controller  # noqa: E402
from benchmarks.evaluation.episodes import run_episodes  # noqa: E402
from envs.frames import render_support, scene_frames  # noqa: E402
from envs.gym_oracle import oracle_available  # noqa: E402
from envs.mujoco_env import MujocoGoalVecEnv  # noqa: E402
from envs.render import shared_renderer  # noqa: E402
from envs.seeds import evaluation_seeds  # noqa: E402


def _current_plan(controller) -> np.ndarray | None:
    """The action sequence the controller is executing (B, H, A), planned or from the policy chunk."""
    result = getattr(controller, "last_result", None)
    if result is not None:
        return result.actions.detach().cpu().numpy()
    queue = getattr(controller, "_queue", None)
    return None if queue is None else queue.detach().cpu().numpy()


def _frame(
    scene: np.ndarray,
    goal_image: np.ndarray | None,
    path: np.ndarray,
    plan_path: np.ndarray | None,
    goal: np.ndarray,
    radius: float,
    title: str,
    limits: tuple[float, float, float, float],
) -> np.ndarray:
    fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.6), dpi=80)
    axes[0].imshow(scene)
    axes[0].set_title("observation", fontsize=8)
    if goal_image is not None:
        axes[1].imshow(goal_image)
    else:
        axes[1].text(0.5, 0.5, "state vector", ha="center", va="center", fontsize=8)
    axes[1].set_title("goal observation", fontsize=8)
    for ax in axes[:2]:
        ax.axis("off")
    ax = axes[2]
    ax.plot(path[:, 0], path[:, 1], color="tab:blue", label="real path")
    if plan_path is not None:
        ax.plot(plan_path[:, 0], plan_path[:, 1], color="tab:orange", linestyle="--", label="plan")
    ax.add_patch(plt.Circle(goal, radius, color="tab:green", alpha=0.4))
    ax.scatter([goal[0]], [goal[1]], color="tab:green", marker="*", s=60, label="goal")
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal")
    ax.tick_params(labelsize=6)
    ax.legend(fontsize=6, loc="upper right")
    fig.suptitle(title, fontsize=8)
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return image


def record_videos(model, info: dict, cfg: EvalConfig, out: Path, count: int = 2, prior=None) -> list[Path]:
    """One GIF per controller and episode for the first `count` held-out episodes.

    Tasks that cannot render scene frames get one printed line saying why, and no files.
    """
    support = render_support(info["task"])
    if not support.scene_frames:
        print(f"no videos: {support.reason}")
        return []
    written = []
    for name in cfg.controllers:
        with envs.make(info["task"], num_envs=count, obs_mode=info["obs_mode"]) as env:
            frames = _episode_frames(name, model, env, cfg, count, prior)
        for b in range(count):
            target = Path(out) / "videos" / f"{name.replace('+', '_')}_episode{b}.gif"
            atomic_write(target, lambda tmp, clip=frames[b]: imageio.mimsave(tmp, clip, duration=0.08, loop=0))
            written.append(target)
    return written


def _episode_frames(name: str, model, env, cfg: EvalConfig, count: int, prior=None) -> list[list[np.ndarray]]:
    """Run `count` episodes of controller `name` and draw one frame per episode and step."""
    controller = build_controller(name, model, env, cfg.control, prior=prior)
    can_simulate, _ = oracle_available(env.spec.name)
    frames: list[list[np.ndarray]] = [[] for _ in range(count)]
    paths: list[np.ndarray] = []
    goal_images: list[np.ndarray | None] = []

    def on_step(t: int, obs: dict) -> None:
        if not goal_images:
            goal_images.extend(_goal_images(env))
        paths.append(obs["achieved_goal"].copy())
        plan = _current_plan(controller) if can_simulate else None
        plan_goals = None if plan is None else env.simulate(plan[:, None].astype(np.float64))[:, 0]
        scenes, reason = scene_frames(env)
        if scenes is None:
            raise envs.EnvError(reason)
        history = _plane(np.stack(paths, axis=1))
        goals = _plane(env.desired_goal)
        lim = _limits(history, goals)
        for b in range(count):
            plan_path = None if plan_goals is None else _plane(plan_goals[b])
            title = f"{env.spec.name} · {name} · step {t + 1}"
            frames[b].append(
                _frame(scenes[b], goal_images[b], history[b], plan_path, goals[b], env.spec.success_radius, title, lim)
            )

    with torch.inference_mode():
        run_episodes(
            env,
            controller,
            evaluation_seeds(count),
            device=cfg.device,
            on_step=on_step,
            controller_seeds=[cfg.seed + i for i in range(count)],
        )
    return frames


def _plane(goals: np.ndarray) -> np.ndarray:
    """The first two goal coordinates (..., 2) for drawing; a 1-D goal is drawn on the x axis."""
    if goals.shape[-1] >= 2:
        return goals[..., :2]
    return np.concatenate([goals, np.zeros_like(goals)], axis=-1)


def _goal_images(env) -> list[np.ndarray | None]:
    """Goal observations as images: pixels as they are, a built-in task's goal state rendered, else None
    (an adapter task's goal observation is a state vector with no scene to draw)."""
    if env.obs_mode == "pixels":
        return list(env.goal_obs)
    if not isinstance(env, MujocoGoalVecEnv):
        return [None] * env.num_envs
    task = env.task
    renderer = shared_renderer(
        (type(task).__module__, type(task).__qualname__), task.build_model, task.camera, task.hidden_geoms
    )
    goal_qpos, goal_qvel = task.goal_state(env.desired_goal, env.initial_qpos)
    return list(renderer.render(env._states_from(goal_qpos, goal_qvel)))


def _limits(history: np.ndarray, goals: np.ndarray) -> tuple[float, float, float, float]:
    points = np.concatenate([history.reshape(-1, history.shape[-1]), goals])
    lo, hi = points.min(axis=0) - 0.05, points.max(axis=0) + 0.05
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])
