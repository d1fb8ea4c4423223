"""rl-agent for real: the default pipeline solves CartPole-v1, Pendulum-v1 trains and serves through
params.yaml alone, impossible settings stop with one line, and a real uvicorn serves the agent."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.slow.harness import Project, generate, served

TEMPLATE = "rl-agent"
BUDGET_SECONDS = 300  # the most a default `dvc repro` (3 seeds) may take on 2 cores


@pytest.fixture(scope="module")
def cartpole(rl_trained: tuple[Project, float]) -> tuple[Project, float]:
    return rl_trained


@pytest.fixture(scope="module")
def pendulum(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Continuous actions: SAC on Pendulum-v1, a short budget and one seed (several seeds are
    CartPole's tests), set in params.yaml only."""
    project = generate(
        TEMPLATE, tmp_path_factory.mktemp("rl-pendulum"), project_name="Pendulum Agent"
    )
    project.set_params(
        data={"env": {"id": "Pendulum-v1"}},
        train={"algorithm": "SAC", "total_timesteps": 1000, "eval_freq": 500, "seeds": 1},
        evaluate={"n_episodes": 10},
    )
    project.dvc("repro")
    return project


def test_default_repro_solves_cartpole(
    cartpole: tuple[Project, float], record_property: pytest.RecordProperty
) -> None:
    project, seconds = cartpole
    metrics = project.metrics()
    record_property("dvc_repro_seconds", round(seconds, 1))
    record_property("mean_return", metrics["mean_return"])
    print(f"\n{TEMPLATE}: `dvc repro` on the default took {seconds:.1f} s; metrics {metrics}")
    if seconds > BUDGET_SECONDS:
        # Timing depends on the machine's load: reported (and by benchmarks/), not failed.
        warnings.warn(
            f"{TEMPLATE}: dvc repro took {seconds:.0f} s (target {BUDGET_SECONDS} s)", stacklevel=1
        )
    assert metrics["n_episodes"] == 100
    assert metrics["mean_return"] >= 475, metrics
    assert metrics["solved"] is True
    assert len(metrics["seeds"]) >= 3, "one agent per seed, each evaluated"
    meta = json.loads((project.path / "models" / "agent.json").read_text())
    assert (meta["algorithm"], meta["env_id"]) == ("PPO", "CartPole-v1")
    # The served agent is the best seed on the train stage's own evaluation episodes.
    chosen = json.loads((project.path / "models" / "seeds.json").read_text())
    scores = {run["seed"]: run["selection_mean_return"] for run in chosen["runs"]}
    assert meta["seed"] == metrics["served_seed"] == chosen["served"]
    assert scores[meta["seed"]] == max(scores.values())
    assert metrics["mean_return"] == metrics["seeds"][str(meta["seed"])]


def test_readme_and_model_card_show_the_metrics_and_the_gif(
    cartpole: tuple[Project, float],
) -> None:
    project, _ = cartpole
    metrics = project.metrics()
    with Image.open(project.path / "reports" / "figures" / "agent.gif") as gif:
        assert gif.format == "GIF" and 50 < gif.n_frames <= 251
    assert (project.path / "reports" / "figures" / "reward_curve.png").stat().st_size > 10_000
    for document in ("README.md", "MODEL_CARD.md"):
        block = project.results_block(document)
        if document == "README.md":  # the card's block opens with the model, then its results
            headline = f"**{metrics['iqm_return']:.2f} interquartile-mean return**"
            assert block.lstrip().startswith(headline)
        for key in ("iqm_return", "mean_return", "std_return", "min_return", "max_return"):
            assert f"| {key} | {metrics[key]:.2f} |" in block, (document, key)
        low, high = metrics["iqm_return_low"], metrics["iqm_return_high"]
        assert f"[{low:.2f}, {high:.2f}] (95% bootstrap interval)" in block
        n = len(metrics["seeds"])
        assert f"on {n} training seeds ({metrics['n_episodes']} evaluation episodes each)" in block
        served = f"served: seed {metrics['served_seed']}, the best of {n} by evaluation mean return"
        assert served in block, document
        assert "MLflow run: `" in block
    readme = project.results_block("README.md")
    assert readme.index("reports/figures/reward_curve.png") < readme.index("## The environment")
    assert "reports/figures/agent.gif" in readme and "reports/figures/random_policy.gif" in readme


def test_mlflow_holds_the_run_and_the_registered_agent(cartpole: tuple[Project, float]) -> None:
    from mlflow import MlflowClient

    project, _ = cartpole
    client = MlflowClient(tracking_uri=f"sqlite:///{project.path / 'mlflow.db'}")
    versions = client.search_model_versions("name='cartpole-agent'")
    assert len(versions) == 1
    run = client.get_run(versions[0].run_id)
    assert run.data.params["env_id"] == "CartPole-v1"
    assert run.data.params["algorithm"] == "PPO"
    assert run.data.metrics["test_mean_return"] >= 475, "evaluate adds to the training run"
    assert "test_iqm_return" in run.data.metrics
    # Each seed is a run nested under the one that registered the served agent.
    children = client.search_runs(
        [run.info.experiment_id], f"tags.mlflow.parentRunId = '{run.info.run_id}'"
    )
    assert len(children) >= 3
    assert run.data.tags["served_seed"] in {child.data.params["seed"] for child in children}
    for child in children:
        assert len(client.get_metric_history(child.info.run_id, "eval/mean_return")) == 10
        assert client.get_metric_history(child.info.run_id, "train/episode_return")


def test_a_second_repro_has_nothing_to_do(cartpole: tuple[Project, float]) -> None:
    project, _ = cartpole
    status = project.dvc("status").stdout
    assert "up to date" in status or status.strip() == "", status


def test_a_real_server_answers_predict(cartpole: tuple[Project, float]) -> None:
    project, _ = cartpole
    with served(project) as url:
        assert httpx.get(f"{url}/health").json() == {"status": "ok", "model_loaded": True}
        assert httpx.get(f"{url}/model-info").json()["env_id"] == "CartPole-v1"
        good = httpx.post(f"{url}/predict", json={"observation": [0.01, -0.02, 0.03, 0.04]})
        assert good.status_code == 200
        assert good.json()["action"] in (0, 1)
        # A solved agent pushes the cart under a falling pole: right when it leans right.
        right = httpx.post(f"{url}/predict", json={"observation": [0.0, 0.0, 0.15, 0.5]})
        left = httpx.post(f"{url}/predict", json={"observation": [0.0, 0.0, -0.15, -0.5]})
        assert (right.json()["action"], left.json()["action"]) == (1, 0)
        wrong = httpx.post(f"{url}/predict", json={"observation": [0.01, -0.02, 0.03]})
        assert wrong.status_code == 422
        assert "observation must have 4 value(s)" in str(wrong.json()["detail"])
        outside = httpx.post(f"{url}/predict", json={"observation": [0.0, 0.0, 3.0, 0.0]})
        assert outside.status_code == 422
        assert "upper bound" in str(outside.json()["detail"])
        assert httpx.post(f"{url}/predict", json={"observation": "left"}).status_code == 422


def test_pendulum_trains_and_evaluates_through_params_alone(pendulum: Project) -> None:
    metrics = pendulum.metrics()
    assert metrics["n_episodes"] == 10
    assert metrics["mean_episode_length"] == 200
    assert metrics["mean_return"] < 0, "Pendulum's rewards are costs"
    assert "reward_threshold" not in metrics  # Pendulum-v1 has none
    meta = json.loads((pendulum.path / "models" / "agent.json").read_text())
    assert meta["algorithm"] == "SAC"
    assert meta["action_space"]["type"] == "Box"
    assert meta["trained_timesteps"] == 1000
    with Image.open(pendulum.path / "reports" / "figures" / "agent.gif") as gif:
        assert gif.n_frames > 1
    block = pendulum.results_block("README.md")
    assert "SAC on Pendulum-v1" in block
    assert f"| mean_return | {metrics['mean_return']:.2f} |" in block
    # ./mlruns may hold artifacts (MLflow's default beside a sqlite store), never run metadata.
    assert not list(pendulum.path.rglob("meta.yaml")), "runs must all live in mlflow.db"


def test_pendulum_is_described_as_gymnasium_does_and_prose_edits_rerun_the_report(
    pendulum: Project, tmp_path: Path
) -> None:
    # Only data.env.id changed: data.about still names CartPole, so the page takes Gymnasium's.
    readme = (pendulum.path / "README.md").read_text(encoding="utf-8")
    assert (
        "**[Pendulum-v1 (Gymnasium)]"
        "(https://gymnasium.farama.org/environments/classic_control/pendulum/)** (MIT). "
        "The inverted pendulum swingup problem" in readme
    )
    assert "Balance a pole" not in readme and "CartPole" not in readme
    assert "observes a Box(shape=[3])" in readme and "a Box(shape=[1]) action" in readme
    card = (pendulum.path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "- Pendulum-v1 (Gymnasium)" in card
    # The learner's own words replace it, and only the report stage reruns for them.
    project = pendulum.copy_to(tmp_path / "pendulum")
    summary = "Swing a pendulum up and hold it there with the least torque."
    project.set_params(data={"about": {"name": "Pendulum-v1 (Gymnasium)", "summary": summary}})
    stale = json.loads(project.dvc("status", "--json").stdout)
    assert sorted(stale) == ["report"], stale
    project.dvc("repro")
    assert summary in (project.path / "README.md").read_text(encoding="utf-8")
    assert project.dvc("status", "--json").stdout.strip() in ("{}", "")


def test_pendulum_is_served_with_continuous_actions(pendulum: Project) -> None:
    with served(pendulum) as url:
        answer = httpx.post(f"{url}/predict", json={"observation": [1.0, 0.0, 0.5]})
        assert answer.status_code == 200
        (torque,) = answer.json()["action"]
        assert -2.0 <= torque <= 2.0
        outside = httpx.post(f"{url}/predict", json={"observation": [1.0, 0.0, 99.0]})
        assert outside.status_code == 422
        assert "observation[2]=99 is above" in str(outside.json()["detail"])


@pytest.mark.parametrize(
    ("changes", "stage", "message"),
    [
        ({"data": {"env": {"id": "CartPol-v1"}}}, "data", "Did you mean: `CartPole`"),
        (
            {"data": {"env": {"id": "Pendulum-v1"}}, "train": {"algorithm": "DQN"}},
            "train",
            "DQN cannot act in Pendulum-v1: it needs discrete actions",
        ),
    ],
    ids=["unknown-env", "algorithm-mismatch"],
)
def test_impossible_settings_stop_with_one_line(
    tmp_path: Path, changes: dict, stage: str, message: str
) -> None:
    project = generate(TEMPLATE, tmp_path)
    project.set_params(**changes)
    started = time.perf_counter()
    result = project.dvc("repro", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert any(message in line for line in errors), output[-3000:]
    assert "Traceback" not in output
    assert f"Running stage '{stage}'" in output
    assert not (project.path / "models" / "agent.zip").exists()
    assert time.perf_counter() - started < 60, "must stop before training"


def test_the_readme_dvc_exp_run_examples_run(pendulum: Project, tmp_path: Path) -> None:
    # The short-budget pendulum project: the README's overrides run as written, in seconds.
    project = pendulum.copy_to(tmp_path)
    for overrides in project.readme_experiments():
        project.exp_run(overrides)
    assert project.metrics()["n_episodes"] == 10
