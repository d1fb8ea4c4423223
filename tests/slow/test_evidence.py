"""What a README's numbers rest on, after a real `dvc repro` of each template: the headline with
its interval, the baselines, the findings and readable figures in reports/evaluation.json, and a
leak warning when a column restates the target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from PIL import Image

from tests.slow.harness import Project

pytestmark = pytest.mark.slow

KEYS = ["headline", "baselines", "findings", "warnings", "figures"]


def evaluation_of(project: Project) -> dict:
    evaluation = json.loads((project.path / "reports/evaluation.json").read_text("utf-8"))
    # Then what a template adds of its own: "comparison" (the model against its strongest
    # baseline), rl-agent's per-seed scores...
    assert list(evaluation)[: len(KEYS)] == KEYS
    assert evaluation["findings"] and all(isinstance(line, str) for line in evaluation["findings"])
    for figure in evaluation["figures"]:
        assert (project.path / figure["path"]).is_file() and figure["caption"], figure
    return evaluation


def assert_figures_are_readable(project: Project) -> None:
    """Every PNG the page shows (placeholders DVC needs, e.g. rl's Q-table maps on CartPole, are
    not shown and stay small)."""
    evaluation = json.loads((project.path / "reports/evaluation.json").read_text("utf-8"))
    shown = [figure["path"] for figure in evaluation["figures"]]
    pngs = [project.path / path for path in shown if path.endswith(".png")]
    assert pngs
    for path in pngs:
        with Image.open(path) as image:
            assert image.width >= 900, (path.name, image.size)
            assert min(image.info["dpi"]) >= 149.9, (path.name, image.info.get("dpi"))


def assert_classifier_evidence(
    project: Project, metrics: dict, unit: str, first: str = "reports/figures/confusion"
) -> dict:
    evaluation = evaluation_of(project)
    headline = evaluation["headline"]
    assert headline["metric"] == "accuracy" and headline["unit"] == unit
    assert headline["value"] == metrics["accuracy"]
    low, high = headline["interval"]
    assert low <= headline["value"] <= high and high - low < 0.2
    majority = evaluation["baselines"][0]
    assert majority["name"] == "majority class"
    assert majority["metrics"]["accuracy"] < headline["value"]
    assert evaluation["figures"][0]["path"].startswith(first)
    assert_figures_are_readable(project)
    return evaluation


def assert_compared_with_the_strongest(project: Project, evaluation: dict) -> dict:
    """The headline's paired comparison: with the strongest baseline, on the same examples,
    and on the page word for word."""
    comparison = evaluation["comparison"]
    scores = {one["name"]: one["metrics"]["accuracy"] for one in evaluation["baselines"]}
    assert comparison["baseline"] == max(scores, key=scores.get)
    assert comparison["n"] == evaluation["headline"]["n"]
    low, high = comparison["interval"]
    assert low <= comparison["difference"] <= high
    assert comparison["sentence"] in (project.path / "README.md").read_text(encoding="utf-8")
    said = [line for line in evaluation["findings"] if line.startswith("Against the ")]
    assert len(said) == len(scores), "one paired sentence per baseline"
    return comparison


def test_tabular_reports_its_interval_majority_baseline_and_misses(tabular_trained):
    project = tabular_trained.project
    metrics = project.metrics()
    evaluation = assert_classifier_evidence(project, metrics, "held-out rows")
    assert set(evaluation["baselines"][0]["metrics"]) == set(metrics)
    assert evaluation["headline"]["n"] == 114
    assert any("`malignant` rows in the test set" in line for line in evaluation["findings"])
    assert evaluation["warnings"] == []  # the default data has no leak
    rivals = [baseline["name"] for baseline in evaluation["baselines"]]
    assert rivals[0] == "majority class" and "one-column rule" in rivals
    assert assert_compared_with_the_strongest(project, evaluation)["baseline"] in rivals[1:]
    assert "warning:" not in tabular_trained.output


def test_image_beats_a_linear_model_on_pixels(image_trained):
    project = image_trained.project
    metrics = project.metrics()
    # A saturated confusion matrix says less than the mistakes themselves: those come first.
    saturated = 0.98 <= metrics["accuracy"] < 1
    first = "reports/figures/" + ("worst_mistakes" if saturated else "confusion_matrix")
    evaluation = assert_classifier_evidence(project, metrics, "held-out images", first)
    linear = evaluation["baselines"][1]
    assert linear["name"] == "linear model on pixels"
    assert linear["metrics"]["accuracy"] < metrics["accuracy"]
    assert assert_compared_with_the_strongest(project, evaluation)["baseline"] == linear["name"]
    caption = {figure["path"]: figure["caption"] for figure in evaluation["figures"]}
    assert "saved model" in caption["reports/figures/learning_curves.png"]


def test_nlp_reports_the_served_model_against_the_majority_class(nlp_trained):
    metrics = nlp_trained.metrics()
    best = metrics[metrics["best_model"]]
    evaluation = assert_classifier_evidence(nlp_trained, best, "held-out reviews")
    assert set(evaluation["baselines"][0]["metrics"]) == set(best) - {"train_seconds"}
    assert_compared_with_the_strongest(nlp_trained, evaluation)


def test_rl_reports_the_iqm_across_seeds_against_a_random_policy(rl_trained):
    project, _ = rl_trained
    metrics = project.metrics()
    evaluation = evaluation_of(project)
    headline = evaluation["headline"]
    per_seed = evaluation["seeds"]
    assert len(per_seed) >= 3 and len(metrics["seeds"]) >= 3, "one score per training seed"
    assert {seed: entry["mean_return"] for seed, entry in per_seed.items()} == metrics["seeds"]
    assert all(entry["n_episodes"] == 100 for entry in per_seed.values())
    assert headline["metric"] == "iqm_return" and headline["value"] == metrics["iqm_return"]
    assert headline["n"] == metrics["n_seeds"] == len(per_seed) and headline["std"] is None
    low, high = headline["interval"]
    assert min(metrics["seeds"].values()) <= low <= headline["value"] <= high
    assert high <= max(metrics["seeds"].values())
    assert headline["unit"] == f"training seeds ({metrics['n_episodes']} evaluation episodes each)"
    assert headline["target"] == {
        "value": 475.0,
        "source": "Gymnasium's reward_threshold for CartPole-v1",
    }
    # The served agent's own return over the episodes stays beside it.
    served = per_seed[str(metrics["served_seed"])]
    assert (served["mean_return"], served["std_return"]) == (
        metrics["mean_return"],
        metrics["std_return"],
    )
    (random,) = evaluation["baselines"]
    assert random["metrics"]["n_episodes"] == 100
    assert random["metrics"]["mean_return"] < 100 < metrics["mean_return"]
    assert random["metrics"]["iqm_return"] == random["metrics"]["mean_return"]
    assert [figure["path"] for figure in evaluation["figures"]] == [
        "reports/figures/reward_curve.png",
        "reports/figures/agent.gif",
        "reports/figures/random_policy.gif",
    ]
    assert evaluation["figures"][0]["caption"].startswith(f"Learning curves of {len(per_seed)}")
    for name in ("agent.gif", "random_policy.gif"):
        with Image.open(project.path / "reports/figures" / name) as gif:
            assert gif.width >= 300 and gif.n_frames > 1, name
    assert_figures_are_readable(project)


def leaky_table(path: Path) -> None:
    """The breast cancer table with a column that restates the diagnosis in other words."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.data.rename(columns=lambda name: name.replace(" ", "_"))
    diagnosis = bunch.target.map(dict(enumerate(bunch.target_names)))
    frame["finding"] = diagnosis.map({"benign": "no tumour cells", "malignant": "carcinoma"})
    frame["diagnosis"] = diagnosis
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def test_a_column_restating_the_target_is_a_leak_warning_everywhere_it_is_read(
    tabular_trained, tmp_path
):
    project = tabular_trained.project.copy_to(tmp_path)
    leaky_table(project.path / "data/raw/diagnoses.csv")
    project.set_params(
        data={"source": "data/raw/diagnoses.csv"},
        train={"candidates": {"logistic_regression": {"C": [1.0]}}},  # one candidate: quick
    )
    result = project.dvc("repro")
    output = result.stdout + result.stderr
    assert "warning: Column `finding` alone predicts the target" in output
    warnings = evaluation_of(project)["warnings"]
    assert any("Column `finding`" in line for line in warnings), warnings
    readme = (project.path / "README.md").read_text(encoding="utf-8")
    assert "Column `finding` alone predicts the target" in readme


def numbers_row(project: Project):
    """mlport check's numbers row on the project as it stands."""
    from mlport.audit import facts
    from mlport.audit.checks import check_numbers

    return check_numbers(facts.Project(project.path), False)


def test_nlp_quotes_imdbs_published_figure_and_its_numbers_row_passes(nlp_trained):
    params = yaml.safe_load((nlp_trained.path / "params.yaml").read_text(encoding="utf-8"))
    source = "Maas et al. (2011), Table 2"
    reference = params["data"]["about"]["reference"]
    assert reference == {"metric": "accuracy", "value": 0.8889, "source": source}
    headline = nlp_trained.results_block().strip().splitlines()[0]
    shown = source.replace(".", "\\.").replace("(", "\\(").replace(")", "\\)")
    assert headline.endswith(f"; published: 0.8889 accuracy ({shown})") or (
        f"; published: 0.8889 accuracy ({shown})." in headline
    ), headline
    row = numbers_row(nlp_trained)
    assert row.status == "pass", row


def test_a_reference_of_ones_own_reruns_only_the_report_and_is_not_read_as_the_score(
    tabular_trained, tmp_path
):
    project = tabular_trained.project.copy_to(tmp_path)
    before = numbers_row(project)
    assert before.status == "pass", before
    reference = {"metric": "accuracy", "value": 0.975, "source": "https://example.org/paper"}
    project.set_params(data={"about": {"reference": reference}})
    result = project.dvc("repro")
    assert "Running stage 'report'" in result.stdout, result.stdout
    assert "Running stage 'evaluate'" not in result.stdout, "prose is no reason to evaluate again"
    headline = project.results_block().strip().splitlines()[0]
    assert "; published: 0.975 accuracy ([source](<https://example.org/paper>))" in headline
    assert project.metrics()["accuracy"] != 0.975  # else the test would prove nothing
    row = numbers_row(project)
    assert row.status == "pass", row
    assert int(row.found.split()[0]) == int(before.found.split()[0]) + 1, (before, row)


def test_tabular_slices_go_to_the_model_card_and_the_readme_keeps_one_line(
    tabular_trained, tmp_path
):
    from tests.slow.test_readme_page import AUTHORED_SECTION, MAX_WORDS, main_page_words

    project = tabular_trained.project.copy_to(tmp_path)
    project.set_params(evaluate={"slices": ["mean_radius"]})
    result = project.dvc("repro")
    assert "Running stage 'train'" not in result.stdout, "a slice is no reason to retrain"
    slices = project.metrics("reports/slices.json")
    (column,) = slices["columns"]
    assert column["column"] == "mean_radius" and column["binned"] is True
    held_out = evaluation_of(project)["headline"]["n"]
    assert [item["rows"] >= 10 for item in column["slices"]] == [True] * 4
    assert sum(item["rows"] for item in column["slices"]) == held_out
    card = project.results_block("MODEL_CARD.md")
    readme = (project.path / "README.md").read_text(encoding="utf-8")
    assert "### Accuracy by slice" in card and "Accuracy by slice" not in readme
    assert sum("reports/slices.json" in line for line in readme.splitlines()) == 1
    assert main_page_words(AUTHORED_SECTION.sub(" ", readme)) <= MAX_WORDS
    assert numbers_row(project).status == "pass"
