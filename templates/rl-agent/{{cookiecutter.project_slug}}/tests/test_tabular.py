"""Q-learning, SARSA and Expected SARSA: their updates, the default choice, the whole pipeline."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.agents import check_algorithm, choose, plan
from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.config import METRICS, PATHS_FIGURE, POLICY_FIGURE, load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError
from {{ cookiecutter.package_name }}.core.onnx_export import table_graph
from {{ cookiecutter.package_name }}.envs import env_action, env_spec, make_env, make_vec_env
from {{ cookiecutter.package_name }}.reporting.evaluation import exact_findings
from {{ cookiecutter.package_name }}.reporting.evidence import EVALUATION_JSON
from {{ cookiecutter.package_name }}.tabular import Settings, TabularAgent, exact_returns
from {{ cookiecutter.package_name }}.train import keep_better

from .serving_stack import post_without_training_stack

SETTINGS = Settings(
    learning_rate=0.5, gamma=0.9, epsilon_start=1.0, epsilon_end=0.1, exploration_fraction=0.5
)


def agent(algorithm: str, q_table: list[list[float]], **starts: int) -> TabularAgent:
    return TabularAgent(algorithm, np.asarray(q_table, dtype=float), SETTINGS, **starts)


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("QLearning", 1.0 + 0.9 * 4.0),  # the best next action's value
        ("SARSA", 1.0 + 0.9 * 2.0),  # the value of the action taken next (1)
        ("ExpectedSARSA", 1.0 + 0.9 * ((1 - 0.2) * 4.0 + 0.2 * 3.0)),  # epsilon-greedy's mean
    ],
)
def test_each_algorithm_bootstraps_from_its_own_next_value(algorithm: str, expected: float):
    table = agent(algorithm, [[0.0, 0.0], [4.0, 2.0]])
    assert table.target(1.0, next_state=1, next_action=1, epsilon=0.2) == pytest.approx(expected)


def test_epsilon_falls_linearly_then_stays():
    table = agent("QLearning", [[0.0]])
    assert table.epsilon(0, 100) == 1.0
    assert table.epsilon(25, 100) == pytest.approx(0.55)
    assert table.epsilon(50, 100) == table.epsilon(99, 100) == pytest.approx(0.1)


def test_training_is_seeded_and_deterministic():
    def learned(seed: int) -> np.ndarray:
        env = make_env("FrozenLake-v1")
        learner = TabularAgent.for_env("SARSA", env, SETTINGS, seed)
        episodes = []
        learner.learn(env, 2000, on_episode=lambda *episode: episodes.append(episode))
        env.close()
        assert episodes and learner.num_timesteps == 2000
        return learner.q

    first = learned(3)
    assert np.abs(first).sum() > 0
    np.testing.assert_array_equal(first, learned(3))
    assert not np.array_equal(first, learned(4))


def test_the_saved_table_loads_and_acts_greedily(tmp_path: Path):
    table = agent("QLearning", [[0.0, 1.0, 1.0], [2.0, 0.0, 0.0]], state_start=5, action_start=-1)
    table.save(tmp_path / "agent.zip")
    loaded = TabularAgent.load(tmp_path / "agent.zip", device="cpu")
    np.testing.assert_array_equal(loaded.q, table.q)
    assert (loaded.algorithm, loaded.settings) == ("QLearning", SETTINGS)
    actions, _ = loaded.predict(np.array([5, 6]))
    assert actions.tolist() == [0, -1]  # first best action on a tie, shifted by the start


def test_the_onnx_table_answers_as_the_table_does():
    import onnxruntime

    q_table = np.random.default_rng(0).integers(0, 3, size=(7, 4)).astype(float)  # many ties
    session = onnxruntime.InferenceSession(table_graph(q_table, 2, 1).SerializeToString())
    states = np.arange(2, 9)
    (actions,) = session.run(None, {"observation": states.astype(np.float32)})
    np.testing.assert_array_equal(actions, np.argmax(q_table[states - 2], axis=1) + 1)


def frozen_lake_tables() -> tuple[np.ndarray, np.ndarray]:
    """The optimal Q-table of slippery FrozenLake (value iteration on its own transition table),
    and one that always goes left, which never reaches the goal."""
    env = make_env("FrozenLake-v1")
    transitions, q = env.unwrapped.P, np.zeros((16, 4))
    for _ in range(300):
        values = q.max(axis=1)
        q = np.array(
            [
                [
                    sum(p * (r + (0.0 if done else 0.99 * values[s2])) for p, s2, r, done in moves)
                    for moves in transitions[state].values()
                ]
                for state in range(16)
            ]
        )
    env.close()
    always_left = np.zeros((16, 4))
    always_left[:, 0] = 1.0
    return q, always_left


def test_exact_returns_score_a_policy_and_the_optimum_on_the_transition_table():
    optimal, always_left = frozen_lake_tables()
    env = make_env("FrozenLake-v1")
    try:
        (greedy, left), best = exact_returns(
            env, [optimal.argmax(axis=1), always_left.argmax(axis=1)], 100
        )
    finally:
        env.close()
    assert 0.72 < best < 0.76  # slippery 4x4: about 74% of episodes reach the goal
    # The table is optimal for discounted returns (gamma 0.99): within a hair of the optimum of
    # the undiscounted, 100-step episodes the environment really plays.
    assert best - 0.01 < greedy <= best
    assert left == 0.0  # going left never reaches the goal
    assert exact_returns(make_env("CartPole-v1"), [np.zeros(2, dtype=int)], 500) is None


def test_exact_findings_say_when_the_solved_level_is_beyond_the_optimum():
    exact = {"horizon": 200, "optimal": 7.93, "seeds": {"1": 7.93, "2": 7.5}}
    said = " ".join(exact_findings(exact, "Taxi-v4", 8.0, 100))
    assert "the best possible policy 7.930" in said
    assert "seed 1 7.930, seed 2 7.500 (the furthest 0.430 below the best)" in said
    assert "The solved level 8 is above the best possible expected return 7.930" in said
    assert "above the best possible" not in " ".join(exact_findings(exact, "Taxi-v4", 7.0, 100))
    assert exact_findings(None, "CartPole-v1", 475.0, 100) == []


@pytest.mark.parametrize(("lucky_wins", "kept"), [(False, "final"), (True, "best")])
def test_a_best_checkpoint_is_kept_only_if_it_wins_a_rematch(tmp_path: Path, lucky_wins, kept):
    optimal, always_left = frozen_lake_tables()
    checkpoint_table, final_table = (optimal, always_left) if lucky_wins else (always_left, optimal)
    agent("QLearning", checkpoint_table.tolist()).save(tmp_path / "best_model.zip")
    final = agent("QLearning", final_table.tolist())
    final.num_timesteps = 2000
    # The periodic evaluation saw the checkpoint at 0.9 and the final agent at 0.5: ten episodes.
    evaluations = SimpleNamespace(means=[0.9, 0.5], timesteps=[1000, 2000])
    eval_env = make_vec_env("FrozenLake-v1", {}, 5, 10_000)
    try:
        checkpoint, served = keep_better(
            final,
            SimpleNamespace(algorithm="QLearning"),
            evaluations,
            eval_env,
            SimpleNamespace(eval_episodes=10),
            tmp_path,
            tmp_path / "agent.zip",
        )
    finally:
        eval_env.close()
    assert checkpoint.kind == kept
    np.testing.assert_array_equal(served.q, optimal)
    np.testing.assert_array_equal(TabularAgent.load(tmp_path / "agent.zip").q, optimal)


@pytest.mark.parametrize(
    ("env_id", "algorithm"),
    [
        ("FrozenLake-v1", "QLearning"),
        ("CliffWalking-v1", "QLearning"),
        ("CartPole-v1", "PPO"),
        ("Pendulum-v1", "PPO"),
        ("Acrobot-v1", "PPO"),  # a DQN preset exists, but PPO with the spaces budget solves it
        ("MountainCarContinuous-v0", "SAC"),
        ("MountainCar-v0", "DQN"),
    ],
)
def test_without_train_algorithm_the_spaces_and_the_tuned_tables_choose(env_id, algorithm):
    choice = choose(None, env_spec(env_id), tuned_defaults=True)
    assert choice.algorithm == algorithm
    assert choice.reason


def test_an_algorithm_set_in_params_always_wins():
    car, lake = env_spec("MountainCarContinuous-v0"), env_spec("FrozenLake-v1")
    assert choose("PPO", car, tuned_defaults=True).algorithm == "PPO"
    assert choose("SARSA", lake, tuned_defaults=True).algorithm == "SARSA"
    untuned = choose(None, env_spec("MountainCarContinuous-v0"), tuned_defaults=False)
    assert untuned.algorithm == "PPO"


def test_the_sac_preset_runs_mountain_car_continuous_by_default():
    spec = env_spec("MountainCarContinuous-v0")
    choice = choose(None, spec, tuned_defaults=True)
    todo = plan(
        choice.algorithm,
        spec.env_id,
        tuned_defaults=True,
        total_timesteps=None,
        n_envs=None,
        hyperparams={},
        spec=spec,
    )
    assert todo.preset == "RL Baselines3 Zoo, SAC on MountainCarContinuous-v0"
    assert "use_sde" in todo.hyperparams and todo.warning is None


def test_a_table_needs_discrete_observations():
    with pytest.raises(ConfigError, match="QLearning needs discrete observations"):
        check_algorithm("QLearning", env_spec("CartPole-v1"))


def test_environments_without_a_limit_get_one_and_actions_become_what_step_takes():
    cliff = env_spec("CliffWalking-v1")
    assert cliff.max_episode_steps == 1000 and cliff.step_limit_added
    assert not env_spec("FrozenLake-v1").step_limit_added
    assert env_action(np.array([2]), {"type": "Discrete", "n": 4}) == 2
    assert type(env_action(np.int64(1), {"type": "Discrete", "n": 4})) is int


def test_frozen_lake_runs_train_evaluate_and_report(trained_frozenlake: Path):
    meta = json.loads(Path("models/agent.json").read_text())
    assert (meta["algorithm"], meta["trained_timesteps"]) == ("QLearning", 3000)
    metrics = json.loads(METRICS.read_text())
    assert metrics["n_episodes"] == 4 and 0.0 <= metrics["mean_return"] <= 1.0
    assert 0 <= metrics["cut_off_episodes"] <= 4
    # Two tables, one per seed, each on the same episodes; the headline aggregates them.
    assert set(metrics["seeds"]) == {"42", "43"} and meta["seed"] == metrics["served_seed"]
    assert metrics["iqm_return_low"] <= metrics["iqm_return"] <= metrics["iqm_return_high"]
    evidence = json.loads(EVALUATION_JSON.read_text())
    drawn = [figure["path"] for figure in evidence["figures"]]
    assert POLICY_FIGURE.as_posix() in drawn and PATHS_FIGURE.as_posix() not in drawn
    readme = Path("README.md").read_text()
    assert "QLearning on FrozenLake-v1 (a NumPy Q-table of 16 states x 4 actions" in readme
    assert "random policy" in readme
    assert load_config().train.algorithm is None  # chosen by the train stage, not params.yaml


def test_the_table_is_served_from_onnx_without_the_training_stack(trained_frozenlake: Path):
    codes, answers, loaded = post_without_training_stack(
        trained_frozenlake,
        [("/predict", {"observation": [14]}), ("/predict", {"observation": [16]})],
    )
    assert codes == [200, 422] and loaded == []
    assert answers[0]["action"] in range(4)
    with TestClient(app) as client:
        assert client.post("/predict", json={"observation": [14]}).json() == answers[0]


def test_the_docs_example_is_a_state_index_and_answers(trained_frozenlake: Path):
    """/docs shows a real FrozenLake state as an integer, in words that fit any environment."""
    with TestClient(app) as client:
        schema = client.get("/openapi.json").json()["components"]["schemas"]["ObservationIn"]
        example = schema["examples"][0]
        (state,) = example["observation"]
        assert isinstance(state, int) and 0 <= state < 16
        assert "CartPole" not in schema["properties"]["observation"]["description"]
        assert client.post("/predict", json=example).status_code == 200


def test_cliff_walking_compares_q_learning_with_sarsa(tmp_path: Path, monkeypatch):
    from {{ cookiecutter.package_name }}.evaluate import cliff_comparison
    from {{ cookiecutter.package_name }}.figures import grid_cells

    monkeypatch.chdir(tmp_path)
    spec = env_spec("CliffWalking-v1")
    env = make_env(spec.env_id)
    learner = TabularAgent.for_env("QLearning", env, SETTINGS, 0)
    returns: list[float] = []
    learner.learn(env, 3000, on_episode=lambda _, r, __: returns.append(r))
    meta = SimpleNamespace(
        env_id=spec.env_id,
        env_kwargs={},
        algorithm="QLearning",
        action_space=spec.action_space,
        hyperparams=asdict(SETTINGS),
        seed=0,
        total_timesteps=3000,
    )
    log = {"episodes": {"timesteps": [0] * len(returns), "returns": returns, "lengths": []}}
    (tmp_path / "models").mkdir()
    (tmp_path / "models/training_log.json").write_text(
        json.dumps(log | {"evaluations": {"timesteps": [], "mean_returns": [], "std_returns": []}})
    )
    figure, caption = cliff_comparison(learner, meta, grid_cells(meta)[1], seed=0)
    assert figure == PATHS_FIGURE and PATHS_FIGURE.is_file()
    assert "Q-learning against SARSA" in caption


def test_episodes_the_step_limit_cut_off_are_counted_and_said():
    from {{ cookiecutter.package_name }}.reporting.evaluation import cut_off, episode_metrics

    metrics = episode_metrics([-1000.0, -13.0, -1000.0], [1000, 13, 1000], step_limit=1000)
    random = episode_metrics([-5000.0] * 3, [1000] * 3, step_limit=1000)
    assert metrics["cut_off_episodes"] == 2 and random["cut_off_episodes"] == 3
    meta = SimpleNamespace(max_episode_steps=1000, step_limit_added=True)
    (sentence,) = cut_off(metrics, random, meta)
    assert sentence.startswith("2 of 3 evaluation episodes were cut off at 1,000 steps")
    assert "Gymnasium registers none" in sentence and "(a random policy: 3 of 3)" in sentence
    assert cut_off(episode_metrics([1.0], [20], step_limit=1000), random, meta) == []


def test_exact_findings_say_when_the_sampled_episodes_and_the_exact_returns_disagree():
    """FrozenLake: every greedy policy's exact success rate 0.740, over the 0.7 solved level,
    while one unlucky draw of 100 episodes averages 0.66 for each."""
    exact = {"horizon": 100, "optimal": 0.744, "seeds": {"42": 0.740, "43": 0.740, "44": 0.740}}
    sampled = {"42": 0.66, "43": 0.66, "44": 0.63}
    said = exact_findings(exact, "FrozenLake-v1", 0.7, 100, sampled)
    assert said[-1] == (
        "By these exact returns 3 of 3 seeds' greedy policies reach the solved level 0.7, where "
        "the sampled episodes say 0: the difference is the draw of episodes, not the policies."
    )
    agreeing = {"42": 0.74, "43": 0.71, "44": 0.75}
    assert not any(
        "draw of episodes, not" in line
        for line in exact_findings(exact, "FrozenLake-v1", 0.7, 100, agreeing)
    )
