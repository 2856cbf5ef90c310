"""Text of lxml elements, as the loader and its generic stage read it."""

from __future__ import annotations

from typing import Any

from crawler.text import clean_text

_SKIPPED_TAGS = frozenset(("script", "style", "noscript", "template"))


def element_text(el: Any) -> str:
    """Text of an lxml element, <br> as a space, scripts and styles left out (their tails kept).

    Walked with a stack, not recursion: a page nested hundreds of levels deep is text like any other."""
    parts: list[str] = []
    stack: list[Any] = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br":
            parts.append(" ")
            continue
        if not tag or tag in _SKIPPED_TAGS:
            continue  # a skipped element, a comment or a processing instruction: nothing of its own
        if node.text:
            parts.append(node.text)
        for child in reversed(node):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return clean_text("".join(parts))


def short_text(el: Any, *, max_chars: int = 300, max_nodes: int = 20) -> str | None:
    """`element_text` of an element small enough to be one line (a date, a byline), or None.

    Its nodes are counted first, and no further than `max_nodes`: asked of every element of a run
    nested thousands deep (unclosed tags, bytes that are no HTML), reading each whole made the page
    quadratic; a line is never that big."""
    for count, _ in enumerate(el.iter(), 1):
        if count > max_nodes:
            return None
    text = element_text(el)
    return text if len(text) <= max_chars else None


def has_text(el: Any) -> bool:
    """Whether `element_text(el)` would be non-empty, found at its first word, not its last."""
    for node in el.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag and tag not in _SKIPPED_TAGS and node.text and node.text.strip():
            return True
        if node is not el and node.tail and node.tail.strip():
            return True
    return False
