"""The environment's description: data.about, or Gymnasium's own where data.about leaves it out.

An environment is its own data set: when params.yaml's data.env.id names another environment than
the template's while data.about still describes the template's (or is left out), the README and
model card describe the environment the agent was trained in, as Gymnasium names and documents it.
"""

from __future__ import annotations

import importlib
import re

from ..config import DataConfig
from ..core.settings import DataAbout, warn_undescribed

DEFAULT_ENV = "CartPole-v1"  # the template's environment, and the name its data.about gives it
DEFAULT_ABOUT_NAME = "CartPole-v1 (Gymnasium)"
GYMNASIUM_DOCS = "https://gymnasium.farama.org/environments/{family}/{page}/"
GYMNASIUM_LICENSE = "MIT"
GYMNASIUM_CITATION = (
    "Towers, M. et al. (2024). Gymnasium: A Standard Interface for Reinforcement Learning "
    "Environments. arXiv:2407.17032"
)


def undescribed(about: DataAbout | None, env_id: str) -> bool:
    """Whether data.about leaves `env_id` undescribed: absent, or still naming the template's
    environment (by its data.about name) while the agent meets another."""
    return about is None or (env_id != DEFAULT_ENV and about.name.strip() == DEFAULT_ABOUT_NAME)


def described(about: DataAbout | None, env_id: str) -> DataAbout:
    """data.about, or the environment as Gymnasium describes it where data.about leaves it
    undescribed."""
    return gymnasium_about(env_id) if undescribed(about, env_id) else about


def warn_if_undescribed(data: DataConfig) -> None:
    """The data stage's one warning when the environment changed but data.about did not."""
    warn_undescribed(data.about, DEFAULT_ABOUT_NAME, data.env.id, DEFAULT_ENV)


def gymnasium_about(env_id: str) -> DataAbout:
    """The environment as Gymnasium names, documents and describes it (its registry and the
    environment class's docstring); an environment from elsewhere is named by its id alone."""
    import gymnasium as gym

    try:
        spec = gym.spec(env_id)
    except gym.error.Error:
        return DataAbout(name=env_id)
    entry = spec.entry_point if isinstance(spec.entry_point, str) else ""
    parts = entry.partition(":")[0].split(".")
    if parts[:2] != ["gymnasium", "envs"] or len(parts) < 3:
        return DataAbout(name=env_id, summary=first_sentence(entry))
    # Gymnasium's pages are named after the environment in snake case: CartPole -> cart_pole.
    page = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", spec.name).lower()
    return DataAbout(
        name=f"{env_id} (Gymnasium)",
        url=GYMNASIUM_DOCS.format(family=parts[2], page=page),
        license=GYMNASIUM_LICENSE,
        citation=GYMNASIUM_CITATION,
        summary=first_sentence(entry),
    )


def first_sentence(entry_point: str) -> str | None:
    """The first sentence of the environment class's docstring, where the class imports."""
    module, _, name = entry_point.partition(":")
    try:
        doc = getattr(importlib.import_module(module), name).__doc__ or ""
    except Exception:  # noqa: BLE001 - a missing extra (Box2D, MuJoCo) only loses the sentence
        return None
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", doc)]
    prose = next((text for text in paragraphs if text and not text.startswith("#")), "")
    found = re.match(r"(.+?[.!?])(\s|$)", prose)
    return found.group(1) if found else None
