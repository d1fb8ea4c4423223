{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/tracking.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""One MLflow store for every stage: sqlite:///mlflow.db, or MLFLOW_TRACKING_URI when set.

The store gets the real URI; everything written or printed gets `public_uri(...)`, which has
no user name, password or token in it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import ModelNotFoundError, ProjectError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"
DATA_DIGEST_PARAM = "data.md5"  # the run parameter naming the exact data a model was trained on
TEST_PREFIX = "test_"  # evaluation metrics in the training run: test_accuracy beside val_accuracy
CONNECT_TIMEOUT = 5.0  # seconds: a tracking server that does not answer by then is not there
SECRET_QUERY_KEYS = re.compile(r"token|secret|pass|pwd|key|sig|auth|credential|session", re.I)
# user:password@ (or token@) after a scheme, and secret query values, inside any message.
USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/@\s'\"]+@")
QUERY_VALUE = re.compile(r"(?P<key>[?&][^=&\s]+=)(?P<value>[^&\s'\"]+)")
# Sibling runs one train stage made together (one per model), and the one it served: the
# Experiments table shows them as one experiment, scored by the served model.
BATCH_TAG = "training.batch"
SERVED_TAG = "training.served"


def data_digest(paths: Iterable[str | Path]) -> str:
    """The md5 of the files' bytes, in order (12 hex digits): logged with every run, so a change
    of the data shows in the Experiments table even when params.yaml names the same source."""
    digest = hashlib.md5(usedforsecurity=False)
    for path in paths:
        with Path(path).open("rb") as file:
            while block := file.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()[:12]


def tracking_uri() -> str:
    """The tracking URI every stage, every training logger and `make mlflow-ui` share."""
    return os.environ.get(TRACKING_URI_VARIABLE) or DEFAULT_TRACKING_URI


def public_uri(uri: str | None) -> str | None:
    """`uri` without credentials: no user:password@, no token-like query values."""
    if not uri:
        return uri
    parts = urlsplit(uri)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs if not SECRET_QUERY_KEYS.search(key)]
    if "@" not in parts.netloc and kept == pairs:
        return uri  # nothing to strip: keep it as typed (urlunsplit turns sqlite:/// into sqlite:/)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), parts.fragment))


def redact(text: str) -> str:
    """`text` with the credentials of any URI in it removed (for error lines and logs)."""
    text = USERINFO.sub(r"\g<scheme>", text)
    return QUERY_VALUE.sub(_hide_secret_value, text)


def _hide_secret_value(match: re.Match[str]) -> str:
    secret = SECRET_QUERY_KEYS.search(match["key"])
    return f"{match['key']}***" if secret else match.group(0)


def connect() -> str:
    """Point MLflow at the store, failing fast if it cannot be reached; return the real URI.

    The URI is returned as given (a relative SQLite path stays relative in run records); use
    `mlflow.MlflowClient()` without a URI afterwards, so it opens the store `store_uri` names.
    """
    import mlflow  # imported here: it takes seconds, and the API never needs it

    uri = tracking_uri()
    if public_uri(uri) != uri:
        # MLflow prints "View run at <tracking URI>/#/..." after each run: not with a token in it.
        os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    scheme = urlsplit(uri).scheme
    if scheme in ("http", "https"):
        _check_reachable(uri)
    elif scheme == "sqlite":
        create_sqlite_store(uri)
    typed = os.environ.get(TRACKING_URI_VARIABLE)
    mlflow.set_tracking_uri(store_uri(uri))
    # MLflow exports what it is given as MLFLOW_TRACKING_URI: keep the user's setting (or none)
    # there, so the next connect() in this process does not read this folder's absolute path.
    if typed is None:
        os.environ.pop(TRACKING_URI_VARIABLE, None)
    else:
        os.environ[TRACKING_URI_VARIABLE] = typed
    return uri


def store_uri(uri: str) -> str:
    """`uri` with a relative SQLite path made absolute.

    MLflow keeps one open store per URI string for the life of the process: given
    sqlite:///mlflow.db, it would go on reading the mlflow.db of the folder it first ran in, after
    a notebook or a test moves to another project.
    """
    url = _sqlite_file(uri)
    if url is None:
        return uri
    absolute = url.set(database=str(Path(url.database).resolve()))
    return absolute.render_as_string(hide_password=False)


def _sqlite_file(uri: str) -> URL | None:
    """The URL of a SQLite store kept in a file; None for a server, memory or a file: URI."""
    if urlsplit(uri).scheme != "sqlite":
        return None
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    return url


def configure(experiment: str) -> str:
    """Point MLflow at the shared store and experiment; return the (real) tracking URI."""
    import mlflow

    uri = connect()
    mlflow.set_experiment(experiment)
    return uri


def _check_reachable(uri: str) -> None:
    """One request with a short timeout, instead of MLflow's minutes of retries."""
    import requests  # an MLflow dependency

    try:
        # Any HTTP answer (even 404 behind a proxy) means a server is there; MLflow takes over.
        requests.get(f"{uri.rstrip('/')}/health", timeout=CONNECT_TIMEOUT, verify=_tls_verify())
    except requests.Timeout:
        reason = f"no answer within {CONNECT_TIMEOUT:g} s"
    except requests.RequestException as error:
        reason = type(error).__name__
    else:
        return
    raise ProjectError(
        f"cannot reach the MLflow tracking server at {public_uri(uri)} ({reason}); start it, "
        "or unset MLFLOW_TRACKING_URI to track in sqlite:///mlflow.db"
    )


def _tls_verify() -> bool | str:
    """Certificate checking as MLflow itself is told to do it."""
    if os.environ.get("MLFLOW_TRACKING_INSECURE_TLS", "").lower() == "true":
        return False
    return os.environ.get("MLFLOW_TRACKING_SERVER_CERT_PATH") or True


def _refuse_half_built(path: Path) -> None:
    """One clear line for a store an interrupted migration left behind (MLflow's is 100 lines)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
    if any(name.startswith("_alembic_tmp_") for name in tables):
        raise ProjectError(
            f"{path} was left half-built by an interrupted schema migration; move it aside "
            f"(`mv {path} {path}.broken`) and rerun to start a new store"
        )


def create_sqlite_store(uri: str) -> None:
    """Create a new sqlite store with its full schema, all at once or not at all.

    MLflow builds the schema with dozens of migrations that SQLite cannot roll back; stopped
    half-way (Ctrl-C in the first `dvc repro`), they leave a file no later run can open. So the
    schema is built in a scratch file beside it and linked into place only when complete.
    """
    url = _sqlite_file(uri)
    if url is None:
        return
    path = Path(url.database)
    if path.exists():
        _refuse_half_built(path)
        return
    from mlflow.store.tracking import DEFAULT_LOCAL_FILE_AND_ARTIFACT_PATH
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    # A Ctrl-C here waits the few seconds until the store is done: raised inside SQLAlchemy's
    # clean-up callbacks, Python would print it as an ignored exception and carry on.
    with _ctrl_c_deferred():
        try:
            store = SqlAlchemyStore(
                url.set(database=scratch).render_as_string(hide_password=False),
                DEFAULT_LOCAL_FILE_AND_ARTIFACT_PATH,
            )
            store.engine.dispose()
            with contextlib.suppress(FileExistsError):  # another process made it: keep it
                os.link(scratch, path)  # unlike a rename, never replaces an existing store
        finally:
            Path(scratch).unlink(missing_ok=True)


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold back SIGINT for the block, then raise it as KeyboardInterrupt once it is over."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


@dataclass(frozen=True)
class RunRecord:
    """Which MLflow run trained the model, so evaluate and report can add to it and cite it.

    `tracking_uri` is the public form (no credentials): the file is committed and served.
    """

    run_id: str
    experiment: str
    tracking_uri: str
    registered_model: str | None = None
    model_version: str | None = None


def save_run_record(record: RunRecord, path: str | Path) -> None:
    """Write the record as JSON beside the model, its URI stripped of credentials."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    public = asdict(record) | {"tracking_uri": public_uri(record.tracking_uri)}
    path.write_text(json.dumps(public, indent=2) + "\n", encoding="utf-8")


def load_run_record(path: str | Path) -> RunRecord | None:
    """Read a record written by `save_run_record`, or None if training has not run."""
    path = Path(path)
    if not path.is_file():
        return None
    fields = json.loads(path.read_text(encoding="utf-8"))
    # Files written before URIs were stripped may still hold a token: never pass it on.
    return RunRecord(**fields | {"tracking_uri": public_uri(fields.get("tracking_uri"))})


def log_to_training_run(
    record: RunRecord | None,
    metrics: Mapping[str, object],
    artifacts: Iterable[tuple[str | Path, str | None]] = (),
) -> None:
    """Add evaluation metrics (as test_<name>) and files to the MLflow run that trained the model.

    The run is looked up in the store all stages use (`tracking_uri()`); a missing record or a
    run that store does not hold is one clear error, never a silent skip.
    """
    if record is None:
        raise ModelNotFoundError("models/run.json is missing: run `dvc repro train` first")
    import mlflow
    from mlflow.exceptions import MlflowException

    uri = connect()
    try:
        mlflow.MlflowClient().get_run(record.run_id)
    except MlflowException as error:
        raise ProjectError(
            f"MLflow run {record.run_id} (logged to {record.tracking_uri}) is not in "
            f"{public_uri(uri)}: point MLFLOW_TRACKING_URI at that store, or retrain with "
            "`dvc repro --force train`"
        ) from error
    numbers = {
        f"{TEST_PREFIX}{name}": float(value)
        for name, value in metrics.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    with mlflow.start_run(run_id=record.run_id):
        mlflow.log_metrics(numbers)
        for path, folder in artifacts:
            if Path(path).is_dir():
                mlflow.log_artifacts(str(path), artifact_path=folder)
            else:
                mlflow.log_artifact(str(path), artifact_path=folder)
