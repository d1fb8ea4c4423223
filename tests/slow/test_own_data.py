"""Each template on a learner's own data, switched the way its README says (issues 15 and 16).

One project per data set: put the data in place, `dvc add` it, change params.yaml, `dvc repro`.
Then: the result clears a quality bar stated here, the project's own test suite passes, the
README and model card no longer describe the default data, and (rl-agent) the example /docs
shows answers 200 from a real uvicorn.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from mlport.audit.checks import check_data_names
from mlport.audit.facts import Project as AuditedProject
from tests.slow import own_data, own_images
from tests.slow.conftest import sharing
from tests.slow.harness import Project, free_port, generate, served

SPLITS = ("train", "test")
# Sentences (or their telling words) of each default data set's description: none may remain
# once the project trains on other data. Matched case-insensitively.
DEFAULT_DESCRIPTIONS = {
    "tabular-classifier": [
        "breast cancer",
        "breast tumour",
        "30 measurements",
        "cell nuclei",
        "fine-needle aspirate",
        "Wisconsin",
        "malignant",
        "benign",
    ],
    "tabular-regressor": [
        "diabetes",
        "disease progression",
        "serum",
        "Efron",
        "442",
        "body mass index",
    ],
    "nlp-sentiment": [
        "IMDB",
        "Large Movie Review Dataset",
        "Maas et al",
        "25,000 train",
        "movie review",
    ],
    "image-cnn": [
        "8x8 pixels",
        "Optical Recognition",
        "1,797",
        "scikit-learn's digits",
        "load_digits",
    ],
    "clustering": [
        "wine",
        "cultivar",
        "chemical analysis",
        "Italy",
        "proline",
        "flavanoids",
    ],
    "rl-agent": [
        "CartPole",
        "pole angle",
        "cart position",
        "keeps the pole",
    ],
}


# What a learner writes in data.about for their own data, as docs/own-data.md says.
ABOUT = {
    "tabular-classifier": {
        "name": "Passenger manifest",
        "url": "https://example.org/passengers",
        "license": "CC0",
        "citation": "Our shipping line's passenger records (2024).",
        "summary": "One row per passenger: ticket, travel details and whether they survived.",
    },
    "tabular-regressor": {
        "name": "Wine recognition",
        "url": "https://archive.ics.uci.edu/dataset/109/wine",
        "license": "CC BY 4.0",
        "citation": "Aeberhard, S., Forina, M. (1992). Wine. UCI Machine Learning Repository.",
        "summary": "One row per wine grown in one region of Italy: its chemical analysis.",
    },
    "nlp-sentiment": {
        "name": "Opinion sentences",
        "url": "https://example.org/opinions",
        "license": "CC BY 4.0",
        "citation": "Our survey's free-text answers (2024).",
        "summary": "One short opinion per row, labelled positive or negative.",
        "reference": None,  # IMDB's published figure goes with IMDB's description
    },
    "image-cnn": {
        "name": "Scanned digits",
        "url": "https://example.org/digits",
        "license": "CC0",
        "citation": "Digits scanned from our paper forms (2024).",
        "summary": "Handwritten digits scanned at 28x28 pixels, one folder per digit.",
    },
    "clustering": {
        "name": "Shop customers",
        "url": "https://example.org/customers",
        "license": "CC0",
        "citation": "Our shop's loyalty-card records (2024).",
        "summary": "One row per customer: yearly spend, visits, basket size and channel.",
    },
    "rl-agent": {
        "url": "https://gymnasium.farama.org/environments/classic_control/",
        "license": "MIT",
        "citation": "Towers, M. et al. (2024). Gymnasium. arXiv:2407.17032",
    },
}


def default_sentences_left(project: Project, template: str) -> list[str]:
    """Each `document: phrase` of the default data's description still in the documents."""
    left = []
    for document in ("README.md", "MODEL_CARD.md"):
        text = (project.path / document).read_text(encoding="utf-8")
        for phrase in DEFAULT_DESCRIPTIONS[template]:
            if re.search(re.escape(phrase), text, re.IGNORECASE):
                left.append(f"{document}: {phrase}")
    return left


def own_project(root: Path, template: str, name: str, description: str) -> Project:
    """A project named for the learner's data, as `mlport new --set project_name=...` makes it."""
    return generate(template, root, project_name=name, description=description)


def switch_to_own_data(
    project: Project, data: str, write, data_params: dict, *stages: str
) -> Project:
    """As the README says: write the data at `data`, `dvc add` it, point params.yaml's data
    section at it, `dvc repro` (only `stages`, if given)."""
    write(project.path / data)
    project.dvc("add", data)
    template = json.loads((project.path / ".mlport.json").read_text(encoding="utf-8"))["template"]
    project.set_params(data=data_params | {"about": ABOUT[template]})
    project.dvc("repro", *stages)
    return project


def passes_its_own_tests(project: Project) -> None:
    result = project.python("-m", "pytest", "-q", "-p", "no:cacheprovider", check=False)
    summary = result.stdout.strip().splitlines()[-1:] or [""]
    assert result.returncode == 0, f"{summary[0]}\n{result.stdout[-6000:]}"


# --- tabular-classifier: a passenger table ------------------------------------------------


def edit_params_keeping_comments(project: Project, data: dict) -> None:
    """Change params.yaml's data keys as a learner does in an editor: every other line, comments
    included, stays as it was, so a later merge from the template meets no rewritten file."""
    from ruamel.yaml import YAML

    yaml = YAML()
    path = project.path / "params.yaml"
    params = yaml.load(path.read_text(encoding="utf-8"))
    for key, value in data.items():
        params["data"][key] = value
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(params, stream)


@pytest.fixture(scope="module")
def passengers(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Started from the defaults, switched to a passenger table and committed, then renamed
    after it with `mlport rename` (as `mlport check` asks) before its first `dvc repro`."""
    project = generate(
        "tabular-classifier",
        tmp_path_factory.mktemp("own-tabular"),
        description="Who survived the voyage? Passengers classified from their ticket and travel "
        "details.",
    )
    data = "data/raw/passengers.csv"
    own_data.write_passengers(project.path / data)
    project.dvc("add", data)
    settings = {
        "source": data,
        "target": own_data.PASSENGER_TARGET,
        "drop_columns": [own_data.PASSENGER_ID],
    }
    edit_params_keeping_comments(project, settings | {"about": ABOUT["tabular-classifier"]})
    project.run("git", "add", "--all")
    project.run("git", "commit", "-qm", "Train on the passenger table")
    project.run(sys.executable, "-m", "mlport", "rename", "passenger-survival")
    renamed = Project(path=project.path, package="passenger_survival")
    renamed.dvc("repro")
    return renamed


def test_tabular_renamed_after_the_passengers_keeps_only_its_folder_name(passengers: Project):
    row = check_data_names(AuditedProject(passengers.path), False)
    assert row.found == (
        "data is data/raw/passengers.csv but still named for Breast Cancer Wisconsin "
        "(Diagnostic): folder breast-cancer-classifier"
    ), row.found
    assert (passengers.path / "README.md").read_text().startswith("# Passenger Survival\n")
    assert not (passengers.path / "src" / "breast_cancer_classifier").exists()


def test_tabular_learns_the_passenger_table(passengers: Project):
    # The rule the table was drawn from scores 0.80 accuracy and 0.87 ROC AUC, a majority guess
    # 0.65; the bars leave two standard errors of the 200 held-out rows below the rule.
    metrics = passengers.metrics()
    assert metrics["accuracy"] >= 0.74, metrics
    assert metrics["roc_auc"] >= 0.80, metrics


def test_tabular_passes_its_own_tests_on_the_passenger_table(passengers: Project):
    passes_its_own_tests(passengers)


def test_tabular_documents_describe_the_passengers_not_the_default(passengers: Project):
    assert default_sentences_left(passengers, "tabular-classifier") == []


# --- tabular-regressor: the wine table, alcohol as the target ----------------------------


@pytest.fixture(scope="module")
def wines(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = own_project(
        tmp_path_factory.mktemp("own-regressor"),
        "tabular-regressor",
        "Wine Alcohol",
        "How strong is this wine? Its alcohol content predicted from its chemical analysis.",
    )
    data = "data/raw/wines.csv"
    settings = {"source": data, "target": own_data.WINE_TARGET}
    return switch_to_own_data(project, data, own_data.write_wines, settings)


def test_regressor_learns_the_wine_table_and_beats_its_baselines(wines: Project):
    # Cross-validated ridge explains about 0.58 of the variance on these 178 wines; 36 held-out
    # rows move R² by about 0.1, so the bar leaves room below it.
    metrics = wines.metrics()
    assert metrics["r2"] >= 0.35, metrics
    evaluation = wines.metrics("reports/evaluation.json")
    for baseline in evaluation["baselines"]:
        assert baseline["metrics"]["r2"] < metrics["r2"], baseline
    schema = wines.metrics("models/feature_schema.json")
    kinds = {feature["name"]: feature["kind"] for feature in schema["features"]}
    assert kinds["cultivar"] == "category" and kinds["od280/od315_of_diluted_wines"] == "number"


def test_regressor_passes_its_own_tests_on_the_wine_table(wines: Project):
    passes_its_own_tests(wines)


def test_regressor_documents_describe_the_wines_not_the_default(wines: Project):
    assert default_sentences_left(wines, "tabular-regressor") == []
    readme = wines.results_block("README.md")
    assert "Wine recognition" in readme and "the column `alcohol` holds the target" in readme
    changed = wines.run("git", "status", "--porcelain", "--untracked-files=no").stdout
    edited = {line[3:] for line in changed.splitlines()}
    # Only params.yaml and what the pipeline writes: no code or template text was touched.
    assert edited <= {
        "params.yaml",
        "README.md",
        "MODEL_CARD.md",
        "dvc.lock",
        "data/raw/.gitignore",
    }, edited


# --- nlp-sentiment: labelled texts in TSV, and in JSON Lines ------------------------------


def texts_project(root: Path, filename: str, write, *stage: str) -> Project:
    """An nlp-sentiment project reading `filename`, after `dvc repro` (of `stage` only, if
    given)."""
    project = own_project(
        root, "nlp-sentiment", "Opinion Classifier", "Is a short opinion positive or negative?"
    )
    data = f"data/raw/{filename}"
    columns = {"text_column": own_data.TEXT_COLUMN, "label_column": own_data.LABEL_COLUMN}
    settings = {"source": "file", "file": {"path": data, **columns}}
    return switch_to_own_data(project, data, write, settings, *stage)


@pytest.fixture(scope="module")
def opinions_tsv(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return texts_project(
        tmp_path_factory.mktemp("own-nlp-tsv"), "opinions.tsv", own_data.write_texts_tsv
    )


def test_nlp_learns_the_labelled_texts(opinions_tsv: Project):
    # 10% of the labels are flipped, so about 0.9 is the ceiling; the opinion words are plain.
    metrics = opinions_tsv.metrics()
    assert metrics[metrics["best_model"]]["accuracy"] >= 0.8, metrics


def test_nlp_reads_the_same_kind_of_texts_from_json_lines(tmp_path: Path):
    # The data stage only: training on these texts is the TSV project's test above.
    project = texts_project(tmp_path, "opinions.jsonl", own_data.write_texts_jsonl, "data")
    splits = [pd.read_parquet(project.path / f"data/processed/{name}.parquet") for name in SPLITS]
    expected = own_data.labelled_texts(seed=1)
    assert sum(len(split) for split in splits) == len(expected)
    for split in splits:
        assert set(split["label"]) == set(expected[own_data.LABEL_COLUMN])
        assert set(split["text"]) <= set(expected[own_data.TEXT_COLUMN])


def test_nlp_passes_its_own_tests_on_the_labelled_texts(opinions_tsv: Project):
    passes_its_own_tests(opinions_tsv)


def test_nlp_documents_describe_the_texts_not_the_default(opinions_tsv: Project):
    assert default_sentences_left(opinions_tsv, "nlp-sentiment") == []


# --- image-cnn: a folder of 28x28 digit PNGs ----------------------------------------------


@pytest.fixture(scope="module")
def digit_folder(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = own_project(
        tmp_path_factory.mktemp("own-image"),
        "image-cnn",
        "Scanned Digits",
        "Which digit is it? Scanned handwritten digits classified by a small CNN.",
    )
    settings = {"source": "folder", "folder": "data/digits"}
    return switch_to_own_data(project, "data/digits", own_data.write_digit_folder, settings)


def test_image_reaches_095_on_the_digit_folder_with_the_defaults(digit_folder: Project):
    # Issue 15: a small CNN reaches 0.95 or better on 1,500 such images.
    assert digit_folder.metrics()["accuracy"] >= 0.95, digit_folder.metrics()


def test_image_passes_its_own_tests_on_the_digit_folder(digit_folder: Project):
    passes_its_own_tests(digit_folder)


def test_image_documents_describe_the_folder_not_the_default(digit_folder: Project):
    assert default_sentences_left(digit_folder, "image-cnn") == []


# --- image-cnn: colour photos in data/raw, ImageNet weights from 127.0.0.1 ------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def weights_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ResNet-18 state dict (random weights) named as torchvision names its files,
    resnet18-<sha256 prefix>.pth, served from 127.0.0.1; yields its URL."""
    import torch
    from torchvision.models import resnet18

    folder = tmp_path_factory.mktemp("weights")
    saved = folder / "weights.pth"
    torch.save(resnet18(weights=None).state_dict(), saved)
    name = f"resnet18-{hashlib.sha256(saved.read_bytes()).hexdigest()[:8]}.pth"
    saved.rename(folder / name)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{name}"
    finally:
        server.shutdown()
        server.server_close()


def documented_bash(project: Project) -> list[str]:
    """The bash blocks of the project's docs/own-data.md, in order: the commands it tells."""
    text = (project.path / "docs/own-data.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def run_bash(project: Project, script: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=project.path,
        env=project.env(env),
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{script}\n{output[-6000:]}"
    return output


@pytest.fixture(scope="module")
def photos(
    tmp_path_factory: pytest.TempPathFactory, weights_url: str
) -> tuple[Project, str, dict[str, str]]:
    """Colour photos in data/raw, switched to exactly as docs/own-data.md says, trained with
    ImageNet weights from the local server; the project, what the commands printed, the env."""
    root = tmp_path_factory.mktemp("own-photos")
    project = own_project(root, "image-cnn", "Shape Photos", "Discs or squares, in photos?")
    env = {"TORCH_HOME": str(root / "torch-home")}
    track, run_and_commit = documented_bash(project)
    own_images.write_photo_folder(project.path / "data/raw", per_class=8)
    run_bash(project, track, env)  # `dvc add data/raw`
    about = {
        "name": "Shape photos",
        "url": "https://example.org/shapes",
        "license": "CC0",
        "citation": "Photos of painted shapes (2024).",
        "summary": "Each image is one photo of a red disc or a blue square on a table.",
    }
    project.set_params(
        data={"source": "folder", "folder": "data/raw", "about": about},
        train={"epochs": 1, "model": {"weights_url": weights_url}},
    )
    return project, run_bash(project, run_and_commit, env), env


def test_image_photos_follow_the_documented_commands_and_start_from_imagenet(photos, weights_url):
    project, output, env = photos
    assert "data: colour photographs (typically 96x72 px), fed to the network as 128x128 RGB" in (
        output
    )
    assert f"train: downloading the ImageNet weights from {weights_url}" in output
    assert "train: resnet18 fine-tuned from ImageNet weights on colour photographs" in output
    cached = Path(env["TORCH_HOME"]) / "hub/checkpoints" / weights_url.rsplit("/", 1)[1]
    assert cached.is_file()
    model = json.loads((project.path / "models/model.json").read_text(encoding="utf-8"))
    assert (model["arch"], model["pretrained"], model["widths"]) == ("resnet18", True, [])
    assert model["preprocessing"]["size"] == 128 and model["preprocessing"]["channels"] == 3
    for document in ("README.md", "MODEL_CARD.md"):
        text = (project.path / document).read_text(encoding="utf-8")
        assert f"`resnet18`, fine-tuned from ImageNet weights ({weights_url})" in text, document
        assert "widths 16" not in text, document
    readme = project.results_block("README.md")
    assert "They are colour photographs (typically 96x72 px)" in readme
    assert "fed to the network as 128x128 RGB" in readme
    # The documented `git add` and `git commit` left nothing of the run uncommitted.
    log = project.run("git", "log", "-1", "--format=%s").stdout.strip()
    assert log == "Train on my own images"
    assert project.run("git", "status", "--porcelain", "--", "data", "README.md").stdout == ""


def test_image_photos_train_from_scratch_in_one_line_when_the_weights_cannot_be_had(
    photos, tmp_path
):
    project, _, env = photos
    project = project.copy_to(tmp_path)
    dead = f"http://127.0.0.1:{free_port()}/resnet18-0123abcd.pth"
    project.set_params(train={"model": {"weights_url": dead}})

    result = project.dvc("repro", env=env)
    output = result.stdout + result.stderr
    (line,) = [line for line in output.splitlines() if "could not fetch" in line]
    assert line.startswith(f"train: could not fetch the ImageNet weights from {dead} (")
    assert line.endswith("; training small-cnn from scratch instead")
    assert "Traceback" not in output
    model = json.loads((project.path / "models/model.json").read_text(encoding="utf-8"))
    assert (model["arch"], model["pretrained"]) == ("small-cnn", False)
    assert "`small-cnn` (widths 16, 32, 64), trained from scratch" in project.results_block()


# --- clustering: an unlabelled customer table ------------------------------------------------


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = own_project(
        tmp_path_factory.mktemp("own-clustering"),
        "clustering",
        "Customer Segments",
        "Which customers shop alike? Segments found from spend, visits and basket size.",
    )
    data = "data/raw/customers.csv"
    settings = {"source": data, "label": None, "drop_columns": [own_data.CUSTOMER_ID]}
    return switch_to_own_data(project, data, own_data.write_customers, settings)


def test_clustering_separates_the_customer_segments(customers: Project):
    # The four segments sit several standard deviations apart: measured silhouette about 0.7.
    metrics = customers.metrics()
    assert metrics["silhouette"] >= 0.5, metrics
    assert "label_ari" not in metrics  # no label: nothing to check the clusters against
    evaluation = json.loads((customers.path / "reports/evaluation.json").read_text("utf-8"))
    assert evaluation["baselines"][0]["metrics"]["silhouette"] <= 0.05


def test_clustering_passes_its_data_tests_on_the_customers(customers: Project):
    result = customers.python(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_project_data.py", check=False
    )
    assert result.returncode == 0 and "3 passed" in result.stdout, result.stdout[-4000:]


def test_clustering_documents_describe_the_customers_not_the_wine(customers: Project):
    assert default_sentences_left(customers, "clustering") == []
    readme = (customers.path / "README.md").read_text(encoding="utf-8")
    assert "Shop customers" in readme and "`annual_spend`" in readme
    assert "no known grouping" in readme
    changed = customers.run("git", "status", "--porcelain").stdout.split("\n")
    edited = {line[3:] for line in changed if line.startswith(" M")}
    assert "params.yaml" in edited and not any(name.startswith("src/") for name in edited)


# --- rl-agent: Acrobot-v1, CliffWalking-v1 with the defaults (one seed), Pendulum-v1 with short SAC


def rl_project(root: Path, name: str, **sections: dict) -> Project:
    project = own_project(root, "rl-agent", name, f"{name}: a reinforcement-learning agent.")
    env_id = sections["data"]["env"]["id"]
    about = ABOUT["rl-agent"] | {"name": f"{env_id} (Gymnasium)", "summary": f"{env_id}."}
    sections["data"] = sections["data"] | {"about": about}
    # One training seed: these tests are about the environments (several seeds are CartPole's).
    sections["train"] = {"seeds": 1} | sections.get("train", {})
    project.set_params(**sections)
    project.dvc("repro")
    return project


@pytest.fixture(scope="module")
def acrobot(tmp_path_factory: pytest.TempPathFactory) -> Project:
    # Only the environment changes: the budget comes from the defaults.
    return rl_project(
        tmp_path_factory.mktemp("own-acrobot"),
        "Acrobot Swing Up",
        data={"env": {"id": "Acrobot-v1"}},
    )


@pytest.fixture(scope="module")
def pendulum(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return rl_project(
        tmp_path_factory.mktemp("own-pendulum"),
        "Pendulum Balance",
        data={"env": {"id": "Pendulum-v1"}},
        train={"algorithm": "SAC", "total_timesteps": 2000, "eval_freq": 0},
        evaluate={"n_episodes": 10},
    )


@pytest.fixture(scope="module")
def cliff(tmp_path_factory: pytest.TempPathFactory) -> Project:
    # Only the environment changes: discrete observations choose tabular Q-learning.
    return rl_project(
        tmp_path_factory.mktemp("own-cliff"),
        "Cliff Walker",
        data={"env": {"id": "CliffWalking-v1"}},
    )


def test_rl_cliff_walking_learns_the_optimal_path_with_the_defaults(cliff: Project):
    meta = json.loads((cliff.path / "models/agent.json").read_text(encoding="utf-8"))
    assert meta["algorithm"] == "QLearning"
    assert meta["max_episode_steps"] == 1000 and meta["step_limit_added"]
    # The shortest path along the cliff edge: 13 steps at -1 each, in every episode.
    assert cliff.metrics()["mean_return"] == -13.0, cliff.metrics()
    evaluation = json.loads((cliff.path / "reports/evaluation.json").read_text(encoding="utf-8"))
    assert "reports/figures/policy.png" in [figure["path"] for figure in evaluation["figures"]]


def rl_env(fixture: str):
    """A parameter naming one of this module's trained environments, kept with its other tests."""
    return pytest.param(fixture, marks=sharing(f"{__name__.replace('.', '/')}.py::{fixture}"))


def test_rl_acrobot_reaches_minus_100_with_the_defaults(acrobot: Project):
    assert acrobot.metrics()["mean_return"] >= -100, acrobot.metrics()


def test_rl_passes_its_own_tests_on_pendulum(pendulum: Project):
    passes_its_own_tests(pendulum)


@pytest.mark.parametrize("fixture", [rl_env("acrobot"), rl_env("pendulum"), rl_env("cliff")])
def test_rl_documents_describe_the_environment_not_cartpole(
    request: pytest.FixtureRequest, fixture: str
):
    assert default_sentences_left(request.getfixturevalue(fixture), "rl-agent") == []


@pytest.mark.parametrize("fixture", [rl_env("acrobot"), rl_env("pendulum"), rl_env("cliff")])
def test_rl_docs_example_answers_200_from_uvicorn(request: pytest.FixtureRequest, fixture: str):
    project = request.getfixturevalue(fixture)
    with served(project) as url:
        spec = httpx.get(f"{url}/openapi.json", timeout=10).json()
        (example,) = spec["components"]["schemas"]["ObservationIn"]["examples"]
        response = httpx.post(f"{url}/predict", json=example, timeout=10)
    assert response.status_code == 200, response.text
    documented = spec["paths"]["/predict"]["post"]["responses"]["200"]["content"]
    assert documented["application/json"]["example"] == response.json()
