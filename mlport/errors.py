"""The errors a user can cause; the CLI turns each into one clear line on stderr."""

from __future__ import annotations

from mlport.redact import redact


class MlportError(Exception):
    """Base class of every error mlport reports to the user; its message holds no credential."""

    exit_code = 1

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(arg) if isinstance(arg, str) else arg for arg in args))


class UnknownTemplateError(MlportError):
    """Raised when the requested template does not exist."""

    def __init__(self, name: str, known: list[str], *, where: str = "") -> None:
        self.name, self.known = name, known
        super().__init__(f"unknown template {name!r}{where}; known templates: {', '.join(known)}")


class InvalidNameError(MlportError):
    """Raised when a project name cannot become a folder and a Python package."""


class TargetExistsError(MlportError):
    """Raised when the target directory exists and is not empty; it is never overwritten."""


class UnknownVariableError(MlportError):
    """Raised when `--set` names a key the template does not have."""


class InvalidValueError(MlportError):
    """Raised when a `--set` value is malformed or not among the template's choices."""


class GenerationError(MlportError):
    """Raised when rendering the template fails (a hook refused, a template error)."""


class TemplatesDirError(MlportError):
    """Raised when MLPORT_TEMPLATES_DIR names something that is not a folder."""


class NotAProjectError(MlportError):
    """Raised when `update`, `check` or `publish` finds no project (or repository) to work on."""


class NoRecordError(MlportError):
    """Raised when a project has no readable record of its template and answers."""


class NoTemplateBranchError(MlportError):
    """Raised when a project has no template branch to merge template changes through."""


class DirtyTreeError(MlportError):
    """Raised when `mlport update` would start on uncommitted changes."""


class UpdateConflictError(MlportError):
    """Raised when merging template changes stops on conflicts the learner resolves with git."""


class NoIdentityError(MlportError):
    """Raised when a commit is needed and git has no identity: mlport never makes one up."""


class PublishError(MlportError):
    """Raised when publishing cannot go on: gh missing or signed out, no commit, a dirty tree,
    a failed check, or a remote that refuses the push."""

    def __init__(self, message: str, *, rows: list | None = None) -> None:
        super().__init__(message)
        self.rows = rows or []  # the failing rows of `mlport check`, when that is the reason


class PortfolioError(MlportError):
    """Raised when a portfolio cannot be built or published: no project at a path, no portfolio
    built yet, an introduction still holding its seed questions, or a project not ready."""

    def __init__(self, message: str, *, rows: list | None = None) -> None:
        super().__init__(message)
        self.rows = rows or []  # the failing rows, when checks are the reason
