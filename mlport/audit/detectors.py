"""detect-secrets plugins for credentials its own plugins miss and a learner's ML tools use.

detect-secrets loads this file as a plugin module (a `file://` path in its settings), so it
holds plugin classes only and imports nothing from mlport.
"""

from __future__ import annotations

import re

from detect_secrets.plugins.base import RegexBasedDetector


class EnvironmentSecretDetector(RegexBasedDetector):
    """A value given to a variable named like a credential: MLFLOW_TRACKING_PASSWORD=..., HF_TOKEN=.

    detect-secrets' keyword plugin needs quotes outside config files, so `export X_TOKEN=abc` in a
    shell script, a Makefile, a Dockerfile or a README slips through it. Shell syntax (no space
    around `=`) keeps Python's `PAD_TOKEN = "<pad>"` constants out.
    """

    secret_type = "Secret in an environment variable"
    denylist = (
        re.compile(
            r"(?<![\w$])[A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|SECRET_KEY|API_KEY|"
            r"ACCESS_KEY|PRIVATE_KEY|KAGGLE_KEY|_PAT)=[\"']?([A-Za-z0-9_\-+/=.~!@%^*]{4,})"
            r"(?=[\"'\s]|$)"
        ),
    )


class HuggingFaceTokenDetector(RegexBasedDetector):
    """Hugging Face access tokens (`hf_...`)."""

    secret_type = "Hugging Face Token"
    denylist = (re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}"),)


class GitHubFineGrainedTokenDetector(RegexBasedDetector):
    """GitHub's fine-grained personal access tokens (`github_pat_...`)."""

    secret_type = "GitHub Fine-Grained Token"
    denylist = (re.compile(r"github_pat_[A-Za-z0-9_]{40,}"),)


class DatabricksTokenDetector(RegexBasedDetector):
    """Databricks personal access tokens (`dapi` and 32 hex digits)."""

    secret_type = "Databricks Token"
    denylist = (re.compile(r"(?<![A-Za-z0-9])dapi[0-9a-f]{32}(?:-\d+)?"),)


class WeightsAndBiasesKeyDetector(RegexBasedDetector):
    """Weights & Biases API keys given to `wandb login` or `wandb.login(key=...)`."""

    secret_type = "Weights & Biases API Key"
    denylist = (
        re.compile(r"wandb\s+login\s+(?:--?\S+\s+)*([0-9a-f]{40})\b"),
        re.compile(r"wandb\.login\([^)]*key\s*=\s*[\"']([0-9a-f]{40})[\"']"),
    )


class GoogleApiKeyDetector(RegexBasedDetector):
    """Google Cloud API keys (`AIza...`)."""

    secret_type = "Google API Key"
    denylist = (re.compile(r"AIza[0-9A-Za-z_\-]{35}"),)


class ModelApiKeyDetector(RegexBasedDetector):
    """Project, service-account and Anthropic keys of the form `sk-proj-...`, `sk-ant-...`."""

    secret_type = "Model API Key"
    denylist = (re.compile(r"(?<![\w-])sk-(?:proj|svcacct|admin|ant)-[A-Za-z0-9_\-]{32,}"),)
