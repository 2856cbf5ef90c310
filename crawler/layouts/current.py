"""The current article layout (`/<slug>-<id>.htm`)."""

from crawler.layouts import Layout

LAYOUT = Layout(
    name="current",
    detect=".article__title, .article__body",
    title=".article__title",
    date=".article__date",
    lead=".article__sapo",
    body=".article__body",
    author=".article__author",
    section=".breadcrumb li:last-child a",
    tags=".article__tags a",
    image=".article__avatar img::attr(src)",
    image_caption=".article__avatar figcaption",
    encoded_body=".article__body [data-content]",
    body_exclude="figure, figcaption, table.image, .box, .article__author, .author-box, script, style",
    id="article.article[data-id]::attr(data-id)",
)
