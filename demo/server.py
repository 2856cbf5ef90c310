"""A small HTTP server that behaves like the site, over the bundled sample pages (demo/site/).

Used by the demo and the tests, on 127.0.0.1 only. Like the live site it answers an old-scheme
article URL (`/<section>/<slug>/<id>.htm`) with a 301 to the current one, unless a page lives at
that old path, and ignores query strings. It records every request path, so tests can count what
a crawl asked for at the server rather than in the crawler's own stats.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import mimetypes
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from crawler.sites.baothanhhoa import SITE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITE = PROJECT_ROOT / "demo" / "site"


@dataclass
class Fault:
    """How the server misbehaves at one path, the way real sites do.

    `times` limits the fault to the first N requests (then the page is served normally);
    the other fields combine: a status, a delay, a body of its own, extra headers, a redirect,
    a truncated body, or a gzip bomb that inflates to `gzip_bomb` bytes.
    """

    status: int | None = None
    times: int | None = None
    delay: float = 0.0
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    location: str | None = None
    truncate_to: int | None = None
    # With truncate_to: False sends no Content-Length (the body ends where the connection closes, so
    # HTTP cannot tell a cut body from a whole one).
    length: bool = True
    gzip_bomb: int = 0
    served: int = 0


@dataclass
class SiteState:
    """The site's files, its faults, and what was asked of it."""

    root: Path
    requests: list[str] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)
    # A delay before every article page, so a crawl can be interrupted in the middle.
    article_delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def current_path_for(self, article_id: str) -> str | None:
        for path in self.root.glob(f"*-{article_id}.htm"):
            return "/" + path.name
        return None

    def file_for(self, url_path: str) -> Path | None:
        candidate = (self.root / url_path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root.resolve()) or not candidate.is_file():
            return None
        return candidate


def make_handler(state: SiteState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "SampleSite/1.0"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.do_GET(head=True)

        def do_GET(self, head: bool = False) -> None:
            path = urlsplit(self.path).path
            with state.lock:
                state.requests.append(path)
                fault = state.faults.get(path)
                if fault is not None and fault.times is not None and fault.served >= fault.times:
                    fault = None
                if fault is not None:
                    fault.served += 1
            try:
                if fault is not None and self.misbehave(path, fault, head):
                    return
                self.serve_path(path, head)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout, a size limit): nothing to answer

        def misbehave(self, path: str, fault: Fault, head: bool) -> bool:
            """Answer as the fault says; False when the normal page should follow."""
            if fault.delay:
                time.sleep(fault.delay)
            if fault.location:
                self.send_response(fault.status or 302)
                self.send_header("Location", fault.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return True
            if fault.gzip_bomb:
                body = gzip.compress(b"\0" * fault.gzip_bomb, compresslevel=9)
                headers = {"Content-Encoding": "gzip", **fault.headers}
                self.respond(fault.status or 200, body, "text/html; charset=utf-8", head, headers)
                return True
            if fault.body is None and fault.status is None and fault.truncate_to is None and not fault.headers:
                return False
            body = fault.body
            if body is None:
                file = state.file_for(path)
                body = file.read_bytes() if file else b"<html><body>error</body></html>"
            ctype = fault.headers.get("Content-Type", "text/html; charset=utf-8")
            headers = {k: v for k, v in fault.headers.items() if k != "Content-Type"}
            if fault.truncate_to is not None:
                self.send_response(fault.status or 200)
                self.send_header("Content-Type", ctype)
                if fault.length:
                    self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: fault.truncate_to])
                self.wfile.flush()
                self.close_connection = True
                return True
            self.respond(fault.status or 200, body, ctype, head, headers)
            return True

        def serve_path(self, path: str, head: bool) -> None:
            article = SITE.article_match(path)
            if state.article_delay and article:
                time.sleep(state.article_delay)
            file = state.file_for(path)
            if file is None:
                old = article[1] if article and article[0].name == "old" else None
                target = state.current_path_for(old["id"]) if old else None
                if target:
                    self.send_response(301)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.respond(404, b"<html><body><h1>404</h1></body></html>", "text/html; charset=utf-8", head)
                return
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if file.suffix in (".htm", ".html"):
                ctype = "text/html; charset=utf-8"
            elif file.suffix in (".txt", ".xml"):
                ctype = f"{ctype}; charset=utf-8"
            self.respond(200, file.read_bytes(), ctype, head)

        def respond(self, status: int, body: bytes, ctype: str, head: bool, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


@contextlib.contextmanager
def serve(root: Path = SAMPLE_SITE, port: int = 0, host: str = "127.0.0.1") -> Iterator[tuple[str, SiteState]]:
    """Serve `root` on a loopback address in a background thread; yields (base_url, state)."""
    if not host.startswith("127."):
        raise ValueError(f"the sample site is served on loopback addresses only, not {host}")
    state = SiteState(root=Path(root))
    server = ThreadingHTTPServer((host, port), make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sample-site", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the bundled sample site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0 = any free)")
    parser.add_argument("--root", type=Path, default=SAMPLE_SITE, help="folder of pages (default demo/site/)")
    args = parser.parse_args(argv)
    with serve(args.root, args.port) as (base_url, _):
        print(f"serving {args.root} at {base_url}/ (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
