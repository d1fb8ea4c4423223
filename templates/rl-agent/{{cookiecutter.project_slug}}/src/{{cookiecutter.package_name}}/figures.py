"""The figures of the report: the seeds' learning curves and an animated GIF of the agent."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from .core.metadata import AgentMeta, TrainingLog
from .core.stage import atomic_path
from .envs import env_action, make_env
from .reporting.plotting import save_figure


def learning_curves(
    logs: dict[int, TrainingLog],
    returns: dict[int, list[float]],
    meta: AgentMeta,
    path: Path,
    random_mean: float | None,
    served: int,
    interval: tuple[float, float] | None = None,
) -> None:
    """Every seed's training returns (smoothed) with their median and min-max band, and the
    periodic evaluations (left); each seed's final evaluation episodes, over the interval of
    the IQM across seeds (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    threshold = meta.reward_threshold
    fig, (curve, spread) = plt.subplots(
        1, 2, figsize=(11, 4.8), gridspec_kw={"width_ratios": [3, 1]}, sharey=True
    )
    grid = np.linspace(0, meta.trained_timesteps, 200)
    window = smoothing_window([log.episodes.returns for log in logs.values()])
    lines = [_smoothed(log.episodes, grid, window) for log in logs.values()]
    smoothed = [line for line in lines if line is not None]
    for line in smoothed:
        curve.plot(grid, line, color="tab:blue", linewidth=0.8, alpha=0.35)
    if smoothed:
        stacked, several = np.vstack(smoothed), len(smoothed) > 1
        label = f"{len(smoothed)} seeds: lowest to highest" if several else None
        curve.fill_between(
            grid, stacked.min(0), stacked.max(0), color="tab:blue", alpha=0.2, label=label
        )
        mean = f"a moving mean of {window} episodes" if window > 1 else "episode by episode"
        label = "training return" + (": median of the seeds,\neach" if several else ",")
        curve.plot(grid, np.median(stacked, 0), color="tab:blue", label=f"{label} {mean}")
    for number, log in enumerate(logs.values()):
        if log.evaluations.timesteps:
            curve.plot(
                log.evaluations.timesteps,
                log.evaluations.mean_returns,
                "o",
                markersize=3,
                color="tab:orange",
                label="periodic evaluation" if number == 0 else None,
            )
    if interval is not None:
        spread.axhspan(*interval, color="tab:purple", alpha=0.15)
    for position, (seed, values) in enumerate(returns.items()):
        colour = "tab:green" if seed == served else "tab:gray"
        jitter = position + np.linspace(-0.2, 0.2, len(values))
        spread.scatter(jitter, values, s=6, alpha=0.5, color=colour)
        spread.plot([position - 0.3, position + 0.3], [np.mean(values)] * 2, color="black")
    names = [f"{seed}*" if seed == served else str(seed) for seed in returns]
    spread.set_xticks(range(len(returns)), names)
    spread.set_xlim(-0.6, len(returns) - 0.4)
    spread.set_title("evaluation episodes" + ("\n(shaded: IQM's 95% interval)" if interval else ""))
    spread.set_xlabel("seed (* served)")
    for axis in (curve, spread):
        if threshold is not None:
            axis.axhline(threshold, color="tab:red", linestyle="--", linewidth=1)
        axis.grid(alpha=0.3)
    if threshold is not None:
        curve.plot([], [], color="tab:red", linestyle="--", label=f"solved at {threshold:g}")
    if random_mean is not None:
        curve.axhline(
            random_mean,
            color="black",
            linestyle="-.",
            linewidth=1,
            label=f"random policy: {random_mean:.2f}",
        )
    curve.set_title(f"{meta.algorithm} on {meta.env_id}")
    curve.set_xlabel("environment steps")
    curve.set_ylabel("episode return")
    curve.legend(loc="lower right", fontsize=9)  # returns rise: the corner the curves leave
    save_figure(fig, path)
    plt.close(fig)


def smoothing_window(runs: list[list[float]]) -> int:
    """Episodes in the moving mean: a 40th of the shortest seed's, one for all (the legend's)."""
    return max(1, min((len(values) for values in runs if values), default=0) // 40)


def _smoothed(episodes: Any, grid: np.ndarray, window: int) -> np.ndarray | None:
    """A moving mean of the training returns, on the shared grid of steps (None: no episode)."""
    steps, values = episodes.timesteps, episodes.returns
    if not values:
        return None
    smooth = np.convolve(values, np.ones(window) / window, mode="valid")
    return np.interp(grid, np.asarray(steps[window - 1 :], dtype=float), smooth)


def agent_gif(
    agent: Any,
    meta: AgentMeta,
    path: Path,
    *,
    seed: int,
    max_frames: int,
    width: int,
    deterministic: bool = True,
) -> dict[str, Any]:
    """Play one episode with the agent, render every k-th frame, and write a looping GIF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    env = make_env(meta.env_id, meta.env_kwargs, render_mode="rgb_array")
    try:
        limit = meta.max_episode_steps or 1000
        stride = max(1, math.ceil(limit / max(max_frames, 1)))
        observation, _ = env.reset(seed=seed)
        frames, total, step, done = [_frame(env.render(), width)], 0.0, 0, False
        while not done and step < limit:
            action, _ = agent.predict(observation, deterministic=deterministic)
            observation, reward, terminated, truncated, _ = env.step(
                env_action(action, meta.action_space)
            )
            total, step, done = total + float(reward), step + 1, terminated or truncated
            if step % stride == 0 or done:
                frames.append(_frame(env.render(), width, f"step {step}  return {total:.0f}"))
    finally:
        env.close()
    frames = frames[: max_frames + 1]
    fps = meta.render_fps or 30
    with atomic_path(path) as scratch:  # a failed save keeps the previous animation whole
        frames[0].save(
            scratch,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=max(20, round(1000 * stride / fps)),  # real time, within GIF's 10 ms steps
            loop=0,
        )
    return {"frames": len(frames), "steps": step, "return": total}


def placeholder_gif(path: Path, reason: str) -> None:
    """A one-frame GIF saying why there is no animation (e.g. the env cannot render)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 80), "white")
    ImageDraw.Draw(image).text((10, 30), reason[:70], fill="black")
    with atomic_path(path) as scratch:
        image.save(scratch, format="GIF")


def _frame(rgb: np.ndarray, width: int, caption: str | None = None):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.fromarray(np.asarray(rgb, dtype=np.uint8))
    height = max(1, round(image.height * width / image.width))
    # Nearest neighbour keeps pixel-art frames sharp when enlarged; shrinking averages areas.
    shrink = width < image.width
    image = image.resize(
        (width, height), Image.Resampling.BOX if shrink else Image.Resampling.NEAREST
    )
    if caption:
        font = ImageFont.load_default(size=max(12, width // 24))  # readable at the GIF's width
        ImageDraw.Draw(image).text((6, 4), caption, fill=(40, 40, 40), font=font)
    # One shared 64-colour palette per frame keeps the GIF small and fast to write.
    return image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)


# Grid worlds whose states number the cells row by row: each action's step as (dx, dy), y down.
GRID_MOVES = {
    "FrozenLakeEnv": {0: (-1, 0), 1: (0, 1), 2: (1, 0), 3: (0, -1)},  # left, down, right, up
    "CliffWalkingEnv": {0: (0, -1), 1: (1, 0), 2: (0, 1), 3: (-1, 0)},  # up, right, down, left
}


def grid_cells(meta: AgentMeta) -> tuple[str, np.ndarray] | None:
    """The grid world's name and cell letters (S start, G goal, H hole, C cliff, F free), for a
    grid world whose states number its cells row by row; None for any other environment."""
    env = make_env(meta.env_id, meta.env_kwargs)
    try:
        world = env.unwrapped
        name = type(world).__name__
        if name not in GRID_MOVES:
            return None
        if hasattr(world, "desc"):  # FrozenLake's map
            return name, np.asarray(world.desc).astype(str)
        rows, columns = world.shape  # CliffWalking: start bottom left, goal bottom right
        cells = np.full((rows, columns), "F")
        cells[np.asarray(world._cliff, dtype=bool)] = "C"
        cells[rows - 1, 0], cells[rows - 1, columns - 1] = "S", "G"
        return name, cells
    finally:
        env.close()


def policy_map(
    q_table: np.ndarray, meta: AgentMeta, grid: tuple[str, np.ndarray], path: Path
) -> None:
    """The greedy action in every cell as an arrow, over V(s) = max_a Q(s, a) as a heatmap."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    name, cells = grid
    rows, columns = cells.shape
    values = q_table.max(axis=1).reshape(rows, columns)
    moves = GRID_MOVES[name]
    fig, axis = plt.subplots(figsize=(max(4.0, 0.8 * columns + 1.5), max(3.0, 0.8 * rows + 0.8)))
    image = axis.imshow(values, cmap="viridis")
    fig.colorbar(image, ax=axis, label="V(s) = max over actions of Q(s, a)", shrink=0.8)
    for row in range(rows):
        for column in range(columns):
            letter = cells[row, column]
            if letter in "HGC":  # the episode ends here: no action to draw
                axis.text(column, row, letter, ha="center", va="center", color="white")
                continue
            dx, dy = moves[int(np.argmax(q_table[row * columns + column]))]
            axis.annotate(
                "",
                xy=(column + 0.35 * dx, row + 0.35 * dy),
                xytext=(column - 0.35 * dx, row - 0.35 * dy),
                arrowprops={"arrowstyle": "->", "color": "white", "lw": 2},
            )
            if letter == "S":
                axis.text(column - 0.4, row - 0.25, "S", color="white", fontsize=8)
    axis.set_xticks([])
    axis.set_yticks([])
    axis.set_title(f"{meta.algorithm} on {meta.env_id}\ngreedy action and state value")
    save_figure(fig, path)
    plt.close(fig)


def greedy_path(agent: Any, meta: AgentMeta, seed: int, max_steps: int = 200) -> list[int]:
    """The states one greedy episode visits, from the start to its end (or max_steps)."""
    env = make_env(meta.env_id, meta.env_kwargs)
    try:
        state, _ = env.reset(seed=seed)
        path, done = [int(state)], False
        while not done and len(path) <= max_steps:
            action, _ = agent.predict(state, deterministic=True)
            state, _, terminated, truncated, _ = env.step(env_action(action, meta.action_space))
            path.append(int(state))
            done = terminated or truncated
    finally:
        env.close()
    return path


def path_comparison(
    runs: dict[str, tuple[list[int], list[float]]], cells: np.ndarray, path: Path
) -> None:
    """Each algorithm's greedy path on the grid (left) and its training returns (right): the
    classic cliff-walking picture of Q-learning's edge path against SARSA's safer one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, columns = cells.shape
    fig, (grid, curves) = plt.subplots(
        1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [3, 2]}
    )
    grid.imshow(np.where(cells == "C", 0.0, 1.0), cmap="gray", vmin=-0.5, vmax=1.0)
    for (name, (states, returns)), color, shift in zip(
        runs.items(), ("tab:red", "tab:blue"), (-0.12, 0.12), strict=False
    ):
        ys, xs = np.divmod(np.asarray(states), columns)
        grid.plot(xs, ys + shift, "o-", color=color, label=f"{name}: {len(states) - 1} steps")
        window = max(1, len(returns) // 50)
        smooth = np.convolve(returns, np.ones(window) / window, mode="valid")
        curves.plot(np.arange(window, len(returns) + 1), smooth, color=color, label=name)
    grid.text(0, rows - 1, "S", ha="center", va="center", color="black")
    grid.text(columns - 1, rows - 1, "G", ha="center", va="center", color="black")
    grid.set_xticks([])
    grid.set_yticks([])
    grid.set_title("greedy path after training (the cliff in black)")
    grid.legend(loc="upper left", fontsize=9)
    curves.set_ylim(-120, 0)  # the exploring episodes that fall keep far lower returns
    curves.set_xlabel("training episode")
    curves.set_ylabel("episode return (moving mean)")
    curves.set_title("returns while learning (epsilon-greedy)")
    curves.grid(alpha=0.3)
    curves.legend(loc="lower right", fontsize=9)
    save_figure(fig, path)
    plt.close(fig)
