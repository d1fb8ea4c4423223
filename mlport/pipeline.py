"""What a project's dvc.yaml declares: the paths its stages read (deps) and write (outputs)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import yaml

from mlport.reading import read_regular

OUTPUT_KINDS = ("outs", "metrics", "plots")
ALL_KINDS = ("deps", *OUTPUT_KINDS)


def _paths(entries: object) -> list[str]:
    """Paths in a dvc.yaml list: strings or one-key mappings; templated ones left out."""
    paths: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            paths.append(entry)
        elif isinstance(entry, dict):
            paths.extend(str(key) for key in entry)
    return [path for path in paths if "${" not in path]


def declared_paths(root: Path, kinds: tuple[str, ...] = OUTPUT_KINDS) -> set[str]:
    """The paths of these kinds the dvc.yaml in `root` declares, relative and normalised.

    Top-level `metrics` and `plots` count as outputs; a missing or broken dvc.yaml declares none.
    """
    data = read_regular(root / "dvc.yaml").data
    if data is None:
        return set()
    try:
        pipeline = yaml.safe_load(data.decode("utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return set()
    if not isinstance(pipeline, dict):
        return set()
    found: set[str] = set()
    stages = pipeline.get("stages") or {}
    for stage in stages.values() if isinstance(stages, dict) else []:
        body = stage.get("do", stage) if isinstance(stage, dict) else {}
        for kind in kinds:
            found.update(_paths(body.get(kind)))
    for kind in ("metrics", "plots"):
        if kind in kinds:
            found.update(_paths(pipeline.get(kind)))
    return {PurePosixPath(path.strip("/")).as_posix() for path in found} - {"."}
