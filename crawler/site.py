"""What a crawler needs to know of a newspaper, as data: the `Site` record the spider takes.

Everything particular to one paper (hosts, URL schemes and the id rule, sections and feeds, listing
and article layouts with the years they were in use, page furniture, the lead's byline prefix) is one
`Site`, written in one module under crawler/sites/. The spider, the loader and the test server read
it; none of them names a host, a selector or a URL pattern of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


@dataclass(frozen=True)
class Layout:
    """CSS selectors of one article layout; an empty string means the layout has no such element.

    `since` and `until` say when the site served it (years, approximate; None: open), so a page in
    an unexpected layout, or an old layout on a new article, can be told apart from drift."""

    name: str
    detect: str
    title: str
    date: str
    lead: str
    body: str
    author: str
    section: str
    tags: str
    image: str
    image_caption: str
    encoded_body: str
    # Elements inside the body that are not the article (captions, inline boxes, scripts).
    body_exclude: str
    # The id the page's own article element carries (never a teaser's): a claim checked against
    # the requested URL, not a source of identity.
    id: str = ""
    since: int | None = None
    until: int | None = None


@dataclass(frozen=True)
class Listing:
    """Selectors of a section's listing pages."""

    story_titles: str
    story_links: str
    # Where the story list is not found: every link of the main column that is an article URL.
    fallback_links: str
    next_page: str


@dataclass(frozen=True)
class UrlScheme:
    """One way the site names an article: a path pattern with an `id` group (and `section`, `slug`)."""

    name: str
    path: re.Pattern[str]
    since: int | None = None
    until: int | None = None


@dataclass(frozen=True)
class Site:
    name: str  # the spider's name and the key in crawler.sites.SITES
    title: str  # the paper's own name
    base_url: str
    hosts: frozenset[str]
    url_schemes: tuple[UrlScheme, ...]  # the current scheme first
    tracking_params: re.Pattern[str]
    sections: Mapping[str, str]  # slug → the name the site's menu gives it
    default_sections: tuple[str, ...]
    # Paths of a section's listing: its first page, and page N (with {section} and {page}).
    section_path: str
    section_page_path: str
    feed_path: str  # with {section}; "" when the site has no feeds
    listing: Listing
    layouts: tuple[Layout, ...]  # tried in order: the newest first
    # Short texts of page furniture, never article text, in any element.
    furniture_text: tuple[str, ...]
    # What the site appends to a page's <title>, and the byline that opens every lead and teaser.
    title_suffixes: tuple[str, ...]
    lead_prefix: re.Pattern[str]

    # -- URLs ----------------------------------------------------------------------------------

    def article_match(self, url: str | None) -> tuple[UrlScheme, re.Match[str]] | None:
        if not url:
            return None
        path = urlsplit(url.strip()).path
        for scheme in self.url_schemes:
            m = scheme.path.match(path)
            if m:
                return scheme, m
        return None

    def article_id(self, url: str | None) -> str | None:
        """The article id a URL names (its identity across URL schemes), or None for other URLs."""
        found = self.article_match(url)
        return found[1]["id"] if found else None

    def strip_tracking(self, url: str) -> str:
        """Drop tracking parameters and the fragment, so one article is one request."""
        parts = urlsplit(url.strip())
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not self.tracking_params.match(k)]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    def section_url(self, base_url: str, section: str, page: int = 1) -> str:
        path = self.section_path if page <= 1 else self.section_page_path
        return base_url.rstrip("/") + path.format(section=section, page=page)

    def feed_url(self, base_url: str, section: str) -> str | None:
        return base_url.rstrip("/") + self.feed_path.format(section=section) if self.feed_path else None

    def is_own_host(self, host: str | None) -> bool:
        return bool(host) and host in self.hosts

    # -- pages ---------------------------------------------------------------------------------

    def detect_layout(self, select: Callable[[str], list]) -> Layout | None:
        """The first layout whose marker elements the page has; `select` runs a CSS selector."""
        for layout in self.layouts:
            if select(layout.detect):
                return layout
        return None

    def strip_title_suffix(self, title: str) -> str:
        for suffix in self.title_suffixes:
            if title.endswith(suffix):
                return title[: -len(suffix)].strip()
        return title

    def strip_lead_prefix(self, text: str) -> str:
        """Drop the byline that opens every lead (`(Baothanhhoa.vn) - `)."""
        return self.lead_prefix.sub("", text, count=1)

    def is_teaser(self, text: str) -> bool:
        """Teasers of other articles open with the same byline as a lead."""
        return bool(self.lead_prefix.match(text))

    def is_furniture(self, text: str) -> bool:
        return len(text) < 200 and any(marker in text for marker in self.furniture_text)
