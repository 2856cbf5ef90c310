"""Turn an article page into a clean ArticleItem.

Each field is extracted in named stages, the first that yields a value winning, so that a layout
change degrades to metadata and then to generic text instead of to an empty row:

1. ``site``: the selectors of the page's layout (crawler/layouts/);
2. ``metadata``: JSON-LD, OpenGraph, ``article:*`` and ``<meta>`` tags;
3. ``generic``: the page's headings and paragraphs, furniture left out.

Every stage after the first that is used is reported, so a crawl counts its fallbacks in stats.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from cssselect import HTMLTranslator
from itemloaders.processors import Identity, MapCompose, TakeFirst
from parsel import Selector
from scrapy.loader import ItemLoader

from crawler.items import ArticleItem
from crawler.layouts import Layout, detect_layout
from crawler.text import (
    clean_text,
    is_teaser,
    join_paragraphs,
    normalize_iso_datetime,
    parse_vn_datetime,
    strip_lead_prefix,
)
from crawler.urls import article_id

SITE_NAME_SUFFIXES = (" - Báo Thanh Hóa", " | Báo Thanh Hóa", " - Baothanhhoa.vn")
# Page furniture that is never article text, whatever element it sits in.
FURNITURE_SELECTOR = (
    "header, footer, nav, aside, form, script, style, noscript, .box, .comments, .breadcrumb,"
    " .article__share, .author-box, .article__tags, .other-news, .sidebar, .pagination"
)
FURNITURE_TEXT = (
    "Tin liên quan",
    "Đọc nhiều",
    "bình luận",
    "Chia sẻ thông tin với bạn bè",
    "Tắt [X]",
    "{name}",
    "{body}",
    "{time}",
    "Ý kiến của bạn sẽ được biên tập",
)


def _drop_empty(value: str | None) -> str | None:
    return value or None


class ArticleLoader(ItemLoader):
    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text, _drop_empty)
    default_output_processor = TakeFirst()
    lead_in = MapCompose(clean_text, strip_lead_prefix, _drop_empty)
    title_in = MapCompose(clean_text, lambda t: _strip_site_name(t), _drop_empty)
    body_in = MapCompose(_drop_empty)
    published_at_in = MapCompose(lambda v: normalize_iso_datetime(v) or parse_vn_datetime(v))
    tags_in = MapCompose(clean_text, _drop_empty)
    tags_out = Identity()
    id_in = MapCompose(str, clean_text, _drop_empty)


def _strip_site_name(title: str) -> str:
    for suffix in SITE_NAME_SUFFIXES:
        if title.endswith(suffix):
            return title[: -len(suffix)].strip()
    return title


@dataclass
class PageMetadata:
    """What the page says about itself in <head>: the fallback for every field."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def get(self, key: str) -> list[str]:
        return self.values.get(key, [])

    @classmethod
    def from_selector(cls, sel: Selector) -> PageMetadata:
        v: dict[str, list[str]] = {}

        def add(key: str, *items: object) -> None:
            for item in items:
                if isinstance(item, str) and item.strip():
                    v.setdefault(key, []).append(item)

        add("url", *sel.css("link[rel=canonical]::attr(href)").getall())
        add("url", *sel.css("meta[property='og:url']::attr(content)").getall())
        add("title", *sel.css("meta[property='og:title']::attr(content)").getall())
        add("lead", *sel.css("meta[property='og:description']::attr(content)").getall())
        add("lead", *sel.css("meta[name=description]::attr(content)").getall())
        add("image_url", *sel.css("meta[property='og:image']::attr(content)").getall())
        add("published_at", *sel.css("meta[property='article:published_time']::attr(content)").getall())
        add("section", *sel.css("meta[property='article:section']::attr(content)").getall())
        add("tags", *sel.css("meta[property='article:tag']::attr(content)").getall())
        for keywords in sel.css("meta[name=keywords]::attr(content)").getall():
            add("tags", *keywords.split(","))
        add("author", *sel.css("meta[name=author]::attr(content)").getall())
        for obj in _json_ld_articles(sel):
            add("title", obj.get("headline"))
            add("published_at", obj.get("datePublished"))
            add("section", obj.get("articleSection"))
            add("body", obj.get("articleBody"))
            add("lead", obj.get("description"))
            add("url", obj.get("url"), obj.get("mainEntityOfPage"))
            authors = obj.get("author")
            for author in authors if isinstance(authors, list) else [authors]:
                add("author", author.get("name") if isinstance(author, dict) else author)
            images = obj.get("image")
            for image in images if isinstance(images, list) else [images]:
                add("image_url", image.get("url") if isinstance(image, dict) else image)
        return cls(v)


def _json_ld_articles(sel: Selector) -> Iterable[dict]:
    for raw in sel.css("script[type='application/ld+json']::text").getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop(0)
            if not isinstance(obj, dict):
                continue
            stack.extend(obj.get("@graph", []) if isinstance(obj.get("@graph"), list) else [])
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(k in ("NewsArticle", "Article", "ReportageNewsArticle") for k in kinds):
                yield obj


@lru_cache(maxsize=32)
def _ancestor_xpath(css: str) -> str:
    """An XPath that matches a node that is, or sits inside, an element matched by `css`."""
    translator = HTMLTranslator()
    parts = [translator.css_to_xpath(s.strip(), prefix="ancestor-or-self::") for s in css.split(",") if s.strip()]
    return " | ".join(parts)


def _node_text(node: Selector) -> str:
    """Text of an element, with <br> as a space and scripts left out."""
    parts = []
    for piece in node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)] | .//br"):
        text = piece.get()
        parts.append(" " if text.startswith("<br") else text)
    return clean_text("".join(parts))


def _is_furniture(text: str) -> bool:
    return any(marker in text for marker in FURNITURE_TEXT) and len(text) < 200


def body_paragraphs(container: Selector, exclude: str, author: str | None = None) -> list[str]:
    """The article's paragraphs inside `container`, without captions, boxes, author line or teasers."""
    excluded = _ancestor_xpath(exclude) if exclude else ""
    paragraphs = []
    for p in container.xpath(".//p | .//h2[not(@class)] | .//h3[not(@class)]"):
        if excluded and p.xpath(excluded):
            continue
        text = _node_text(p)
        if not text or is_teaser(text) or _is_furniture(text):
            continue
        style = (p.attrib.get("style") or "").replace(" ", "").lower()
        if "text-align:right" in style and len(text) < 80:
            continue  # the author's signature
        if author and text == author:
            continue
        paragraphs.append(text)
    return paragraphs


# A stage getter takes (page, layout, metadata) and returns raw values for one field.
Getter = Callable[[Selector, Layout | None, PageMetadata], list[str]]


def _css_text(attr: str) -> Getter:
    def get(sel: Selector, layout: Layout | None, meta: PageMetadata) -> list[str]:
        css = getattr(layout, attr, "") if layout else ""
        if not css:
            return []
        if "::" in css:
            return sel.css(css).getall()
        return [_node_text(node) for node in sel.css(css)]

    return get


def _meta(key: str) -> Getter:
    return lambda sel, layout, meta: meta.get(key)


def _site_body(sel: Selector, layout: Layout | None, meta: PageMetadata) -> list[str]:
    if not layout:
        return []
    authors = _css_text("author")(sel, layout, meta)
    author = clean_text(authors[0]) if authors else None
    paragraphs = []
    for container in sel.css(layout.body)[:1]:
        paragraphs = body_paragraphs(container, layout.body_exclude, author)
    return [join_paragraphs(paragraphs)] if paragraphs else []


def _meta_body(sel: Selector, layout: Layout | None, meta: PageMetadata) -> list[str]:
    return [join_paragraphs([clean_text(p) for p in b.split("\n") if clean_text(p)]) for b in meta.get("body")]


def _generic_body(sel: Selector, layout: Layout | None, meta: PageMetadata) -> list[str]:
    for scope in ("article", "main", "body"):
        for container in sel.css(scope)[:1]:
            paragraphs = [p for p in body_paragraphs(container, FURNITURE_SELECTOR) if len(p) >= 40]
            if paragraphs:
                return [join_paragraphs(paragraphs)]
    return []


def _generic_title(sel: Selector, layout: Layout | None, meta: PageMetadata) -> list[str]:
    return [_node_text(h) for h in sel.css("h1")[:1]] + sel.css("title::text").getall()


def _site_id(sel: Selector, layout: Layout | None, meta: PageMetadata) -> list[str]:
    return sel.css("article[data-id]::attr(data-id), [data-article-id]::attr(data-article-id)").getall()


def _meta_id(sel: Selector, layout: Layout | None, meta: PageMetadata) -> list[str]:
    return [i for i in (article_id(u) for u in meta.get("url")) if i]


NONE: Getter = lambda sel, layout, meta: []  # noqa: E731

# field → stages, in order; the response URL is the last resort for id and url (see load_article).
STAGES: dict[str, tuple[tuple[str, Getter], ...]] = {
    "id": (("site", _site_id), ("metadata", _meta_id)),
    "url": (("metadata", _meta("url")),),
    "title": (("site", _css_text("title")), ("metadata", _meta("title")), ("generic", _generic_title)),
    "lead": (("site", _css_text("lead")), ("metadata", _meta("lead"))),
    "body": (("site", _site_body), ("metadata", _meta_body), ("generic", _generic_body)),
    "author": (("site", _css_text("author")), ("metadata", _meta("author"))),
    "published_at": (("site", _css_text("date")), ("metadata", _meta("published_at"))),
    "section": (("site", _css_text("section")), ("metadata", _meta("section"))),
    "tags": (("site", _css_text("tags")), ("metadata", _meta("tags"))),
    "image_url": (("site", _css_text("image")), ("metadata", _meta("image_url"))),
    "image_caption": (("site", _css_text("image_caption")),),
}


@dataclass
class LoadResult:
    item: ArticleItem
    layout: str
    # (field, stage) for each field filled by a stage after the first, or ("field", "missing").
    fallbacks: list[tuple[str, str]]


def load_article(sel: Selector, url: str) -> LoadResult:
    """Extract one article from a page (a Response or a Selector over its HTML) fetched from `url`."""
    layout = detect_layout(sel)
    meta = PageMetadata.from_selector(sel)
    loader = ArticleLoader(selector=sel)
    fallbacks: list[tuple[str, str]] = []
    for name, stages in STAGES.items():
        for i, (stage, getter) in enumerate(stages):
            loader.add_value(name, getter(sel, layout, meta))
            if loader.get_collected_values(name):
                if i:
                    fallbacks.append((name, stage))
                break
    if not loader.get_collected_values("url"):
        loader.add_value("url", url)
        fallbacks.append(("url", "response"))
    if not loader.get_collected_values("id"):
        loader.add_value("id", article_id(url))
    item = loader.load_item()
    item["body_encoded"] = bool(layout and not item.get("body") and sel.css(layout.encoded_body))
    for name in ("title", "body", "published_at"):
        if not item.get(name):
            fallbacks.append((name, "missing"))
    return LoadResult(item=item, layout=layout.name if layout else "unknown", fallbacks=fallbacks)
