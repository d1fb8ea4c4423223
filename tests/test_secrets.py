"""The secrets check: detect-secrets on every text git would publish, credential files by name,
commit and tag messages, and files in any encoding.

Every credential here is assembled at run time, so this file holds none a scanner would find.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlport.audit.checks import check_secrets
from mlport.audit.facts import Project
from mlport.audit.secrets import find_secrets
from tests.small_project import run

HEX40 = "9f2c" * 10
GITHUB = "ghp_" + "Zq4mT8wLx2" * 3 + "Ab1Cd9"
HF = "hf_" + "kQwErTyUiOpAsDfGhJkLzXcVbNm" + "1234567"


def kinds(root: Path) -> set[str]:
    return {str(finding) for finding in find_secrets(Project(root))}


@pytest.fixture
def repo(tmp_path: Path, git_user: None) -> Path:
    """A small committed project: a README and a pyproject, nothing secret."""
    root = tmp_path / "study"
    root.mkdir()
    (root / "README.md").write_text("# A study\n\nNothing to hide.\n")
    (root / "pyproject.toml").write_text('[project]\nname = "study"\n')
    run(root, "git", "init", "--quiet", "--initial-branch=main")
    run(root, "git", "add", "--all")
    run(root, "git", "commit", "--quiet", "-m", "Start")
    return root


CONTENT = [
    pytest.param(
        "Makefile",
        "serve:\n\texport MLFLOW_TRACKING_PASSWORD=" + "s3cr3t-" + "pa55w0rd && mlflow ui\n",
        "Secret in an environment variable",
        id="mlflow-password",
    ),
    pytest.param(
        "train.sh",
        f"wandb login {HEX40}\npython train.py\n",
        "Weights & Biases API Key",
        id="wandb",
    ),
    pytest.param(
        "notebook.py",
        'HOST = "https://adb-1.azuredatabricks.net"\nTOKEN = "' + "dapi" + "0a1b" * 8 + '"\n',
        "Databricks Token",
        id="databricks",
    ),
    pytest.param(
        "README.md",
        "Clone with `git clone https://oauth2:"
        + "glpat-"
        + "Xy7Qw3Er5Ty7Ui9Op1As"
        + "@gitlab.com/a/b`",
        "GitLab Token",
        id="gitlab",
    ),
    pytest.param(
        "billing.py",
        'stripe.api_key = "' + "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc" + '"\n',
        "Stripe Access Key",
        id="stripe",
    ),
    pytest.param(
        "deploy.sh",
        "AWS_SECRET_ACCESS_KEY=" + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq4mT8wLx2Ab" + "\n",
        "Secret in an environment variable",
        id="aws-secret-key",
    ),
    pytest.param(
        "settings.py",
        'AWS_SECRET_ACCESS_KEY = "' + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq4mT8wLx2" + '"\n',
        "AWS Access Key",
        id="aws-secret-key-in-code",
    ),
    pytest.param("hub.py", f'login(token="{HF}")\n', "Hugging Face Token", id="hugging-face"),
    pytest.param(
        "maps.js",
        'const key = "' + "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY" + '";\n',
        "Google API Key",
        id="google",
    ),
    pytest.param(
        "ci.yml",
        "env:\n  # token: " + GITHUB + "\n  X: 1\n",
        "GitHub Token",
        id="token-in-a-yaml-comment",
    ),
    pytest.param(
        "id_key.txt",
        "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nabc\n",
        "Private Key",
        id="private-key",
    ),
]


@pytest.mark.parametrize(("name", "content", "kind"), CONTENT)
def test_credentials_in_content_are_found_by_kind(
    repo: Path, name: str, content: str, kind: str
) -> None:
    (repo / name).write_text(content)
    assert f"{kind} in {name}" in kinds(repo)
    row = check_secrets(Project(repo), False)
    assert row.status == "fail"
    # The row names the kind and the file, never the secret.
    assert content.strip().splitlines()[-1] not in row.found


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("kaggle.json", "Kaggle API key file"),
        (".netrc", "netrc credentials file"),
        (".envrc", "direnv .envrc file"),
        (".ENV", ".env file"),
        ("config/.env.production", ".env file"),
        (".pypirc", "PyPI credentials file"),
        (".aws/credentials", "AWS credentials file"),
        ("gcloud/application_default_credentials.json", "Google Cloud credentials file"),
        (".dvc/config.local", "DVC local config (credentials)"),
        (".streamlit/secrets.toml", "Streamlit secrets file"),
    ],
)
def test_credential_files_are_found_by_name(repo: Path, path: str, kind: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text("{}\n")
    assert kinds(repo) == {f"{kind} in {path}"}


def test_an_env_template_is_not_a_secret(repo: Path) -> None:
    (repo / ".env.example").write_text("MLFLOW_TRACKING_PASSWORD=\n")
    (repo / ".ENV.Sample").write_text("HF_TOKEN=\n")
    assert kinds(repo) == set()


def test_a_credential_file_is_found_in_history_whatever_its_content(repo: Path) -> None:
    # The same bytes as the README: git stores one blob under the first name it meets.
    (repo / ".netrc").write_bytes((repo / "README.md").read_bytes())
    run(repo, "git", "add", "--all")
    run(repo, "git", "commit", "--quiet", "-m", "Machines")
    run(repo, "git", "rm", "--quiet", ".netrc")
    run(repo, "git", "commit", "--quiet", "-m", "Remove them")
    assert kinds(repo) == {"netrc credentials file in .netrc (in an earlier commit)"}


def test_tokens_in_commit_and_tag_messages_are_found(repo: Path) -> None:
    run(repo, "git", "commit", "--quiet", "--allow-empty", "-m", f"Try the hub\n\nwith {HF}")
    run(repo, "git", "tag", "--annotate", "v1", "-m", f"First release, pushed with {GITHUB}")
    sha = run(repo, "git", "rev-parse", "--short", "HEAD").strip()
    found = kinds(repo)
    assert found == {
        f"Hugging Face Token in the message of commit {sha}",
        "GitHub Token in the message of tag v1",
    }
    assert check_secrets(Project(repo), False).status == "fail"


def test_files_that_are_not_utf8_are_scanned(repo: Path) -> None:
    (repo / "notes.txt").write_bytes(f"Café notes: {GITHUB}\n".encode("latin-1"))
    # PowerShell 5 writes UTF-16 with a byte-order mark.
    (repo / "setup.ps1").write_bytes(f'$env:HF = "{HF}"\n'.encode("utf-16"))
    assert kinds(repo) == {"GitHub Token in notes.txt", "Hugging Face Token in setup.ps1"}


def test_a_line_marked_with_the_allowlist_pragma_passes(repo: Path) -> None:
    (repo / "test_redaction.py").write_text('SECRET = "S3cretT0ken"  # pragma: allowlist secret\n')
    assert kinds(repo) == set()
    (repo / "test_redaction.py").write_text('SECRET = "S3cretT0ken"\n')
    assert kinds(repo) == {"Secret Keyword in test_redaction.py"}
    assert "`# pragma: allowlist secret`" in check_secrets(Project(repo), False).fix


@pytest.mark.parametrize(
    "template",
    [
        "tabular-classifier",
        "tabular-regressor",
        "image-cnn",
        "nlp-sentiment",
        "rl-agent",
        "clustering",
    ],
)
def test_no_template_holds_anything_the_check_calls_a_secret(
    rendered: dict[str, Path], template: str
) -> None:
    assert find_secrets(Project(rendered[template])) == []
