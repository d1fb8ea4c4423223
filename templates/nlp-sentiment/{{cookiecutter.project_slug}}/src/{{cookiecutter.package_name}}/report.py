"""Stage `report`: comparison, figures, n-grams and mistakes, into README.md and MODEL_CARD.md."""

from __future__ import annotations

import json
from pathlib import Path

from .config import Config, load_config
from .core.errors import ProjectError
from .core.stage import run_stage
from .core.tracking import tracking_uri
from .metrics import choice_phrase
from .probes import PROBES_JSON
from .reporting.markdown import literal
from .reporting.page import Identity, Page, write_documents
from .reporting.report_blocks import markdown_table, provenance
from .reporting.slices import ACCURACY, SLICES_JSON, slice_section

METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
# The README opens with this many of the surest mistakes, each cut to PAGE_CHARS (the card lists
# all of them): what the model gets wrong says more than its confusion matrix, and fits the page's
# 800 words even with long reviews.
ON_PAGE = 3
PAGE_CHARS = 80
HEADER = ["model", "accuracy", "precision", "recall", "F1", "ROC AUC", "training time (s)"]


def _read(path: Path) -> dict | list:
    if not path.is_file():
        raise ProjectError(f"{path} not found: run the evaluate stage first (`dvc repro evaluate`)")
    return json.loads(path.read_text(encoding="utf-8"))


def comparison_table(metrics: dict, models: list[str], best: str) -> str:
    rows = []
    for name in models:
        scores = metrics[name]
        label = f"**{name}** (served)" if name == best else name  # a key of train.models
        rows.append([label, *(scores[m] for m in METRICS), f"{scores['train_seconds']:.1f}"])
    return markdown_table(HEADER, rows)


def _metric_note(summary: dict) -> str:
    # The test split's size is in the headline, and the data section says it was used once.
    positive = summary.get("positive_class")
    if positive:
        return f"Precision, recall, F1 and ROC AUC are those of the class {literal(positive)}."
    return "Precision, recall and F1 are macro averages over the classes, ROC AUC one-vs-rest."


def _selection(summary: dict) -> str:
    metric = summary["selected_by"]
    scores = ", ".join(
        f"{literal(name)} {values[metric.removeprefix('val_')]:.4f}"
        for name, values in summary["validation"].items()
    )
    selection = summary.get("selection")
    lead = ""
    if selection:
        low, high = selection["interval"]
        lead = (
            f" Its accuracy minus that of {literal(selection['baseline'])} on the same texts: "
            f"{selection['difference']:+.4f}, 95% paired bootstrap interval [{low:+.4f}, "
            f"{high:+.4f}], {literal(selection['verdict'], code=False)}."
        )
    return (
        f"**Served model: {literal(summary['best_model'])}**, chosen by "
        f"{metric.replace('_', ' ')} on a validation split of {summary['val_rows']} training "
        f"texts ({scores}); registered in "
        f"MLflow as {literal(summary['registered_model'])} version {summary['model_version']}."
        f"{lead}"
    )


def _ngram_table(ngrams: dict) -> str:
    classes = list(ngrams)
    depth = max(len(rows) for rows in ngrams.values())
    rows = []
    for i in range(depth):
        rows.append(
            [
                f"{literal(ngrams[c][i]['ngram'])} ({ngrams[c][i]['weight']:+.2f})"
                if i < len(ngrams[c])
                else ""
                for c in classes
            ]
        )
    return markdown_table([f"towards {literal(c)}" for c in classes], rows)


def _mistakes_table(mistakes: list[dict]) -> str:
    rows = [
        [
            literal(m["text"], code=False),
            literal(m["label"]),
            literal(m["predicted"]),
            m["probability"],
        ]
        for m in mistakes
    ]
    return markdown_table(["text", "true label", "predicted", "probability"], rows)


def excerpt(text: str, chars: int) -> str:
    """`text` cut at a word boundary to at most `chars` characters, "…" marking the cut."""
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.…") + "…"


def mistakes_lead(mistakes: list[dict], model: str) -> str:
    """The surest mistakes of the served model, the first the README shows after its figure."""
    shown = [row | {"text": excerpt(row["text"], PAGE_CHARS)} for row in mistakes[:ON_PAGE]]
    rest = ""
    if len(mistakes) > ON_PAGE:
        rest = f" (all {len(mistakes)} in the [model card](MODEL_CARD.md))"
    return f"**Surest mistakes** of {literal(model)}{rest}:\n\n{_mistakes_table(shown)}"


def probes_line(probes: dict) -> str:
    """The pass rate of each type of behavioural probe, as reports/probes.json holds it."""
    source = literal(probes["file"])
    if probes["skipped"]:
        reason = literal(probes["skipped"], code=False)
        return f"**Behavioural probes** ({source}) left out: {reason}."
    rates = ", ".join(
        f"{literal(kind)} {result['passed']}/{result['total']} ({result['rate']:g})"
        for kind, result in probes["types"].items()
    )
    # Short: the README's main page is kept under 800 words.
    return (
        f"**Behavioural probes** passed ({source}): {rates}; `unsure`: top probability below "
        f"{probes['unsure_below']:g}."
    )


def _probe_failures(probes: dict) -> str:
    rows = [
        [
            literal(kind),
            literal(failure["text"], code=False),
            literal(failure["expected"]),
            literal(failure["got"]),
            failure["probability"],
        ]
        for kind, result in probes["types"].items()
        for failure in result["failures"]
    ]
    if not rows:
        return ""
    table = markdown_table(["type", "text", "expected", "answer", "probability"], rows)
    return (
        f"<details><summary>Probes {literal(probes['model'])} failed</summary>\n\n"
        f"{table}\n\n</details>"
    )


def data_facts(summary: dict) -> list[str]:
    """What the texts used hold, from what the data stage recorded."""
    data = summary.get("data") or {}
    if not data:
        return []
    counts = ", ".join(f"{literal(c)} ({n})" for c, n in data.get("train_counts", {}).items())
    return [
        f"The texts used ({literal(data.get('source'))}, from {literal(data.get('origin'))}): "
        f"{data.get('train_rows')} training texts ({counts}) and {data.get('test_rows')} held-out "
        f"test texts, median length {data.get('median_chars')} characters.",
        f"{summary['val_rows']} of the training texts are a validation split that chose the "
        "served model; the test texts were used once, for the numbers above.",
    ]


def build_page(config: Config) -> tuple[Page, Identity]:
    """Everything the README and model card show, from the files the earlier stages wrote."""
    reports = Path(config.evaluate.reports_dir)
    metrics = _read(reports / "metrics.json")
    summary = _read(reports / "summary.json")
    ngrams = _read(reports / "ngrams.json")
    mistakes = _read(reports / "mistakes.json")
    probes = _read(reports / PROBES_JSON)
    models, best = summary["models"], summary["best_model"]
    details = [comparison_table(metrics, models, best), _metric_note(summary)]
    if ngrams:
        details.append(
            "<details><summary>What the baseline learned: the word n-grams with the largest "
            "logistic-regression weights towards each class</summary>\n\n"
            f"{_ngram_table(ngrams)}\n\n</details>"
        )
    details += [probes_line(probes), _probe_failures(probes)]
    details = [part for part in details if part]
    # The model line says how the served model was chosen; the card adds the validation scores.
    card_details = [_selection(summary)]
    if mistakes:
        card_details.append(
            f"**Most confident mistakes** of {literal(best)} on the test texts:\n\n"
            f"{_mistakes_table(mistakes)}"
        )
    card_details += slice_section(_read(reports / SLICES_JSON.name), ACCURACY)
    scores = {key: value for key, value in metrics[best].items() if key != "train_seconds"}
    page = Page(
        metrics=scores,
        about=config.data.about,
        data_facts=data_facts(summary),
        model=choice_phrase(best, summary.get("selection"), len(models)),
        provenance=provenance(summary.get("run_id"), summary.get("tracking_uri") or tracking_uri()),
        compute=f"{metrics[best]['train_seconds']:.1f} s of training for {literal(best)}",
        details=details,
        lead=[mistakes_lead(mistakes, best)] if mistakes else [],
        card_details=card_details,
    )
    identity = Identity.of(
        config.mlflow, "text-classification", config.data.source, summary.get("run_id")
    )
    return page, identity


def report(
    config: Config, readme: str | Path = "README.md", card: str | Path = "MODEL_CARD.md"
) -> None:
    """Rewrite the results blocks of README.md and MODEL_CARD.md from this run's outputs."""
    write_documents(*build_page(config), readme, card)


def main() -> None:
    report(load_config())


if __name__ == "__main__":
    run_stage(main)
