"""`update_project`: merge the current templates into a project through its template branch.

The template branch holds only what mlport renders. An update renders the current templates
with the project's recorded answers into a temporary folder, commits that onto the branch with
git plumbing (the learner's working tree is untouched until then) and merges the branch into
the current one, so template changes arrive as an ordinary git merge.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlport import __version__
from mlport.errors import (
    DirtyTreeError,
    GenerationError,
    NoIdentityError,
    NotAProjectError,
    NoTemplateBranchError,
    UnknownTemplateError,
    UpdateConflictError,
)
from mlport.identity import SET_IDENTITY_HINT, git_identity
from mlport.preserve import (
    BLOCK_DOCUMENTS,
    block_documents,
    carry_results_blocks,
    freeze_outputs,
    pipeline_outputs,
)
from mlport.record import COMMAND_FILE, RECORD_FILE, Record, parse_record, read_record
from mlport.registry import Template, available_templates, get_template
from mlport.template_branch import (
    blob_text,
    changed_paths,
    commit_onto,
    current_branch,
    files_under,
    git,
    is_ancestor,
    resolve,
    tree_of_folder,
    unmerged_paths,
)
from mlport.vcs import TEMPLATE_BRANCH

UP_TO_DATE, AVAILABLE, MERGED = "up to date", "available", "merged"


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class UpdateResult:
    """What an update found (`--check`) or did."""

    project: Path
    template: str
    status: str  # UP_TO_DATE, AVAILABLE (only with check) or MERGED
    changed: list[str] = field(default_factory=list)  # paths the template changed
    branch: str = "HEAD"


def find_project(start: str | Path) -> Path:
    """The top of the git repository holding `start`, or NotAProjectError."""
    start = Path(start).resolve()
    if not start.is_dir():
        raise NotAProjectError(f"{start} is not a folder")
    found = git(start, "rev-parse", "--show-toplevel", check=False)
    if found.returncode != 0:
        raise NotAProjectError(
            f"{start} is not inside a git repository, so it is not an mlport project "
            "(run `mlport update` in the project, or pass --project PATH)"
        )
    return Path(found.stdout.strip())


def _template_of(record: Record, project: Path) -> Template:
    try:
        return get_template(record.template)
    except UnknownTemplateError as error:
        raise UnknownTemplateError(
            error.name,
            [template.name for template in available_templates()],
            where=f" in {project / RECORD_FILE} (MLPORT_TEMPLATES_DIR chooses another folder)",
        ) from error


def _answers(record: Record, template: Template, sets: Mapping[str, str], warn) -> dict:
    from mlport.api import check_context

    answers = {}
    for key, value in record.answers.items():
        if key in template.variables:
            answers[key] = value
        else:
            warn(f"the template no longer asks {key!r}: its recorded answer is dropped")
    answers.update(check_context(template, dict(sets)))
    return answers


def _template_tip(project: Path, *, adopt: bool) -> str | None:
    """The template branch's tip (None when adopting), or the error saying how to proceed."""
    if resolve(project, "HEAD") is None:
        raise DirtyTreeError(
            "the repository has no commit yet: commit your project first "
            "(`git add --all && git commit`), then run `mlport update` again"
        )
    tip = resolve(project, f"refs/heads/{TEMPLATE_BRANCH}")
    pushed = resolve(project, f"refs/remotes/origin/{TEMPLATE_BRANCH}")
    if tip is None and pushed and not adopt:
        return pushed  # a fresh clone: the branch is on the remote only, for now
    if tip is None and not adopt and "origin" in git(project, "remote").stdout.split():
        raise NoTemplateBranchError(
            f"{project} has no {TEMPLATE_BRANCH} branch, here or from origin: fetch it with "
            f"`git fetch origin {TEMPLATE_BRANCH}:{TEMPLATE_BRANCH}` (a clone made with "
            f"--single-branch or --depth leaves it out), or push it from the repository the "
            f"project was made in (`git push origin {TEMPLATE_BRANCH}`); `mlport update --adopt` "
            "is for a project that never had one (made with --no-git)"
        )
    if tip is None and not adopt:
        raise NoTemplateBranchError(
            f"{project} has no {TEMPLATE_BRANCH} branch (made with --no-git, or before "
            "`mlport update` existed): `mlport update --adopt` starts it from the current "
            "template and merges it in once, as git conflicts where your files differ"
        )
    if tip is not None and adopt:
        raise NoTemplateBranchError(
            f"{project} already follows its template on {TEMPLATE_BRANCH}: run `mlport update`"
        )
    return tip


def _refuse_unfinished_work(project: Path) -> None:
    if resolve(project, "MERGE_HEAD"):
        raise DirtyTreeError(
            "a merge is in progress: finish it (`git add` the fixed files, then `git commit`) "
            "or undo it (`git merge --abort`) before updating"
        )
    status = git(project, "status", "--porcelain", "--untracked-files=no").stdout.splitlines()
    if status:
        paths = ", ".join(line[3:] for line in status[:3]) + (" ..." if len(status) > 3 else "")
        raise DirtyTreeError(
            f"uncommitted changes ({paths}): commit or stash them (`git stash`), "
            "then run `mlport update` again; nothing was changed"
        )


def _render(
    project: Path, template: Template, answers: dict, tip: str | None, scratch: Path, warn
) -> Path:
    """The current template rendered with `answers`, its output paths as the branch holds them."""
    from mlport.api import create_project

    rendered = create_project(template.name, scratch, context=answers, no_input=True, git=False)
    (rendered / COMMAND_FILE).unlink(missing_ok=True)  # this machine's, never the template's
    outputs = pipeline_outputs(project, rendered)
    previous = files_under(project, tip, sorted(outputs)) if tip else {}
    for path in freeze_outputs(rendered, outputs, previous):
        warn(f"the template ships {path}, where the pipeline writes its outputs: left out")
    return rendered


def _branch_documents(project: Path, tip: str) -> dict[str, str]:
    """The README and model card as the template branch holds them, results blocks included."""
    found = {name: blob_text(project, tip, name) for name in BLOCK_DOCUMENTS}
    return {name: text for name, text in found.items() if text is not None}


def _only_provenance_differs(project: Path, tip: str, rendered: Path, changed: list[str]) -> bool:
    """True when just the record's mlport version or commit moved: nothing to merge."""
    if changed != [RECORD_FILE]:
        return False
    old_text = blob_text(project, tip, RECORD_FILE)
    if old_text is None:
        return False
    old = parse_record(old_text, f"{TEMPLATE_BRANCH}:{RECORD_FILE}")
    new = parse_record((rendered / RECORD_FILE).read_text(encoding="utf-8"), RECORD_FILE)
    return (old.template, old.answers) == (new.template, new.answers)


def _merge(
    project: Path,
    message: str,
    restore: tuple[str | None, str] | None,
    *,
    unrelated: bool,
) -> None:
    merged = git(
        project,
        "merge",
        *(["--allow-unrelated-histories"] if unrelated else []),
        "--no-edit",
        "--no-verify",
        "-m",
        message,
        TEMPLATE_BRANCH,
        check=False,
    )
    if merged.returncode == 0:
        return
    conflicts = unmerged_paths(project)
    if conflicts:
        shown = ", ".join(conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")
        raise UpdateConflictError(
            f"the template's changes conflict with yours in {shown}: fix them, `git add` them "
            "and `git commit` to finish the update, or `git merge --abort` to undo it"
        )
    if restore:  # the merge never started: the template branch goes back where it was
        old, new = restore
        if old is None:
            git(project, "update-ref", "-d", f"refs/heads/{TEMPLATE_BRANCH}", new)
        else:
            git(project, "update-ref", f"refs/heads/{TEMPLATE_BRANCH}", old, new)
    lines = [line.strip() for line in (merged.stderr or merged.stdout).splitlines()]
    raise GenerationError(
        f"git merge refused, nothing was changed: {' '.join(filter(None, lines))}"
    )


def update_project(
    project: str | Path = ".",
    *,
    sets: Mapping[str, str] | None = None,
    check: bool = False,
    adopt: bool = False,
    warn: Callable[[str], None] = _quiet,
) -> UpdateResult:
    """Merge the current templates into `project` (or, with `check`, only say if there is news).

    `adopt` starts the template branch in a project that has none, from the current template.
    """
    root = find_project(project)
    record = read_record(root)
    template = _template_of(record, root)
    tip = _template_tip(root, adopt=adopt)
    if not check:
        _refuse_unfinished_work(root)
    answers = _answers(record, template, sets or {}, warn)
    branch = current_branch(root)
    with tempfile.TemporaryDirectory(prefix="mlport-update-") as scratch:
        rendered = _render(root, template, answers, tip, Path(scratch), warn)
        pristine = block_documents(rendered)
        if tip is None:
            carry_results_blocks(rendered, pristine, block_documents(root))
            tree = tree_of_folder(root, rendered)
            changed = changed_paths(root, "HEAD", tree)
            fresh = True
        else:
            # The results blocks are the pipeline's, not the template's: compared as the branch
            # holds them, so new results are never taken for a template change.
            carry_results_blocks(rendered, pristine, _branch_documents(root, tip))
            changed = changed_paths(root, f"{tip}^{{tree}}", tree_of_folder(root, rendered))
            fresh = bool(changed) and not _only_provenance_differs(root, tip, rendered, changed)
            # What the branch commits carries the project's blocks, so the merge keeps them.
            carry_results_blocks(rendered, pristine, block_documents(root))
            tree = tree_of_folder(root, rendered) if fresh and not check else None
    pending = tip is not None and not is_ancestor(root, tip, "HEAD")
    if not fresh and not pending:
        return UpdateResult(root, template.name, UP_TO_DATE, branch=branch)
    if not fresh:  # an earlier update was committed on the branch but not merged (aborted)
        base = git(root, "merge-base", "HEAD", tip).stdout.strip()
        changed = changed_paths(root, base, tip)
    if check:
        return UpdateResult(root, template.name, AVAILABLE, changed, branch)
    if git_identity(root) is None:  # never commit under a made-up name
        raise NoIdentityError(
            f"git has no identity to commit the update with: set one with `{SET_IDENTITY_HINT}`"
        )
    if tip and resolve(root, f"refs/heads/{TEMPLATE_BRANCH}") is None:
        git(root, "branch", "--quiet", TEMPLATE_BRANCH, tip)  # follow origin's branch
    restore = None
    if fresh:
        message = f"mlport {__version__}: {template.name} template with the recorded answers"
        new = commit_onto(root, TEMPLATE_BRANCH, tree, tip, message)
        restore = (tip, new)
    message = f"Merge mlport's {template.name} template " + ("(adopted)" if adopt else "updates")
    _merge(root, message, restore, unrelated=adopt)
    return UpdateResult(root, template.name, MERGED, changed, branch)
