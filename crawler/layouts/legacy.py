"""The article layout of before about 2023, still served at some old-scheme paths."""

from crawler.layouts import Layout

LAYOUT = Layout(
    name="legacy",
    detect=".title-detail, #content-detail",
    title=".title-detail",
    date=".date-time",
    lead=".sapo-detail",
    body="#content-detail",
    author="#content-detail > p[style*='right'] strong",
    section=".cate-detail a",
    tags=".tags-detail a",
    image="#content-detail img::attr(src)",
    image_caption="#content-detail .image-caption, #content-detail figcaption",
    encoded_body="#content-detail [data-content]",
    body_exclude="figure, figcaption, table.image, .other-news, script, style",
)
