"""A stand-in for the part of the Hugging Face Hub HTTP API that huggingface_hub calls to publish and fetch a
dataset, served on 127.0.0.1 for tests (HF_ENDPOINT points at it).

Covered: repo creation, README metadata validation, preupload (regular vs LFS by size), the git-LFS batch API
with the basic transfer (PUT, sha256 checked), NDJSON commits (regular base64 files, LFS pointers, deletions,
parentCommit), tags, refs, repo info at a revision, recursive tree listings with LFS info, and file serving
(resolve: HEAD with X-Repo-Commit / ETag / X-Linked-Etag / X-Linked-Size, LFS files redirected to a blob URL,
HTTP Range). Write calls need the bearer token. Not covered: Xet storage (hf_xet's CAS protocol), multipart LFS,
pull requests, branches other than main, pagination, gated or private access rules, rate limits.
The repositories, LFS store and commit logic behind it are in hubrepos.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from .hubrepos import HubRepos, Repo, git_oid, pointer

REPO = r"(?P<repo>[^/]+/[^/]+?)"


class FakeHub(HubRepos):
    def __init__(self, *, token: str = "hf_pajama_test", lfs_threshold: int = 4096) -> None:
        super().__init__(token=token, lfs_threshold=lfs_threshold)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(_HubHandler):
        pass

    Handler.hub = hub
    return Handler


class _HubHandler(BaseHTTPRequestHandler):
    hub: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # ------------------------------------------------------------------ plumbing

    def _route(self, method: str) -> None:
        path = urlparse(self.path).path
        with self.hub.lock:
            self.hub.log.append((method, unquote(path)))
        for pattern, verb, name in ROUTES:
            match = re.fullmatch(pattern, path)
            if match and verb == method:
                getattr(self, name)(**{k: unquote(v) for k, v in match.groupdict().items() if v is not None})
                return
        self._json(404, {"error": f"no route for {method} {path}"})

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            parts.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers, up to the blank line
            pass
        return b"".join(parts)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.hub.token}":
            return True
        self._body()
        self._json(401, {"error": "Invalid credentials"})
        return False

    def _repo(self, repo: str) -> Repo | None:
        found = self.hub.repos.get(repo)
        if found is None:
            self._json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
        return found

    # ------------------------------------------------------------------ API

    def create_repo(self) -> None:
        if not self._authorized():
            return
        body = json.loads(self._body())
        repo_id = f"{body['organization']}/{body['name']}"
        with self.hub.lock:
            created = self.hub.create(repo_id)
        self._json(200 if created else 409, {"url": f"{self.hub.url}/datasets/{repo_id}", "name": repo_id})

    def validate_yaml(self) -> None:
        self._body()
        self._json(200, {"errors": [], "warnings": []})

    def refs(self, repo: str) -> None:
        r = self._repo(repo)
        if r is not None:
            branches = [{"name": n, "ref": f"refs/heads/{n}", "targetCommit": c} for n, c in r.branches.items()]
            tags = [{"name": n, "ref": f"refs/tags/{n}", "targetCommit": c} for n, c in r.tags.items()]
            self._json(200, {"branches": branches, "tags": tags, "converts": []})

    def revision(self, repo: str, rev: str) -> None:
        r = self._repo(repo)
        if r is None:
            return
        commit = r.resolve(rev)
        if commit is None:
            self._json(404, {"error": "Invalid rev id"}, {"X-Error-Code": "RevisionNotFound"})
            return
        siblings = [{"rfilename": p} for p in sorted(r.commits[commit])]
        self._json(200, {"id": repo, "sha": commit, "private": False, "siblings": siblings})

    def preupload(self, repo: str, rev: str) -> None:
        if not self._authorized():
            return
        body = json.loads(self._body())
        r = self._repo(repo)
        if r is None:
            return
        existing = r.commits.get(r.resolve(rev) or "", {})
        out = []
        for f in body["files"]:
            mode = "lfs" if f["size"] >= self.hub.lfs_threshold else "regular"
            held = existing.get(f["path"])
            oid = None if held is None else (held.sha256 if held.lfs else held.git_oid)
            out.append({"path": f["path"], "uploadMode": mode, "shouldIgnore": False, "oid": oid})
        self._json(200, {"files": out})

    def lfs_batch(self, repo: str) -> None:
        if not self._authorized():
            return
        body = json.loads(self._body())
        objects = []
        for obj in body["objects"]:
            entry: dict[str, Any] = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in self.hub.lfs:
                entry["actions"] = {"upload": {"href": f"{self.hub.url}/lfs/{obj['oid']}", "header": {}}}
            objects.append(entry)
        self._json(200, {"transfer": "basic", "objects": objects})

    def lfs_put(self, oid: str) -> None:
        data = self._body()
        if hashlib.sha256(data).hexdigest() != oid:
            self._json(400, {"error": "sha256 mismatch"})
            return
        with self.hub.lock:
            self.hub.lfs[oid] = data
        self._json(200, {})

    def commit(self, repo: str, rev: str) -> None:
        if not self._authorized():
            return
        lines = [json.loads(line) for line in self._body().splitlines() if line.strip()]
        r = self._repo(repo)
        if r is None:
            return
        with self.hub.lock:
            status, payload = self.hub.apply_commit(r, rev, lines)
        self._json(status, payload)

    def tag(self, repo: str, rev: str) -> None:
        if not self._authorized():
            return
        body = json.loads(self._body())
        r = self._repo(repo)
        if r is None:
            return
        with self.hub.lock:
            commit = r.resolve(rev)
            if commit is None or body["tag"] in r.tags:
                self._json(409 if commit else 404, {"error": "tag exists or revision not found"})
                return
            r.tags[body["tag"]] = commit
        self._json(200, {})

    def delete_tag(self, repo: str, tag: str) -> None:
        if not self._authorized():
            return
        r = self._repo(repo)
        if r is None:
            return
        with self.hub.lock:
            if r.tags.pop(tag, None) is None:
                self._json(404, {"error": f"no tag {tag}"})
                return
        self._json(200, {})

    def tree(self, repo: str, rev: str, path: str = "") -> None:
        r = self._repo(repo)
        if r is None:
            return
        files = r.commits.get(r.resolve(rev) or "")
        if files is None:
            self._json(404, {"error": "Invalid rev id"}, {"X-Error-Code": "RevisionNotFound"})
            return
        recursive = parse_qs(urlparse(self.path).query).get("recursive", ["false"])[0].lower() == "true"
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        out: dict[str, dict[str, Any]] = {}
        for p, e in sorted(files.items()):
            if not p.startswith(prefix):
                continue
            parts = p[len(prefix) :].split("/")
            for depth in range(1, len(parts)):
                folder = prefix + "/".join(parts[:depth])
                if recursive or depth == 1:
                    out.setdefault(
                        folder, {"type": "directory", "oid": git_oid(folder.encode()), "size": 0, "path": folder}
                    )
            if recursive or len(parts) == 1:
                item: dict[str, Any] = {"type": "file", "oid": e.git_oid, "size": e.size, "path": p}
                if e.lfs:
                    item["lfs"] = {"oid": e.sha256, "size": e.size, "pointerSize": len(pointer(e.sha256, e.size))}
                out[p] = item
        self._json(200, list(out.values()))

    # ------------------------------------------------------------------ files

    def resolve(self, repo: str, rev: str, path: str) -> None:
        r = self._repo(repo)
        if r is None:
            return
        commit = r.resolve(rev)
        if commit is None:
            self._json(404, {"error": "Invalid rev id"}, {"X-Error-Code": "RevisionNotFound"})
            return
        entry = r.commits[commit].get(path)
        if entry is None:
            self._json(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": commit})
            return
        headers = {"X-Repo-Commit": commit, "ETag": f'"{entry.git_oid}"'}
        if entry.lfs:
            headers |= {"X-Linked-Etag": f'"{entry.sha256}"', "X-Linked-Size": str(entry.size)}
            headers["Location"] = f"{self.hub.url}/lfs/{entry.sha256}"
            self._json(302, {}, headers)
            return
        self._send_bytes(entry.content or b"", headers)

    def lfs_get(self, oid: str) -> None:
        data = self.hub.lfs.get(oid)
        if data is None:
            self._json(404, {"error": "no such object"})
            return
        self._send_bytes(data, {"ETag": f'"{oid}"'})

    def _send_bytes(self, data: bytes, headers: dict[str, str]) -> None:
        status, body = 200, data
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else len(data) - 1
            if start >= len(data):
                self._json(416, {}, {"Content-Range": f"bytes */{len(data)}"})
                return
            status, body = 206, data[start : end + 1]
            headers = {**headers, "Content-Range": f"bytes {start}-{start + len(body) - 1}/{len(data)}"}
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


ROUTES = [
    (r"/api/repos/create", "POST", "create_repo"),
    (r"/api/validate-yaml", "POST", "validate_yaml"),
    (rf"/api/datasets/{REPO}/refs", "GET", "refs"),
    (rf"/api/datasets/{REPO}/revision/(?P<rev>[^/]+)", "GET", "revision"),
    (rf"/api/datasets/{REPO}/preupload/(?P<rev>[^/]+)", "POST", "preupload"),
    (rf"/api/datasets/{REPO}/commit/(?P<rev>[^/]+)", "POST", "commit"),
    (rf"/api/datasets/{REPO}/tag/(?P<rev>[^/]+)", "POST", "tag"),
    (rf"/api/datasets/{REPO}/tag/(?P<tag>[^/]+)", "DELETE", "delete_tag"),
    (rf"/api/datasets/{REPO}/tree/(?P<rev>[^/]+)(?:/(?P<path>.*))?", "GET", "tree"),
    (rf"/datasets/{REPO}\.git/info/lfs/objects/batch", "POST", "lfs_batch"),
    (r"/lfs/(?P<oid>[0-9a-f]{64})", "PUT", "lfs_put"),
    (r"/lfs/(?P<oid>[0-9a-f]{64})", "GET", "lfs_get"),
    (r"/lfs/(?P<oid>[0-9a-f]{64})", "HEAD", "lfs_get"),
    (rf"/datasets/{REPO}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "GET", "resolve"),
    (rf"/datasets/{REPO}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "HEAD", "resolve"),
]
