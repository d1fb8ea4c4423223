"""A generated project's stages print their own lines, not the libraries' advice and warnings.

Lightning's tips, deprecation warnings, "torchvision is not installed" from the ONNX exporter and
MLflow's warning about the pickle format the tabular model is saved in tell a learner nothing about
the project; Stable-Baselines3's default logger leaves an `SB3-<date>` folder in the temporary
directory on every training.
"""

from __future__ import annotations

from pathlib import Path

from tests.slow.harness import Project, Trained, generate

NOISE = (
    "\U0001f4a1 Tip",  # Lightning's tips: litlogger, litmodels
    "litlogger",
    "DeprecationWarning",
    "FutureWarning",
    "is deprecated",
    "torchvision is not installed",
    "Saving scikit-learn models in the pickle",
)


def assert_quiet(output: str) -> None:
    heard = [line for line in output.splitlines() if any(noise in line for noise in NOISE)]
    assert not heard, "\n".join(heard)


def without_torchvision(tmp_path: Path, project: Project) -> dict[str, str]:
    """Environment where `torchvision` cannot be imported, as in a project that does not need it."""
    blocker = tmp_path / "no-torchvision"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text('import sys\nsys.modules["torchvision"] = None\n')
    return {"PYTHONPATH": f"{blocker}:{project.path / 'src'}"}


def test_tabular_pipeline_has_no_mlflow_pickle_warning(tabular_trained: Trained) -> None:
    assert "train: MLflow run" in tabular_trained.output  # the stage's own line is still there
    assert_quiet(tabular_trained.output)


def test_rl_training_writes_no_log_folder_and_no_exporter_noise(tmp_path: Path) -> None:
    project = generate("rl-agent", tmp_path)
    project.set_params(train={"total_timesteps": 1024, "eval_freq": 512, "progress_bar": False})
    temp = tmp_path / "temp"
    temp.mkdir()
    env = without_torchvision(tmp_path, project) | {"TMPDIR": str(temp)}
    result = project.dvc("repro", "train", env=env, timeout=600)
    output = result.stdout + result.stderr
    assert "exported the policy to model.onnx" in output
    assert_quiet(output)
    assert not list(temp.glob("SB3-*")), "Stable-Baselines3 wrote a log folder"


def test_image_training_has_no_lightning_tips_or_deprecations(tmp_path: Path) -> None:
    project = generate("image-cnn", tmp_path)
    project.set_params(data={"max_images_per_class": 30}, train={"epochs": 1})
    result = project.dvc("repro", "train", timeout=600)
    output = result.stdout + result.stderr
    assert "train: small-cnn trained from scratch, 1 epochs" in output
    assert_quiet(output)
