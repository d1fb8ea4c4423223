"""image-cnn for real: one generated project, its pipeline on the default digits, its numbers in
the README, a learner's image folder, a DDP run on two CPU processes, and its API under uvicorn.

The learner's folder is made here with Pillow (scikit-learn's digits, upscaled onto canvases of
different sizes, PNG and JPEG, grayscale and colour), so nothing is downloaded.
"""

from __future__ import annotations

import io
import json
import shutil
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.slow.harness import Trained, served

TEMPLATE = "image-cnn"
STAGES = ["data", "train", "evaluate", "report"]
HEADLINE = ["accuracy", "macro_precision", "macro_recall", "macro_f1", "val_accuracy"]
FIGURES = ["confusion_matrix", "learning_curves", "sample_predictions", "worst_mistakes"]
LEARNER_CLASSES = ["0", "1", "2", "3"]


@pytest.fixture(scope="module")
def trained(image_trained: Trained) -> Trained:
    return image_trained


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def digit_image(
    pixels: np.ndarray, side: int, canvas: tuple[int, int], colour: bool
) -> Image.Image:
    """An 8x8 scikit-learn digit (ink 0-16) upscaled to side x side, centred on a dark canvas."""
    digit = Image.fromarray(np.rint(pixels * 255 / 16).astype(np.uint8)).resize(
        (side, side), Image.Resampling.BILINEAR
    )
    image = Image.new("L", canvas, 0)
    image.paste(digit, ((canvas[0] - side) // 2, (canvas[1] - side) // 2))
    if colour:  # a coloured pen on a photo, as a learner's scans might be
        return Image.merge("RGB", (image, image, image.point(lambda value: value // 2)))
    return image


def write_learner_folder(folder: Path, per_class: int = 40) -> dict[str, int]:
    """folder/<digit>/<n>.png|.jpg of mixed sizes and modes; how many images went to each class."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    canvases = [(24, 24), (40, 32), (64, 64), (30, 50)]
    counts = {}
    for label in LEARNER_CLASSES:
        (folder / label).mkdir(parents=True)
        chosen = np.flatnonzero(digits.target == int(label))[:per_class]
        for n, index in enumerate(chosen):
            canvas = canvases[n % len(canvases)]
            image = digit_image(digits.images[index], min(canvas) - 4, canvas, colour=n % 3 == 0)
            if n % 2:
                image.save(folder / label / f"scan-{n:03d}.jpg", format="JPEG", quality=92)
            else:
                image.save(folder / label / f"scan-{n:03d}.png", format="PNG")
        counts[label] = len(chosen)
    return counts


def test_dvc_repro_on_the_default_digits_reaches_the_accuracy_bar(trained):
    for stage in STAGES:
        assert f"Running stage '{stage}'" in trained.output, stage
    metrics = trained.project.metrics()
    print(f"\n{TEMPLATE}: held-out accuracy {metrics['accuracy']:.4f} in {trained.seconds:.1f} s")
    assert metrics["accuracy"] >= 0.97
    assert metrics["num_classes"] == 10 and metrics["test_images"] == 359


def test_readme_and_model_card_show_the_numbers_of_metrics_json(trained):
    metrics = trained.project.metrics()
    assert all(not isinstance(value, dict) for value in metrics.values())  # `dvc metrics show`
    per_class = trained.project.metrics("reports/per_class.json")
    for document in ("README.md", "MODEL_CARD.md"):
        block = trained.project.results_block(document)
        assert (
            f"**{metrics['accuracy']:.3f} accuracy**" in block and "on 359 held-out images" in block
        )
        for name in HEADLINE:
            assert f"| {name} | {metrics[name]:.4f} |" in block, (document, name)
        for label, row in per_class.items():
            cells = [f"{row[key]:.4f}" for key in ("precision", "recall", "f1")]
            # Class names are data: the page shows them as code spans.
            assert f"| `{label}` | {' | '.join(cells)} | {row['support']} |" in block, label
    readme = trained.project.results_block("README.md")
    for figure in FIGURES:
        assert f"reports/figures/{figure}.png" in readme, figure
        assert (trained.project.path / f"reports/figures/{figure}.png").is_file(), figure
    # One or two mistakes still make a figure wide enough for its title.
    with Image.open(trained.project.path / "reports/figures/worst_mistakes.png") as mistakes:
        assert mistakes.width >= 450


def test_training_logs_one_run_into_the_one_mlflow_store(trained):
    from mlflow import MlflowClient

    path = trained.project.path
    # ./mlruns may hold artifacts (MLflow's default next to a sqlite store), never run metadata:
    # Lightning's logger writes to mlflow.db, not to a file store of its own.
    assert not list(path.rglob("meta.yaml")), "runs must all live in mlflow.db"
    assert not (path / "lightning_logs").exists()
    record = json.loads((path / "models/run.json").read_text(encoding="utf-8"))
    assert record["tracking_uri"] == "sqlite:///mlflow.db"
    client = MlflowClient(tracking_uri=f"sqlite:///{path / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name(path.name).experiment_id])
    assert run.info.run_id == record["run_id"]
    assert len(client.get_metric_history(run.info.run_id, "val_acc")) >= 5  # per-epoch curves
    assert run.data.params["train.model.arch"] == "auto"  # params.yaml, flattened
    assert run.data.params["chosen.arch"] == "small-cnn"  # what `auto` became for digits
    assert run.data.params["chosen.image_size"] == "16"
    assert run.data.metrics["test_accuracy"] == pytest.approx(trained.project.metrics()["accuracy"])
    (version,) = client.search_model_versions(f"name='{path.name}'")
    assert version.run_id == record["run_id"]


def test_a_learner_image_folder_trains_through_params_yaml(trained, tmp_path):
    project = trained.project.copy_to(tmp_path)
    counts = write_learner_folder(project.path / "data/raw")
    project.set_params(data={"source": "folder"}, train={"epochs": 6})

    rerun = project.dvc("repro").stdout
    for stage in STAGES:
        assert f"Running stage '{stage}'" in rerun, stage
    dataset = json.loads((project.path / "data/dataset.json").read_text(encoding="utf-8"))
    assert dataset["source"] == "folder"
    assert dataset["classes"] == LEARNER_CLASSES and dataset["per_class"] == counts
    sources = (project.path / "data/splits.csv").read_text(encoding="utf-8")
    assert ".jpg" in sources and ".png" in sources
    metrics = project.metrics()
    per_class = json.loads((project.path / "reports/per_class.json").read_text(encoding="utf-8"))
    assert list(per_class) == LEARNER_CLASSES
    assert metrics["accuracy"] >= 0.8
    assert f"| accuracy | {metrics['accuracy']:.4f} |" in project.results_block("README.md")
    model = json.loads((project.path / "models/model.json").read_text(encoding="utf-8"))
    assert model["classes"] == LEARNER_CLASSES


def test_ddp_on_two_cpu_processes_trains_and_logs_one_mlflow_run(trained, tmp_path):
    from mlflow import MlflowClient

    project = trained.project.copy_to(tmp_path)
    for store in ("mlflow.db", "mlruns"):  # start from an empty MLflow store
        path = project.path / store
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    epochs = 3
    project.set_params(
        train={"accelerator": "cpu", "devices": 2, "strategy": "ddp", "epochs": epochs}
    )

    result = project.dvc("repro")
    rerun = result.stdout + result.stderr
    assert "Starting with 2 processes" in rerun and "MEMBER: 2/2" in rerun
    assert "Stage 'data' didn't change, skipping" in rerun
    for stage in ("train", "evaluate", "report"):
        assert f"Running stage '{stage}'" in rerun, stage
    record = json.loads((project.path / "models/run.json").read_text(encoding="utf-8"))
    client = MlflowClient(tracking_uri=f"sqlite:///{project.path / 'mlflow.db'}")
    experiment = client.get_experiment_by_name(project.path.name)
    runs = client.search_runs([experiment.experiment_id])
    assert [run.info.run_id for run in runs] == [record["run_id"]]
    (run,) = runs
    assert run.data.params["train.strategy"] == "ddp" and run.data.params["train.devices"] == "2"
    assert len(client.get_metric_history(run.info.run_id, "val_loss")) == epochs
    assert run.data.metrics["test_accuracy"] == pytest.approx(project.metrics()["accuracy"])
    assert project.metrics()["accuracy"] >= 0.8
    (version,) = client.search_model_versions(f"name='{project.path.name}'")
    assert version.run_id == record["run_id"]


def test_a_real_server_answers_predict_for_a_png_and_4xx_for_junk(trained):
    from sklearn.datasets import load_digits

    project = trained.project
    three = (project.path / "data/images/3/00000.png").read_bytes()  # as the data stage wrote it
    large = png(digit_image(load_digits().images[3], 56, (64, 48), colour=True))
    with served(project) as url, httpx.Client(base_url=url) as client:
        assert client.get("/health").json() == {"status": "ok", "model_loaded": True}

        start = time.monotonic()
        answers = [
            client.post("/predict", files={"file": ("three.png", three, "image/png")})
            for _ in range(20)
        ]
        latency = (time.monotonic() - start) / len(answers) * 1000
        print(f"\n{TEMPLATE}: /predict of a PNG takes {latency:.1f} ms (mean of 20, one client)")
        assert all(answer.status_code == 200 for answer in answers), answers[0].text
        predictions = answers[0].json()["predictions"]
        assert predictions[0]["label"] == "3"
        assert len(predictions) == 3 and {row["label"] for row in predictions} <= set("0123456789")
        assert 0.9 <= sum(row["probability"] for row in predictions) <= 1 + 1e-6

        resized = client.post("/predict", files={"file": ("big.png", large, "image/png")})
        assert resized.status_code == 200, resized.text
        assert resized.json()["predictions"][0]["label"] in set("0123456789")

        junk = client.post("/predict", files={"file": ("x.png", b"junk" * 100, "image/png")})
        assert 400 <= junk.status_code < 500
        assert "not an image" in junk.json()["detail"]


def test_the_readme_dvc_exp_run_examples_run(trained, tmp_path):
    project = trained.project.copy_to(tmp_path)
    for overrides in project.readme_experiments():
        project.exp_run(overrides, "train.epochs=2")  # the README's change, on a short budget
    assert project.metrics()["accuracy"] > 0.5
