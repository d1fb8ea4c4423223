"""Every template keeps the contract of templates/README.md, checked on its rendered project."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from mlport.registry import templates_root
from tests.conftest import TEMPLATE_NAMES

STAGES = ["data", "train", "evaluate", "report"]
SECTIONS = {"seed", "data", "train", "evaluate", "serve", "mlflow"}
REQUIRED_SECTIONS = SECTIONS - {"serve"}
MARKERS = ("<!-- results:start -->", "<!-- results:end -->")
TESTS = ["__init__.py", "conftest.py", "test_config.py", "test_api.py"]
DOCS = ["docs/files.md", "docs/pipeline.md", "docs/serving.md", "docs/own-data.md"]
ABOUT = {"name", "url", "license", "citation", "summary"}


def package(project: Path) -> Path:
    return project / "src" / project.name.replace("-", "_")


def module(project: Path, name: str) -> ast.Module:
    path = package(project) / f"{name}.py"
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def top_level(tree: ast.Module, kind: type) -> dict[str, ast.AST]:
    return {node.name: node for node in tree.body if isinstance(node, kind)}


SHARED_PROJECT = "{{cookiecutter.project_slug}}"
SHARED_PACKAGE = f"{SHARED_PROJECT}/src/{{{{cookiecutter.package_name}}}}"


def shared_table(contract: str) -> list[str]:
    """The first column of the contract's table of shared files: every backticked name in it."""
    table = contract.split("| shared file", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1] for line in table.splitlines()[2:]]
    return [name for row in rows for name in re.findall(r"`([^`]+)`", row)]


def test_the_contract_names_every_shared_module_and_only_real_files() -> None:
    root = templates_root()
    named = shared_table((root / "README.md").read_text(encoding="utf-8"))
    for name in named:
        candidates = [
            root / "_shared" / SHARED_PACKAGE / name,
            root / "_shared" / SHARED_PROJECT / name,
            root / "_shared" / name,
        ]
        is_glob = "*" in name and list((root / "_shared").glob(name))
        assert is_glob or any(path.exists() for path in candidates), f"not in _shared: {name}"
    package = root / "_shared" / SHARED_PACKAGE
    modules = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    )
    unnamed = [module for module in modules if module not in named]
    assert unnamed == [], "shared modules the contract's table does not describe"


def test_the_contract_states_the_stages_sections_and_markers() -> None:
    contract = (templates_root() / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"has exactly the stages (.+?), in that order", contract)
    assert stated and re.findall(r"`(\w+)`", stated.group(1)) == STAGES
    sections = re.search(r"top-level sections are\s+(.+?), nothing else", contract, re.S)
    assert sections and set(re.findall(r"`(\w+)`", sections.group(1))) == SECTIONS
    for marker in MARKERS:
        assert marker in contract


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_cookiecutter_json_declares_what_mlport_and_the_shared_layer_read(template: str) -> None:
    config = json.loads((templates_root() / template / "cookiecutter.json").read_text())
    assert isinstance(config["_description"], str) and config["_description"]
    assert isinstance(config["_deep_learning"], bool)


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_pipeline_has_the_four_stages_each_a_module_run_the_same_way(rendered, template):
    project = rendered[template]
    stages = yaml.safe_load((project / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(stages) == STAGES
    for name, stage in stages.items():
        assert stage["cmd"] == f"python -m {package(project).name}.{name}"
        tree = module(project, name)
        assert "main" in top_level(tree, ast.FunctionDef), f"{name}.py has no main()"
        last = tree.body[-1]
        assert isinstance(last, ast.If) and ast.unparse(last) == (
            "if __name__ == '__main__':\n    run_stage(main)"
        ), f"{name}.py does not end with the one __main__ idiom"
    metrics = [next(iter(entry)) for entry in stages["evaluate"].get("metrics", [])]
    assert "reports/metrics.json" in metrics
    outs = [next(iter(entry)) for entry in stages["evaluate"].get("outs", [])]
    assert "reports/evaluation.json" in outs
    report_outs = [next(iter(entry)) for entry in stages["report"]["outs"]]
    assert report_outs == ["reports/examples.json", "README.md", "MODEL_CARD.md"]


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_params_yaml_has_the_shared_sections_read_by_a_params_model(rendered, template):
    project = rendered[template]
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    assert REQUIRED_SECTIONS <= set(params) <= SECTIONS, sorted(params)
    assert isinstance(params["seed"], int)
    config = module(project, "config")
    classes = top_level(config, ast.ClassDef)
    assert [ast.unparse(base) for base in classes["Config"].bases] == ["Params"]
    assert "load_config" in top_level(config, ast.FunctionDef)


@pytest.mark.parametrize("template", ["tabular-classifier", "tabular-regressor", "clustering"])
def test_each_run_logs_every_data_knob_and_the_datas_digest(rendered, template):
    """The Experiments table compares runs by their MLflow parameters: a data key left out of
    them (drop_columns, label_names) or an edited CSV would change the score unseen."""
    project = rendered[template]
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    knobs = {f"data.{key}" for key in params["data"] if key != "about"}
    run_params = top_level(module(project, "train"), ast.FunctionDef)["run_params"]
    keys = {node.value for node in ast.walk(run_params) if isinstance(node, ast.Constant)}
    names = {node.id for node in ast.walk(run_params) if isinstance(node, ast.Name)}
    assert knobs - keys == set()
    assert "DATA_DIGEST_PARAM" in names, "the data's own digest is not logged"


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_api_finds_a_predictor_loader_a_router_builder_and_settings(rendered, template):
    project = rendered[template]
    predict = module(project, "predict")
    loader = top_level(predict, ast.FunctionDef)["load_predictor"]
    assert [arg.arg for arg in loader.args.args] == ["model_dir"]
    # The API passes serve.runtime (onnx or native); the stages load the native model.
    assert [arg.arg for arg in loader.args.kwonlyargs] == ["runtime"]
    assert ast.literal_eval(loader.args.kw_defaults[0]) == "native"
    returned = top_level(predict, ast.ClassDef)[ast.unparse(loader.returns)]
    assert "info" in top_level(returned, ast.FunctionDef), f"{returned.name} has no info()"
    assert "predict" in top_level(returned, ast.FunctionDef), f"{returned.name} has no predict()"
    routes = module(project, "api/routes")
    builder = top_level(routes, ast.FunctionDef)["build_router"]
    assert [arg.arg for arg in builder.args.args] == ["predictor", "limits"]
    limits = module(project, "api/limits")
    assert "ServeSettings" in top_level(limits, ast.ClassDef)


# The learner's ML on top; the scaffold in sub-packages that say where they come from.
LEARNER_MODULES = {"config.py", "data.py", "train.py", "evaluate.py", "report.py", "predict.py"}
LEARNER_MODULES |= {"figures.py"}
SCAFFOLD = {
    "core": {"settings.py", "errors.py", "stage.py", "tracking.py", "onnx_model.py"},
    "reporting": {"evaluation.py", "evidence.py", "plotting.py", "page.py", "report_blocks.py"},
    "api": {
        "app.py",
        "boundary.py",
        "deps.py",
        "guard.py",
        "settings.py",
        "routes.py",
        "limits.py",
    },
}
CLASSIFIER = {"classification.py", "intervals.py", "majority.py", "findings.py", "checks.py"}
TOP_LEVEL_MODULES = {"tabular-classifier": 12}  # the others at most 13
# rl-agent teaches two families (deep agents, and Q-tables with their exact solution)
TOP_LEVEL_LINES = {"tabular-classifier": 1500, "rl-agent": 2300}  # the others within 2,200


def is_classifier(template: str) -> bool:
    layer = json.loads((templates_root() / "_classifier" / "layer.json").read_text())
    return template in layer["templates"]


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_same_job_lives_in_the_same_module(rendered, template):
    root = package(rendered[template])
    modules = {path.name for path in root.glob("*.py")}
    expected = LEARNER_MODULES | ({"metrics.py"} if is_classifier(template) else set())
    assert expected <= modules, sorted(expected - modules)
    scaffold = dict(SCAFFOLD, classifier=CLASSIFIER) if is_classifier(template) else SCAFFOLD
    for sub, names in scaffold.items():
        present = {path.name for path in (root / sub).glob("*.py")}
        assert names <= present, f"{sub}/: {sorted(names - present)}"
        assert not (names & modules), f"{sorted(names & modules)} belong in {sub}/"


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_top_level_holds_only_the_learners_modules(rendered, template):
    root = package(rendered[template])
    top = sorted(path for path in root.glob("*.py") if path.name != "__init__.py")
    assert len(top) <= TOP_LEVEL_MODULES.get(template, 13), [path.name for path in top]
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in top)
    assert lines <= TOP_LEVEL_LINES.get(template, 2200), lines


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_each_scaffold_sub_package_says_where_it_comes_from(rendered, template):
    project = rendered[template]
    root = package(project)
    attributes = (project / ".gitattributes").read_text(encoding="utf-8")
    subs = [path.parent for path in sorted(root.glob("*/__init__.py"))]
    assert {sub.name for sub in subs} >= {"core", "reporting", "api"}
    for sub in subs:
        doc = ast.get_docstring(ast.parse((sub / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "template" in doc and "mlport update" in doc, sub.name
    package_glob = f"src/{root.name}/*/** linguist-generated"
    assert package_glob in attributes.splitlines(), attributes


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_readme_and_model_card_hold_one_results_block(rendered, template):
    for document in ("README.md", "MODEL_CARD.md"):
        text = (rendered[template] / document).read_text(encoding="utf-8")
        for marker in MARKERS:
            assert text.count(marker) == 1, f"{document}: {marker}"


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_readme_links_its_docs_pages_and_the_data_is_described(rendered, template):
    project = rendered[template]
    readme = (project / "README.md").read_text(encoding="utf-8")
    for page in DOCS:
        assert (project / page).is_file(), page
        assert f"]({page})" in readme, page
    about = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))["data"]["about"]
    assert set(about) - {"reference"} == ABOUT and about["name"], about
    # A published figure only where one exists for the default data's metric and test split.
    reference = about.get("reference")
    assert reference is None or set(reference) == {"metric", "value", "source"}, reference
    assert (reference is not None) == (template == "nlp-sentiment"), reference
    card = (project / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert yaml.safe_load(card.split("---\n")[1])["license"]  # metadata a model hub reads


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_tests_are_a_package_with_config_and_api_tests(rendered, template):
    for name in TESTS:
        assert (rendered[template] / "tests" / name).is_file(), name


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_no_rendered_file_keeps_the_generated_copy_header(rendered, template):
    for path in rendered[template].rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "generated from templates/_shared" not in text, path


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_generated_project_never_points_at_mlports_tracker(rendered, template):
    """The project is the learner's: its comments explain the code, not mlport's history."""
    tracker = re.compile(r"\bissues? #?\d+|\bitem \d+ of", re.IGNORECASE)
    for path in rendered[template].rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not tracker.search(text), f"{path}: {tracker.search(text).group()}"


DEEP_LEARNING = re.compile(r"torch|lightning", re.IGNORECASE)


def test_no_generated_tabular_file_mentions_pytorch_or_lightning(rendered):
    project = rendered["tabular-classifier"]
    mentions = []
    for path in sorted(project.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DEEP_LEARNING.search(line):
                mentions.append(f"{path.relative_to(project)}:{number}: {line.strip()}")
    assert mentions == []


def test_the_deep_learning_templates_keep_the_cpu_wheel_index(rendered):
    for template in ("image-cnn", "nlp-sentiment", "rl-agent"):
        text = (rendered[template] / ".github/workflows/ci.yml").read_text(encoding="utf-8")
        assert "download.pytorch.org/whl/cpu" in text, template


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_image_installs_only_the_serve_extra(rendered, template):
    import tomllib

    project = rendered[template]
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs == ["    && pip install -r serve.txt", "RUN pip install --no-deps ."]
    assert "['serve']" in dockerfile and "COPY --from=build /opt/venv /opt/venv" in dockerfile
    # The container serves with the learner's `serve:` settings, as `make serve` does.
    assert "COPY params.yaml ./" in dockerfile.splitlines()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    serve = " ".join(pyproject["project"]["optional-dependencies"]["serve"])
    assert "onnxruntime" in serve
    for heavy in ("torch", "scikit-learn", "mlflow", "dvc", "pandas", "lightning"):
        assert heavy not in serve, f"{template}: the serve extra installs {heavy}"


def test_bytecode_caches_in_a_template_are_not_copied_into_projects(tmp_path, monkeypatch):
    from mlport import registry
    from mlport.api import create_project

    root = tmp_path / "templates"
    shutil.copytree(templates_root(), root)
    source = root / "tabular-classifier" / "{{cookiecutter.project_slug}}"
    for folder in (source / "src" / "{{cookiecutter.package_name}}", source / "tests"):
        (folder / "__pycache__").mkdir(exist_ok=True)
        (folder / "__pycache__" / "config.cpython-311.pyc").write_bytes(b"\x00bytecode")
    monkeypatch.setattr(registry, "templates_root", lambda: root)
    project = create_project("tabular-classifier", tmp_path / "out", git=False)
    assert (project / "src").is_dir()
    assert list(project.rglob("__pycache__")) == []
