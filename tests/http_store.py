"""A DVC HTTP remote on 127.0.0.1 that wants basic authentication: files in, files out."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Store:
    """Where the files land, the URL to reach it, and what each request authenticated as."""

    root: Path
    url: str = ""
    logins: list[str] = field(default_factory=list)
    refused: int = 0


def _handler(store: Store, user: str, password: str) -> type[BaseHTTPRequestHandler]:
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet: the tests read no server log
            pass

        def _allowed(self) -> bool:
            if self.headers.get("Authorization") == expected:
                store.logins.append(user)
                return True
            store.refused += 1
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False

        def _path(self) -> Path:
            return store.root / self.path.split("?")[0].lstrip("/")

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0], 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("Content-Length", 0)))

        def _send(self, body: bytes | None) -> None:
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            if body and self.command == "GET":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            if self._allowed():
                path = self._path()
                self._send(path.read_bytes() if path.is_file() else None)

        do_GET = do_HEAD

        def do_POST(self) -> None:
            if self._allowed():
                path = self._path()
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(self._body())
                self._send(b"")

        do_PUT = do_POST

    return Handler


@contextmanager
def http_store(root: Path, user: str, password: str) -> Iterator[Store]:
    """Serve `root` as a DVC remote at Store.url for as long as the context lasts."""
    store = Store(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(store, user, password))
    store.url = f"http://127.0.0.1:{server.server_port}/store"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield store
    finally:
        server.shutdown()
        server.server_close()
