"""A small HTTP server that behaves like the site, over the bundled sample pages (sample_site/).

Used by the demo and the tests, on 127.0.0.1 only. Like the live site it answers an old-scheme
article URL (`/<section>/<slug>/<id>.htm`) with a 301 to the current one, unless a page lives at
that old path, and ignores query strings. It records every request path, so tests can count what
a crawl asked for at the server rather than in the crawler's own stats.
"""

from __future__ import annotations

import argparse
import contextlib
import mimetypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from crawler.urls import OLD_ARTICLE_RE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITE = PROJECT_ROOT / "sample_site"


@dataclass
class SiteState:
    """The site's files and what was asked of it."""

    root: Path
    requests: list[str] = field(default_factory=list)
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
            file = state.file_for(path)
            if file is None:
                old = OLD_ARTICLE_RE.match(path)
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

        def respond(self, status: int, body: bytes, ctype: str, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


@contextlib.contextmanager
def serve(root: Path = SAMPLE_SITE, port: int = 0) -> Iterator[tuple[str, SiteState]]:
    """Serve `root` on 127.0.0.1 in a background thread; yields (base_url, state)."""
    state = SiteState(root=Path(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sample-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the bundled sample site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0 = any free)")
    parser.add_argument("--root", type=Path, default=SAMPLE_SITE, help="folder of pages (default sample_site/)")
    args = parser.parse_args(argv)
    with serve(args.root, args.port) as (base_url, _):
        print(f"serving {args.root} at {base_url}/ (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
