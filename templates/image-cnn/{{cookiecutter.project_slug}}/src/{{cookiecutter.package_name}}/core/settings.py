{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/settings.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Read params.yaml into frozen pydantic models; a mistake stops with one line naming its key."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

PARAMS_PATH = Path("params.yaml")

M = TypeVar("M", bound=BaseModel)


class Section(BaseModel):
    """A mapping of params.yaml: unknown keys refused, no silent type changes, read-only."""

    # strict: "5" is not an int and 1 is not True; an int still counts as a float.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class MlflowConfig(Section):
    """Where runs are grouped, and the name the model is registered under."""

    experiment: str
    registered_model: str


class Params(Section):
    """The sections every project's params.yaml has; each project adds data, train, evaluate."""

    seed: int  # the one seed of the whole pipeline, so `dvc exp run -S seed=1` reruns it all
    # Read by the API alone (api/), which defines its keys; the pipeline does not look inside.
    serve: dict[str, Any] = {}
    mlflow: MlflowConfig


def read_params(path: str | Path = PARAMS_PATH) -> dict[str, Any]:
    """Return the mapping stored in a YAML file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path} not found: run from the project root, where params.yaml lives")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of sections")
    return data


def load_params(model: type[M], path: str | Path = PARAMS_PATH) -> M:
    """Read `path` into `model`; the first problem becomes a ConfigError naming its key."""
    return parse(model, read_params(path), source=str(path))


def parse(model: type[M], data: Any, *, source: str, section: str = "") -> M:
    """Check `data` (all of params.yaml, or its `section`) against `model`, or say what is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        nested = {section: data} if section else data
        prefix = (section,) if section else ()
        raise ConfigError(f"{source}: {describe(error, nested, prefix, model)}") from None


def describe(
    error: ValidationError,
    data: Any,
    prefix: tuple[str, ...] = (),
    model: type[BaseModel] | None = None,
) -> str:
    """One line for the first problem pydantic found, named by its dotted key.

    An unknown key comes first: a misspelt key is also the missing one it was meant to be, and
    the line names the known key it is closest to.
    """
    problems = error.errors(include_url=False)
    unknown = [problem for problem in problems if problem["type"] == "extra_forbidden"]
    first = (unknown or problems)[0]
    where, exact = _key_path(prefix + tuple(first["loc"]), data)
    if first["type"] == "extra_forbidden":
        line = f"unknown key {where}"
        meant = _closest_key(model, first["loc"])
        if meant:
            parent = where.rpartition(".")[0]
            line += f" (did you mean {parent}.{meant}?)" if parent else f" (did you mean {meant}?)"
    elif first["type"] == "missing":
        line = f"{where} is missing"
    elif not exact:  # a union: pydantic's message is about one of the options only
        line = f"{where} cannot be {_short(first['input'])}"
    else:
        message = first["msg"].removeprefix("Value error, ")
        line = f"{where}: {message[0].lower()}{message[1:]}"
        if not isinstance(first["input"], dict):  # a whole section says nothing more
            line += f", got {_short(first['input'])}"
    more = len({_key_path(prefix + tuple(p["loc"]), data)[0] for p in problems}) - 1
    return line + (f" (and {more} more)" if more > 0 else "")


def _closest_key(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> str | None:
    """The key of the model at `loc`'s parent that the unknown key at `loc` most resembles."""
    for step in loc[:-1]:
        field = model.model_fields.get(step) if model else None
        annotation = field.annotation if field else None
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        model = annotation if is_model else None
    if model is None or not isinstance(loc[-1], str):
        return None
    matches = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _key_path(loc: tuple[Any, ...], data: Any) -> tuple[str, bool]:
    """The dotted key a pydantic location points at, and whether all of it is a key of `data`."""
    parts: list[str] = []
    for index, step in enumerate(loc):
        in_mapping = isinstance(data, dict) and step in data
        if in_mapping or (isinstance(data, list) and isinstance(step, int) and step < len(data)):
            data = data[step]
        elif index == len(loc) - 1 and isinstance(data, dict):
            data = None  # a key that is missing or unknown: still the key the line names
        else:
            return ".".join(parts) or "params", False
        parts.append(f"[{step}]" if isinstance(step, int) else str(step))
    return ".".join(parts).replace(".[", "[") or "params", True


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class DataReference(Section):
    """`data.about.reference`: a published score on this data set, shown beside the result."""

    metric: str  # as reports/metrics.json names it, e.g. accuracy
    value: float = Field(allow_inf_nan=False)
    source: str  # a URL, or citation text naming where it is published

    @field_validator("metric", "source")
    @classmethod
    def _said(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must not be empty")
        return text

    @field_validator("source")
    @classmethod
    def _no_credentials(cls, source: str) -> str:
        # A link copied from a logged-in browser may carry them; the page never shows them.
        parts = urlsplit(source.strip())
        if parts.scheme and "@" in parts.netloc:
            return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        return source


class DataAbout(Section):
    """`data.about`: what the data set is, as its owner names it; the report stage says the rest."""

    name: str
    url: str | None = None
    license: str | None = None
    citation: str | None = None
    summary: str | None = None  # what one row, image, text or episode is
    # Belongs to this data set: describe other data, and this goes (or names that data's figure).
    reference: DataReference | None = None


def warn_undescribed(
    about: DataAbout | None, default_name: str, data: str, default_data: str
) -> str | None:
    """Print one warning when the data is not the template's default set (`data`, what params.yaml
    names, against `default_data`; the default sets are built in or checksummed, so their name
    fixes their content) while data.about still names the default set. Returns it.

    data.about is prose for the README: the stages that train never read it, so only this stage
    can say, when the data changes, that its description did not.
    """
    if data == default_data or about is None or about.name.strip() != default_name:
        return None
    message = (
        f"data is {data} but params.yaml's data.about still describes {default_name}: describe "
        "your data there (name, url, summary), which the README and model card show"
    )
    print(f"warning: {message}")
    return message
