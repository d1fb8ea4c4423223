"""Credentials that must never reach a public repository: in files, in credential files by name,
and in commit and tag messages, in the files to be published and anywhere in git's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlport.audit.credential_files import credential_file
from mlport.audit.facts import ALL_HISTORY, Project
from mlport.audit.scanner import Text, secret_kinds
from mlport.reading import decoded


@dataclass(frozen=True)
class Finding:
    """One secret: where, and what kind (never the secret itself)."""

    path: str
    kind: str
    in_history_only: bool = False

    def __str__(self) -> str:
        where = f"{self.path} (in an earlier commit)" if self.in_history_only else self.path
        return f"{self.kind} in {where}"


def _working_tree(project: Project) -> tuple[list[Finding], list[Text]]:
    """Credential files among the files to be published, and those files' texts."""
    findings, texts = [], []
    for path in project.visible_files():
        kind = credential_file(path)
        if kind:
            findings.append(Finding(path, kind))
        data = project.read(path).data
        text = decoded(data) if data else None
        if text:
            texts.append(Text(("file", path), path, text))
    return findings, texts


def _history(
    project: Project, revisions: Sequence[str], *, index: bool, earlier: bool
) -> tuple[list[Finding], list[Text]]:
    """Credential files git holds, and the texts of every file version and message.

    `earlier`: the working tree is scanned too, so what only git holds is from an earlier commit.
    """
    findings = [
        Finding(path, kind, in_history_only=earlier)
        for path in sorted(project.history_paths(revisions))
        if (kind := credential_file(path))
    ]
    blobs = project.history_blobs(revisions, index=index)
    texts = [
        Text(("blob", blob.sha, blob.path), blob.path, text)
        for blob, text in project.blob_texts(blobs)
    ]
    messages = project.messages(revisions)
    texts += [Text(("message", where), "message", text) for where, text in messages]
    return findings, texts


def find_secrets(
    project: Project, *, revisions: Sequence[str] = ALL_HISTORY, working_tree: bool = True
) -> list[Finding]:
    """Secrets in the files to be published (with `working_tree`) and in every file version,
    commit message and tag message the `revisions` reach (with the working tree, the index too).
    """
    current, texts = _working_tree(project) if working_tree else ([], [])
    past, past_texts = _history(project, revisions, index=working_tree, earlier=working_tree)
    findings = {(finding.path, finding.kind): finding for finding in current}
    kinds = secret_kinds([*texts, *past_texts])
    for text in texts:
        for kind in kinds.get(text.key, []):
            findings.setdefault((text.name, kind), Finding(text.name, kind))
    # What the files no longer hold, git still does: an earlier commit, the index, a message.
    for finding in past:
        findings.setdefault((finding.path, finding.kind), finding)
    for text in past_texts:
        where = text.key[-1]
        for kind in kinds.get(text.key, []):
            finding = Finding(where, kind, in_history_only=working_tree and text.key[0] == "blob")
            findings.setdefault((where, kind), finding)
    return list(findings.values())
