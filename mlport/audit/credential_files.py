"""Files a learner's tools write credentials into: their name alone says a secret is inside."""

from __future__ import annotations

from pathlib import PurePosixPath

# File names (any case) and what they hold.
NAMES = {
    "kaggle.json": "Kaggle API key file",
    ".netrc": "netrc credentials file",
    "_netrc": "netrc credentials file",
    ".envrc": "direnv .envrc file",
    ".pypirc": "PyPI credentials file",
    ".git-credentials": "git credentials file",
    ".databrickscfg": "Databricks credentials file",
    ".s3cfg": "S3 credentials file",
    ".boto": "boto credentials file",
    ".pgpass": "PostgreSQL password file",
    ".my.cnf": "MySQL credentials file",
    ".htpasswd": "password file",
    "rclone.conf": "rclone credentials file",
    "application_default_credentials.json": "Google Cloud credentials file",
    "credentials.db": "Google Cloud credentials file",
    "access_tokens.db": "Google Cloud credentials file",
    "id_rsa": "SSH private key",
    "id_dsa": "SSH private key",
    "id_ecdsa": "SSH private key",
    "id_ed25519": "SSH private key",
}
# Names that are credentials only inside their tool's folder: (folder, name).
IN_FOLDER = {
    (".aws", "credentials"): "AWS credentials file",
    ("aws", "credentials"): "AWS credentials file",
    (".mlflow", "credentials"): "MLflow credentials file",
    ("huggingface", "token"): "Hugging Face token file",
    (".huggingface", "token"): "Hugging Face token file",
    ("legacy_credentials", "adc.json"): "Google Cloud credentials file",
    (".docker", "config.json"): "Docker credentials file",
    (".streamlit", "secrets.toml"): "Streamlit secrets file",
    (".dvc", "config.local"): "DVC local config (credentials)",
}
KEYSTORE_SUFFIXES = (".p12", ".pfx", ".jks", ".keystore")
# Templates of .env files hold names, not values.
ENV_EXAMPLES = (".example", ".sample", ".template", ".dist", ".defaults")


def is_env_file(name: str) -> bool:
    """`.env`, `.ENV`, `.env.local`, `prod.env`: but not `.env.example` and its kin."""
    lowered = name.lower()
    if lowered.endswith(ENV_EXAMPLES):
        return False
    return lowered == ".env" or lowered.startswith(".env.") or lowered.endswith(".env")


def credential_file(path: str) -> str | None:
    """What credential the file at `path` holds by its name, or None for an ordinary file."""
    parts = PurePosixPath(path.lower()).parts
    if not parts:
        return None
    name = parts[-1]
    if is_env_file(name):
        return ".env file"
    if name in NAMES:
        return NAMES[name]
    if len(parts) > 1 and (parts[-2], name) in IN_FOLDER:
        return IN_FOLDER[(parts[-2], name)]
    if name.endswith(KEYSTORE_SUFFIXES):
        return "certificate keystore"
    return None
