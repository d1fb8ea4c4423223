"""Stage `evaluate`: score every trained model on the test split; figures, n-grams, mistakes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .classifier.classification import confusion_matrix_figure
from .config import Config, columns_path, load_config
from .core.errors import ConfigError, DataError
from .core.stage import run_stage, write_atomically
from .core.tracking import connect, load_run_record, log_to_training_run
from .data import read_split
from .figures import roc_figure
from .metrics import classification_metrics, positive_class
from .predict import BEST_FILE, META_FILE, load_model, read_json
from .probes import PROBES_JSON, probe_served_model, summary_line
from .reporting import evaluation
from .reporting.evidence import EVALUATION_JSON
from .reporting.markdown import literal
from .reporting.slices import SLICES_JSON, check_columns

_TAGS = re.compile(r"<[^>]+>")


def confident_mistakes(
    texts: list[str], y_true: list[str], proba: np.ndarray, classes: list[str], n: int, chars: int
) -> list[dict]:
    """The `n` wrong predictions the model was surest of, texts cut to `chars` characters."""
    predicted = proba.argmax(axis=1)
    confidence = proba.max(axis=1)
    wrong = [i for i, p in enumerate(predicted) if classes[p] != y_true[i]]
    wrong.sort(key=lambda i: (-confidence[i], i))
    rows = []
    for i in wrong[:n]:
        text = " ".join(_TAGS.sub(" ", texts[i]).split())
        rows.append(
            {
                "text": text if len(text) <= chars else text[: chars - 1] + "…",
                "label": y_true[i],
                "predicted": classes[predicted[i]],
                "probability": round(float(confidence[i]), 4),
            }
        )
    return rows


def slice_columns(config: Config) -> pd.DataFrame:
    """The test rows' columns of the learner's file that evaluate.slices names, checked."""
    names = config.evaluate.slices
    if not names:
        return pd.DataFrame()
    if config.data.source == "imdb":
        raise ConfigError(
            f"evaluate.slices names {', '.join(map(repr, names))}, but IMDB's reviews have no "
            "columns besides the text and the label; set evaluate.slices to [] or use your own "
            "file (data.source: file)"
        )
    path = columns_path(config.data.processed_dir)
    if not path.is_file():
        raise DataError(f"{path} not found: run the data stage first (`dvc repro data`)")
    columns = pd.read_parquet(path)
    check_columns(names, list(columns.columns), "the data file's other columns")
    return columns


def evaluate(config: Config) -> dict:
    """Write reports/metrics.json, summary, ngrams, mistakes, probes and slices JSON files, the
    figures."""
    columns = slice_columns(config)  # a mistake in evaluate.slices stops the stage before work
    connect()  # the store every stage uses, reached (or refused) before any work
    root = Path(config.train.model_dir)
    best = read_json(root / BEST_FILE, "trained model (run the train stage)")
    test = read_split(config.data.processed_dir, "test")
    if config.evaluate.slices and len(columns) != len(test):
        raise DataError(
            f"{columns_path(config.data.processed_dir)} has {len(columns)} rows for "
            f"{len(test)} test texts: run the data stage again (`dvc repro data`)"
        )
    texts, y_true = test["text"].tolist(), test["label"].tolist()
    classes = best["classes"]
    reports = Path(config.evaluate.reports_dir)
    figures = reports / "figures"
    figures.mkdir(parents=True, exist_ok=True)

    metrics: dict[str, object] = {}
    probas, models = {}, {}
    for name in best["models"]:
        model = load_model(root / name)
        proba = model.predict_proba(texts)
        meta = read_json(root / name / META_FILE, "model metadata")
        scores = classification_metrics(y_true, proba, classes)
        metrics[name] = scores | {"train_seconds": meta["train_seconds"]}
        probas[name], models[name] = proba, model
        y_pred = [classes[i] for i in proba.argmax(axis=1)]
        confusion_matrix_figure(
            y_true, y_pred, classes, figures / f"confusion_{name}.png", title=f"{name}: test split"
        )
        print(f"{name}: {scores}")
    metrics["best_model"] = best["best_model"]
    roc_figure(y_true, probas, classes, metrics, figures / "roc.png")

    ngrams = {}
    if "baseline" in models:
        from .baseline import top_ngrams

        ngrams = top_ngrams(models["baseline"].pipeline, config.evaluate.top_ngrams)
    mistakes = confident_mistakes(
        texts,
        y_true,
        probas[best["best_model"]],
        classes,
        config.evaluate.n_mistakes,
        config.evaluate.mistake_chars,
    )
    probes = probe_served_model(
        config.evaluate.probes, root, unsure_below=config.evaluate.unsure_below
    )
    print(f"probes: {summary_line(probes)}")
    meta_path = Path(config.data.processed_dir) / "meta.json"
    record = load_run_record(root / "run.json")
    summary = best | {
        "run_id": record.run_id if record else None,
        "tracking_uri": record.tracking_uri if record else None,
        "test_rows": len(texts),
        "positive_class": positive_class(classes),
        "data": json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {},
    }
    best_name = best["best_model"]
    slices = evaluation.slices_of(
        columns, config.evaluate.slices, y_true, probas[best_name], classes, config.seed
    )
    figure_list = [
        (
            figures / f"confusion_{best_name}.png",
            f"Confusion matrix of {literal(best_name)}, the model "
            f"the API serves, on the {len(texts)} {evaluation.unit(config.data.source)}",
        ),
        (
            figures / "roc.png",
            "ROC curve of every model on the test split, AUC as in the table",
        ),
        *(
            (
                figures / f"confusion_{name}.png",
                f"Confusion matrix of {literal(name)} on the test split",
            )
            for name in best["models"]
            if name != best_name
        ),
    ]
    evaluation.write(
        y_true=y_true,
        proba=probas[best_name],
        classes=classes,
        metrics=metrics,
        best=best_name,
        train_labels=read_split(config.data.processed_dir, "train")["label"].tolist(),
        ngrams=ngrams,
        figures=figure_list,
        source=config.data.source,
        processed_dir=config.data.processed_dir,
        seed=config.seed,
        probas=probas,
        slices=slices,
    )
    for filename, content in (
        ("metrics.json", metrics),
        ("summary.json", summary),
        ("ngrams.json", ngrams),
        ("mistakes.json", mistakes),
        (PROBES_JSON, probes),
        (SLICES_JSON.name, slices),
    ):
        write_atomically(
            reports / filename, json.dumps(content, indent=2, ensure_ascii=False) + "\n"
        )

    for name in best["models"]:
        files = [(figures / f"confusion_{name}.png", "figures"), (figures / "roc.png", "figures")]
        if name == best["best_model"]:
            files += [
                (reports / "mistakes.json", None),
                (reports / PROBES_JSON, None),
                (reports / SLICES_JSON.name, None),
                (EVALUATION_JSON, None),
            ]
        if name == "baseline":
            files.append((reports / "ngrams.json", None))
        scores = {k: v for k, v in metrics[name].items() if k != "train_seconds"}
        log_to_training_run(load_run_record(root / name / "run.json"), scores, files)
    return metrics


def main() -> None:
    evaluate(load_config())


if __name__ == "__main__":
    run_stage(main)
