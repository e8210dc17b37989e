"""A threaded HTTP file server on 127.0.0.1 with Range support and faults to inject: a connection dropped
part-way through a file (once), corrupted bytes, a server that ignores Range. It logs every request."""

from __future__ import annotations

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


class FileServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.drop_once: dict[str, int] = {}  # path -> bytes sent before the connection is cut (first GET only)
        self.corrupt: dict[str, int] = {}  # path -> how many GETs get one flipped byte (-1: every GET)
        self.ignore_range = False
        self.log: list[tuple[str, str, str | None]] = []  # (method, path, Range header)
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{path}"

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def gets(self, path: str) -> list[str | None]:
        """The Range header of every GET of `path` (None when the whole file was asked for)."""
        return [rng for method, p, rng in self.log if method == "GET" and p == path]

    def requested(self) -> set[str]:
        return {p for method, p, _ in self.log if method == "GET"}


def _handler(server: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            rel = unquote(urlparse(self.path).path).lstrip("/")
            with server.lock:
                server.log.append(("GET", rel, self.headers.get("Range")))
                drop = server.drop_once.pop(rel, None)
                corrupt = server.corrupt.get(rel, 0)
                if corrupt > 0:
                    server.corrupt[rel] = corrupt - 1
            path = server.root / rel
            if not path.is_file() or ".." in Path(rel).parts:
                self._reply(404, b"not found", {})
                return
            data = bytearray(path.read_bytes())
            if corrupt:
                data[len(data) // 2] ^= 0xFF
            status, body, headers = 200, bytes(data), {"Accept-Ranges": "bytes"}
            match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if match and not server.ignore_range:
                start = int(match.group(1))
                if start >= len(data):
                    self._reply(416, b"", {"Content-Range": f"bytes */{len(data)}"})
                    return
                status, body = 206, bytes(data[start:])
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            self._reply(status, body, headers, cut_after=drop)

        def _reply(self, status: int, body: bytes, headers: dict[str, str], cut_after: int | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if cut_after is None:
                self.wfile.write(body)
                return
            self.wfile.write(body[:cut_after])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    return Handler
