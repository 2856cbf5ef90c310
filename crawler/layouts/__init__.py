"""Site layouts: one module of selector constants per layout, and a way to tell which one a page uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """CSS selectors of one article layout; an empty string means the layout has no such element."""

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


def detect_layout(select: Callable[[str], list]) -> Layout | None:
    """The layout whose marker elements the page has; `select` runs a CSS selector on the page."""
    from crawler.layouts import current, legacy

    for layout in (current.LAYOUT, legacy.LAYOUT):
        if select(layout.detect):
            return layout
    return None
