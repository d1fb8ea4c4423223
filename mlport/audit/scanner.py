"""Secrets in texts, found by detect-secrets and mlport's extra plugins: their kinds, never values.

detect-secrets scans line by line, each line through every plugin and filter, about a quarter of
a millisecond a line. So each text first meets the plugins' own patterns once as a whole, and the
keyword plugin's words (every pattern of it holds one): a text none of them matches has no line
they match. Only the texts that match get detect-secrets' full scan.
"""

from __future__ import annotations

import locale
import re
import tempfile
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from mlport.audit import detectors

# Patterns for long random strings: every hash in dvc.lock and every id would match.
NOISY_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector")
EXTRA_PLUGINS = (
    "EnvironmentSecretDetector",
    "HuggingFaceTokenDetector",
    "GitHubFineGrainedTokenDetector",
    "DatabricksTokenDetector",
    "WeightsAndBiasesKeyDetector",
    "GoogleApiKeyDetector",
    "ModelApiKeyDetector",
)


@dataclass(frozen=True)
class Text:
    """Something to scan: a key for the caller, a file name (its type guides detect-secrets)."""

    key: Hashable
    name: str
    content: str


def _settings() -> dict:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    builtin = [
        plugin.__name__
        for plugin in get_mapping_from_secret_type_to_class().values()
        if plugin.__module__.startswith("detect_secrets.")
    ]
    path = f"file://{Path(detectors.__file__).resolve()}"
    return {
        "plugins_used": [{"name": name} for name in builtin if name not in NOISY_PLUGINS]
        + [{"name": name, "path": path} for name in EXTRA_PLUGINS]
    }


def _keyword_groups(name: str) -> list[dict]:
    """The keyword plugin's pattern sets detect-secrets uses on a file of this name.

    A file of no known type is also read as INI when nothing else is found in it, and its
    values, quoted then, meet the pattern set for config files.
    """
    from detect_secrets.plugins import keyword
    from detect_secrets.util.filetype import FileType, determine_file_type

    kind = determine_file_type(name)
    groups = [keyword.REGEX_BY_FILETYPE.get(kind, keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)]
    if kind is FileType.OTHER:
        groups.append(keyword.CONFIG_DENYLIST_REGEX_TO_GROUP)
    return groups


@cache
def _keyword_words(ignore_case: bool) -> re.Pattern[str]:
    """The keyword plugin's words (every one of its patterns holds one)."""
    from detect_secrets.plugins import keyword

    return re.compile(keyword.DENYLIST_REGEX, re.IGNORECASE if ignore_case else 0)


def _keyword_lines(plugin: object, name: str, content: str) -> bool:
    """Whether a line holding one of the keyword plugin's words matches one of its patterns.

    YAML is parsed before it is scanned (a value may follow on the next line): any word counts.
    """
    from detect_secrets.util.filetype import FileType, determine_file_type

    structured = determine_file_type(name) is FileType.YAML
    groups = _keyword_groups(name)
    # Lowercase text and a case-sensitive pattern find the same words several times faster,
    # where lowercasing keeps every character's place (it does not for a few letters, like İ).
    lowered = content.lower()
    same_places = len(lowered) == len(content)
    words = _keyword_words(not same_places).finditer(lowered if same_places else content)
    for word in words:
        if structured:
            return True
        start = content.rfind("\n", 0, word.start()) + 1
        end = content.find("\n", word.end())
        line = content[start : end if end >= 0 else len(content)]
        if any(next(plugin.analyze_string(line, group), None) for group in groups):
            return True
    return False


def _may_hold_secret(plugins: list, name: str, content: str) -> bool:
    from detect_secrets.plugins.keyword import KeywordDetector

    for plugin in plugins:
        if isinstance(plugin, KeywordDetector):
            if _keyword_lines(plugin, name, content):
                return True
        elif next(plugin.analyze_string(content), None) is not None:
            return True
    return False


def _scan(scratch: Path, name: str, content: str) -> set[str]:
    """detect-secrets' full scan of `content` saved as `name`; YAML also as plain text."""
    from detect_secrets.core.scan import scan_file
    from detect_secrets.util.filetype import FileType, determine_file_type

    # detect-secrets reads YAML as data, so a comment never reaches its plugins.
    names = [name, f"{name}.txt"] if determine_file_type(name) is FileType.YAML else [name]
    kinds: set[str] = set()
    for each in names:
        path = scratch / each
        # detect-secrets opens it in the locale's encoding and skips what that cannot decode.
        path.write_text(content, encoding=locale.getpreferredencoding(False), errors="replace")
        kinds.update(secret.type for secret in scan_file(str(path)))
    return kinds


def secret_kinds(texts: Iterable[Text]) -> dict[Hashable, list[str]]:
    """The kinds of secret (detect-secrets' names) in each text that holds any, by key."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import get_plugins, transient_settings

    # The same content under the same name is scanned once (a file and its blob in git).
    alike: dict[tuple[str, str], list[Text]] = {}
    for text in texts:
        name = PurePosixPath(text.name).name or "text"
        alike.setdefault((name, text.content), []).append(text)
    found: dict[Hashable, list[str]] = {}
    with transient_settings(_settings()):
        # The plugin list is cached across settings; ours are only in it once it is rebuilt.
        get_mapping_from_secret_type_to_class.cache_clear()
        plugins = get_plugins()
        with tempfile.TemporaryDirectory(prefix="mlport-secrets-") as scratch:
            for number, ((name, content), same) in enumerate(alike.items()):
                if not _may_hold_secret(plugins, name, content):
                    continue
                folder = Path(scratch) / str(number)
                folder.mkdir()
                kinds = sorted(_scan(folder, name, content))
                for text in same if kinds else []:
                    found[text.key] = kinds
    get_mapping_from_secret_type_to_class.cache_clear()
    return found
