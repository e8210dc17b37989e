"""A loopback HTTP file server that misbehaves on cue: 503, 429, dropped connections, content that changes.

Each served path has a script of faults for its GET requests (and one for HEAD requests), consumed one
per request: "503", "429" (with Retry-After: 0), "reset" (headers and half the body, then a TCP reset),
"cut" (headers and half the body, then a clean close), "ok". "change+F" switches the file to its next
version (new bytes, new ETag) before answering with F, "F+change" right after. Range requests, ETag,
If-Match (412) and HEAD work as on a real server; `ranges=False` makes the server ignore Range (a plain
200 with the whole body), `etag=False` drops ETags.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Served:
    versions: list[bytes]
    faults: list[str] = field(default_factory=list)
    head_faults: list[str] = field(default_factory=list)
    etag: bool = True
    ranges: bool = True
    version: int = 0

    @property
    def body(self) -> bytes:
        return self.versions[self.version]


@dataclass
class Request:
    at: float
    method: str
    path: str
    range: str | None
    outcome: str


class FlakyServer:
    def __init__(self) -> None:
        self.files: dict[str, Served] = {}
        self.log: list[Request] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(
        self,
        path: str,
        *versions: bytes,
        faults: list[str] | None = None,
        head_faults: list[str] | None = None,
        **kw: bool,
    ) -> str:
        self.files[path] = Served(list(versions), list(faults or []), list(head_faults or []), **kw)
        return f"{self.url}/{path}"

    def requests(self, path: str, method: str = "GET") -> list[Request]:
        return [r for r in self.log if r.path == path and r.method == method]


def _handler(server: FlakyServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()  # headers and body go out as separate writes: no Nagle delay between them
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args: object) -> None:  # quiet
            return

        def do_HEAD(self) -> None:
            self._respond(head=True)

        def do_GET(self) -> None:
            self._respond(head=False)

        def _respond(self, *, head: bool) -> None:
            path = self.path.lstrip("/")
            with server.lock:
                served = server.files.get(path)
                script = (served.head_faults if head else served.faults) if served is not None else []
                fault = script.pop(0) if script else "ok"
                server.log.append(Request(time.monotonic(), self.command, path, self.headers.get("Range"), fault))
            if served is None:
                return self._status(404)
            if fault.startswith("change+"):
                served.version, fault = served.version + 1, fault.removeprefix("change+")
            try:
                return self._answer(served, fault, head=head)
            finally:
                if fault.endswith("+change"):
                    served.version += 1

        def _answer(self, served: Served, fault: str, *, head: bool) -> None:
            fault = fault.removesuffix("+change")
            if fault in ("503", "429"):
                return self._status(int(fault), {"Retry-After": "0"} if fault == "429" else {})
            body, etag = served.body, f'"{hashlib.sha1(served.body).hexdigest()}"'
            match = self.headers.get("If-Match")
            if match is not None and served.etag and match != etag:
                return self._status(412)
            status, start, end = self._range(body, served.ranges)
            headers = {"Content-Length": str(end - start), "Accept-Ranges": "bytes" if served.ranges else "none"}
            if served.etag:
                headers["ETag"] = etag
            if status == 206:
                headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(body)}"
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if head:
                return None
            chunk = body[start:end]
            if fault in ("reset", "cut"):
                self.wfile.write(chunk[: len(chunk) // 2])
                self.wfile.flush()
                if fault == "reset":  # RST: the client sees a connection reset (unread bytes are lost)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                else:  # FIN, once the client had time to consume the half body: a response that is too short
                    time.sleep(0.2)
                    self.connection.shutdown(socket.SHUT_WR)
                self.close_connection = True
                return None
            self.wfile.write(chunk)
            return None

        def _range(self, body: bytes, ranges: bool) -> tuple[int, int, int]:
            spec = self.headers.get("Range")
            if not ranges or not spec or not spec.startswith("bytes="):
                return 200, 0, len(body)
            first, _, last = spec[len("bytes=") :].partition("-")
            start = int(first)
            end = min(len(body), int(last) + 1) if last else len(body)
            return 206, start, end

        def _status(self, code: int, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@contextmanager
def flaky_server() -> Iterator[FlakyServer]:
    server = FlakyServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
