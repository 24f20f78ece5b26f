"""GIFs of evaluation episodes: the scene, the goal observation, and the plan beside the real path.

Right panel: the achieved goal's real path so far, the desired goal with its
success radius, and where the current plan leads when its actions are run in
the simulator from the current state. With a decoder fitted to the model
(`actjepa decoder`), a panel beside the scene shows what the model imagines
for that step (benchmarks.reporting.imagined). The scorer's view (simulator
state) is used only for drawing, never fed to the controller.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import imageio.v2 as imageio
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from tqdm import tqdm  # noqa: E402

from actjepa import envs  # noqa: E402
from actjepa.benchmarks.evaluation.config import EvalConfig  # noqa: E402
from actjepa.benchmarks.evaluation.controllers import build_controller  # noqa: E402
from actjepa.benchmarks.evaluation.episodes import run_episodes  # noqa: E402
from actjepa.benchmarks.reporting.imagined import ImaginedPanel, ImaginedView  # noqa: E402
from actjepa.common import atomic_write  # noqa: E402
from actjepa.envs.frames import render_support, scene_frames  # noqa: E402
from actjepa.envs.gym_oracle import oracle_available  # noqa: E402
from actjepa.envs.mujoco_env import MujocoGoalVecEnv  # noqa: E402
from actjepa.envs.seeds import evaluation_seeds  # noqa: E402


def _current_plan(controller) -> np.ndarray | None:
    """The action sequence the controller is executing (B, H, A), planned or from the policy chunk."""
    result = getattr(controller, "last_result", None)
    if result is not None:
        return result.actions.detach().cpu().numpy()
    queue = getattr(controller, "current_actions", None)
    return None if queue is None else queue.detach().cpu().numpy()


@dataclass(frozen=True)
class Panels:
    """What one video frame of one episode shows."""

    scene: np.ndarray
    "(H, W, 3) the real scene."
    goal_image: np.ndarray | None
    "(H, W, 3) the goal observation as a picture, or None for a state vector."
    path: np.ndarray
    "(t, 2) the achieved goal's real path so far."
    plan_path: np.ndarray | None
    "(H, 2) where the current plan's actions lead in the simulator, or None."
    goal: np.ndarray
    "(2,) the desired goal."
    imagined: ImaginedPanel | None = None
    "The imagined panel (its picture or why there is none), or the imagined goal for the plot; None: no decoder."


def _frame(panels: Panels, radius: float, title: str, limits: tuple[float, float, float, float]) -> np.ndarray:
    """One video frame (H, W, 3) uint8: the scene, the imagined panel (with a decoder), the goal, the path plot."""
    fig = frame_figure(panels, radius, title, limits)
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return image


TITLE_ROOM = 0.8
"Top of the panels as a fraction of the frame's height: the frame's title sits above the panels' own labels."


def frame_figure(panels: Panels, radius: float, title: str, limits: tuple[float, float, float, float]):
    """The matplotlib figure of one frame (the caller draws and closes it)."""
    imagined = panels.imagined
    extra = imagined is not None and imagined.has_panel
    fig, axes = plt.subplots(1, 4 if extra else 3, figsize=(10.0 if extra else 7.5, 2.6), dpi=80)
    axes[0].imshow(panels.scene)
    axes[0].set_title("observation", fontsize=8)
    if extra:
        _imagined_panel(axes[1], imagined, panels.scene)
    goal_ax = axes[-2]
    if panels.goal_image is not None:
        goal_ax.imshow(panels.goal_image)
    else:
        goal_ax.text(0.5, 0.5, "state vector", ha="center", va="center", fontsize=8)
    goal_ax.set_title("goal observation", fontsize=8)
    for ax in axes[:-1]:
        ax.axis("off")
    _plot_panel(axes[-1], panels, radius, limits)
    fig.subplots_adjust(top=TITLE_ROOM)
    fig.suptitle(title, fontsize=8, y=0.99, va="top")
    return fig


def _imagined_panel(ax, imagined: ImaginedPanel, like: np.ndarray) -> None:
    """The imagined picture, or its note on a blank picture the size of `like` (the panels keep one layout)."""
    if imagined.image is not None:
        ax.imshow(imagined.image)
    else:
        ax.imshow(np.full_like(like, 255))
        ax.text(like.shape[1] / 2, like.shape[0] / 2, imagined.note, ha="center", va="center", fontsize=7)
    ax.set_title(imagined.title, fontsize=8)


def _plot_panel(ax, panels: Panels, radius: float, limits: tuple[float, float, float, float]) -> None:
    """The real path, the plan's simulated path, the goal with its success radius (and the imagined goal)."""
    path, goal = panels.path, panels.goal
    ax.plot(path[:, 0], path[:, 1], color="tab:blue", label="real path")
    if panels.plan_path is not None:
        ax.plot(panels.plan_path[:, 0], panels.plan_path[:, 1], color="tab:orange", linestyle="--", label="plan")
    ax.add_patch(plt.Circle(goal, radius, color="tab:green", alpha=0.4))
    ax.scatter([goal[0]], [goal[1]], color="tab:green", marker="*", s=60, label="goal")
    imagined = panels.imagined
    if imagined is not None and imagined.goal is not None:
        ax.scatter([imagined.goal[0]], [imagined.goal[1]], color="tab:red", marker="x", s=40, label="imagined")
        ax.set_title(imagined.title, fontsize=7)
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal")
    ax.tick_params(labelsize=6)
    ax.legend(fontsize=6, loc="upper right")


def record_videos(
    model, info: dict, cfg: EvalConfig, out: Path, count: int = 2, prior=None, decoder=None, progress: bool = True
) -> list[Path]:
    """One GIF per controller and episode for the first `count` held-out episodes.

    decoder (world_model.decoder.model.LatentDecoder fitted to `model`, or None) adds the imagined panel.
    Tasks that cannot render scene frames get one printed line saying why, and no files. Drawing takes longer
    than evaluating (a figure per episode and step), so a progress bar names the controller being drawn.
    """
    support = render_support(info["task"])
    if not support.scene_frames:
        print(f"no videos: {support.reason}")
        return []
    steps = envs.task_spec(info["task"]).max_episode_steps
    written = []
    with tqdm(
        total=len(cfg.controllers) * steps, desc=f"videos of {count} episodes", unit="step", disable=not progress
    ) as bar:
        for name in cfg.controllers:
            bar.set_postfix_str(name)
            with envs.make(info["task"], num_envs=count, obs_mode=info["obs_mode"]) as env:
                imagined = None if decoder is None else ImaginedView(model, decoder, env, name)
                frames = _episode_frames(name, model, env, cfg, count, prior, imagined, bar)
            for b in range(count):
                target = Path(out) / "videos" / f"{name.replace('+', '_')}_episode{b}.gif"
                atomic_write(target, lambda tmp, clip=frames[b]: imageio.mimsave(tmp, clip, duration=0.08, loop=0))
                written.append(target)
    return written


def _episode_frames(
    name: str, model, env, cfg: EvalConfig, count: int, prior=None, imagined: ImaginedView | None = None, bar=None
) -> list[list[np.ndarray]]:
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
        dreams = [None] * count if imagined is None else imagined.at_step(controller)
        history = _plane(np.stack(paths, axis=1))
        goals = _plane(env.desired_goal)
        lim = _limits(history, goals, [_plane(d.goal) for d in dreams if d is not None and d.goal is not None])
        for b in range(count):
            plan_path = None if plan_goals is None else _plane(plan_goals[b])
            panels = Panels(scenes[b], goal_images[b], history[b], plan_path, goals[b], dreams[b])
            title = f"{env.spec.name} · {name} · step {t + 1}"
            frames[b].append(_frame(panels, env.spec.success_radius, title, lim))

    with torch.inference_mode():
        run_episodes(
            env,
            controller,
            evaluation_seeds(count),
            device=cfg.device,
            on_step=on_step,
            progress=bar,
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
    return list(env.render_states(*env.task.goal_state(env.desired_goal, env.initial_qpos)))


def _limits(history: np.ndarray, goals: np.ndarray, extra: list[np.ndarray] = ()) -> tuple[float, float, float, float]:
    """Plot limits around the paths (B, t, 2), the goals (B, 2) and any extra points (2,)."""
    points = np.concatenate([history.reshape(-1, history.shape[-1]), goals, *(p.reshape(1, -1) for p in extra)])
    lo, hi = points.min(axis=0) - 0.05, points.max(axis=0) + 0.05
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])
