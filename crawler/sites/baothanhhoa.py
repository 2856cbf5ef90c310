"""Báo Thanh Hóa (baothanhhoa.vn): everything the crawler knows that is particular to this paper.

The pages under demo/site/ are a reconstruction of the live site (shared/site/README.md); where the
live markup differs, the loader falls back to the page's metadata and then to generic text, and
counts each fallback (README, "When the markup is not what we expect").
"""

from __future__ import annotations

import re

from crawler.site import Layout, Listing, Site, UrlScheme

CURRENT = Layout(
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
    since=2023,
)

# Before about 2023; still served at some old-scheme paths.
LEGACY = Layout(
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
    until=2023,
)

LISTING = Listing(
    story_titles=".story-list .story__title a",
    story_links=".story-list .story__title a::attr(href), .story-list .story__thumb::attr(href)",
    fallback_links="main a::attr(href), .main-col a::attr(href), body a::attr(href)",
    next_page=".pagination a[rel=next]::attr(href), .pagination a.next::attr(href)",
)

SITE = Site(
    name="baothanhhoa",
    title="Báo Thanh Hóa",
    base_url="https://baothanhhoa.vn",
    hosts=frozenset({"baothanhhoa.vn", "www.baothanhhoa.vn"}),
    url_schemes=(
        # `/<slug>-<id>.htm`, and `/<section>/<slug>/<id>.htm` before about 2023: the same article.
        UrlScheme("current", re.compile(r"^/(?P<slug>[^/]+?)-(?P<id>\d{3,})\.html?$"), since=2023),
        UrlScheme("old", re.compile(r"^/(?P<section>[a-z0-9-]+)/(?P<slug>[^/]+)/(?P<id>\d{3,})\.html?$"), until=2023),
    ),
    tracking_params=re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|gidzl|_ga|ref|source)$", re.IGNORECASE),
    sections={
        "xay-dung-dang": "Xây dựng Đảng",
        "chinh-tri": "Chính trị",
        "thoi-su": "Thời sự",
        "kinh-te": "Kinh tế",
        "xa-hoi": "Xã hội",
        "phap-luat": "Pháp luật",
        "dia-phuong": "Địa phương",
        "van-hoa": "Văn hóa",
        "giao-duc": "Giáo dục",
        "quoc-phong-an-ninh": "Quốc phòng - An ninh",
    },
    # Party building has its own section; other sections carry it rarely (README says how to add them).
    default_sections=("xay-dung-dang",),
    section_path="/{section}.htm",
    section_page_path="/{section}/trang-{page}.htm",
    feed_path="/rss/{section}.xml",
    listing=LISTING,
    layouts=(CURRENT, LEGACY),
    furniture_text=(
        "Tin liên quan",
        "Đọc nhiều",
        "bình luận",
        "Chia sẻ thông tin với bạn bè",
        "Tắt [X]",
        "{name}",
        "{body}",
        "{time}",
        "Ý kiến của bạn sẽ được biên tập",
    ),
    title_suffixes=(" - Báo Thanh Hóa", " | Báo Thanh Hóa", " - Baothanhhoa.vn"),
    lead_prefix=re.compile(r"^\(\s*baothanhhoa\.vn\s*\)\s*[-–—:]?\s*", re.IGNORECASE),
)
