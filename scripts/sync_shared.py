"""Keep what the templates share in one place: templates/_shared, copied into every template.

Each template stays a complete Cookiecutter template (usable with plain `cookiecutter`), while
`_shared` is the one source of truth: `python scripts/sync_shared.py` copies it into every
template, and the test suite fails when a copy drifts from it. A development tool: it is not part
of the mlport wheel.

Copies are marked as generated: a first-line Jinja comment (gone once rendered, so projects do not
carry it) and `linguist-generated` in templates/.gitattributes.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the checkout's mlport importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlport.registry import SHARED_DIR_NAME, templates_root  # noqa: E402

CONFIG_NAME = "cookiecutter.json"
LAYER_NAME = "layer.json"  # in a narrower layer, e.g. _classifier: {"templates": [...]}
ATTRIBUTES_NAME = ".gitattributes"
# Cookiecutter renders hooks too, but the hook keeps its bytes: it is run as written by plain tools.
UNMARKED = ("hooks/",)
# git reads every .gitattributes in this checkout too: a Jinja comment there is an invalid line.
UNMARKED_NAMES = (ATTRIBUTES_NAME,)


@dataclass(frozen=True)
class Drift:
    """One place where a template differs from the shared layer."""

    template: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.template}/{self.path}: {self.reason}"


def layer_files(layer: Path) -> list[Path]:
    """Paths, relative to a layer folder, of the files its templates must carry."""
    return sorted(
        path.relative_to(layer)
        for path in layer.rglob("*")
        if path.is_file()
        and path.name not in (CONFIG_NAME, LAYER_NAME)
        and "__pycache__" not in path.parts
    )


def shared_files(root: Path) -> list[Path]:
    """Paths, relative to the shared folder, of the files every template must carry."""
    return layer_files(root / SHARED_DIR_NAME)


def layers(root: Path) -> list[tuple[Path, list[Path]]]:
    """Each layer and the templates it is copied into: _shared into all, others as they list."""
    templates = template_dirs(root)
    found = [(root / SHARED_DIR_NAME, templates)]
    for layer in sorted(root.glob(f"_*/{LAYER_NAME}")):
        wanted = json.loads(layer.read_text(encoding="utf-8"))["templates"]
        found.append(
            (layer.parent, [template for template in templates if template.name in wanted])
        )
    return found


def copies(root: Path) -> list[tuple[Path, Path, Path]]:
    """Every (layer, template, relative path) a template must carry a copy of."""
    return [
        (layer, template, relative)
        for layer, templates in layers(root)
        for template in templates
        for relative in layer_files(layer)
    ]


def header(layer: Path, relative: Path) -> bytes:
    """The first line of a copy: a Jinja comment, so rendering removes it with its newline."""
    if str(relative).startswith(UNMARKED) or relative.name in UNMARKED_NAMES:
        return b""
    return (
        f"{{# generated from templates/{layer.name}/{relative.as_posix()}: edit it there, then "
        "run `python scripts/sync_shared.py` -#}\n"
    ).encode()


def copy_bytes(layer: Path, relative: Path) -> bytes:
    """What a template's copy of a layer's file must hold."""
    return header(layer, relative) + (layer / relative).read_bytes()


def attributes(root: Path) -> str:
    """templates/.gitattributes: every copy marked linguist-generated (GitHub folds it in diffs)."""
    lines = ["# Written by scripts/sync_shared.py: copies of the _ layers, edit the source."]
    for _, template, relative in copies(root):
        lines.append(f"{template.name}/{relative.as_posix()} linguist-generated")
    return "\n".join([lines[0], *sorted(lines[1:])]) + "\n"


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
    for layer, template, relative in copies(root):
        copy = template / relative
        if not copy.is_file():
            drift.append(Drift(template.name, str(relative), "missing"))
        elif copy.read_bytes() != copy_bytes(layer, relative):
            drift.append(Drift(template.name, str(relative), f"differs from {layer.name}"))
    for template in template_dirs(root):
        config = json.loads((template / CONFIG_NAME).read_text(encoding="utf-8"))
        if config != merged_config(config, shared_config):
            drift.append(Drift(template.name, CONFIG_NAME, "shared keys differ from _shared"))
    marks = root / ATTRIBUTES_NAME
    if not marks.is_file() or marks.read_text(encoding="utf-8") != attributes(root):
        drift.append(Drift("templates", ATTRIBUTES_NAME, "does not mark every copy"))
    return drift


def sync(root: Path | None = None) -> list[str]:
    """Copy the shared layer into every template; return what was written."""
    root = root or templates_root()
    shared = root / SHARED_DIR_NAME
    shared_config = json.loads((shared / CONFIG_NAME).read_text(encoding="utf-8"))
    written = []
    for layer, template, relative in copies(root):
        copy, content = template / relative, copy_bytes(layer, relative)
        if not copy.is_file() or copy.read_bytes() != content:
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(content)
            shutil.copymode(layer / relative, copy)
            written.append(f"{template.name}/{relative}")
    for template in template_dirs(root):
        config_path = template / CONFIG_NAME
        config = json.loads(config_path.read_text(encoding="utf-8"))
        merged = merged_config(config, shared_config)
        if merged != config:
            config_path.write_text(
                json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            written.append(f"{template.name}/{CONFIG_NAME}")
    marks = root / ATTRIBUTES_NAME
    if not marks.is_file() or marks.read_text(encoding="utf-8") != attributes(root):
        marks.write_text(attributes(root), encoding="utf-8")
        written.append(ATTRIBUTES_NAME)
    return written


def main(argv: list[str] | None = None) -> int:
    """`python scripts/sync_shared.py [--check]`: copy the shared layer, or only report drift."""
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
