"""Credentials that must never reach a public repository: in URLs, as tokens, in .env files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlport.audit.facts import Project

# user:password@ inside a URL. A variable (${TOKEN}, {SECRET}, %(pw)s, <password>) or a mask
# (***, xxx, ...) in the password's place is not a secret.
URL_CREDENTIAL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/@:\"'<>()]+:([^\s/@\"'<>()]+)@", re.I)
NOT_A_PASSWORD = re.compile(r"^([$%{<]|\*+$|x+$|\.\.\.$)")
TOKENS = {
    "GitHub token": re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b"),
    "AWS access key": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "Hugging Face token": re.compile(r"\bhf_[A-Za-z0-9]{30,}\b"),
    "OpenAI key": re.compile(r"\bsk-(proj-)?[A-Za-z0-9_-]{32,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
}
# Templates of .env files hold names, not values.
ENV_EXAMPLES = {".env.example", ".env.sample", ".env.template", ".env.dist"}


@dataclass(frozen=True)
class Finding:
    """One secret: where, and what kind (never the secret itself)."""

    path: str
    kind: str
    in_history_only: bool = False

    def __str__(self) -> str:
        where = f"{self.path} (in an earlier commit)" if self.in_history_only else self.path
        return f"{self.kind} in {where}"


def secrets_in(text: str) -> list[str]:
    """The kinds of secret a text holds."""
    kinds = [
        "credentials in a URL"
        for match in URL_CREDENTIAL.finditer(text)
        if not NOT_A_PASSWORD.match(match.group(1))
    ][:1]
    kinds.extend(kind for kind, pattern in TOKENS.items() if pattern.search(text))
    return kinds


def is_env_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return (name == ".env" or name.startswith(".env.")) and name not in ENV_EXAMPLES


def find_secrets(project: Project) -> list[Finding]:
    """Secrets in the files to be published and, in a repository, in every version git holds."""
    findings: dict[tuple[str, str], Finding] = {}
    current = project.visible_files()
    for path in current:
        if is_env_file(path):
            findings[(path, ".env file")] = Finding(path, ".env file")
        text = project.text(path)
        for kind in secrets_in(text or ""):
            findings[(path, kind)] = Finding(path, kind)
    # What the files no longer hold, git still does: an earlier commit or the index.
    texts = dict(project.blob_texts(project.blobs))
    for blob in project.blobs:
        kinds = [".env file"] if is_env_file(blob.path) else []
        kinds.extend(secrets_in(texts.get(blob, "")))
        for kind in kinds:
            findings.setdefault((blob.path, kind), Finding(blob.path, kind, in_history_only=True))
    return list(findings.values())
