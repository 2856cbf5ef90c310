"""The generic stage of the loader: an article page read with no selector of its site.

When a redesign leaves the site's selectors finding nothing, and the page's metadata holds no body or
no date, these read the page the way a person does:

- **body**: the block of the page with the most running text, once furniture is set aside: elements
  whose tag or class says menu, comment, share bar, related box (crawler/generic/vocabulary.py);
  blocks that open with a furniture heading ("Tin cùng chuyên mục", "Ý kiến bạn đọc"); teasers
  (a block built around a link to another article of the site);
- **author**: a byline as the body's short last line (`Lê Hà`, `Bài và ảnh: Lê Hà`), taken out of
  the body;
- **date**: the first date in the visible text from the title to the body, in the formats Vietnamese
  papers write (crawler/text.py, `parse_vn_datetime`);
- **section**: the last link of a breadcrumb, else a link to one of the site's sections near the title;
- **lead**: a block marked as a summary, else the first block between the title and the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.generic import vocabulary as v
from crawler.html import element_text, has_text, short_text
from crawler.site import Site
from crawler.text import clean_text, parse_vn_datetime

SKIPPED_TAGS = frozenset(("script", "style", "noscript", "template", "form", "nav", "header", "footer", "aside",
                          "iframe", "button", "select", "textarea", "svg", "figure", "figcaption",
                          "input"))  # fmt: skip
BLOCK_TAGS = frozenset(("p", "div", "section", "article", "main", "li", "ul", "ol", "td", "tr", "table", "tbody",
                        "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dl", "dt", "header", "footer",
                        "aside", "nav", "figure", "form", "center"))  # fmt: skip
TEXT_BLOCK_TAGS = frozenset(("p", "div", "td", "dd", "blockquote", "h2", "h3", "h4", "li", "section", "article"))
# The body's own blocks are paragraphs of running text: shorter blocks count little for the choice.
MIN_BLOCK_CHARS = 25
MIN_BODY_CHARS = 50
MAX_LINK_DENSITY = 0.33
_HINT_SPLIT_RE = re.compile(r"[\s_\-]+")
_NEGATIVE = frozenset(v.NEGATIVE_HINTS)
_HEADING_RE = re.compile(r"^(?:" + "|".join(re.escape(h) for h in v.FURNITURE_HEADINGS) + r")\b[\s:(\d)]*", re.I)
_FURNITURE_LINE_RE = re.compile(r"^(?:" + "|".join(re.escape(h) for h in v.FURNITURE_LINES) + r")\b", re.I)
_BYLINE_PREFIX_RE = re.compile(
    r"^(?:(?:" + "|".join(re.escape(p) for p in sorted(v.BYLINE_PREFIXES, key=len, reverse=True)) + r")\s*[:\-–]"
    r"|theo\s)\s*",  # `Bài và ảnh: Lê Hà`, `Theo Lê Hà`
    re.I,
)
_NAME_WORD_RE = re.compile(r"^[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ][\w.]*$")


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _hint_words(el: Any) -> set[str]:
    words = set()
    for attr in ("class", "id"):
        for token in (el.get(attr) or "").lower().split():
            words.add(token)
            words.update(_HINT_SPLIT_RE.split(token))
    return words


# Hints of several words (`y-kien`, `tin-khac`) also match inside a longer class (`bang-y-kien`): one
# pattern of them all, searched in the words joined by spaces (no hint holds a space).
_LONG_NEGATIVE_RE = re.compile("|".join(re.escape(h) for h in v.NEGATIVE_HINTS if "-" in h) or r"(?!)")


def _negative(el: Any) -> bool:
    if el.get("class") is None and el.get("id") is None:
        return False  # most elements: nothing to read
    words = _hint_words(el)
    return bool(_NEGATIVE & words) or _LONG_NEGATIVE_RE.search(" ".join(words)) is not None


def _hinted(el: Any, hints: tuple[str, ...]) -> bool:
    """A class or id that holds one of the hints (as a part: `story-sapo`, `ndate`)."""
    text = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return any(h in text for h in hints)


def _has_block_children(el: Any) -> bool:
    return any(_tag(child) in BLOCK_TAGS for child in el)


def _link_text_length(el: Any) -> int:
    """The text of the links in `el`, each outermost link read once: a link inside a link (bytes
    that are no HTML nest thousands) is already in the text of the one around it."""
    total = depth = 0
    for event, node in etree.iterwalk(el, events=("start", "end"), tag="a"):
        if event == "start":
            if not depth:
                total += len(element_text(node))
            depth += 1
        else:
            depth -= 1
    return total


@dataclass
class GenericReading:
    """One page read without its site's selectors; each part computed once, when first asked for."""

    root: Any
    site: Site
    url: str

    # -- what is not the article -------------------------------------------------------------------

    @cached_property
    def document(self) -> Any:
        """The whole page's root (`root` may be a part of it)."""
        return self.root.getroottree().getroot()

    @cached_property
    def own_id(self) -> str | None:
        return self.site.article_id(self.url)

    def _is_other_article(self, href: str | None) -> bool:
        if not href:
            return False
        target = urljoin(self.url or "http://localhost/", href)
        aid = self.site.article_id(target)
        return aid is not None and aid != self.own_id and urlsplit(target).scheme in ("http", "https")

    @cached_property
    def other_article_links(self) -> set[Any]:
        """The page's links to another article of the site, each address resolved once: a page of
        related stories repeats them, and the teaser test below asks about them again and again."""
        answers: dict[str | None, bool] = {}
        links = set()
        for a in self.document.iter("a"):  # a teaser's walk up may leave a reading of part of a page
            href = a.get("href")
            if href not in answers:
                answers[href] = self._is_other_article(href)
            if answers[href]:
                links.add(a)
        return links

    @cached_property
    def excluded(self) -> set[Any]:
        """Roots of the subtrees that are furniture."""
        out: set[Any] = set()
        for el in self.root.iter():
            tag = _tag(el)
            if not tag:
                continue
            if tag in SKIPPED_TAGS or _negative(el):
                out.add(el)
        # Teasers: the largest block built around one link to another article of the site. A block
        # with a second such link is a list of teasers: the walk up stops at it, without reading it.
        others = self.other_article_links
        for a in self.root.iter("a"):
            if a not in others:
                continue
            unit, link_len = a, max(1, len(element_text(a)))
            for ancestor in a.iterancestors():
                if _tag(ancestor) in ("body", "html", "main") or _holds_two(ancestor, others):
                    break
                if link_len / max(1, len(element_text(ancestor))) < 0.15:
                    break
                unit = ancestor
            out.add(unit)
        # Blocks that open with a furniture heading; a heading amid other text cuts what follows it.
        for el in self.root.iter(*TEXT_BLOCK_TAGS, "th", "caption", "dt", "span", "b", "strong"):
            if el in out or _has_block_children(el):
                continue
            text = short_text(el, max_chars=400)  # a heading is short: no need to read a long one whole
            if not text or len(text) > 40 or not _HEADING_RE.match(text):
                continue
            parent = el.getparent()
            if parent is None:
                continue
            first = next((c for c in parent if has_text(c)), None)
            if first is el and _tag(parent) not in ("body", "html", "main"):
                out.add(parent)
            else:
                out.add(el)
                out.update(el.itersiblings())
        return out

    @cached_property
    def _inside_excluded(self) -> set[Any]:
        """Every element of a furniture subtree: one pass in document order (a parent before its
        children), not a walk up the ancestors of each element asked about."""
        excluded, inside = self.excluded, set()
        for el in self.document.iter():  # furniture may hold the part of the page being read
            if el in excluded or el.getparent() in inside:
                inside.add(el)
        return inside

    def is_excluded(self, el: Any) -> bool:
        return el in self._inside_excluded

    def _links_in(self, el: Any) -> int:
        """`_link_text_length`, once an element: a block cut into thousands of paragraphs at its
        blank lines asked it again for each of them."""
        cache = self.__dict__.setdefault("_link_lengths", {})
        if el not in cache:
            cache[el] = _link_text_length(el)
        return cache[el]

    # -- the body ---------------------------------------------------------------------------------

    @cached_property
    def title_text(self) -> str | None:
        """The headline: the page's <h1>, else its OpenGraph or <title> title."""
        for h1 in self.root.iter("h1"):
            if element_text(h1):
                return element_text(h1)
        for meta in self.root.iter("meta"):
            if (meta.get("property") or "").lower() == "og:title" and meta.get("content"):
                return clean_text(meta.get("content"))
        title = next(self.root.iter("title"), None)
        return self.site.strip_title_suffix(element_text(title)) if title is not None else None

    @cached_property
    def description(self) -> str | None:
        for meta in self.root.iter("meta"):
            key = (meta.get("name") or meta.get("property") or "").lower()
            if key in ("description", "og:description") and meta.get("content"):
                return self.site.strip_lead_prefix(clean_text(meta.get("content")))
        return None

    def _not_running_text(self, el: Any, text: str) -> bool:
        """The headline, the lead, the date line, a teaser or the masthead: blocks around the body."""
        lowered = text.lower()
        return (
            text == self.title_text
            or (len(text) < 300 and any(marker in lowered for marker in v.MASTHEAD_TEXT))
            or self.site.strip_lead_prefix(text) == self.description
            or _hinted(el, v.LEAD_HINTS)
            or self.site.is_teaser(text)
            or (len(text) < 60 and parse_vn_datetime(text) is not None)
        )

    @cached_property
    def blocks(self) -> list[tuple[Any, str]]:
        """The page's text blocks (no block inside; paragraphs split at a blank line `<br><br>`),
        furniture and the blocks around the body left out, in document order."""
        out = []
        # A block with no block child is read whole, and a block inside it (through an inline
        # element: `<div><span><p>`) is read too, as it always was. A third one inside those two is
        # not: its text is theirs already, and a nest of thousands (bytes that are no HTML) read
        # at every level made the page quadratic. Counted in one pass, parents first.
        reading: dict[Any, int] = {}  # element -> blocks read whole that hold it (itself included)
        for el in self.root.iter():
            parent = el.getparent()
            around = reading.get(parent, 0) if parent is not None else 0
            read = _tag(el) in TEXT_BLOCK_TAGS and not _has_block_children(el) and not self.is_excluded(el)
            reading[el] = around + read
            if not read or around >= 2:
                continue
            for text in _paragraphs_of(el):
                if text and not self._not_running_text(el, text):
                    out.append((el, text))
        return out

    @cached_property
    def container(self) -> Any | None:
        """The element whose blocks of running text weigh most (its parent counts for half)."""
        scores: dict[Any, float] = {}
        order = {el: i for i, el in enumerate(self.root.iter())}
        title_at = order.get(self.title_element, -1) if self.title_element is not None else -1
        for el, text in self.blocks:
            if len(text) < MIN_BLOCK_CHARS or self._links_in(el) / len(text) > MAX_LINK_DENSITY:
                continue
            if order[el] < title_at:
                continue  # before the headline: a menu, a masthead, a teaser, never the body
            parent = el.getparent()
            if parent is None:
                continue
            scores[parent] = scores.get(parent, 0.0) + len(text)
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0.0) + len(text) / 2
        if not scores:
            return None
        best = max(scores, key=lambda el: scores[el])
        return best if scores[best] >= MIN_BODY_CHARS else None

    @cached_property
    def _body_and_byline(self) -> tuple[list[str], str | None]:
        container = self.container
        if container is None:
            return [], None
        inside = set(container.iter())
        paragraphs: list[tuple[Any, str]] = []
        for el, text in self.blocks:
            if el not in inside or (el is container and _has_block_children(el)):
                continue
            if self.site.is_furniture(text):
                continue
            if len(text) < 40 and _FURNITURE_LINE_RE.match(text):
                continue
            if len(text) >= MIN_BLOCK_CHARS and self._links_in(el) / len(text) > 0.5:
                continue
            paragraphs.append((el, text))
        # A short block marked as the byline is the author wherever it stands; else the last line.
        marked = [(el, text) for el, text in paragraphs if len(text) <= 60 and _hinted(el, v.AUTHOR_HINTS)]
        byline = _byline_name(marked[0][1]) if marked else None
        paragraphs = [(el, text) for el, text in paragraphs if (el, text) not in marked]
        if byline is None and paragraphs and _is_byline(*paragraphs[-1]):
            byline = _byline_name(paragraphs.pop()[1])
        return [text for _, text in paragraphs], byline

    @property
    def body(self) -> list[str]:
        return self._body_and_byline[0]

    @property
    def author(self) -> str | None:
        return self._body_and_byline[1]

    # -- around the body ----------------------------------------------------------------------------

    @cached_property
    def title_element(self) -> Any | None:
        return next(self.root.iter("h1"), None)

    def _between_title_and_body(self) -> list[Any]:
        """Elements after the title (or the page's start) and before the body's first block."""
        start = self.title_element
        first_body = next((el for el, text in self.blocks if text in self.body[:1]), None)
        out, started = [], start is None
        for el in self.root.iter():
            if el is start:
                started = True
                continue
            if el is first_body:
                break
            if started and _tag(el):
                out.append(el)
        return out

    @cached_property
    def published_at(self) -> str | None:
        for el in self.root.iter("time"):
            value = parse_vn_datetime(el.get("datetime") or "") or parse_vn_datetime(element_text(el))
            if value:
                return value
        # A date line is short: `short_text` reads no more of an element than a line holds (nested
        # runs of unclosed tags made this loop quadratic in the page's size).
        near = self._between_title_and_body()
        for el in near:
            if not _has_block_children(el) or _tag(el) == "span":
                value = parse_vn_datetime(short_text(el) or "")
                if value:
                    return value
        for el in self.root.iter():
            if _tag(el) and _hinted(el, v.DATE_HINTS) and not self.is_excluded(el):
                value = parse_vn_datetime(short_text(el) or "")
                if value:
                    return value
        return None

    @cached_property
    def section(self) -> str | None:
        for el in self.root.iter():
            if not _tag(el) or not (_hinted(el, v.BREADCRUMB_HINTS) or "breadcrumb" in (el.get("aria-label") or "")):
                continue
            names = [clean_text(element_text(a)) for a in el.iter("a")]
            names = [n for n in names if n and n.lower() not in v.HOME_WORDS]
            if names:
                return names[-1]
        # Else the link to one of the site's sections nearest the title, menus (a block of several
        # section links) left out.
        sections = {self.site.section_path.format(section=slug): name for slug, name in self.site.sections.items()}

        paths: dict[str, str | None] = {}

        def section_of(a: Any) -> str | None:  # asked again for each link of a menu: once an address
            href = a.get("href") or ""
            if href not in paths:
                paths[href] = sections.get(urlsplit(urljoin(self.url or "http://localhost/", href)).path)
            return paths[href]

        order = {el: i for i, el in enumerate(self.root.iter())}
        title_at = order.get(self.title_element, 0) if self.title_element is not None else 0
        candidates = []
        for a in self.root.iter("a"):
            if section_of(a) is None or self.is_excluded(a):
                continue
            block = a.getparent()
            while block is not None and _tag(block) not in BLOCK_TAGS:
                block = block.getparent()
            in_menu = block is not None and any(
                sum(1 for x in b.iter("a") if section_of(x)) >= 3 for b in (block, block.getparent()) if b is not None
            )
            if not in_menu:
                candidates.append((abs(order[a] - title_at), a))
        if candidates:
            a = min(candidates, key=lambda c: c[0])[1]
            return clean_text(element_text(a)) or section_of(a)
        return None

    @cached_property
    def lead(self) -> str | None:
        for el in self.root.iter():
            if _tag(el) in ("div", "p", "h2", "h3", "span", "strong") and _hinted(el, v.LEAD_HINTS):
                if self.is_excluded(el):
                    continue
                text = self.site.strip_lead_prefix(element_text(el))
                if 30 <= len(text) <= 800:
                    return text
        for el in self._between_title_and_body():
            if _has_block_children(el) or self.is_excluded(el) or _tag(el) not in TEXT_BLOCK_TAGS:
                continue
            text = self.site.strip_lead_prefix(element_text(el))
            if len(text) >= 60 and not parse_vn_datetime(text[:40]):
                return text
        return None


def _holds_two(el: Any, links: set[Any]) -> bool:
    """Whether `el` holds two or more of `links` (it stops at the second)."""
    seen = 0
    for a in el.iter("a"):
        if a in links:
            seen += 1
            if seen == 2:
                return True
    return False


def _paragraphs_of(el: Any) -> list[str]:
    """A text block's paragraphs: its text, cut where two line breaks (a blank line) stand."""
    if sum(1 for _ in el.iter("br")) < 2:
        return [element_text(el)]
    marker = "\ue000"  # a private-use character: no page has it, and cleaning keeps it
    copy = _copy_with_marks(el, marker)
    return [clean_text(part) for part in element_text(copy).split(marker) if clean_text(part)]


def _copy_with_marks(el: Any, marker: str) -> Any:
    """`el` with each run of two or more <br> (whitespace between) replaced by `marker`."""
    from copy import deepcopy

    copy = deepcopy(el)
    for br in list(copy.iter("br")):
        nxt = br.getnext()
        if nxt is not None and _tag(nxt) == "br" and not (br.tail or "").strip():
            parent = br.getparent()
            previous = br.getprevious()
            text = marker + (br.tail or "")
            if previous is not None:
                previous.tail = (previous.tail or "") + text
            else:
                parent.text = (parent.text or "") + text
            parent.remove(br)
    return copy


def _is_byline(el: Any, text: str) -> bool:
    """A short last line that names who wrote the article."""
    if len(text) > 60 or len(text.split()) > 8 or (text.endswith((".", "!", "?", ";", ",")) and len(text) > 20):
        return False
    if _BYLINE_PREFIX_RE.match(text):
        return True
    words = [w for w in re.split(r"[\s,]+", text.strip("()")) if w]
    name_like = 1 <= len(words) <= 6 and all(_NAME_WORD_RE.match(w) for w in words)
    emphasised = any(_tag(c) in ("strong", "b", "em", "i") for c in el) and not (el.text or "").strip()
    right = "right" in (el.get("style") or "").replace(" ", "").lower() or "right" in (el.get("align") or "")
    return name_like and (emphasised or right or len(words) <= 4)


def _byline_name(text: str) -> str:
    return clean_text(_BYLINE_PREFIX_RE.sub("", text, count=1)).strip("() ")
