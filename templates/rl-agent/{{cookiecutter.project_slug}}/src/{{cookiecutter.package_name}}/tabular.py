"""Tabular Q-learning, SARSA and Expected SARSA in plain NumPy: one row of action values per state.

For environments whose observations and actions are both Discrete (FrozenLake, Taxi,
CliffWalking), the agent keeps a table Q[state, action]: its estimate of the discounted return
of taking `action` in `state` and acting well afterwards. Each environment step moves one entry
of the table towards a target (Sutton & Barto, Reinforcement Learning, 2nd ed., chapter 6):

    Q(s, a) <- Q(s, a) + learning_rate * (target - Q(s, a))

    Q-learning:      target = r + gamma * max_a' Q(s', a')              (the greedy next action)
    SARSA:           target = r + gamma * Q(s', a'), a' the action it will really take next
    Expected SARSA:  target = r + gamma * sum_a' pi(a' | s') Q(s', a')  (epsilon-greedy's mean)

and target = r when the episode ends in s' (a terminal state is worth nothing more). Actions
are epsilon-greedy: random with probability epsilon, which falls linearly from epsilon_start to
epsilon_end over the first exploration_fraction of training, else the best one in the table.
The agent answers like a Stable-Baselines3 agent (predict, save, load), so the stages treat it
as they treat the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

ALGORITHMS = ("QLearning", "SARSA", "ExpectedSARSA")


@dataclass(frozen=True)
class Settings:
    """How the table learns: params.yaml's train.tabular."""

    learning_rate: float
    gamma: float
    epsilon_start: float
    epsilon_end: float
    exploration_fraction: float


class TabularAgent:
    """A Q-table, trained by one of ALGORITHMS, acting greedily once trained."""

    def __init__(
        self,
        algorithm: str,
        q_table: np.ndarray,
        settings: Settings,
        *,
        state_start: int = 0,
        action_start: int = 0,
        seed: int = 0,
    ) -> None:
        self.algorithm, self.q, self.settings = algorithm, q_table, settings
        self.state_start, self.action_start = state_start, action_start
        self.rng = np.random.default_rng(seed)  # every random choice of training comes from here
        self.num_timesteps = 0

    @classmethod
    def for_env(cls, algorithm: str, env: Any, settings: Settings, seed: int) -> TabularAgent:
        """An all-zero table sized by the environment's Discrete spaces."""
        states, actions = env.observation_space, env.action_space
        return cls(
            algorithm,
            np.zeros((int(states.n), int(actions.n))),
            settings,
            state_start=int(states.start),
            action_start=int(actions.start),
            seed=seed,
        )

    # --- acting ---------------------------------------------------------------------------

    def greedy(self, state: int) -> int:
        """The table's best action index in `state`, ties broken at random (during training)."""
        values = self.q[state]
        best = np.flatnonzero(values == values.max())
        return int(best[0] if best.size == 1 else self.rng.choice(best))

    def epsilon_greedy(self, state: int, epsilon: float) -> int:
        """A random action index with probability epsilon, else the greedy one."""
        if self.rng.random() < epsilon:
            return int(self.rng.integers(self.q.shape[1]))
        return self.greedy(state)

    def epsilon(self, step: int, total_timesteps: int) -> float:
        """Exploration at `step`: a straight line from epsilon_start to epsilon_end, then flat."""
        s = self.settings
        progress = min(1.0, step / max(1.0, s.exploration_fraction * total_timesteps))
        return s.epsilon_start + progress * (s.epsilon_end - s.epsilon_start)

    def predict(
        self,
        observation: Any,
        state: Any = None,
        episode_start: Any = None,
        deterministic: bool = True,
    ) -> tuple[np.ndarray, None]:
        """The greedy action for one observation or a batch (first best action on a tie)."""
        states = np.asarray(observation, dtype=np.int64) - self.state_start
        return np.argmax(self.q[states], axis=-1) + self.action_start, None

    # --- learning -------------------------------------------------------------------------

    def target(self, reward: float, next_state: int, next_action: int, epsilon: float) -> float:
        """What Q(s, a) moves towards after a non-final step (see the module docstring)."""
        gamma, values = self.settings.gamma, self.q[next_state]
        if self.algorithm == "QLearning":
            return reward + gamma * values.max()
        if self.algorithm == "SARSA":
            return reward + gamma * values[next_action]
        # Expected SARSA: epsilon spread evenly over the actions, the rest on the greedy one.
        return reward + gamma * ((1 - epsilon) * values.max() + epsilon * values.mean())

    def learn(
        self,
        env: Any,
        total_timesteps: int,
        *,
        on_episode: Callable[[int, float, int], None],
        evaluate_every: int = 0,
        on_evaluation: Callable[[int], None] | None = None,
    ) -> TabularAgent:
        """Play `total_timesteps` steps in `env`, updating the table after each one.

        `on_episode(step, return, length)` hears of every finished episode; every
        `evaluate_every` steps `on_evaluation(step)` may score the greedy policy.
        """
        learning_rate = self.settings.learning_rate
        observation, _ = env.reset(seed=int(self.rng.integers(2**31)))
        state = int(observation) - self.state_start
        action = self.epsilon_greedy(state, self.settings.epsilon_start)
        episode_return, episode_length = 0.0, 0
        for step in range(1, total_timesteps + 1):
            epsilon = self.epsilon(step, total_timesteps)
            observation, reward, terminated, truncated, _ = env.step(action + self.action_start)
            next_state = int(observation) - self.state_start
            # Chosen before the update: SARSA's target needs it; the others simply play it next.
            next_action = self.epsilon_greedy(next_state, epsilon)
            # A cut-off episode (truncated) still bootstraps: s' is not a terminal state.
            if terminated:
                target = float(reward)
            else:
                target = self.target(float(reward), next_state, next_action, epsilon)
            self.q[state, action] += learning_rate * (target - self.q[state, action])
            self.num_timesteps = step
            episode_return, episode_length = episode_return + float(reward), episode_length + 1
            if terminated or truncated:
                on_episode(step, episode_return, episode_length)
                observation, _ = env.reset()
                next_state = int(observation) - self.state_start
                next_action = self.epsilon_greedy(next_state, epsilon)
                episode_return, episode_length = 0.0, 0
            state, action = next_state, next_action
            if on_evaluation is not None and evaluate_every and step % evaluate_every == 0:
                on_evaluation(step)
        return self

    # --- files ----------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """The table and its settings in one NumPy archive (readable without this project)."""
        with open(path, "wb") as handle:
            np.savez(
                handle,
                q_table=self.q,
                algorithm=self.algorithm,
                state_start=self.state_start,
                action_start=self.action_start,
                settings=np.array(list(asdict(self.settings).values())),
            )

    @classmethod
    def load(cls, path: str | Path, device: str | None = None) -> TabularAgent:
        """The agent `save` wrote (`device` is accepted as Stable-Baselines3's load takes it)."""
        with np.load(path, allow_pickle=False) as saved:
            return cls(
                str(saved["algorithm"]),
                saved["q_table"].copy(),
                Settings(*(float(value) for value in saved["settings"])),
                state_start=int(saved["state_start"]),
                action_start=int(saved["action_start"]),
            )

    @property
    def observation_space(self) -> Any:
        """The Discrete observation space the table covers, as a Gymnasium space."""
        from gymnasium.spaces import Discrete

        return Discrete(self.q.shape[0], start=self.state_start)

    @property
    def action_space(self) -> Any:
        """The Discrete action space the table covers, as a Gymnasium space."""
        from gymnasium.spaces import Discrete

        return Discrete(self.q.shape[1], start=self.action_start)

    def values(self) -> np.ndarray:
        """V(s) = max_a Q(s, a): what the greedy policy expects from each state."""
        return self.q.max(axis=1)


def exact_returns(
    env: Any, greedies: list[np.ndarray], horizon: int
) -> tuple[list[float], float] | None:
    """The expected return of each greedy policy (an action index per state) and of the best
    possible policy, undiscounted over `horizon` steps from the environment's own start states:
    dynamic programming on the transition table a toy-text environment publishes (env.P), built
    once for all the policies. None for an environment that publishes none."""
    table = getattr(env.unwrapped, "P", None)
    starts = getattr(env.unwrapped, "initial_state_distrib", None)
    if not isinstance(table, dict) or starts is None:
        return None
    if any(len(table) != len(greedy) for greedy in greedies):
        return None
    n_states, n_actions = len(table), len(table[0])
    reward = np.zeros((n_states, n_actions))  # expected reward of one step
    onward = np.zeros((n_states, n_actions, n_states))  # chance of going on, to each next state
    for state, moves in table.items():
        for action, outcomes in moves.items():
            for probability, next_state, step_reward, done in outcomes:
                reward[state, action] += probability * step_reward
                if not done:
                    onward[state, action, next_state] += probability
    follows = np.zeros((len(greedies), n_states))
    best, states = np.zeros(n_states), np.arange(n_states)
    for _ in range(horizon):  # the values with one more step left to play
        follows = np.array(
            [
                (reward + onward @ follow)[states, greedy]
                for follow, greedy in zip(follows, greedies, strict=True)
            ]
        )
        best = (reward + onward @ best).max(axis=1)
    return [float(starts @ follow) for follow in follows], float(starts @ best)
