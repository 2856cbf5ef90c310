"""The article item: the fields the loader fills and the pipelines complete."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import scrapy

# Columns of the `articles` table, in the order a reader expects them.
ARTICLE_FIELDS = (
    "id",
    "url",
    "section",
    "title",
    "lead",
    "body",
    "author",
    "published_at",
    "tags",
    "image_url",
    "image_caption",
)

# What a reader sees of an article: a change in any of these is a new version of it.
HASHED_FIELDS = ("title", "lead", "body", "author", "published_at", "section", "tags", "image_url", "image_caption")


def content_hash(article: Mapping[str, Any]) -> str:
    """A digest of what a reader sees, so a rerun can tell a corrected article from an unchanged one.
    Computed where the page is read (a worker process), not on the crawl's path."""
    payload = json.dumps({k: article.get(k) for k in HASHED_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ArticleItem(scrapy.Item):
    id = scrapy.Field()
    url = scrapy.Field()
    section = scrapy.Field()
    title = scrapy.Field()
    lead = scrapy.Field()
    body = scrapy.Field()
    author = scrapy.Field()
    published_at = scrapy.Field()
    tags = scrapy.Field()
    image_url = scrapy.Field()
    image_caption = scrapy.Field()
    # Set by the loader: the body is an encoded blob that only the page's script can write out.
    body_encoded = scrapy.Field()
    # Set by the spider: the response ended before its declared length.
    truncated = scrapy.Field()
    # Set by the pipelines.
    extraction_status = scrapy.Field()
    content_hash = scrapy.Field()
    figures = scrapy.Field()
    documents = scrapy.Field()
    # The places the article is about (crawler/places/): ids of `places`.
    places = scrapy.Field()
    # The bounds on this page's work that were reached (crawler.figures.Bounds): rows for `limits`.
    limits = scrapy.Field()


class FailureItem(scrapy.Item):
    """A page that could not be had: stored in `failures` so that nothing fails silently."""

    url = scrapy.Field()
    article_id = scrapy.Field()
    # gone, http_error, timeout, too_large, offsite_redirect, bad_redirect, network, id_mismatch, store_error, ...
    kind = scrapy.Field()
    status = scrapy.Field()
    reason = scrapy.Field()


class LimitItem(scrapy.Item):
    """A bound on one page's work was reached (links of a listing capped, ...): stored in `limits`."""

    url = scrapy.Field()
    article_id = scrapy.Field()
    name = scrapy.Field()
    observed = scrapy.Field()
    allowed = scrapy.Field()
