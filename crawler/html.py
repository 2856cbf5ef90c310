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
