"""Downloader middlewares of the project."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response


class SiteBoundaryMiddleware:
    """Refuse a redirect off the site or to a non-http scheme, loudly.

    Scrapy already drops both, but silently (the offsite check) or as a bare 3xx; raising
    IgnoreRequest here reaches the request's errback, so the refusal is recorded in `failures`.
    Placed after RedirectMiddleware (a higher number), it sees the 3xx response first.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteBoundaryMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not (300 <= response.status < 400) or "Location" not in response.headers:
            return response
        if request.meta.get("dont_redirect"):
            return response
        location = response.headers["Location"].decode("latin-1").strip()
        target = urlsplit(urljoin(request.url, location))
        if target.scheme not in ("http", "https"):
            self.crawler.stats.inc_value("boundary/bad_redirect")
            raise IgnoreRequest(f"bad redirect: to the non-http URL {location!r}")
        allowed = set(getattr(self.crawler.spider, "allowed_domains", None) or [])
        if allowed and target.hostname not in allowed:
            self.crawler.stats.inc_value("boundary/offsite_redirect")
            raise IgnoreRequest(f"offsite redirect: to {target.hostname!r} ({location!r})")
        return response
