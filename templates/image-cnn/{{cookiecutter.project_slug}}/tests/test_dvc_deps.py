{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/test_dvc_deps.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""dvc.yaml stays complete: each stage lists as `deps` every package module its command imports.

A module a stage imports but does not list is one whose edits `dvc repro` ignores: the stage would
keep stale results. Imports are followed with `ast` through the package, transitively, including
imports inside functions. When you add a module (say `helpers.py`, imported by `train.py`), add
`src/<package>/helpers.py` to the `deps` of every stage this test names.

The same holds for the `data` keys of params.yaml: a stage lists each key its modules read
(`config.data.source`). `data.about`, prose for the README, is listed only by the stages that read
it, so editing it reruns the report and never the training.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMMAND = re.compile(r"^python -m (\w+)\.(\w+)$")
PROSE = "about"  # data.about: the data set's description, for the README and model card
# The data stage hands data.about and the data's name to this function only to print a warning
# (the data changed, its description did not): no output depends on them, and the stage reruns
# whenever the data changes. What is read inside its call is not a dependency.
WARNING_ONLY = "warn_undescribed"


def imported_modules(path: Path, package: Path) -> set[Path]:
    """The package's own modules that `path` imports, anywhere in its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [
                (package.parent.joinpath(*alias.name.split(".")), [])
                for alias in node.names
                if alias.name.split(".")[0] == package.name
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                module = node.module.split(".") if node.module else []
            elif (node.module or "").split(".")[0] == package.name:
                base, module = package.parent, node.module.split(".")
            else:
                continue
            targets = [(base.joinpath(*module), [alias.name for alias in node.names])]
        else:
            continue
        for target, names in targets:
            candidates = [target.with_suffix(".py"), target / "__init__.py"]
            candidates += [target / f"{name}.py" for name in names]  # `from . import module`
            found.update(candidate for candidate in candidates if candidate.is_file())
    return found


def module_closure(entry: Path, package: Path) -> set[Path]:
    """`entry` and every package module reached from it by imports."""
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(imported_modules(module, package) - seen)
    return seen


def stages(project: Path) -> dict[str, dict]:
    return yaml.safe_load((project / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def missing_dependencies(project: Path) -> dict[str, list[str]]:
    """For each stage, the package modules it imports that its `deps` do not list."""
    missing = {}
    for name, stage in stages(project).items():
        match = COMMAND.match(stage["cmd"])
        assert match, f"stage {name} runs {stage['cmd']!r}, not `python -m <package>.<module>`"
        package = project / "src" / match.group(1)
        listed = {str(dep) for dep in stage.get("deps", [])}
        needed = module_closure(package / f"{match.group(2)}.py", package)
        absent = sorted(
            relative
            for relative in (module.relative_to(project).as_posix() for module in needed)
            # A package's __init__ holds only its docstring (checked below).
            if not relative.endswith("__init__.py") and relative not in listed
        )
        if absent:
            missing[name] = absent
    return missing


def data_keys_read(modules: set[Path], keys: set[str]) -> set[str]:
    """The `data` keys the modules read as `<x>.data.<key>`, and `about` wherever any `.about`
    attribute is read (the page reads it from what the report stage hands it)."""
    read = set()
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        warning_only = {
            inner
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _called(node) == WARNING_ONLY
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or node in warning_only:
                continue
            if node.attr == PROSE:
                read.add(PROSE)
            elif node.attr == "data" and isinstance(parents.get(node), ast.Attribute):
                read.update({parents[node].attr} & keys)
    return read


def _called(call: ast.Call) -> str:
    """The name of the function a call calls: `f(...)` and `module.f(...)` both give f."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def data_params(project: Path) -> dict[str, tuple[set[str], set[str]]]:
    """For each stage, the `data` keys it reads and the ones its `params` list."""
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    keys = set(params.get("data") or {})
    found = {}
    for name, stage in stages(project).items():
        match = COMMAND.match(stage["cmd"])
        package = project / "src" / match.group(1)
        modules = module_closure(package / f"{match.group(2)}.py", package)
        listed = set()
        for entry in stage.get("params", []):
            parts = str(entry).split(".")
            if parts[0] == "data":
                listed.update(parts[1:2] or keys)
        found[name] = (data_keys_read(modules, keys), listed)
    return found


def test_every_stage_depends_on_every_module_it_imports() -> None:
    missing = missing_dependencies(ROOT)
    lines = [f"stage {stage}: add {path}" for stage, paths in missing.items() for path in paths]
    assert not missing, "dvc.yaml misses deps, so `dvc repro` would keep stale results:\n" + (
        "\n".join(lines)
    )


def test_every_stage_lists_the_data_keys_it_reads_and_the_prose_only_where_read() -> None:
    problems = []
    for name, (read, listed) in data_params(ROOT).items():
        problems += [f"stage {name}: add data.{key} to its params" for key in sorted(read - listed)]
        if PROSE in listed - read:
            problems.append(
                f"stage {name}: list its data keys one by one, without data.{PROSE}: "
                "it does not read it, and editing the description would rerun it"
            )
    assert not problems, "\n".join(problems)


def test_every_params_entry_of_a_stage_is_in_params_yaml() -> None:
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    for name, stage in stages(ROOT).items():
        for entry in stage.get("params", []):
            held = params
            for key in entry.split("."):
                assert isinstance(held, dict) and key in held, f"{name}: params.yaml has no {entry}"
                held = held[key]


def test_package_init_files_hold_no_code() -> None:
    for init in (ROOT / "src").rglob("__init__.py"):
        for node in ast.parse(init.read_text(encoding="utf-8")).body:
            constant = isinstance(node, ast.Expr | ast.Assign) and isinstance(
                node.value, ast.Constant
            )
            assert constant, f"{init} holds code: it would be a dependency of every stage"
