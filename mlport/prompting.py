"""Ask a template's questions in a terminal, checking each name as soon as it is typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from mlport.answers import check_text
from mlport.errors import InvalidNameError, InvalidValueError
from mlport.naming import check_package, check_slug, project_names
from mlport.registry import Template


def _checker(key: str, given: Mapping[str, str]) -> Callable[[str], object]:
    if key == "project_slug":
        return check_slug
    if key == "package_name":
        return check_package
    if key == "project_name" and "project_slug" not in given:
        return project_names  # the folder and package names derive from it
    return lambda value: check_text(key, value)


def ask_answers(
    template: Template, given: Mapping[str, str], *, tell: Callable[[str], None]
) -> dict[str, str]:
    """Ask every question of `template`, `given` answers as defaults; ask again on a bad name.

    The prompts are Cookiecutter's own, so they look as they do with plain `cookiecutter`; only
    the template's own defaults are rendered, with the answers so far as data.
    """
    from cookiecutter.prompt import read_user_choice, read_user_variable, render_variable
    from cookiecutter.utils import create_env_with_context

    env = create_env_with_context({"cookiecutter": template.context})
    prompts = template.context.get("__prompts__", {})
    keys = template.variables
    answers: dict[str, str] = {}
    for count, key in enumerate(keys, 1):
        prefix = f"  [dim][{count}/{len(keys)}][/] "
        raw = template.context[key]
        if isinstance(raw, list):
            options = [given[key], *(o for o in raw if o != given[key])] if key in given else raw
            answers[key] = read_user_choice(key, options, prompts, prefix)
            continue
        default = given[key] if key in given else render_variable(env, raw, answers)
        check = _checker(key, given)
        while True:
            value = read_user_variable(key, default, prompts, prefix)
            try:
                check(value)
            except (InvalidNameError, InvalidValueError) as error:
                tell(f"{error}; try again")
                continue
            answers[key] = value
            break
    return answers
