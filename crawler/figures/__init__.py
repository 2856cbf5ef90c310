"""Party-building figures and document references, read from an article's text (shared/spec/figures.md).

No library reads these numbers from Vietnamese, so these are rules written for the language and the
genre, learned from how journalists write (`CATALOGUE.md`). Where to change what:

- `vocabulary.py`: the words (nouns, verbs, rating labels, categories, cues) as data;
- `metrics.py`: the one registry of metrics (keys, labels, descriptions);
- `text.py`: match form, paragraphs, sentences, clauses; `numbers.py`: numbers and what is no count;
- `organizations.py`, `time.py`: who and when;
- `reader.py`: the rules, in one visible order; `documents.py`: cited party documents;
- `__main__.py`: `python -m crawler.figures`.
"""

from __future__ import annotations

import unicodedata

from crawler.figures.documents import Document, extract_documents, read_documents
from crawler.figures.metrics import METRICS, TOTALS, Metric
from crawler.figures.reader import Bounds, Figure, extract_figures, read_figures
from crawler.figures.text import match_form, sentences

__all__ = [
    "METRICS", "TOTALS", "Bounds", "Document", "Figure", "Metric", "extract_documents", "extract_figures",
    "extract_rows", "match_form", "sentences",
]  # fmt: skip


def extract_rows(
    body: str, published: str | None = None, bounds: Bounds | None = None
) -> tuple[list[dict], list[dict], list[dict]]:
    """An article's figures and documents as rows for the `figures` and `documents` tables, and the
    bounds its extraction reached (rows for `limits`)."""
    hits: list[dict] = []
    text = unicodedata.normalize("NFC", body or "")
    m = match_form(text)  # one match form for both readers: it is a pass over the whole body
    figures = [f.as_dict() for f in read_figures(text, m, bounds=bounds, hits=hits)]
    return figures, [d.as_dict() for d in read_documents(text, m)], hits
