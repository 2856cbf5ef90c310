"""The article item: the fields the loader fills and the pipelines complete."""

from __future__ import annotations

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


class FailureItem(scrapy.Item):
    """A page that could not be had: stored in `failures` so that nothing fails silently."""

    url = scrapy.Field()
    article_id = scrapy.Field()
    kind = scrapy.Field()  # gone, http_error, timeout, too_large, offsite_redirect, bad_redirect, network, ...
    status = scrapy.Field()
    reason = scrapy.Field()
