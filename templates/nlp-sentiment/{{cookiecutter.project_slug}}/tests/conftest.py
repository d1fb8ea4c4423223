"""Tiny data and configs for the tests: a synthetic IMDB-layout archive, a small params.yaml."""

from __future__ import annotations

import hashlib
import io
import random
import tarfile
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.config import Config, load_config

POSITIVE = ["wonderful", "brilliant", "moving", "superb", "charming", "delightful", "gripping"]
NEGATIVE = ["awful", "boring", "dreadful", "clumsy", "tedious", "pointless", "terrible"]
PROJECT = Path(__file__).resolve().parent.parent

FILLER = ["the", "film", "plot", "actors", "story", "was", "and", "a", "scene", "ending", "really"]


def synthetic_reviews(n: int, seed: int) -> list[tuple[str, str]]:
    """`n` short reviews per class; mostly their own class's words, so learnable but not trivial."""
    rng = random.Random(seed)
    rows = []
    for label, own, other in (("positive", POSITIVE, NEGATIVE), ("negative", NEGATIVE, POSITIVE)):
        for _ in range(n):
            words = [rng.choice(FILLER) for _ in range(rng.randint(6, 12))]
            words += [rng.choice(own) for _ in range(3)] + [rng.choice(other)]
            rng.shuffle(words)
            rows.append((" ".join(words).capitalize() + ".", label))
    return rows


def make_imdb_archive(path: Path, n: int = 20, seed: int = 0) -> str:
    """Write a .tar.gz in the aclImdb layout (train/test, pos/neg, ID_STARS.txt); return its MD5."""
    with tarfile.open(path, "w:gz") as archive:
        for split, offset in (("train", 0), ("test", 1)):
            for i, (text, label) in enumerate(synthetic_reviews(n, seed + offset)):
                folder = "pos" if label == "positive" else "neg"
                data = text.encode()
                info = tarfile.TarInfo(
                    f"aclImdb/{split}/{folder}/{i}_{8 if folder == 'pos' else 2}.txt"
                )
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        readme = tarfile.TarInfo("aclImdb/README")
        readme.size = 2
        archive.addfile(readme, io.BytesIO(b"hi"))
    return hashlib.md5(path.read_bytes()).hexdigest()


def shipped(*keys: str) -> dict:
    """A section of the project's own params.yaml, e.g. shipped("train", "neural")."""
    params = yaml.safe_load((PROJECT / "params.yaml").read_text(encoding="utf-8"))
    for key in keys:
        params = params[key]
    return params


# The tiny data's file settings: the learner's own (other columns, label names) stay out of it.
TINY_FILE = {
    "path": "data/raw/tiny.csv",
    "format": "auto",
    "text_column": "text",
    "label_column": "label",
    "split_column": "split",
    "label_names": {},
}


def tiny_params(root: Path, **sections: dict) -> dict:
    """The project's params.yaml shrunk for seconds-long runs, every path under `root`.

    Every data key is set here, whatever data the project itself was switched to."""
    tiny = {
        "seed": 0,
        "data": {
            "source": "imdb",
            "imdb": {"url": str(root / "imdb.tar.gz"), "md5": "", "cache_dir": str(root / "cache")},
            "file": TINY_FILE,
            "test_size": 0.2,
            "max_train_rows": None,
            "max_test_rows": None,
            "processed_dir": str(root / "data" / "processed"),
        },
        "train": {
            "models": ["baseline", "neural"],
            "val_size": 0.2,
            "model_dir": str(root / "models"),
            "baseline": {"char_ngrams": [2, 4], "min_df": 1, "C_grid": [1.0, 4.0], "cv_folds": 2},
            "neural": {
                "min_freq": 1,
                "embedding_dim": 16,
                "epochs": 4,
                "batch_size": 16,
                "learning_rate": 0.05,
                "accelerator": "cpu",
                "devices": 1,
            },
        },
        "evaluate": {
            "reports_dir": str(root / "reports"),
            "n_mistakes": 3,
            "top_ngrams": 5,
            "probes": str(PROJECT / "data" / "probes.csv"),
        },
        "mlflow": {"experiment": "test-experiment", "registered_model": "test-model"},
    }
    params = _merge(shipped(), tiny)
    return _merge(params, sections)


def _merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = _merge(merged[key], value)
        merged[key] = value
    return merged


def write_config(root: Path, **sections: dict) -> Config:
    path = root / "params.yaml"
    path.write_text(yaml.safe_dump(tiny_params(root, **sections)), encoding="utf-8")
    return load_config(path)


@pytest.fixture
def tracking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """MLflow writing under tmp_path, never into the project."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return uri


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data -> train -> evaluate -> report, once, on a tiny synthetic IMDB archive."""
    from {{ cookiecutter.package_name }}.data import prepare
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report
    from {{ cookiecutter.package_name }}.train import train

    root = tmp_path_factory.mktemp("pipeline")
    md5 = make_imdb_archive(root / "imdb.tar.gz", n=30)
    config = write_config(root, data={"imdb": {"url": str(root / "imdb.tar.gz"), "md5": md5}})
    project = Path(__file__).resolve().parent.parent
    for document in ("README.md", "MODEL_CARD.md"):
        (root / document).write_text((project / document).read_text(encoding="utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        patch.chdir(root)  # MLflow keeps artifacts in ./mlruns beside a sqlite store
        prepare(config)
        train(config)
        evaluate(config)
        report(config, root / "README.md", root / "MODEL_CARD.md")
    return root


@pytest.fixture
def trained_project(trained: Path) -> Path:
    """The trained tiny project, for the tests every template shares (test_examples.py)."""
    return trained
