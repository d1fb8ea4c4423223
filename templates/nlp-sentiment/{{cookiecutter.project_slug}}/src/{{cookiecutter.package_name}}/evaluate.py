"""Stage `evaluate`: score every trained model on the test split; figures, n-grams, mistakes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .config import Config, load_config
from .data import read_split
from .metrics import classification_metrics, positive_class
from .predict import BEST_FILE, META_FILE, load_model, read_json
from .stage import run_stage
from .tracking import connect, load_run_record, log_to_training_run

_TAGS = re.compile(r"<[^>]+>")


def _confusion_figure(
    y_true: list[str], y_pred: list[str], classes: list[str], title: str, path: Path
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(4.2, 3.8), dpi=110)
    ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=classes, ax=ax, cmap="Blues", colorbar=False, xticks_rotation=30
    )
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _roc_figure(
    y_true: list[str],
    probas: dict[str, np.ndarray],
    classes: list[str],
    scores: dict[str, dict],
    path: Path,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve
    from sklearn.preprocessing import label_binarize

    positive = positive_class(classes)
    fig, ax = plt.subplots(figsize=(4.6, 4.2), dpi=110)
    for name, proba in probas.items():
        if positive is not None:
            fpr, tpr, _ = roc_curve(
                np.asarray(y_true) == positive, proba[:, classes.index(positive)]
            )
        else:  # micro-average over one-vs-rest curves
            truth = label_binarize(y_true, classes=classes)
            fpr, tpr, _ = roc_curve(truth.ravel(), proba.ravel())
        ax.plot(fpr, tpr, label=f"{name} (AUC {scores[name]['roc_auc']:.4f})")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    target = f"class {positive!r}" if positive is not None else "micro-average, one vs rest"
    ax.set_title(f"ROC curve on the test split ({target})", fontsize=9)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


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


def evaluate(config: Config) -> dict:
    """Write reports/metrics.json, summary.json, ngrams.json, mistakes.json and the figures."""
    connect()  # the store every stage uses, reached (or refused) before any work
    root = Path(config.train.model_dir)
    best = read_json(root / BEST_FILE, "trained model (run the train stage)")
    test = read_split(config.data.processed_dir, "test")
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
        _confusion_figure(
            y_true, y_pred, classes, f"{name}: test split", figures / f"confusion_{name}.png"
        )
        print(f"{name}: {scores}")
    metrics["best_model"] = best["best_model"]
    _roc_figure(y_true, probas, classes, metrics, figures / "roc.png")

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
    meta_path = Path(config.data.processed_dir) / "meta.json"
    record = load_run_record(root / "run.json")
    summary = best | {
        "run_id": record.run_id if record else None,
        "tracking_uri": record.tracking_uri if record else None,
        "test_rows": len(texts),
        "positive_class": positive_class(classes),
        "data": json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {},
    }
    for filename, content in (
        ("metrics.json", metrics),
        ("summary.json", summary),
        ("ngrams.json", ngrams),
        ("mistakes.json", mistakes),
    ):
        (reports / filename).write_text(
            json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    for name in best["models"]:
        files = [(figures / f"confusion_{name}.png", "figures"), (figures / "roc.png", "figures")]
        if name == best["best_model"]:
            files.append((reports / "mistakes.json", None))
        if name == "baseline":
            files.append((reports / "ngrams.json", None))
        scores = {k: v for k, v in metrics[name].items() if k != "train_seconds"}
        log_to_training_run(load_run_record(root / name / "run.json"), scores, files)
    return metrics


def main() -> None:
    evaluate(load_config())


if __name__ == "__main__":
    run_stage(main)
