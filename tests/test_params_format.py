"""Every params.yaml is written the way DVC writes it, so an experiment changes only its own line.

`dvc exp run -S key=value` loads params.yaml with ruamel.yaml, applies the override through Hydra
and OmegaConf, and dumps the whole file again (`dvc.utils.hydra.apply_overrides`, the function
`dvc exp run` calls): nulls become empty values, lists become block lists, long strings wrap at 80
columns, and comments after a list are lost. A file already in that form comes back byte for byte.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
from dvc.utils.hydra import apply_overrides

from tests.conftest import TEMPLATE_NAMES

# The variant each params.yaml suggests in its opening comment, e.g. `dvc exp run -S seed=1`.
SUGGESTED = re.compile(r"`dvc exp run -S ([\w.]+)=([^`\s]+)`")


def changed_lines(before: str, after: str) -> list[str]:
    """The lines of a unified diff that add or remove something."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def overridden(rendered: Path, tmp_path: Path, *overrides: str) -> tuple[str, str]:
    """params.yaml of a rendered project before and after DVC applies `overrides` to it."""
    copy = tmp_path / "params.yaml"
    shutil.copyfile(rendered / "params.yaml", copy)
    before = copy.read_text(encoding="utf-8")
    apply_overrides(copy, list(overrides))
    return before, copy.read_text(encoding="utf-8")


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_dvc_rewrites_params_byte_for_byte(
    rendered: dict[str, Path], tmp_path: Path, template: str
) -> None:
    before, after = overridden(rendered[template], tmp_path)
    assert changed_lines(before, after) == []


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_a_seed_experiment_changes_only_the_seed_line(
    rendered: dict[str, Path], tmp_path: Path, template: str
) -> None:
    before, after = overridden(rendered[template], tmp_path, "seed=1")
    changes = changed_lines(before, after)
    assert len(changes) == 2, "\n".join(changes)
    assert changes[0].startswith("-seed: 42") and changes[1].startswith("+seed: 1 ")


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_experiment_params_suggests_changes_only_its_line(
    rendered: dict[str, Path], tmp_path: Path, template: str
) -> None:
    text = (rendered[template] / "params.yaml").read_text(encoding="utf-8")
    key, value = SUGGESTED.search(text).groups()
    before, after = overridden(rendered[template], tmp_path, f"{key}={value}")
    changes = changed_lines(before, after)
    assert len(changes) == 2, "\n".join(changes)
    leaf = re.escape(key.rsplit(".", 1)[-1])
    assert re.match(rf"\+ *{leaf}: {re.escape(value)}( |$)", changes[1]), changes
