{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/report_blocks.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Write the pipeline's results into marked blocks of README.md and MODEL_CARD.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from ..core.errors import ProjectError
from ..core.stage import write_atomically
from ..core.tracking import public_uri

START = "<!-- results:start -->"
END = "<!-- results:end -->"


def replace_block(path: str | Path, content: str) -> None:
    """Replace what stands between the START marker of `path` and the first END after it.

    A marker inside `content` is broken up first, so no value of the data can end the block
    early (and make every rerun add to the page); the file is replaced in one step.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start = text.find(START)
    end = text.find(END, start + len(START)) if start >= 0 else -1
    if end < 0:
        raise ProjectError(f"{path} has lost its {START} ... {END} markers; put them back")
    new = text[: start + len(START)] + "\n" + inert_markers(content).strip() + "\n" + text[end:]
    write_atomically(path, new)


def inert_markers(text: str) -> str:
    """`text` with each results marker written `<\\!-- ... -->`: a page shows the same characters,
    and no reader of the file takes it for a marker."""
    return text.replace(START, START.replace("<!", "<\\!")).replace(END, END.replace("<!", "<\\!"))


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def image(path: str | Path, alt: str, width: int | None = None) -> str:
    """Markdown (or HTML when a width is given) for a figure, with a project-relative path."""
    path = Path(path).as_posix()
    if width:
        return f'<img src="{path}" alt="{alt}" width="{width}">'
    return f"![{alt}]({path})"


def data_fingerprint(lock_path: str | Path = "dvc.lock", stage: str = "data") -> str:
    """The md5 DVC recorded for the outputs of `stage`: which data produced the numbers."""
    lock_path = Path(lock_path)
    if not lock_path.is_file():
        return "unknown (run `dvc repro` to record it)"
    lock = yaml.safe_load(lock_path.read_text(encoding="utf-8")) or {}
    outs = lock.get("stages", {}).get(stage, {}).get("outs", [])
    digests = [f"`{out['path']}` md5 `{out['md5']}`" for out in outs if "md5" in out]
    return ", ".join(digests) or "unknown"


def provenance(run_id: str | None, tracking_uri: str | None, data: str = "Data") -> str:
    """A short list saying where the numbers come from; `data` names what the data stage wrote."""
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    uri = public_uri(tracking_uri) or "none"
    return "\n".join(
        [
            f"- {data}: {data_fingerprint()}",
            f"- MLflow run: `{run_id or 'none'}` (tracking URI `{uri}`)",
            f"- Generated: {today} by `dvc repro` (stage `report`)",
        ]
    )
