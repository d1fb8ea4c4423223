{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/test_file_map.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""docs/files.md maps the project: every file under src/ and tests/ has its own line there.

When you add a module or a test file, add a line for it to the tree in docs/files.md (one line:
the name, then what it is for). Elsewhere a folder's line stands for everything in it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "files.md"
EACH_FILE_LISTED = ("src", "tests")  # here every file needs its own line
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def mapped_paths(text: str) -> tuple[set[str], set[str]]:
    """The files and the folders the map's tree lists, as paths relative to the project."""
    block = text.split("```text\n", 1)[1].split("```", 1)[0]
    files: set[str] = set()
    folders: set[str] = set()
    parents: list[str] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        del parents[depth:]
        path = "/".join([*parents, name.rstrip("/")])
        if name.endswith("/"):
            folders.add(path)
            parents.append(name.rstrip("/"))
        else:
            files.add(path)
    return files, folders


def covered(path: str, files: set[str], folders: set[str]) -> bool:
    if path in files:
        return True
    if path.split("/")[0] in EACH_FILE_LISTED:
        return False
    return any(path.startswith(folder + "/") for folder in folders)


def files_under(folder: str) -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and not SKIPPED_PARTS & set(path.parts) and path.suffix != ".pyc"
    )


def test_every_file_of_the_package_and_the_tests_has_a_line() -> None:
    files, folders = mapped_paths(MAP.read_text(encoding="utf-8"))
    present = [path for folder in EACH_FILE_LISTED for path in files_under(folder)]
    missing = [path for path in present if not covered(path, files, folders)]
    assert not missing, f"add a line for each to the tree in docs/files.md: {missing}"


def test_the_map_lists_no_file_that_is_gone() -> None:
    files, _ = mapped_paths(MAP.read_text(encoding="utf-8"))
    listed = [path for path in files if path.split("/")[0] in EACH_FILE_LISTED]
    gone = sorted(path for path in listed if not (ROOT / path).is_file())
    assert not gone, f"docs/files.md lists files that no longer exist: {gone}"


def test_every_file_in_git_is_on_the_map() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git repository yet")
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    files, folders = mapped_paths(MAP.read_text(encoding="utf-8"))
    missing = [path for path in listed if not covered(path, files, folders)]
    assert not missing, f"add a line for each to the tree in docs/files.md: {missing}"
