"""Turn an article page into a clean ArticleItem.

Each field is extracted in named stages, the first that yields a value winning, so that a layout
change degrades to metadata and then to generic text instead of to an empty row:

1. ``site``: the selectors of the page's layout (the site's `Layout`s, crawler/sites/);
2. ``metadata``: JSON-LD, OpenGraph, ``article:*`` and ``<meta>`` tags;
3. ``generic``: the page's headings and paragraphs, furniture left out.

Every stage after the first that is used is reported, so a crawl counts its fallbacks in stats.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, ClassVar

from cssselect import SelectorError
from itemloaders.processors import Identity, MapCompose, TakeFirst
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator, css2xpath
from scrapy.loader import ItemLoader

from crawler.generic import GenericReading
from crawler.html import element_text
from crawler.items import ArticleItem
from crawler.site import Layout, Site
from crawler.text import clean_text, join_paragraphs, normalize_iso_datetime, parse_vn_datetime


def _drop_empty(value: str | None) -> str | None:
    return value or None


def _strip_lead_prefix(text: str, loader_context: dict) -> str:
    return loader_context["site"].strip_lead_prefix(text)


def _strip_title_suffix(title: str, loader_context: dict) -> str:
    return loader_context["site"].strip_title_suffix(title)


class ArticleLoader(ItemLoader):
    """Cleans each field; the site (in the loader's context) knows its byline and title suffixes."""

    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text, _drop_empty)
    default_output_processor = TakeFirst()
    lead_in = MapCompose(clean_text, _strip_lead_prefix, _drop_empty)
    title_in = MapCompose(clean_text, _strip_title_suffix, _drop_empty)
    body_in = MapCompose(_drop_empty)
    published_at_in = MapCompose(lambda v: normalize_iso_datetime(v) or parse_vn_datetime(v))
    tags_in = MapCompose(clean_text, _drop_empty)
    tags_out = Identity()
    id_in = MapCompose(str, clean_text, _drop_empty)

    # itemloaders looks a field's processors up again at every value, through an ItemAdapter of the
    # item. They are kept here by loader class, item class and field, with the attribute they came
    # from (`title_in`, or `default_input_processor` for a field without one): an attribute set
    # later, on the class or on one loader, is looked up again. A processor that is a method is
    # never kept: it is bound to its own loader.
    _processors: ClassVar[dict[tuple[type, type, str, str], tuple[Any, Any]]] = {}

    def _processor(self, field_name: str, kind: str, find: Callable[[str], Any]) -> Any:
        source = getattr(self, f"{field_name}_{kind}", None) or getattr(
            self, "default_input_processor" if kind == "in" else "default_output_processor"
        )
        key = (type(self), type(self.item), field_name, kind)
        kept = self._processors.get(key)
        if kept is not None and kept[0] is source:
            return kept[1]
        proc = find(field_name)
        if not inspect.ismethod(proc) and not inspect.ismethod(source):
            self._processors[key] = (source, proc)
        return proc

    def get_input_processor(self, field_name: str) -> Callable[..., Any]:
        return self._processor(field_name, "in", super().get_input_processor)

    def get_output_processor(self, field_name: str) -> Callable[..., Any]:
        return self._processor(field_name, "out", super().get_output_processor)


@lru_cache(maxsize=256)
def _xpath(css: str) -> etree.XPath:
    """A CSS selector (with parsel's ::text and ::attr()) compiled once to an lxml XPath."""
    return etree.XPath(css2xpath(css))


# A selector whose first step is one class, followed by a descendant or nothing (`.body`,
# `.breadcrumb li:last-child a`, `.photo img::attr(src)`), and a list of classes (`.title, .body`)
# are answered from the page's class index (`Page.classes`): XPath tests every element's class
# attribute for each selector (about a microsecond an element in libxml2), a page is asked a dozen
# selectors, and a live page holds a thousand elements or more. Anything else, and a class found on
# more than one element, goes through XPath.
#
# Whitespace is CSS's own (Python's `\s` also takes the no-break space, part of a class name to
# CSS). What follows the class must start with a tag name: parsel reads `.x ::attr(a)` and
# `.x *::attr(a)` as the attribute of .x too, which the rest compiled on its own would not.
_WS = " \t\r\n\f"
_CLASS_FIRST_RE = re.compile(rf"^\.(?P<cls>-?[_a-zA-Z][\w-]*)(?:[{_WS}]+(?P<rest>[a-zA-Z][^,]*))?$")
_CLASS_LIST_RE = re.compile(rf"^\.-?[_a-zA-Z][\w-]*(?:[{_WS}]*,[{_WS}]*\.-?[_a-zA-Z][\w-]*)+$")
_CLASS_SPLIT_RE = re.compile(r"[^ \t\r\n]+")  # XPath's normalize-space splits on these four only
_TRANSLATOR = HTMLTranslator()
_WITH_CLASS = etree.XPath("descendant-or-self::*[@class]")


@lru_cache(maxsize=256)
def _plan(css: str) -> tuple[str, Any]:
    """How to select `css`: ("class", (class, XPath of the rest from it, or None)), ("classes",
    (class, ...)), or ("xpath", None): the whole selector's XPath. A selector the whole translation
    refuses raises here, as it always did, whatever its rest alone would give."""
    _xpath(css)
    first = _CLASS_FIRST_RE.match(css.strip(_WS))
    if first and first["rest"]:
        try:
            rest = etree.XPath(_TRANSLATOR.css_to_xpath(first["rest"], prefix="descendant::"))
        except (SelectorError, etree.XPathError):
            return "xpath", None  # not ours to judge: XPath says what the whole selector gives
        return "class", (first["cls"], rest)
    if first:
        return "class", (first["cls"], None)
    if _CLASS_LIST_RE.match(css.strip(_WS)):
        return "classes", tuple(dict.fromkeys(part.strip(_WS)[1:] for part in css.split(",")))
    return "xpath", None


class Page:
    """An article page's element tree, selected with compiled XPaths (parsel's convenience costs
    a Selector object per match, which on the crawl's per-page path adds up), and its site. The
    tree is read, never changed: the class index is made at the first select."""

    def __init__(self, root: Any, site: Site, url: str = "") -> None:
        self.root = root
        self.site = site
        self.url = url
        self._generic: GenericReading | None = None
        self._classes: dict[str, list[tuple[int, Any]]] | None = None

    @property
    def generic(self) -> GenericReading:
        """The page read without selectors (crawler/generic/), made when a generic stage first asks."""
        if self._generic is None:
            self._generic = GenericReading(self.root, self.site, self.url)
        return self._generic

    def classes(self) -> dict[str, list[tuple[int, Any]]]:
        """Each class of the page's elements → (position, element) in document order; made once."""
        if self._classes is None:
            index: dict[str, list[tuple[int, Any]]] = {}
            for position, el in enumerate(_WITH_CLASS(self.root)):
                names = el.get("class")
                # Printable ASCII has one space character, the only one split() then splits on.
                names = names.split() if names.isascii() and names.isprintable() else _CLASS_SPLIT_RE.findall(names)
                for name in names if len(names) == 1 else dict.fromkeys(names):
                    index.setdefault(name, []).append((position, el))
            self._classes = index
        return self._classes

    def select(self, css: str) -> list:
        if not css:
            return []
        how, plan = _plan(css)
        try:
            if how == "class":
                name, rest = plan
                found = self.classes().get(name, ())
                if len(found) <= 1:  # else nested or repeated: XPath keeps document order, each match once
                    return [el for _, el in found] if rest is None else [r for _, el in found for r in rest(el)]
            elif how == "classes":
                index = self.classes()
                hits = sorted((hit for name in plan for hit in index.get(name, ())), key=itemgetter(0))
                return [el for i, (position, el) in enumerate(hits) if not i or hits[i - 1][0] != position]
            return _xpath(css)(self.root)
        except etree.XPathError:
            return []


# Where each metadata value comes from, in order of trust: (key, source) pairs.
_META_PROPERTIES = {
    "og:url": "url",
    "og:title": "title",
    "og:description": "lead",
    "og:image": "image_url",
    "article:published_time": "published_at",
    "article:section": "section",
    "article:tag": "tags",
}
_META_NAMES = {"description": "lead", "author": "author", "keywords": "tags"}


@dataclass
class PageMetadata:
    """What the page says about itself in <head>: the fallback for every field."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def get(self, key: str) -> list[str]:
        return self.values.get(key, [])

    @classmethod
    def from_root(cls, root: Any) -> PageMetadata:
        """One pass over <link>, <meta> and JSON-LD; within a key, canonical > OpenGraph > <meta> > JSON-LD."""
        found: dict[str, list[tuple[int, str]]] = {}

        def add(key: str, rank: int, *items: object) -> None:
            for item in items:
                if isinstance(item, str) and item.strip():
                    found.setdefault(key, []).append((rank, item))

        for el in root.iter("link", "meta", "script"):
            if el.tag == "link":
                if "canonical" in (el.get("rel") or "").lower().split():
                    add("url", 0, el.get("href"))
            elif el.tag == "meta":
                content = el.get("content")
                prop = (el.get("property") or "").lower()
                name = (el.get("name") or "").lower()
                if prop in _META_PROPERTIES:
                    add(_META_PROPERTIES[prop], 1, content)
                elif name == "keywords" and content:
                    add("tags", 2, *content.split(","))
                elif name in _META_NAMES:
                    add(_META_NAMES[name], 2, content)
            elif (el.get("type") or "").lower() == "application/ld+json" and el.text:
                for obj in _json_ld_articles(el.text):
                    add("title", 3, obj.get("headline"))
                    add("published_at", 3, obj.get("datePublished"))
                    add("section", 3, obj.get("articleSection"))
                    add("body", 3, obj.get("articleBody"))
                    add("lead", 3, obj.get("description"))
                    add("url", 3, obj.get("url"), obj.get("mainEntityOfPage"))
                    authors = obj.get("author")
                    for author in authors if isinstance(authors, list) else [authors]:
                        add("author", 3, author.get("name") if isinstance(author, dict) else author)
                    images = obj.get("image")
                    for image in images if isinstance(images, list) else [images]:
                        add("image_url", 3, image.get("url") if isinstance(image, dict) else image)
        return cls({key: [v for _, v in sorted(pairs, key=lambda p: p[0])] for key, pairs in found.items()})


def _json_ld_articles(raw: str) -> Iterable[dict]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any real metadata
        return
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


def _node_text(node: Any) -> str:
    """Text of a selected element (or the string a ::text / ::attr selector returned)."""
    return clean_text(node) if isinstance(node, str) else element_text(node)


_PARAGRAPH_TAGS = ("p", "h2", "h3")


def _inside_paragraphs(container: Any) -> set[Any]:
    """The paragraphs inside another one, whose text is already that one's: read again at every
    level, a run nested thousands deep (bytes that are no HTML) made the body quadratic. One pass,
    in document order (a parent before its children)."""
    inside: set[Any] = set()
    within: set[Any] = set()  # elements inside a paragraph
    for el in container.iter():
        parent = el.getparent()
        if parent is not None and (parent in within or (parent is not container and parent.tag in _PARAGRAPH_TAGS)):
            within.add(el)
            if el.tag in _PARAGRAPH_TAGS:
                inside.add(el)
    return inside


def body_paragraphs(container: Any, site: Site, exclude: str, author: str | None = None) -> list[str]:
    """The article's paragraphs inside `container` (an lxml element), without captions, boxes,
    author line or teasers."""
    # The paragraphs inside an excluded element (itself one, or below it): one walk of the few
    # excluded boxes, not a walk up from every paragraph of the body.
    boxes = Page(container, site).select(exclude) if exclude else []
    excluded = {p for box in boxes if not isinstance(box, str) for p in box.iter(*_PARAGRAPH_TAGS)}
    excluded |= _inside_paragraphs(container)
    paragraphs = []
    for p in container.iter(*_PARAGRAPH_TAGS):
        if p.tag != "p" and p.get("class"):
            continue  # a heading with a class is page furniture (box titles), not a subheading
        if p in excluded:
            continue
        text = element_text(p)
        if not text or site.is_teaser(text) or site.is_furniture(text):
            continue
        style = (p.get("style") or "").replace(" ", "").lower()
        if "text-align:right" in style and len(text) < 80:
            continue  # the author's signature
        if author and text == author:
            continue
        paragraphs.append(text)
    return paragraphs


# A stage getter takes (page, layout, metadata) and returns raw values for one field.
Getter = Callable[[Page, Layout | None, PageMetadata], list[str]]


def _css_text(attr: str) -> Getter:
    def get(page: Page, layout: Layout | None, meta: PageMetadata) -> list[str]:
        css = getattr(layout, attr, "") if layout else ""
        return [_node_text(node) for node in page.select(css)]

    return get


def _meta(key: str) -> Getter:
    return lambda page, layout, meta: meta.get(key)


def _site_body(page: Page, layout: Layout | None, meta: PageMetadata) -> list[str]:
    if not layout:
        return []
    authors = _css_text("author")(page, layout, meta)
    author = clean_text(authors[0]) if authors else None
    paragraphs = []
    for container in page.select(layout.body)[:1]:
        paragraphs = body_paragraphs(container, page.site, layout.body_exclude, author)
    return [join_paragraphs(paragraphs)] if paragraphs else []


def _meta_body(page: Page, layout: Layout | None, meta: PageMetadata) -> list[str]:
    return [join_paragraphs([clean_text(p) for p in b.split("\n") if clean_text(p)]) for b in meta.get("body")]


def _generic_body(page: Page, layout: Layout | None, meta: PageMetadata) -> list[str]:
    if layout and page.select(layout.encoded_body):
        return []  # the body is written by the page's script: rendering it reads it, not a guess
    paragraphs = page.generic.body
    return [join_paragraphs(paragraphs)] if paragraphs else []


def _generic(attr: str) -> Getter:
    def get(page: Page, layout: Layout | None, meta: PageMetadata) -> list[str]:
        value = getattr(page.generic, attr)
        return [value] if value else []

    return get


def _generic_title(page: Page, layout: Layout | None, meta: PageMetadata) -> list[str]:
    return [_node_text(h) for h in page.select("h1")[:1]] + [_node_text(t) for t in page.select("title::text")]


def claimed_ids(page: Page, layout: Layout | None, meta: PageMetadata) -> list[str]:
    """The article ids the page says it is: its own article element's id (the layout's `id`
    selector, never a teaser's) and the ids of its canonical and OpenGraph URLs."""
    own = [clean_text(v) for v in page.select(layout.id)] if layout and layout.id else []
    from_meta = [page.site.article_id(u) for u in meta.get("url")]
    return list(dict.fromkeys(i for i in own + from_meta if i))


# field → stages, in order. The id is never read from the page: it is the requested URL's (a page
# that claims another id is refused by the spider), and the response URL is the last resort for url.
STAGES: dict[str, tuple[tuple[str, Getter], ...]] = {
    "url": (("metadata", _meta("url")),),
    "title": (("site", _css_text("title")), ("metadata", _meta("title")), ("generic", _generic_title)),
    "lead": (("site", _css_text("lead")), ("metadata", _meta("lead")), ("generic", _generic("lead"))),
    "body": (("site", _site_body), ("metadata", _meta_body), ("generic", _generic_body)),
    "author": (("site", _css_text("author")), ("metadata", _meta("author")), ("generic", _generic("author"))),
    "published_at": (
        ("site", _css_text("date")),
        ("metadata", _meta("published_at")),
        ("generic", _generic("published_at")),
    ),
    "section": (("site", _css_text("section")), ("metadata", _meta("section")), ("generic", _generic("section"))),
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
    # The ids the page claims to be (its article element, canonical and OpenGraph URLs).
    claimed_ids: list[str] = field(default_factory=list)


def load_article(sel: Selector, url: str, site: Site) -> LoadResult:
    """Extract one article of `site` from a page (a Response or a Selector over its HTML) fetched
    from `url`.

    The article's id is the one `url` (by default the response's own) names; what the page claims is
    reported beside it."""
    url = url or getattr(sel, "url", "")
    selector = sel.selector if hasattr(sel, "selector") else sel
    page = Page(selector.root, site, url)
    layout = site.detect_layout(page.select)
    meta = PageMetadata.from_root(page.root)
    loader = ArticleLoader(selector=selector, site=site)
    fallbacks: list[tuple[str, str]] = []
    for name, stages in STAGES.items():
        for i, (stage, getter) in enumerate(stages):
            values = getter(page, layout, meta)
            if not values:
                continue
            loader.add_value(name, values)
            if loader.get_collected_values(name):
                if i:
                    fallbacks.append((name, stage))
                break
    if not loader.get_collected_values("url"):
        loader.add_value("url", url)
        fallbacks.append(("url", "response"))
    loader.add_value("id", site.article_id(url))
    item = loader.load_item()
    item["body_encoded"] = bool(layout and not item.get("body") and page.select(layout.encoded_body))
    for name in ("title", "body", "published_at"):
        if not item.get(name):
            fallbacks.append((name, "missing"))
    return LoadResult(
        item=item,
        layout=layout.name if layout else "unknown",
        fallbacks=fallbacks,
        claimed_ids=claimed_ids(page, layout, meta),
    )
