{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/errors.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Errors a user can cause; each stage turns them into one clear line instead of a traceback."""


class ProjectError(Exception):
    """Base class: raised when the project cannot go on and the message says why."""


class ConfigError(ProjectError):
    """Raised when params.yaml is missing, malformed or holds an unknown or mistyped key."""


class DataError(ProjectError):
    """Raised when the input data cannot be used (missing file, wrong columns, one class...)."""


class ModelNotFoundError(ProjectError):
    """Raised when a stage or the API needs a trained model that does not exist yet."""


class ExportError(ProjectError):
    """Raised when the exported ONNX model does not answer like the trained one."""
