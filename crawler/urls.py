"""The site's URL scheme: which URLs are articles, and the numeric id that is an article's identity.

`/<slug>-<id>.htm` (current) and `/<section>/<slug>/<id>.htm` (before about 2023) name the same
article; tracking parameters and fragments never change which article a URL names.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

CURRENT_ARTICLE_RE = re.compile(r"^/(?P<slug>[^/]+?)-(?P<id>\d{3,})\.html?$")
OLD_ARTICLE_RE = re.compile(r"^/(?P<section>[a-z0-9-]+)/(?P<slug>[^/]+)/(?P<id>\d{3,})\.html?$")
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|gidzl|_ga|ref|source)$", re.IGNORECASE)


def article_id(url: str | None) -> str | None:
    """The article id a URL names, or None when it is not an article URL."""
    if not url:
        return None
    path = urlsplit(url.strip()).path
    m = CURRENT_ARTICLE_RE.match(path) or OLD_ARTICLE_RE.match(path)
    return m["id"] if m else None


def strip_tracking(url: str) -> str:
    """Drop tracking parameters and the fragment, so one article is one request."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def section_url(base_url: str, section: str, page: int = 1) -> str:
    base = base_url.rstrip("/")
    return f"{base}/{section}.htm" if page <= 1 else f"{base}/{section}/trang-{page}.htm"
