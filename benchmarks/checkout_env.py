"""The environment a benchmark runs this checkout's mlport in: its code first, a git identity."""

from __future__ import annotations

import os
from pathlib import Path


def checkout_env(root: Path, **extra: str) -> dict[str, str]:
    """os.environ with `root` on PYTHONPATH, a committer for `mlport new`, DVC's analytics off."""
    return {
        **os.environ,
        "PYTHONPATH": str(root),
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        "DVC_NO_ANALYTICS": "1",
        **extra,
    }
