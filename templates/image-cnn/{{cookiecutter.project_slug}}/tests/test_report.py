"""The report stage: README.md and MODEL_CARD.md show exactly the numbers of metrics.json."""

from __future__ import annotations

import json

import pytest

from {{ cookiecutter.package_name }}.core.errors import ProjectError
from {{ cookiecutter.package_name }}.report import describe_network, write_report
from {{ cookiecutter.package_name }}.reporting.report_blocks import END, START


@pytest.mark.parametrize("document", ["README.md", "MODEL_CARD.md"])
def test_the_documents_show_the_metrics_figures_and_run(trained, document):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    run_id = json.loads((trained / "models/run.json").read_text(encoding="utf-8"))["run_id"]
    text = (trained / document).read_text(encoding="utf-8")
    block = text[text.index(START) : text.index(END)]
    for name in ("accuracy", "macro_precision", "macro_recall", "macro_f1", "val_accuracy"):
        assert f"| {name} | {metrics[name]:.4f} |" in block, name
    assert f"**{metrics['accuracy']:.3f} accuracy** [" in block  # then its 95% interval
    assert "on 6 held-out images" in block
    assert run_id in block
    if document == "README.md":
        assert "reports/figures/worst_mistakes.png" in block


def test_without_an_evaluation_the_report_says_which_stage_to_run(project):
    with pytest.raises(ProjectError, match="reports/metrics.json not found: run the evaluate"):
        write_report()


def test_class_folder_names_in_the_per_class_table_show_as_text():
    from {{ cookiecutter.package_name }}.report import per_class_table

    row = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 3}
    names = ['<img src="https://tracker.example/p.gif">', "a`b", "[x](https://evil.example)"]
    table = per_class_table({name: row for name in names})
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(table)
    assert "<img" not in html and "<a " not in html
    assert "<code>a`b</code>" in html and "tracker.example" in html


def test_the_documents_describe_the_network_actually_trained():
    small = {"arch": "small-cnn", "widths": [16, 32], "pretrained": False, "parameters": 1234}
    resnet = {"arch": "resnet18", "widths": [], "pretrained": True, "parameters": 11178564}
    resnet["weights_url"] = "https://example.org/resnet18-f37072fd.pth"
    for meta in (small, resnet):
        meta |= {"dropout": 0.2, "epochs_trained": 3}

    assert describe_network(small).startswith(
        "`small-cnn` (widths 16, 32), trained from scratch, 1,234 parameters"
    )
    assert describe_network(resnet).startswith(
        "`resnet18`, fine-tuned from ImageNet weights (https://example.org/resnet18-f37072fd.pth)"
        ", 11,178,564 parameters"
    )
    assert "widths" not in describe_network(resnet | {"widths": [16, 32, 64]})
