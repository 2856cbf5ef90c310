"""Downloader middlewares of the project."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.response import get_meta_refresh


class SiteBoundaryMiddleware:
    """Refuse a redirect off the site or to a non-http scheme, loudly: a 3xx or a page's
    `<meta http-equiv="refresh">`.

    Scrapy already drops both, but silently (the offsite check) or as a bare 3xx; raising
    IgnoreRequest here reaches the request's errback, so the refusal is recorded in `failures`.
    Placed after RedirectMiddleware and MetaRefreshMiddleware (a higher number), it sees the
    response first.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.meta_refresh = settings.getbool("METAREFRESH_ENABLED")
        self.meta_refresh_max_delay = settings.getfloat("METAREFRESH_MAXDELAY")
        self.meta_refresh_ignore_tags = settings.getlist("METAREFRESH_IGNORE_TAGS")

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteBoundaryMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("dont_redirect"):
            return response
        if 300 <= response.status < 400 and "Location" in response.headers:
            location = response.headers["Location"].decode("latin-1").strip()
        elif self.meta_refresh and isinstance(response, HtmlResponse):
            delay, url = get_meta_refresh(response, ignore_tags=self.meta_refresh_ignore_tags)
            if url is None or delay is None or delay >= self.meta_refresh_max_delay:
                return response
            location = url
        else:
            return response
        target = urlsplit(urljoin(request.url, location))
        if target.scheme not in ("http", "https"):
            self.crawler.stats.inc_value("boundary/bad_redirect")
            raise IgnoreRequest(f"bad redirect: to the non-http URL {location!r}")
        allowed = set(getattr(self.crawler.spider, "allowed_domains", None) or [])
        if allowed and target.hostname not in allowed:
            self.crawler.stats.inc_value("boundary/offsite_redirect")
            raise IgnoreRequest(f"offsite redirect: to {target.hostname!r} ({location!r})")
        target_url, hops = target.geturl(), [*request.meta.get("redirect_urls", ()), request.url]
        site = getattr(self.crawler.spider, "site", None)
        source = moved_to = None
        if site is not None:
            source, moved_to = site.article_id(request.url), site.article_id(target_url)
        # Back to an address already on the way, or to an article already on it (`A → B → A`): Scrapy
        # dropped the hop as a duplicate without a word, and a move (below) would go round to the
        # redirect limit and be fetched again by every run.
        if target_url in hops or (moved_to and moved_to != source and moved_to in {site.article_id(u) for u in hops}):
            self.crawler.stats.inc_value("boundary/redirect_loop")
            raise IgnoreRequest(f"redirect loop: {request.url} sends back to {target_url}")
        if source and moved_to and source != moved_to:
            # One article sends to another: the request Scrapy builds for it copies this one. Not
            # filtered as a duplicate (that article may have been fetched already: the move would
            # vanish without a trace), and the spider records the move (crawler/spider.py).
            self.crawler.stats.inc_value("boundary/article_moved")
            request.dont_filter = True
        return response
