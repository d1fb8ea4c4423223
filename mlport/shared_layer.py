"""Keep what the templates share in one place: templates/_shared, copied into every template.

Each template stays a complete Cookiecutter template (usable with plain `cookiecutter`), while
`_shared` is the one source of truth: `python -m mlport.shared_layer` copies it into every
template, and the test suite fails when a copy drifts from it.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from mlport.registry import SHARED_DIR_NAME, templates_root

CONFIG_NAME = "cookiecutter.json"


@dataclass(frozen=True)
class Drift:
    """One place where a template differs from the shared layer."""

    template: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.template}/{self.path}: {self.reason}"


def shared_files(root: Path) -> list[Path]:
    """Paths, relative to the shared folder, of the files every template must carry."""
    shared = root / SHARED_DIR_NAME
    return sorted(
        path.relative_to(shared)
        for path in shared.rglob("*")
        if path.is_file() and path.name != CONFIG_NAME and "__pycache__" not in path.parts
    )


def template_dirs(root: Path) -> list[Path]:
    """Every template folder (the ones with a cookiecutter.json, not starting with '_')."""
    return sorted(
        path
        for path in root.iterdir()
        if path.is_dir() and not path.name.startswith(("_", ".")) and (path / CONFIG_NAME).is_file()
    )


def merged_config(template_config: dict, shared_config: dict) -> dict:
    """The template's own keys first (the shared keys derive from project_name), then shared."""
    own = {key: value for key, value in template_config.items() if key not in shared_config}
    prompts = {**template_config.get("__prompts__", {}), **shared_config.get("__prompts__", {})}
    merged = {**own, **shared_config}
    merged["__prompts__"] = {key: prompts[key] for key in merged if key in prompts}
    return merged


def find_drift(root: Path | None = None) -> list[Drift]:
    """Every difference between the shared layer and the templates' copies of it."""
    root = root or templates_root()
    shared = root / SHARED_DIR_NAME
    shared_config = json.loads((shared / CONFIG_NAME).read_text(encoding="utf-8"))
    drift = []
    for template in template_dirs(root):
        for relative in shared_files(root):
            copy = template / relative
            if not copy.is_file():
                drift.append(Drift(template.name, str(relative), "missing"))
            elif copy.read_bytes() != (shared / relative).read_bytes():
                drift.append(Drift(template.name, str(relative), "differs from _shared"))
        config = json.loads((template / CONFIG_NAME).read_text(encoding="utf-8"))
        if config != merged_config(config, shared_config):
            drift.append(Drift(template.name, CONFIG_NAME, "shared keys differ from _shared"))
    return drift


def sync(root: Path | None = None) -> list[str]:
    """Copy the shared layer into every template; return what was written."""
    root = root or templates_root()
    shared = root / SHARED_DIR_NAME
    shared_config = json.loads((shared / CONFIG_NAME).read_text(encoding="utf-8"))
    written = []
    for template in template_dirs(root):
        for relative in shared_files(root):
            source, copy = shared / relative, template / relative
            if not copy.is_file() or copy.read_bytes() != source.read_bytes():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)
                written.append(f"{template.name}/{relative}")
        config_path = template / CONFIG_NAME
        config = json.loads(config_path.read_text(encoding="utf-8"))
        merged = merged_config(config, shared_config)
        if merged != config:
            config_path.write_text(
                json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            written.append(f"{template.name}/{CONFIG_NAME}")
    return written


def main(argv: list[str] | None = None) -> int:
    """`python -m mlport.shared_layer [--check]`: copy the shared layer, or only report drift."""
    argv = sys.argv[1:] if argv is None else argv
    if "--check" in argv:
        drift = find_drift()
        for item in drift:
            print(item)
        return 1 if drift else 0
    for path in sync():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
