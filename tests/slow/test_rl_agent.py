"""rl-agent, generated and run for real: it solves CartPole, learns Pendulum, serves actions."""

from __future__ import annotations

import httpx
import pytest
import yaml

from tests.slow.harness import Project, generate, served


def set_params(project: Project, **sections: dict) -> None:
    params_path = project.path / "params.yaml"
    params = yaml.safe_load(params_path.read_text())
    for section, values in sections.items():
        params[section].update(values)
    params_path.write_text(yaml.safe_dump(params, sort_keys=False))


@pytest.fixture(scope="module")
def cartpole(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = generate("rl-agent", tmp_path_factory.mktemp("cartpole"))
    project.dvc("repro", timeout=900)
    return project


@pytest.fixture(scope="module")
def pendulum(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = generate(
        "rl-agent", tmp_path_factory.mktemp("pendulum"), project_name="Pendulum Agent"
    )
    set_params(
        project,
        env={"id": "Pendulum-v1"},
        train={"algorithm": "SAC", "total_timesteps": 1500, "eval_freq": 0, "progress_bar": False},
        evaluate={"n_episodes": 4, "n_envs": 2, "gif_max_frames": 30},
        mlflow={"experiment": "pendulum-agent", "registered_model": "pendulum-agent"},
    )
    project.dvc("repro", timeout=900)
    return project


def test_default_pipeline_solves_cartpole_over_100_episodes(cartpole: Project) -> None:
    metrics = cartpole.metrics()
    assert metrics["n_episodes"] == 100
    assert metrics["mean_return"] >= 475, metrics


def test_readme_and_model_card_show_the_metrics_and_the_gif(cartpole: Project) -> None:
    from PIL import Image

    metrics = cartpole.metrics()
    for document in ("README.md", "MODEL_CARD.md"):
        block = cartpole.results_block(document)
        assert "reports/figures/agent.gif" in block
        assert f"| mean_return | {metrics['mean_return']:.4f} |" in block
        assert f"| std_return | {metrics['std_return']:.4f} |" in block
    readme = cartpole.results_block("README.md")
    assert readme.strip().startswith('<img src="reports/figures/agent.gif"'), (
        "the GIF leads the results"
    )
    with Image.open(cartpole.path / "reports" / "figures" / "agent.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames > 10


def test_mlflow_holds_the_run_and_the_registered_agent(cartpole: Project) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{cartpole.path / 'mlflow.db'}")
    versions = client.search_model_versions("name='cartpole-agent'")
    assert len(versions) == 1
    run = client.get_run(versions[0].run_id)
    assert run.data.params["env_id"] == "CartPole-v1"
    assert run.data.params["algorithm"] == "PPO"
    assert run.data.metrics["test/mean_return"] >= 475, (
        "evaluate adds its results to the training run"
    )


def test_a_second_repro_does_nothing(cartpole: Project) -> None:
    status = cartpole.dvc("status").stdout
    assert "up to date" in status or status.strip() == ""


def test_real_server_acts_and_refuses_wrong_observations(cartpole: Project) -> None:
    with served(cartpole) as url:
        good = httpx.post(f"{url}/predict", json={"observation": [0.01, -0.02, 0.03, 0.04]})
        assert good.status_code == 200
        assert good.json()["action"] in (0, 1)
        wrong_shape = httpx.post(f"{url}/predict", json={"observation": [0.1, 0.2]})
        assert wrong_shape.status_code == 422
        assert "4" in str(wrong_shape.json()["detail"])
        not_numbers = httpx.post(f"{url}/predict", json={"observation": "left"})
        assert not_numbers.status_code == 422


def test_continuous_actions_train_and_serve_through_params_alone(pendulum: Project) -> None:
    metrics = pendulum.metrics()
    assert metrics["n_episodes"] == 4
    assert metrics["mean_return"] < 0, "Pendulum's rewards are costs: returns are negative"
    assert "Pendulum-v1" in pendulum.results_block("README.md")
    with served(pendulum) as url:
        answer = httpx.post(f"{url}/predict", json={"observation": [1.0, 0.0, 0.5]})
        assert answer.status_code == 200
        (torque,) = answer.json()["action"]
        assert -2.0 <= torque <= 2.0
        out_of_bounds = httpx.post(f"{url}/predict", json={"observation": [1.0, 0.0, 99.0]})
        assert out_of_bounds.status_code == 422


def test_pendulum_run_is_tracked_in_the_same_store(pendulum: Project) -> None:
    from mlflow import MlflowClient

    # ./mlruns may hold artifacts (MLflow's default next to a sqlite store), never run metadata.
    assert not list(pendulum.path.rglob("meta.yaml")), "runs must all live in mlflow.db"
    client = MlflowClient(tracking_uri=f"sqlite:///{pendulum.path / 'mlflow.db'}")
    assert client.search_model_versions("name='pendulum-agent'")
