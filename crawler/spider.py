"""The spider of a news site: section pages (paginated) and feeds → article pages → ArticleItem.

Everything particular to one paper is its `Site` (crawler/sites/); a paper's spider is this class
with a `name` and a `site` (spiders/baothanhhoa.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler.encoding import repair_encoding
from crawler.figures import Bounds
from crawler.items import ArticleItem, FailureItem, LimitItem
from crawler.ledger import RunLedger
from crawler.page import read_page
from crawler.site import Site
from crawler.storage import StorageError, known_articles, missed_urls, previous_run_unclean, read_only
from crawler.text import clean_text
from crawler.workers import WorkerPool

DEFAULT_MAX_PAGES = 5
# A listing's next page waits behind the articles already found (Scrapy fetches higher priorities
# first): a back-fill of 100,000 articles queues a few listing pages' links at a time.
NEXT_LISTING_PRIORITY = -1
MODES = ("incremental", "full")


class SpiderArgumentError(ValueError):
    """A spider argument that cannot be used; the message names every bad value."""


def _parse_base_url(value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise SpiderArgumentError(f"base_url must be an http(s) URL of the site root, got {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(f"base_url must be an http(s) URL of the site root, got {value!r}")
    if parts.username is not None or parts.password is not None:
        # It would be stored in crawl_runs.arguments and sent to every page: never take it.
        raise SpiderArgumentError("base_url must not hold a user name or password")
    return urlunsplit((parts.scheme, parts.netloc, "", "", "")).rstrip("/")


def _parse_bool(name: str, value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise SpiderArgumentError(f"{name} must be true or false, got {value!r}")


_HTML_END_RE = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_HTML_END_BYTES_RE = re.compile(_HTML_END_RE.pattern.encode(), re.IGNORECASE)


def _cut_where_http_cannot_tell(response: TextResponse) -> bool:
    """A page whose end is where the connection closed (Scrapy's `partial`: no length, not chunked),
    and that does not end as HTML does: cut short (a helper's hostile review: half an article stored
    as read whole, never fetched again). A page with a length, or a chunked one, whose end HTTP
    itself marks, Scrapy flags `dataloss` when it is cut."""
    if "partial" not in response.flags or response.meta.get("rendered"):
        return False
    return not _HTML_END_BYTES_RE.search(response.body) and not _HTML_END_RE.search(response.text)  # UTF-16 too


def _refusal_kind(message: str, default: str) -> str:
    """The failure kind of a refused download, from the message Scrapy or our middleware gave."""
    lowered = message.lower()
    if "max size" in lowered or "maxsize" in lowered:
        return "too_large"
    if lowered.startswith("offsite redirect"):
        return "offsite_redirect"
    if lowered.startswith("bad redirect"):
        return "bad_redirect"
    if lowered.startswith("redirect loop"):
        return "redirect_loop"
    return default


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").replace("\n", ",").split(",") if v.strip()]


class SiteSpider(scrapy.Spider):
    """Crawl the site's party-building section(s), or just the articles given with `urls`/`urls_file`.

    Arguments (-a NAME=VALUE):
      base_url   site root (default: the site's own); tests and the demo use a local copy
      sections   comma-separated section slugs (default: the site's default sections)
      max_pages  listing pages to follow per section through rel=next (default 5)
      urls       comma-separated article URLs: fetch just these, even when stored
      urls_file  a file with one article URL a line (# starts a comment)
      mode       incremental (default): stop paging at stored articles; full: every page to max_pages
      refetch    true: fetch stored articles again too (default false)
    """

    site: Site  # set by each paper's spider

    def __init__(
        self,
        base_url: str | None = None,
        sections: str | None = None,
        max_pages: str | int = DEFAULT_MAX_PAGES,
        urls: str | None = None,
        urls_file: str | None = None,
        mode: str = "incremental",
        refetch: str | bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.base_url = _parse_base_url(base_url or self.site.base_url)
        self.base_host = urlsplit(self.base_url).hostname or ""
        self.allowed_domains = [self.base_host]
        self.sections = self._parse_sections(sections)
        self.max_pages = self._parse_max_pages(max_pages)
        entries = _split(urls)
        if urls_file:
            entries += self._read_urls_file(urls_file)
        self.article_urls = self._parse_article_urls(entries)
        if mode not in MODES:
            raise SpiderArgumentError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.mode = mode
        self.refetch = _parse_bool("refetch", refetch)
        self.arguments = {
            "base_url": self.base_url,
            "sections": ",".join(self.sections),
            "max_pages": self.max_pages,
            "urls": self.article_urls,
            "mode": self.mode,
            "refetch": self.refetch,
        }
        self._requested_ids: set[str] = set()
        # Set in start(): the bounds of figure reading, when figures are read with the page (one
        # worker call a page), and None when they are not read at all.
        self.figure_bounds: Bounds | None = None
        # id → stored title of the articles the database already holds whole (filled in start()).
        self.known: dict[str, str] = {}
        # Why the incremental stop is not trusted this run (the last run may have left fetched
        # articles unstored), or None.
        self.catch_up: str | None = None

    @property
    def ledger(self) -> RunLedger:
        """The run's bookkeeping (crawler/ledger.py): what this spider decided is recorded there."""
        return RunLedger.of(self.crawler)

    @property
    def workers(self) -> WorkerPool:
        return WorkerPool.of(self.crawler)

    # -- arguments -------------------------------------------------------------------------

    @classmethod
    def check_arguments(cls, **kwargs: str) -> None:
        """Raise SpiderArgumentError for bad arguments without starting a crawl."""
        cls(**kwargs)

    def _parse_sections(self, value: str | None) -> list[str]:
        sections = _split(value) or list(self.site.default_sections)
        unknown = [s for s in sections if s not in self.site.sections]
        if unknown:
            raise SpiderArgumentError(
                f"unknown section slug(s): {', '.join(unknown)}; known: {', '.join(sorted(self.site.sections))}"
            )
        return list(dict.fromkeys(sections))

    @staticmethod
    def _parse_max_pages(value: str | int) -> int:
        try:
            pages = int(str(value).strip())
        except ValueError:
            raise SpiderArgumentError(f"max_pages must be a whole number ≥ 1, got {value!r}") from None
        if pages < 1:
            raise SpiderArgumentError(f"max_pages must be a whole number ≥ 1, got {value!r}")
        return pages

    @staticmethod
    def _read_urls_file(path: str) -> list[str]:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SpiderArgumentError(f"urls_file {path!r} cannot be read: {exc}") from None
        return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]

    def _parse_article_urls(self, entries: Iterable[str]) -> list[str]:
        good, bad = [], []
        for entry in entries:
            url = self._rebase(entry)
            if url is None:
                bad.append(f"{entry!r} (not an http(s) article URL of {self.base_host})")
            else:
                good.append(url)
        if bad:
            raise SpiderArgumentError("rejected urls: " + "; ".join(bad))
        return list(dict.fromkeys(good))

    def _rebase(self, entry: str) -> str | None:
        """An article URL of the site, moved onto base_url; None when it is not one."""
        try:
            parts = urlsplit(entry)
            port = parts.port
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
            return None
        base = urlsplit(self.base_url)
        same_site = self.site.is_own_host(parts.hostname) and port is None
        same_base = parts.hostname == base.hostname and port == base.port
        if not (same_site or same_base) or self.site.article_id(entry) is None:
            return None
        return self.site.strip_tracking(urlunsplit((base.scheme, base.netloc, parts.path, parts.query, "")))

    # -- crawling --------------------------------------------------------------------------

    def _load_state(self) -> list[str]:
        """What earlier runs left: stored articles (skipped), missed ones (retried), and, under a
        JOBDIR, the ids this job already requested. Returns the missed articles' URLs."""
        state = getattr(self, "state", None)  # set by Scrapy's SpiderState extension under JOBDIR
        if isinstance(state, dict):
            self._requested_ids = state.setdefault("requested_ids", set())
        try:
            conn = read_only(self.settings.get("SQLITE_DB") or "")
        except StorageError as exc:
            self.logger.error("cannot read what earlier runs stored (%s): every article is fetched", exc)
            return []
        if conn is None:
            return []
        try:
            if not self.article_urls:
                self.known = known_articles(conn)
            limit = self.settings.getint("RETRY_MISSED_LIMIT")
            missed = missed_urls(conn, limit=limit) if not self.article_urls and limit > 0 else []
            self.catch_up = previous_run_unclean(conn, before=self.ledger.run_id)
        finally:
            conn.close()
        stats = self.crawler.stats
        stats.set_value("spider/articles/known_at_start", len(self.known))
        if self.catch_up and self.mode == "incremental" and not self.article_urls:
            # Articles it fetched may never have been stored: walk every listing page to max_pages.
            self.logger.warning("catching up, the incremental stop is off this run: %s", self.catch_up)
            stats.set_value("spider/pagination/catch_up", self.catch_up)
        return [u for u in (self._rebase(url) for url in missed) if u]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.workers.prestart()
        if self.settings.getbool("FIGURES_ENABLED"):
            self.figure_bounds = Bounds.from_settings(self.settings)
        missed = self._load_state()
        if self.article_urls:
            for url in self.article_urls:
                request = self.article_request(url, force=True)
                if request is not None:
                    yield request
            return
        for url in missed:
            request = self.article_request(url, force=True)
            if request is not None:
                self.crawler.stats.inc_value("spider/articles/missed_retried")
                yield request
        for section in self.sections:
            feed = self.site.feed_url(self.base_url, section)
            if feed and self.settings.getbool("FEEDS_ENABLED"):
                yield scrapy.Request(
                    feed,
                    callback=self.parse_feed,
                    errback=self.on_feed_error,
                    priority=10,
                )
            yield scrapy.Request(
                self.site.section_url(self.base_url, section),
                callback=self.parse_section,
                errback=self.on_error,
                cb_kwargs={"section": section, "page": 1},
            )

    def is_known(self, aid: str, listed_title: str | None = None) -> bool:
        """Stored whole, and not retitled since: no need to fetch it again."""
        if aid not in self.known or self.refetch:
            return False
        if listed_title:
            listed, stored = clean_text(listed_title), self.known[aid]
            if listed.endswith(("...", "…")):
                return stored.startswith(listed.rstrip(".…").rstrip())
            return listed == stored
        return True

    def article_request(
        self, url: str, *, force: bool = False, title: str | None = None, aid: str | None = None
    ) -> scrapy.Request | None:
        """One request per article id, whatever URL scheme or tracking parameters name it; none for
        an article the database already holds (unless forced, or its listed title changed). `aid`:
        the id of a URL the caller already stripped of tracking."""
        if aid is None:
            url = self.site.strip_tracking(url)
            aid = self.site.article_id(url)
        if aid is None:
            return None
        if aid in self._requested_ids:
            self.ledger.record_duplicate("spider/links/duplicate")
            return None
        if not force and aid in self.known:
            if self.is_known(aid, title):
                self.ledger.record_known()
                return None
            self.crawler.stats.inc_value("spider/articles/retitled")
        self._requested_ids.add(aid)
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, cb_kwargs={"requested_id": aid})

    def parse(self, response: Response, **kwargs: Any) -> Any:
        """A page reached without a callback (`scrapy parse URL`): an article or a listing, by its URL."""
        if self.site.article_id(response.url):
            return self.parse_article(response)
        return self.parse_section(response, section=urlsplit(response.url).path.strip("/").split("/")[0], page=1)

    def parse_section(self, response: Response, section: str, page: int) -> Iterable[scrapy.Request | LimitItem]:
        stats = self.crawler.stats
        stats.inc_value("spider/section_pages")
        if not isinstance(response, TextResponse):
            stats.inc_value("spider/section_pages/not_html")
            return
        titles = {
            a.attrib.get("href", ""): clean_text(" ".join(a.css("::text").getall()))
            for a in response.css(self.site.listing.story_titles)
        }
        links = response.css(self.site.listing.story_links).getall()
        if not links:
            stats.inc_value("spider/fallback/story_links")
            links = response.css(self.site.listing.fallback_links).getall()
        # A story links its title and its thumbnail to the same article: one candidate per id.
        on_page: dict[str, tuple[str, str | None]] = {}
        for href in dict.fromkeys(links):  # the same href twice is the same article: read it once
            url = self.site.strip_tracking(response.urljoin(href))
            aid = self.site.article_id(url)
            if aid and urlsplit(url).hostname == self.base_host:
                url_title = on_page.get(aid, (url, None))
                on_page[aid] = (url_title[0], url_title[1] or titles.get(href))
        cap = self.settings.getint("LINKS_MAX_PER_PAGE")
        if len(on_page) > cap:
            # A listing is a few dozen stories; thousands of links are a broken or hostile page.
            stats.inc_value("limits/links_per_page")
            yield LimitItem(url=response.url, name="links_per_page", observed=len(on_page), allowed=cap)
            on_page = dict(list(on_page.items())[:cap])
        known_on_page = 0
        for aid, (url, title) in on_page.items():
            if self.is_known(aid, title):
                known_on_page += 1
            request = self.article_request(url, title=title, aid=aid)
            if request is not None:
                stats.inc_value("spider/links/article")
                yield request
        next_href = response.css(self.site.listing.next_page).get()
        overlap = max(1, self.settings.getint("INCREMENTAL_OVERLAP"))
        stop_at_known = self.mode == "incremental" and not self.catch_up
        if next_href and stop_at_known and known_on_page >= min(overlap, len(on_page) or 1):
            # The articles from here on were stored by earlier runs: the new ones are behind us.
            stats.inc_value("spider/pagination/stopped_at_known")
        elif next_href and page < self.max_pages:
            # After the articles found so far (a lower priority): the crawl does not run down the
            # listing pages ahead of them, so its queue holds a few pages' links, not the archive's.
            yield response.follow(
                next_href,
                callback=self.parse_section,
                errback=self.on_error,
                cb_kwargs={"section": section, "page": page + 1},
                priority=NEXT_LISTING_PRIORITY,
            )
        elif next_href:
            stats.inc_value("spider/pagination/stopped_at_max_pages")

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        """An RSS feed of the section: a cheap first source of new links."""
        stats = self.crawler.stats
        stats.inc_value("spider/feeds")
        if not isinstance(response, TextResponse):
            return
        for item in response.xpath("//item"):
            link = clean_text(item.xpath("link/text()").get() or item.xpath("guid/text()").get())
            url = self._rebase(link) if link else None
            if url is None:
                continue
            request = self.article_request(url, title=item.xpath("title/text()").get())
            if request is not None:
                stats.inc_value("spider/links/feed")
                yield request

    def on_feed_error(self, failure: Failure) -> None:
        """Not every section has a feed: a missing one is counted, not a failure of the run."""
        self.crawler.stats.inc_value("spider/feeds/unavailable")

    async def parse_article(self, response: Response, requested_id: str | None = None) -> list[Any]:
        """What an article page gives, as a list: Scrapy passes an async generator's output through
        every spider middleware's async wrapper, one hop at a time, a list through their plain loops."""
        return [output async for output in self._read_article(response, requested_id)]

    async def _read_article(self, response: Response, requested_id: str | None) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        # The article is the one the request named, whatever the page says of itself.
        requested_id = requested_id or self.site.article_id(response.request.url if response.request else response.url)
        if not isinstance(response, TextResponse):
            stats.inc_value("spider/articles/not_html")
            yield self.failure_item(response.url, "not_html", response.status, "the response is not an HTML page")
            return
        response, repaired = repair_encoding(response)
        if repaired:
            stats.inc_value(f"spider/encoding/repaired/{repaired}")
        try:
            page = await self.workers.run(
                read_page, self.site.name, response.body, response.url, response.encoding, figures=self.figure_bounds
            )
        except Exception as exc:  # a page no parser can read must not stop the crawl
            # A warning: the failure below counts toward HEALTH_MAX_ERRORS once; an ERROR line would too.
            self.logger.warning("cannot parse %s", response.url, exc_info=True)
            stats.inc_value("spider/articles/parse_error")
            yield self.failure_item(response.url, "parse_error", response.status, f"{type(exc).__name__}: {exc}")
            return
        landed = self.site.article_id(response.url)
        moved = landed and landed != requested_id and response.meta.get("redirect_urls")
        if moved and not {i for i in page.claimed_ids if i != landed}:
            # The site sends article A to article B, whose page this is: B is stored as B (read
            # from its own address), and A is recorded as moved (it used to be lost: B's page was
            # an id_mismatch of A, and B's own request was then dropped as a duplicate).
            hops = {self.site.article_id(url): url for url in response.meta["redirect_urls"]}  # A → B → C: A and B
            for moved_id, moved_url in hops.items():
                if moved_id and moved_id != landed:
                    stats.inc_value("spider/articles/moved")
                    yield self.failure_item(
                        moved_url, "moved", response.status,
                        f"article {moved_id} redirects to article {landed} ({response.url})", article=moved_id,
                    )  # fmt: skip
            requested_id = landed
            self._requested_ids.add(landed)
        others = sorted({i for i in (*page.claimed_ids, landed) if i and i != requested_id})
        if others:
            # A page that says it is another article must never be stored over that article.
            yield self.failure_item(
                response.url, "id_mismatch", response.status,
                f"requested article {requested_id}, the page says it is {', '.join(others)}",
                article=requested_id,
            )  # fmt: skip
            return
        item = ArticleItem(page.values)
        item["id"] = requested_id
        if not self._own_url(item.get("url"), requested_id):
            stats.inc_value("spider/url/canonical_rejected")
            item["url"] = self.site.strip_tracking(response.url)
        if "dataloss" in response.flags:
            item["truncated"] = True
            stats.inc_value("spider/articles/truncated")
        elif _cut_where_http_cannot_tell(response):
            item["truncated"] = True
            stats.inc_value("spider/articles/unterminated")
        rendered = response.meta.get("rendered", False)
        if (
            not rendered
            and not item.get("body")
            and not item.get("truncated")  # cut short by the network: a browser would wait on the same cut
            and self.settings.getbool("RENDERING_ACTIVE")
        ):
            # The body is written by the page's script (or missing): ask Chromium for the page.
            stats.inc_value("render/requested")
            # The id decided above goes with it (after a move, the article landed on, not the one sent away).
            yield response.request.replace(
                meta={"playwright": True, "rendered": True}, cb_kwargs={"requested_id": requested_id}, dont_filter=True
            )
            return
        if rendered:
            stats.inc_value("render/succeeded" if item.get("body") else "render/no_body")
        fallbacks = page.fallbacks
        if item.get("truncated"):
            fallbacks = []  # a download cut short misses fields because it was cut, not because the layout drifted
        elif not item.get("body") and item.get("body_encoded"):
            # Written by the page's script and not rendered (no browser): stored as needs_rendering,
            # and no sign that the layout drifted (a quiet run that read only it exited 5).
            stats.inc_value("spider/articles/script_body")
            fallbacks = [(name, stage) for name, stage in fallbacks if name != "body"]
        self.ledger.record_page(page.layout, fallbacks)
        for hit in item.get("limits") or ():
            stats.inc_value(f"limits/{hit['name']}")
        yield item

    def _own_url(self, url: str | None, aid: str) -> bool:
        """A URL the page gives for itself that may be stored: on the site, naming this article."""
        host = urlsplit(url or "").hostname
        return (
            bool(url) and (self.site.is_own_host(host) or host == self.base_host) and self.site.article_id(url) == aid
        )

    # -- failures --------------------------------------------------------------------------

    def failure_item(
        self, url: str, kind: str, status: int | None, reason: str, *, article: str | None = None
    ) -> FailureItem:
        self.ledger.record_failure(kind)
        return FailureItem(
            url=url, article_id=article or self.site.article_id(url), kind=kind, status=status, reason=reason
        )

    def on_error(self, failure: Failure) -> Iterable[FailureItem]:
        """Every request that fails for good is recorded (URL, status, reason) and the crawl goes on."""
        request = failure.request
        url = request.url
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            if status in (404, 410):
                yield self.failure_item(url, "gone", status, f"HTTP {status}: the article is gone")
            elif 300 <= status < 400:
                location = response.headers.get("Location", b"").decode("latin-1")
                yield self.failure_item(url, "bad_redirect", status, f"redirect to {location!r} not followed")
            else:
                yield self.failure_item(url, "http_error", status, f"HTTP {status} after retries")
        elif failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            yield self.failure_item(url, "timeout", None, f"no answer in time after retries ({failure.value})")
        elif failure.check(IgnoreRequest):
            text = str(failure.value)
            yield self.failure_item(
                url, _refusal_kind(text, "ignored"), None, text or type(failure.value).__name__,
                article=request.cb_kwargs.get("requested_id"),  # a redirect's hop is still the requested article's
            )  # fmt: skip
        elif failure.check(DNSLookupError):
            yield self.failure_item(url, "network", None, f"DNS lookup failed: {failure.value}")
        else:
            text = str(failure.value)
            yield self.failure_item(
                url, _refusal_kind(text, "network"), None, f"{type(failure.value).__name__}: {text}"
            )
