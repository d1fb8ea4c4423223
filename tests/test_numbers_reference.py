"""The numbers audit reads data.about's published figure from params.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mlport.audit.numbers import compare

README = (
    "<!-- results:start -->\n**0.870 accuracy** [0.860, 0.880] on 25000 held-out reviews; "
    "published: 0.8889 accuracy (Maas et al\\. 2011)\n<!-- results:end -->\n"
)


def project(tmp_path: Path, reference: dict | None) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "metrics.json").write_text(json.dumps({"accuracy": 0.8701}))
    (reports / "evaluation.json").write_text(json.dumps({"headline": {"metric": "accuracy"}}))
    about = {"name": "IMDB"} | ({} if reference is None else {"reference": reference})
    (tmp_path / "params.yaml").write_text(yaml.safe_dump({"data": {"about": about}}))
    return tmp_path


def test_the_published_figure_is_not_read_as_the_models_score(tmp_path: Path) -> None:
    root = project(tmp_path, {"metric": "accuracy", "value": 0.8889, "source": "Maas et al. 2011"})
    files, compared, mismatches = compare(root, README)
    assert files == ["reports/metrics.json"]
    assert compared == 2
    assert mismatches == []


@pytest.mark.parametrize(
    "reference",
    [
        None,  # no figure quoted: the number is a claim about the model
        {"metric": "accuracy", "value": 0.95, "source": "elsewhere"},  # another figure
        {"metric": "f1", "value": 0.8889, "source": "Maas et al. 2011"},  # another metric
    ],
)
def test_a_number_params_yaml_does_not_name_still_fails(
    tmp_path: Path, reference: dict | None
) -> None:
    _, _, mismatches = compare(project(tmp_path, reference), README)
    assert [str(mismatch) for mismatch in mismatches] == [
        "README shows accuracy 0.8889, reports/metrics.json has 0.8701"
    ]
