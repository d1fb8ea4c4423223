{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/page.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The README's front page and the model card, laid out the same way for every project.

A project's report stage gathers its facts (metrics, the data it used, the model it trained) into
a `Page`; this module turns them into Markdown. The headline, baselines, findings and figures come
from `reports/evaluation.json`, and nothing is said that the files do not hold.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..core.errors import ModelNotFoundError
from ..core.settings import DataAbout, MlflowConfig
from .card_meta import model_index, write_metadata
from .changes import changes_section, scaffold_line
from .evidence import EVALUATION_JSON, Headline
from .examples import EXAMPLES_JSON, write_examples
from .experiments import experiments_section
from .markdown import literal
from .report_blocks import markdown_table, replace_block

README = Path("README.md")
MODEL_CARD = Path("MODEL_CARD.md")
# A published model (model-release.json) is served from a clone without training.
TRY_FROM_A_CLONE = "From a clone, without training: `make download-model && make serve`, then:"


@dataclass(frozen=True)
class Terms:
    """The words the page uses for the data and the scores: an agent's differ from a model's."""

    data: str = "The data"  # the README's section on what the model learned from
    card_data: str = "Training data"  # the model card's
    scored: str = "held-out {label}"  # the Experiments table's score column
    places: int = 4  # decimals of the scores in the tables (returns need fewer)
    subject: str = "this model"  # the metrics table's column of what was trained


@dataclass(frozen=True)
class Page:
    """What one run produced, in the words and numbers the page shows.

    The headline, baselines, findings and figures are those of `reports/evaluation.json`: the
    evaluate stage decides them once, and the page only lays them out.
    """

    metrics: dict[str, float]  # the served model's held-out metrics, as in reports/metrics.json
    about: DataAbout
    data_facts: list[str]  # sentences computed from the data actually used
    model: str  # the trained model, named with its key hyper-parameters
    provenance: str  # Markdown list: data hashes, run, dates
    compute: str  # device and wall time of training
    details: list[str] = field(default_factory=list)  # project-specific tables, after the metrics
    lead: list[str] = field(default_factory=list)  # README only: right under the first figure
    card_details: list[str] = field(default_factory=list)  # reference tables for the card only
    evaluation: dict[str, Any] = field(default_factory=dict)
    terms: Terms = Terms()

    @property
    def headline(self) -> Headline:
        """The one number the page leads with, as reports/evaluation.json states it."""
        stated = self.evaluation["headline"]
        return Headline(**{key: stated[key] for key in stated if key in HEADLINE_FIELDS})

    @property
    def figures(self) -> list[tuple[str, str]]:
        """(path, caption) of every figure of the run, the most telling first."""
        return [(item["path"], item.get("caption", "")) for item in self.evaluation["figures"]]


HEADLINE_FIELDS = set(Headline.__dataclass_fields__)


def read_json(path: Path) -> Any:
    """A JSON file a stage wrote, or None when that stage has not written it."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def with_evaluation(page: Page, path: Path = EVALUATION_JSON) -> Page:
    """`page` with the evaluate stage's reports/evaluation.json: headline, baselines, figures."""
    evaluation = read_json(path)
    if not isinstance(evaluation, dict) or not evaluation.get("headline"):
        raise ModelNotFoundError(f"{path} is missing: run the evaluate stage first (dvc repro)")
    return replace(page, evaluation=evaluation)


def decimals(value: float) -> int:
    """Three decimals for scores up to 1, two for returns."""
    return 3 if abs(value) <= 1 else 2


def headline_line(page: Page) -> str:
    """E.g. "**0.965 accuracy** [0.930, 0.991] on 114 held-out rows; majority class 0.632"."""
    head = page.headline
    places = decimals(head.value)

    def number(value: float) -> str:
        return f"{value:.{places}f}"

    line = f"**{number(head.value)} {head.label}**"
    if head.interval:
        low, high = head.interval
        method = head.interval_method or "95% bootstrap interval"
        line += f" [{number(low)}, {number(high)}] ({method})"
    if head.std is not None:
        line += f" ± {number(head.std)}"
    line += f" on {head.n} {head.unit}"
    for baseline in page.evaluation.get("baselines", []):
        score = baseline.get("metrics", {}).get(head.metric)
        if isinstance(score, int | float):
            line += f"; {baseline['name']} {number(score)}"
    if head.target:
        line += f"; solved at {head.target['value']:g} ({head.target.get('source', '')})"
    reference = page.about.reference if page.about is not None else None
    if reference is not None:
        line += f"; {reference_text(reference.model_dump())}"
    comparison = page.evaluation.get("comparison")
    if comparison:
        # The honest reading of the gap to the strongest baseline, computed with the evaluation.
        line += f". {comparison['sentence']}"
    return line


def reference_text(reference: dict[str, Any]) -> str:
    """data.about's published figure, e.g. "published: 0.8889 accuracy ([source](https://...))".

    Metric and source are the learner's text, shown as such; a source that is a web address
    becomes the link, any other is the citation itself.
    """
    source = " ".join(str(reference["source"]).split())
    if source.startswith(("https://", "http://")) and " " not in source:
        cited = f"[source](<{source.replace('>', '%3E').replace('<', '%3C')}>)"
    else:
        cited = literal(source, code=False)
    metric = literal(reference["metric"], code=False)
    return f"published: {reference['value']:g} {metric} ({cited})"


def metrics_table(page: Page) -> str:
    """The served model's metrics beside each baseline's, on the same held-out data."""
    baselines = page.evaluation.get("baselines", [])
    header = ["metric", page.terms.subject, *(baseline["name"] for baseline in baselines)]

    def shown(value: object) -> object:
        return f"{value:.{page.terms.places}f}" if isinstance(value, float) else value

    rows = [
        [
            name,
            shown(value),
            *(shown(baseline.get("metrics", {}).get(name, "–")) for baseline in baselines),
        ]
        for name, value in page.metrics.items()
        if _is_number(value)
    ]
    return markdown_table(header, rows)


TALL = 0.75  # height / width from which a figure at the page's full width would fill the screen
TALL_WIDTH = 640  # px: a square figure this wide keeps its text readable and fits on one screen


def figure(path: str, caption: str) -> str:
    """A figure at the page's width (a tall one at TALL_WIDTH px), caption in italics below."""
    shown = f"![{caption}]({path})"
    if _aspect(Path(path)) >= TALL:
        alt = html.escape(caption, quote=True)
        shown = f'<img src="{path}" alt="{alt}" width="{TALL_WIDTH}">'
    return shown + (f"\n\n_{caption}_" if caption else "")


def _aspect(path: Path) -> float:
    """Height over width of an image file; 0 when it cannot be read."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.height / image.width
    except OSError:
        return 0.0


def provenance_details(page: Page) -> str:
    """Hashes, run id, tracking URI and dates: collapsed, for whoever checks."""
    return (
        "<details><summary>Where these numbers come from</summary>\n\n"
        f"{page.provenance}\n{scaffold_line()}\n\n</details>"
    )


def findings(page: Page) -> str:
    """Warnings of the data checks first, then what the evaluation noticed."""
    warnings = page.evaluation.get("warnings", [])
    found = page.evaluation.get("findings", [])
    if not page.evaluation:
        return "_The evaluate stage of this run wrote no findings (`reports/evaluation.json`)._"
    items = [f"- **Warning:** {text}" for text in warnings] + [f"- {text}" for text in found]
    return "\n".join(items) or "_Nothing to report: no warning and no finding in this run._"


def data_section(page: Page) -> str:
    """Name, source, licence and summary from `data.about`, then the facts of the data used."""
    about = page.about
    name = f"[{about.name}]({about.url})" if about.url else about.name
    opening = f"**{name}**" + (f" ({about.license})" if about.license else "") + "."
    if about.summary:
        opening += f" {about.summary}"
    parts = [opening, " ".join(page.data_facts)]
    if about.citation:
        parts.append(f"Cite it as: {about.citation}")
    return "\n\n".join(part for part in parts if part)


def examples(path: Path = EXAMPLES_JSON) -> str:
    """The documented API calls, each with the answer the trained model gave to it."""
    items = read_json(path)
    if not items:
        return ""
    lines = []
    for item in items:
        shown = item.get("response_shown", item.get("response"))
        lines += [item["curl"], "# " + json.dumps(shown, separators=(",", ":"))]
    return "```bash\n" + "\n".join(lines) + "\n```"


def other_figures(page: Page) -> str:
    """Every figure after the first, each at full width."""
    return "\n\n".join(figure(path, caption) for path, caption in page.figures[1:])


def readme_block(page: Page, experiments: str) -> str:
    """The README's results: headline, figure, lead evidence, metrics, data, experiments..."""
    first = [figure(*page.figures[0])] if page.figures else []
    api = examples()
    sections = [
        headline_line(page),
        *first,
        *page.lead,
        metrics_table(page),
        f"Model: {page.model}. Training: {page.compute}.",
        *page.details,
        provenance_details(page),
        f"## {page.terms.data}",
        data_section(page),
        "## Experiments",
        experiments,
        *(["## More figures", other_figures(page)] if len(page.figures) > 1 else []),
        *(["## Try the API", TRY_FROM_A_CLONE, api] if api else []),
        "## Findings",
        findings(page),
        changes_section(),  # the author's own work, from git
    ]
    return "\n\n".join(sections)


def card_block(page: Page) -> str:
    """The model card's results: the model, its data, evaluation, compute and data limits."""
    sections = [
        "## Model",
        f"{page.model}.",
        f"## {page.terms.card_data}",
        data_section(page),
        "## Evaluation",
        headline_line(page),
        metrics_table(page),
        *page.details,
        *page.card_details,
        "## Findings",
        findings(page),
        "## Compute",
        f"{page.compute}.",
        provenance_details(page),
    ]
    return "\n\n".join(sections)


@dataclass(frozen=True)
class Identity:
    """How the model is known: its registered name, the task, the data source and MLflow run."""

    name: str
    task: str  # Hugging Face's task id, e.g. tabular-classification
    source: str  # the data source as params.yaml names it
    experiment: str
    run_id: str | None

    @classmethod
    def of(cls, mlflow: MlflowConfig, task: str, source: str, run_id: str | None) -> Identity:
        """The registered name and experiment as params.yaml's `mlflow` section sets them."""
        return cls(mlflow.registered_model, task, source, mlflow.experiment, run_id)


def write_documents(
    page: Page, identity: Identity, readme: str | Path = README, card: str | Path = MODEL_CARD
) -> str:
    """Rewrite the results blocks of README.md and MODEL_CARD.md and the card's metadata."""
    write_examples()  # the API calls the page documents, answered by the model just trained
    page = with_evaluation(page)
    head = page.headline
    column = page.terms.scored.format(label=head.label)
    experiments = experiments_section(
        identity.experiment, head.metric, column, identity.run_id, places=page.terms.places
    )
    block = readme_block(page, experiments)
    replace_block(readme, block)
    replace_block(card, card_block(page))
    numbers = {key: value for key, value in page.metrics.items() if _is_number(value)}
    write_metadata(
        card,
        {
            "datasets": [page.about.name],
            "metrics": list(numbers),
            "model-index": model_index(
                identity.name, identity.task, page.about.name, identity.source, numbers
            ),
        },
    )
    print(f"report: results written into {readme} and {card}")
    return block


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
