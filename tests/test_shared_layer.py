"""The shared layer is the one source of truth: any drift between it and a template fails here."""

from __future__ import annotations

import shutil
from pathlib import Path

from mlport.registry import templates_root
from scripts.sync_shared import find_drift, shared_files, sync


def test_templates_carry_the_shared_layer_unchanged() -> None:
    drift = find_drift()
    assert drift == [], (
        "run `python scripts/sync_shared.py` to copy _shared into the templates:\n"
        + "\n".join(map(str, drift))
    )


def test_shared_layer_covers_what_the_templates_share() -> None:
    shared = {str(path) for path in shared_files(templates_root())}
    project = "{{cookiecutter.project_slug}}"
    package = f"{project}/src/{{{{cookiecutter.package_name}}}}"
    for expected in [
        "hooks/pre_gen_project.py",
        "templates/README.base.md",
        "templates/MODEL_CARD.base.md",
        "templates/pyproject.base.toml",
        f"{project}/.github/workflows/ci.yml",
        f"{project}/Dockerfile",
        f"{project}/Makefile",
        f"{project}/.pre-commit-config.yaml",
        f"{project}/LICENSE",
        f"{package}/api/app.py",
        f"{package}/reporting/report_blocks.py",
        f"{package}/core/tracking.py",
    ]:
        assert expected in shared


def test_drift_is_detected_and_repaired(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    shutil.copytree(templates_root(), root)
    makefile = root / "rl-agent" / "{{cookiecutter.project_slug}}" / "Makefile"
    makefile.write_text(makefile.read_text() + "\nextra:\n\techo drift\n")
    (root / "image-cnn" / "{{cookiecutter.project_slug}}" / "Dockerfile").unlink()

    drift = {str(item) for item in find_drift(root)}
    assert drift == {
        "rl-agent/{{cookiecutter.project_slug}}/Makefile: differs from _shared",
        "image-cnn/{{cookiecutter.project_slug}}/Dockerfile: missing",
    }
    assert sorted(sync(root)) == [
        "image-cnn/{{cookiecutter.project_slug}}/Dockerfile",
        "rl-agent/{{cookiecutter.project_slug}}/Makefile",
    ]
    assert find_drift(root) == []


def test_shared_cookiecutter_keys_are_checked(tmp_path: Path) -> None:
    import json

    root = tmp_path / "templates"
    shutil.copytree(templates_root(), root)
    config_path = root / "nlp-sentiment" / "cookiecutter.json"
    config = json.loads(config_path.read_text())
    config["license"] = ["MIT"]
    config_path.write_text(json.dumps(config))
    assert [str(item) for item in find_drift(root)] == [
        "nlp-sentiment/cookiecutter.json: shared keys differ from _shared"
    ]


def test_a_narrower_layer_reaches_only_the_templates_it_lists() -> None:
    layer = "{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier"
    for template in ("tabular-classifier", "image-cnn", "nlp-sentiment"):
        assert (templates_root() / template / layer / "classification.py").is_file()
    assert not (templates_root() / "rl-agent" / layer).exists()


def test_copies_are_marked_generated() -> None:
    marks = (templates_root() / ".gitattributes").read_text(encoding="utf-8")
    copy = templates_root() / "rl-agent" / "{{cookiecutter.project_slug}}" / "Makefile"
    assert "rl-agent/{{cookiecutter.project_slug}}/Makefile linguist-generated" in marks
    assert copy.read_text(encoding="utf-8").startswith("{# generated from templates/_shared/")
