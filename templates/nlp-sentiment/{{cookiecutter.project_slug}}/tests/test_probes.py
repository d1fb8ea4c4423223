"""Behavioural probes: the file a learner edits, the pass rule, and the page showing the results."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.core.errors import DataError, ModelNotFoundError
from {{ cookiecutter.package_name }}.core.stage import run_stage
from {{ cookiecutter.package_name }}.probes import (
    Probe,
    check_expected,
    probe_served_model,
    read_probes,
    run_probes,
)
from {{ cookiecutter.package_name }}.reporting.report_blocks import END, START

from .conftest import PROJECT

SHIPPED = PROJECT / "data" / "probes.csv"
HEADER = "type,text,expected\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "probes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_probes_cover_each_type_with_a_label_or_unsure() -> None:
    probes = read_probes(SHIPPED)
    counts = Counter(probe.kind for probe in probes)
    assert set(counts) == {"negation", "intensifier", "neutral", "typo"}
    assert all(8 <= n <= 12 for n in counts.values()), counts
    assert {probe.expected for probe in probes} == {"positive", "negative", "unsure"}
    assert {probe.expected for probe in probes if probe.kind == "neutral"} == {"unsure"}
    found = {(probe.text, probe.expected) for probe in probes}
    assert ("not bad at all", "positive") in found and ("grat movie, loved it", "positive") in found


def test_comments_quotes_and_line_numbers_are_those_of_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# a comment, with a comma\n\n"
        + HEADER
        + 'typo, "grat movie, loved it",positive\n'
        + "  # an indented comment\n"
        + "neutral, It was released in 1998. ,unsure\n",
    )
    assert read_probes(path) == [
        Probe("typo", "grat movie, loved it", "positive", line=4),
        Probe("neutral", "It was released in 1998.", "unsure", line=6),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("text,type,expected\n", "line 1: the header must be type,text,expected"),
        (HEADER + "typo,grat movie, loved it,positive\n", "line 2: 4 fields, expected 3"),
        (HEADER + "# fine\nnegation,not good\n", "line 3: 2 fields, expected 3"),
        (HEADER + "negation,not good,\n", "line 2: the expected is empty"),
        (HEADER + 'typo,"never closed,positive\n', "line 2: unexpected end of data"),
        ("# only comments\n" + HEADER, "holds no probe"),
        ("", "holds no probe"),
    ],
    ids=["header", "unquoted-comma", "missing-field", "empty", "open-quote", "no-probe", "blank"],
)
def test_a_malformed_file_is_named_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=re.escape(f"{path}: ") + ".*" + re.escape(message)):
        read_probes(path)


def test_a_missing_or_binary_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        DataError, match=re.escape(f"{tmp_path / 'nope.csv'}: probe file not found")
    ):
        read_probes(tmp_path / "nope.csv")
    path = tmp_path / "probes.csv"
    path.write_bytes(b"type,text,expected\nneutral,caf\xe9,unsure\n")
    with pytest.raises(DataError, match=re.escape(f"{path}: not UTF-8 text")):
        read_probes(path)


def test_a_malformed_file_stops_the_stage_with_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HEADER + "negation,not good\n")
    with pytest.raises(SystemExit) as stopped:
        run_stage(lambda: read_probes(path))
    assert stopped.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {path}: line 2: 2 fields, expected 3 (type,text,expected); "
        'put a text holding a comma in "double quotes"'
    ]


def test_a_misspelt_label_is_an_error_and_other_labels_leave_the_probes_out(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, HEADER + "a,good,positive\na,bad,negativ\na,dull,unsure\n")
    probes = read_probes(path)
    with pytest.raises(DataError, match=re.escape(f"{path}: line 3: expected 'negativ' is ")):
        check_expected(probes, ["negative", "positive"], path)
    assert check_expected(probes[:1] + probes[2:], ["negative", "positive"], path)
    assert not check_expected(probes, ["grumpy", "happy"], path)  # a file for other labels


def fake_predict(answers: dict[str, tuple[str, float]]):
    """A predictor answering each text as given, in the API's answer format."""

    def predict(texts: Sequence[str]) -> list[dict]:
        return [{"label": answers[t][0], "probability": answers[t][1]} for t in texts]

    return predict


def test_pass_rates_per_type_and_the_failures_with_their_answers() -> None:
    probes = [
        Probe("negation", "not bad at all", "positive", 1),
        Probe("negation", "not good", "negative", 2),
        Probe("negation", "never dull", "positive", 3),
        Probe("neutral", "It lasts two hours.", "unsure", 4),
        Probe("neutral", "It was shot in Rome.", "unsure", 5),
    ]
    predict = fake_predict(
        {
            "not bad at all": ("negative", 0.99961),
            "not good": ("negative", 0.8),
            "never dull": ("positive", 0.7),
            "It lasts two hours.": ("positive", 0.6),
            "It was shot in Rome.": ("negative", 0.7),  # exactly at the bound: too sure
        }
    )
    assert run_probes(probes, predict, unsure_below=0.7) == {
        "negation": {
            "passed": 2,
            "total": 3,
            "rate": 0.667,
            "failures": [
                {
                    "text": "not bad at all",
                    "expected": "positive",
                    "got": "negative",
                    "probability": 0.9996,
                }
            ],
        },
        "neutral": {
            "passed": 1,
            "total": 2,
            "rate": 0.5,
            "failures": [
                {
                    "text": "It was shot in Rome.",
                    "expected": "unsure",
                    "got": "negative",
                    "probability": 0.7,
                }
            ],
        },
    }


def test_the_probes_get_the_answers_the_api_gives(
    trained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from {{ cookiecutter.package_name }}.api.app import app

    monkeypatch.chdir(trained)  # its params.yaml: the serve section the API reads
    report = probe_served_model(SHIPPED, trained / "models", unsure_below=0.667)
    assert report == json.loads((trained / "reports" / "probes.json").read_text())
    probes = read_probes(SHIPPED)
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    with TestClient(app) as client:
        answers = []
        for start in range(0, len(probes), 32):
            texts = [probe.text for probe in probes[start : start + 32]]
            response = client.post("/predict/batch", json={"texts": texts})
            answers += response.json()["predictions"]
    failed = {
        (kind, failure["text"], failure["got"], failure["probability"])
        for kind, result in report["types"].items()
        for failure in result["failures"]
    }
    for probe, answer in zip(probes, answers, strict=True):
        passed = (
            answer["probability"] < 0.667
            if probe.expected == "unsure"
            else answer["label"] == probe.expected
        )
        shown = (probe.kind, probe.text, answer["label"], round(answer["probability"], 4))
        assert (shown in failed) is not passed, probe
    assert report["model"] == answers[0]["model"] and report["runtime"] == "native"


def test_the_probes_follow_the_runtime_the_api_serves(
    trained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(trained)
    monkeypatch.setenv("SERVE_RUNTIME", "onnx")
    best = json.loads((trained / "models" / "best.json").read_text())["best_model"]
    if best != "neural":  # the baseline has no ONNX export: the API would not start either
        with pytest.raises(ModelNotFoundError, match="has no ONNX export"):
            probe_served_model(SHIPPED, trained / "models", unsure_below=0.667)
        return
    assert probe_served_model(SHIPPED, trained / "models", unsure_below=0.667)["runtime"] == "onnx"


def test_the_page_shows_each_rate_of_reports_probes_json(trained: Path) -> None:
    report = json.loads((trained / "reports" / "probes.json").read_text())
    assert report["skipped"] is None
    assert sum(result["total"] for result in report["types"].values()) == len(read_probes(SHIPPED))
    for document in ("README.md", "MODEL_CARD.md"):
        text = (trained / document).read_text()
        block = text[text.index(START) : text.index(END)]
        line = next(line for line in block.splitlines() if "Behavioural probes" in line)
        shown = re.findall(r"`(\w+)` (\d+)/(\d+) \(([\d.]+)\)", line)
        assert shown == [
            (kind, str(r["passed"]), str(r["total"]), f"{r['rate']:g}")
            for kind, r in report["types"].items()
        ]
        assert f"below {report['unsure_below']:g}" in line
        for result in report["types"].values():
            for failure in result["failures"]:
                assert f"| {failure['probability']:.4f} |" in block


def test_the_probe_line_shows_data_as_text_and_says_why_probes_were_left_out() -> None:
    from {{ cookiecutter.package_name }}.report import _probe_failures, probes_line

    markdown_it = pytest.importorskip("markdown_it")
    render = markdown_it.MarkdownIt("commonmark").enable("table").render
    failure = {"text": "<img src=x> [win](https://evil.example)", "expected": "pos<b>"}
    report = {
        "file": "data/<i>probes</i>.csv",
        "model": "baseline",
        "unsure_below": 0.667,
        "skipped": None,
        "types": {
            "*neg*": {
                "passed": 0,
                "total": 1,
                "rate": 0.0,
                "failures": [failure | {"got": "neg", "probability": 0.9}],
            }
        },
    }
    html = render(probes_line(report) + "\n\n" + _probe_failures(report))
    assert "<img" not in html and "<a " not in html and "<b>" not in html and "<i>" not in html
    assert "<em>" not in html and "0/1 (0)" in html and "0.9000" in html
    skipped = probes_line(report | {"skipped": "no probe expects a class (<b>happy</b>)"})
    assert "left out" in skipped and "<b>" not in render(skipped)
