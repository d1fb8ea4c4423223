{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/settings.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Serving settings: params.yaml's `serve:` section and SERVE_* environment variables.

Read once, when the server starts (never at import), and only the `serve:` section: a mistake
in another section of params.yaml concerns the pipeline, not the API. Precedence: environment
variables, then params.yaml (the Docker image copies it too), then the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from ..core.errors import ConfigError
from ..core.onnx_model import Runtime

PARAMS_PATH = Path("params.yaml")
ENV_PREFIX = "SERVE_"


def serve_section(path: Path) -> dict[str, Any]:
    """The `serve:` mapping of params.yaml; empty when the file or the section is absent."""
    if not path.is_file():
        return {}
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from error
    section = params.get("serve") if isinstance(params, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: serve must be a mapping, got {type(section).__name__}")
    return section


class BaseServeSettings(BaseSettings):
    """What every API needs; each template's api/limits.py adds its own limits."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    model_dir: Path = Field(
        Path("models"),
        validation_alias=AliasChoices("MODEL_DIR", "model_dir"),
        description="where the trained model is read from ($MODEL_DIR)",
    )
    runtime: Runtime = Field(
        "onnx",
        description="onnx: the exported model on onnxruntime (the light serving install); "
        "native: the trained model itself (needs the training install)",
    )
    max_body_bytes: int = Field(
        4_000_000, ge=1, description="larger request bodies get 413 before they are parsed"
    )

    @property
    def body_limit(self) -> int:
        """Most bytes a request body may have."""
        return self.max_body_bytes

    def public(self) -> dict[str, Any]:
        """The limits a client may want to know (GET /model-info shows them)."""
        return self.model_dump(exclude={"model_dir"})

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over params.yaml, which `load` passes as keyword arguments.
        return env_settings, init_settings

    @classmethod
    def load(cls, path: Path = PARAMS_PATH) -> Self:
        """Read and check the settings; ConfigError names the first bad key."""
        try:
            return cls(**serve_section(path))
        except ValidationError as error:
            first = error.errors()[0]
            key = ".".join(str(part) for part in first["loc"]) or "serve"
            raise ConfigError(
                f"serve.{key}: {first['msg']} (from {path} or ${ENV_PREFIX}{key.upper()})"
            ) from None
