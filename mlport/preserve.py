"""What an update never touches: the pipeline's outputs and the results blocks it writes."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from mlport.pipeline import declared_paths

RESULTS_START = "<!-- results:start -->"
RESULTS_END = "<!-- results:end -->"
FRONT_MATTER = "---"  # the fence of a model card's YAML metadata
# The documents whose results block the report stage rewrites; the rest of them is template.
BLOCK_DOCUMENTS = ("README.md", "MODEL_CARD.md")
# Written by tracking, not declared in dvc.yaml.
# The tracking stores, and DVC's own state (`dvc init` writes it, not the template).
ALWAYS_OUTPUTS = ("mlflow.db", "mlruns", "mlartifacts", "lightning_logs", ".dvc", ".dvcignore")


def pipeline_outputs(*projects: Path) -> set[str]:
    """Every output the dvc.yaml of these folders declares, plus the tracking stores."""
    outputs = {PurePosixPath(path).as_posix() for path in ALWAYS_OUTPUTS}
    for project in projects:
        outputs.update(declared_paths(project))
    return outputs - set(BLOCK_DOCUMENTS)


def freeze_outputs(rendered: Path, outputs: set[str], previous: dict[str, bytes]) -> list[str]:
    """Make a rendering hold, at output paths, exactly what the template branch held before.

    So the template branch never adds, changes or deletes anything the pipeline writes; returns
    the paths where the template's own files were set aside.
    """
    set_aside = []
    for output in sorted(outputs):
        target = rendered / output
        files = (
            [target] if target.is_file() else sorted(target.rglob("*")) if target.is_dir() else []
        )
        for path in files:
            relative = path.relative_to(rendered).as_posix()
            if path.is_file() and path.read_bytes() != previous.get(relative):
                set_aside.append(relative)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
    for relative, content in previous.items():
        (rendered / relative).parent.mkdir(parents=True, exist_ok=True)
        (rendered / relative).write_bytes(content)
    return set_aside


def _block(text: str) -> tuple[int, int] | None:
    start = text.find(RESULTS_START)
    end = text.find(RESULTS_END, start + len(RESULTS_START)) if start >= 0 else -1
    if end < 0:  # the first end marker after the start one, as the report stage reads them
        return None
    return start + len(RESULTS_START), end


def _front_matter_end(text: str) -> int | None:
    """Where the YAML metadata at the top of a model card ends (after its closing `---`)."""
    if not text.startswith(FRONT_MATTER + "\n"):
        return None
    end = text.find("\n" + FRONT_MATTER + "\n", len(FRONT_MATTER))
    return None if end < 0 else end + len(FRONT_MATTER) + 2


def with_results_of(mine: str, theirs: str) -> str:
    """`theirs` (a rendered document) holding `mine`'s results block and model card metadata."""
    my_block, their_block = _block(mine), _block(theirs)
    if my_block is None or their_block is None:
        return theirs
    carried = theirs[: their_block[0]] + mine[my_block[0] : my_block[1]] + theirs[their_block[1] :]
    my_meta, their_meta = _front_matter_end(mine), _front_matter_end(carried)
    if my_meta is not None and their_meta is not None:
        carried = mine[:my_meta] + carried[their_meta:]
    return carried


def carry_results_blocks(rendered: Path, pristine: dict[str, str], mine: dict[str, str]) -> None:
    """Give the rendered documents (`pristine`: name -> rendered text) the results of `mine`.

    A model card's YAML metadata is carried too: the report stage writes its results there.
    """
    for name, text in pristine.items():
        carried = with_results_of(mine[name], text) if name in mine else text
        (rendered / name).write_text(carried, encoding="utf-8")


def block_documents(folder: Path) -> dict[str, str]:
    """The text of each document with a results block in `folder` (README.md, MODEL_CARD.md)."""
    return {
        name: (folder / name).read_text(encoding="utf-8")
        for name in BLOCK_DOCUMENTS
        if (folder / name).is_file()
    }
