"""Stage `report`: comparison, figures, n-grams and mistakes, into README.md and MODEL_CARD.md."""

from __future__ import annotations

import json
from pathlib import Path

from .config import Config, load_config
from .errors import ProjectError
from .report_blocks import image, markdown_table, provenance, replace_block
from .stage import run_stage
from .tracking import tracking_uri

METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
HEADER = ["model", "accuracy", "precision", "recall", "F1", "ROC AUC", "training time (s)"]


def _read(path: Path) -> dict | list:
    if not path.is_file():
        raise ProjectError(f"{path} not found: run the evaluate stage first (`dvc repro evaluate`)")
    return json.loads(path.read_text(encoding="utf-8"))


def _escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*").replace("_", "\\_")


def comparison_table(metrics: dict, models: list[str], best: str) -> str:
    rows = []
    for name in models:
        scores = metrics[name]
        label = f"**{name}** (served)" if name == best else name
        rows.append([label, *(scores[m] for m in METRICS), f"{scores['train_seconds']:.1f}"])
    return markdown_table(HEADER, rows)


def _metric_note(summary: dict) -> str:
    positive = summary.get("positive_class")
    if positive:
        return (
            f"Precision, recall, F1 and ROC AUC are those of the class `{positive}`; the test "
            f"split has {summary['test_rows']} texts, never seen in training or model selection."
        )
    return (
        f"Precision, recall and F1 are macro averages over the classes, ROC AUC one-vs-rest; "
        f"the test split has {summary['test_rows']} texts, never seen in training or selection."
    )


def _selection(summary: dict) -> str:
    metric = summary["selected_by"]
    scores = ", ".join(
        f"{name} {values[metric.removeprefix('val_')]:.4f}"
        for name, values in summary["validation"].items()
    )
    return (
        f"**Served model: `{summary['best_model']}`**, chosen by {metric.replace('_', ' ')} on "
        f"a validation split of {summary['val_rows']} training texts ({scores}); registered in "
        f"MLflow as `{summary['registered_model']}` version {summary['model_version']}."
    )


def _ngram_table(ngrams: dict) -> str:
    classes = list(ngrams)
    depth = max(len(rows) for rows in ngrams.values())
    rows = []
    for i in range(depth):
        rows.append(
            [
                f"`{ngrams[c][i]['ngram']}` ({ngrams[c][i]['weight']:+.2f})"
                if i < len(ngrams[c])
                else ""
                for c in classes
            ]
        )
    return markdown_table([f"towards `{c}`" for c in classes], rows)


def _mistakes_table(mistakes: list[dict]) -> str:
    rows = [[_escape(m["text"]), m["label"], m["predicted"], m["probability"]] for m in mistakes]
    return markdown_table(["text", "true label", "predicted", "probability"], rows)


def _data_line(summary: dict) -> str:
    data = summary.get("data") or {}
    if not data:
        return ""
    counts = ", ".join(f"{c}: {n}" for c, n in data.get("train_counts", {}).items())
    return (
        f"Data: `{data.get('source')}` from `{data.get('origin')}`, {data.get('train_rows')} "
        f"training texts ({counts}), {data.get('test_rows')} test texts, median length "
        f"{data.get('median_chars')} characters."
    )


def build_blocks(reports: Path) -> tuple[str, str]:
    """The Markdown of the README block and of the model card block."""
    metrics = _read(reports / "metrics.json")
    summary = _read(reports / "summary.json")
    ngrams = _read(reports / "ngrams.json")
    mistakes = _read(reports / "mistakes.json")
    models, best = summary["models"], summary["best_model"]
    origin = provenance(summary.get("run_id"), summary.get("tracking_uri") or tracking_uri())
    table = comparison_table(metrics, models, best)
    figures = reports / "figures"
    pictures = " ".join(
        [image(figures / "roc.png", "ROC curves of the models", 360)]
        + [
            image(figures / f"confusion_{name}.png", f"confusion matrix of {name}", 300)
            for name in models
        ]
    )

    # What README and model card both show, in the same order.
    comparison = [table, "", _metric_note(summary), "", _selection(summary), "", pictures, ""]

    readme = ["### Model comparison on the held-out test split", "", *comparison]
    if ngrams:
        readme += [
            "### What the baseline learned",
            "",
            "The word n-grams with the largest logistic-regression weights towards each class:",
            "",
            _ngram_table(ngrams),
            "",
        ]
    readme += [f"### Most confident mistakes of `{best}`", ""]
    if mistakes:
        readme += [
            "Where the served model was surest and wrong (some are label noise, some sarcasm "
            "or negation a bag of n-grams cannot read):",
            "",
            _mistakes_table(mistakes),
            "",
        ]
    else:
        readme += ["None: every test text was classified correctly.", ""]
    readme += [_data_line(summary), "", origin]

    card = [
        "Held-out test split; every number below comes from `reports/metrics.json`.",
        "",
        *comparison,
        _data_line(summary),
        "",
        origin,
    ]
    return "\n".join(readme), "\n".join(card)


def report(
    config: Config, readme: str | Path = "README.md", card: str | Path = "MODEL_CARD.md"
) -> None:
    readme_block, card_block = build_blocks(Path(config.evaluate.reports_dir))
    replace_block(readme, readme_block)
    replace_block(card, card_block)
    print(f"wrote the results into {readme} and {card}")


def main() -> None:
    report(load_config())


if __name__ == "__main__":
    run_stage(main)
