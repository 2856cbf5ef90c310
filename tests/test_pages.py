"""Each sample page parsed from its raw bytes, every field checked against the gold set."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from cssselect import SelectorError
from scrapy.http import HtmlResponse

from crawler.figures import Bounds
from crawler.loaders import load_article
from crawler.page import read_page
from crawler.sites.baothanhhoa import SITE
from demo.server import SAMPLE_SITE
from pipelines.validate import extraction_status
from tests.support import FURNITURE, load_gold, page_for, to_cp1258

PAGES = Path(__file__).resolve().parent / "pages"
GOLD = load_gold()


def response_for(path: Path, url: str, headers: dict | None = None) -> HtmlResponse:
    return HtmlResponse(url=url, body=path.read_bytes(), headers=headers or {})


def check_against_gold(item, gold: dict) -> None:
    assert item["id"] == str(gold["id"])
    assert item["url"] == gold["url"]
    assert item["title"] == gold["title"]
    assert item["lead"] == gold["lead"]
    assert item["author"] == gold["author"]
    assert item["published_at"] == gold["published"]
    assert item["section"] == gold["section"]
    for value in (item["title"], item["lead"], item.get("body") or ""):
        assert unicodedata.is_normalized("NFC", value)
        assert "\u00a0" not in value and "\u200b" not in value


@pytest.mark.parametrize("article_id", sorted(GOLD))
def test_sample_page_matches_gold(article_id):
    gold = GOLD[article_id]
    path = page_for(article_id)
    result = load_article(response_for(path, "http://127.0.0.1/" + path.relative_to(SAMPLE_SITE).as_posix()), "", SITE)
    item = result.item
    check_against_gold(item, gold)
    if item["body_encoded"]:
        # Written by script in the browser: no body in the HTML, and the status says why.
        assert not item.get("body")
        assert extraction_status(item) == "needs_rendering"
    else:
        assert item["body"] == gold["body"]
        assert extraction_status(item) == "ok"
        for marker in FURNITURE:
            assert marker not in item["body"], marker


def test_layouts_are_told_apart():
    current = load_article(response_for(page_for("141203"), "http://127.0.0.1/x-141203.htm"), "", SITE)
    legacy = load_article(response_for(page_for("140871"), "http://127.0.0.1/a/b/140871.htm"), "", SITE)
    assert (current.layout, legacy.layout) == ("current", "legacy")
    assert current.item["tags"] == ["Thường Xuân", "tổ chức cơ sở đảng", "xây dựng Đảng"]
    assert current.item["image_url"] == "https://c.baothanhhoa.vn/img/news/2114/141203.jpg"
    assert current.item["image_caption"] == "Buổi sinh hoạt của chi bộ khu phố Trung Chính, thị trấn Thường Xuân."
    assert current.fallbacks == []


def test_nfd_page_is_stored_as_nfc():
    raw = page_for("161020").read_bytes().decode("utf-8")
    assert not unicodedata.is_normalized("NFC", raw)  # the page really is NFD
    item = load_article(response_for(page_for("161020"), "http://127.0.0.1/x-161020.htm"), "", SITE).item
    check_against_gold(item, GOLD["161020"])
    assert item["body"] == GOLD["161020"]["body"]


@pytest.mark.parametrize("name", ["141203.cp1258.htm", "160412.cp1258.htm"])
def test_windows_1258_page_equals_utf8_version(name):
    """Saved as the site serves them: Windows-1258 bytes with combining tone marks."""
    path = PAGES / name
    article_id = name.split(".")[0]
    assert b'charset="windows-1258"' in path.read_bytes()
    url = f"http://127.0.0.1/x-{article_id}.htm"  # the requested URL names the article
    utf8 = load_article(response_for(page_for(article_id), url), "", SITE).item
    for headers in ({}, {"Content-Type": "text/html; charset=windows-1258"}):
        item = load_article(response_for(path, url, headers), "", SITE).item
        check_against_gold(item, GOLD[article_id])
        assert dict(item) == dict(utf8)


def _pasted(raw: bytes) -> bytes:
    """UTF-8 bytes whose first paragraph is in Windows-1258, as pasted from an old document."""
    start = raw.index(b"<p>") + 3
    end = raw.index(b"</p>", start)
    return raw[:start] + to_cp1258(raw[start:end].decode()) + raw[end:]


def _stray(raw: bytes, n: int) -> bytes:
    """UTF-8 bytes with `n` stray single bytes (0x92, a Windows right quote) pasted into the body."""
    return raw.replace(b"</p>", b"\x92</p>", n)


@pytest.mark.parametrize(
    ("name", "make", "declared", "expected"),
    [
        ("UTF-8, valid", lambda raw: raw, "utf-8", None),
        # A helper's hostile review: one stray byte made the whole page Windows-1258 mojibake, stored as read well.
        ("UTF-8 with one stray byte", lambda raw: _stray(raw, 1), "utf-8", "utf-8-cp1258"),
        ("UTF-8 with three stray bytes", lambda raw: _stray(raw, 3), "utf-8", "utf-8-cp1258"),
        # A review: a paragraph pasted from a Windows-1258 document was stored as replacement characters.
        ("UTF-8 with a Windows-1258 paragraph", lambda raw: _pasted(raw), "utf-8", "utf-8-cp1258"),
        ("Windows-1258 labelled UTF-8", lambda raw: to_cp1258(raw.decode()), "utf-8", "cp1258"),
        # Windows-1258 bytes whose page says ISO-8859-1: a Western label cannot spell Vietnamese.
        (
            "Windows-1258 labelled UTF-8, its meta ISO-8859-1",
            lambda raw: to_cp1258(raw.decode()).replace(b'charset="utf-8"', b'charset="iso-8859-1"'),
            "utf-8",
            "cp1258",
        ),
        ("UTF-8 labelled ISO-8859-1", lambda raw: raw, "iso-8859-1", "utf-8"),
        # A review: a Western label in the header (or the page's alone) was still read as Latin-1.
        ("Windows-1258 labelled ISO-8859-1", lambda raw: to_cp1258(raw.decode()), "iso-8859-1", "cp1258"),
        ("Windows-1258 labelled Windows-1252", lambda raw: to_cp1258(raw.decode()), "windows-1252", "cp1258"),
        (
            "UTF-8 with a Windows-1258 paragraph labelled ISO-8859-1",
            lambda raw: _pasted(raw),
            "iso-8859-1",
            "utf-8-cp1258",
        ),
    ],
)
def test_the_encoding_a_page_is_read_with(name, make, declared, expected):
    from crawler.encoding import better_encoding

    assert better_encoding(make(page_for("152030").read_bytes()), declared) == expected


@pytest.mark.parametrize("make", [lambda raw: _stray(raw, 1), _pasted], ids=["a stray byte", "a pasted paragraph"])
def test_a_utf8_page_with_windows_1258_bytes_in_it_reads_as_the_page(make):
    """Both parts readable, as the spider reads a page (its encoding repaired first, then decoded in
    the page step as a worker does): the stray byte (0x92) is the right quote it was in Windows-1258,
    the pasted paragraph its own words."""
    from crawler.encoding import repair_encoding

    url = "http://127.0.0.1/x-152030.htm"
    clean = read_page("baothanhhoa", page_for("152030").read_bytes(), url, "utf-8").values
    raw = make(page_for("152030").read_bytes())
    response, _ = repair_encoding(HtmlResponse(url=url, body=raw, headers={"Content-Type": "text/html; charset=utf-8"}))
    mixed = read_page("baothanhhoa", response.body, url, response.encoding).values
    assert mixed["title"] == clean["title"]
    assert "\ufffd" not in mixed["body"]
    assert mixed["body"].replace("\u2019", "") == clean["body"].replace("\u2019", "")


@pytest.mark.parametrize(
    ("flags", "ends", "cut"),
    [
        (["partial"], False, True),  # ended where the connection closed, and not as HTML ends: cut
        (["partial"], True, False),  # ended where the connection closed, whole
        ([], False, False),  # chunked or with a length, whole: HTTP says where it ends (a review)
    ],
)
def test_a_page_is_cut_short_where_http_cannot_tell_only_when_it_does_not_end_as_html(flags, ends, cut):
    from crawler.spider import _cut_where_http_cannot_tell

    body = page_for("141203").read_bytes()
    if not ends:
        body = body.replace(b"</body>", b"").replace(b"</html>", b"")
    from scrapy import Request

    url = "http://127.0.0.1/x-141203.htm"
    response = HtmlResponse(url=url, body=body, flags=flags, encoding="utf-8", request=Request(url))
    assert _cut_where_http_cannot_tell(response) is cut


def test_cp1258_fixture_is_what_the_encoder_makes():
    """The saved bytes are regenerated by tests/helpers.to_cp1258, so the fixture cannot drift."""
    for article_id in ("141203", "160412"):
        text = (
            page_for(article_id).read_text("utf-8").replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
        )
        assert (PAGES / f"{article_id}.cp1258.htm").read_bytes() == to_cp1258(text)


def test_furniture_only_page_gives_no_body():
    html = (SAMPLE_SITE / "xay-dung-dang.htm").read_bytes()
    result = load_article(HtmlResponse(url="http://127.0.0.1/xay-dung-dang.htm", body=html), "", SITE)
    assert not result.item.get("body")
    assert ("body", "missing") in result.fallbacks


def test_metadata_fallback_when_selectors_miss():
    """A renamed layout still yields title, lead, date, section and author from <head>."""
    html = page_for("152030").read_bytes()
    for cls in (b"article__title", b"article__sapo", b"article__date", b"breadcrumb", b"article__author"):
        html = html.replace(cls, b"renamed-" + cls)
    result = load_article(HtmlResponse(url="http://127.0.0.1/x-152030.htm", body=html), "", SITE)
    check_against_gold(result.item, GOLD["152030"])
    assert {"title", "lead", "published_at", "section"} <= {f for f, s in result.fallbacks if s == "metadata"}


def test_generic_fallback_when_body_selector_misses():
    html = page_for("152030").read_bytes().replace(b"article__body", b"story-content")
    result = load_article(HtmlResponse(url="http://127.0.0.1/x-152030.htm", body=html), "", SITE)
    assert result.item["body"] == GOLD["152030"]["body"]
    assert ("body", "generic") in result.fallbacks


def test_load_page_reads_figures_in_the_same_call():
    """What a worker process returns for a page: plain values, figures and documents included."""
    page = read_page(
        SITE.name, page_for("141203").read_bytes(), "http://127.0.0.1/x-141203.htm", None, figures=Bounds()
    )
    values = page.values
    assert (values["id"], page.layout, page.fallbacks, page.claimed_ids) == ("141203", "current", [], ["141203"])
    assert len(values["figures"]) == len(GOLD["141203"]["figures"])
    assert [d["number"] for d in values["documents"]] == ["22-NQ/TW", "10-CT/TW"]
    assert values["limits"] == []
    bare = read_page(SITE.name, page_for("141203").read_bytes(), "http://127.0.0.1/x-141203.htm", None).values
    assert "figures" not in bare


EDGE_PAGE = b"""<html><body class="page">
<div class="box\tlead\nwide"><p class="lead">one</p><div class="lead"><p>nested</p></div></div>
<ul class="breadcrumb"><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul>
<div class="article__avatar"><img src="/i.jpg"><figcaption class="cap">caption</figcaption></div>
<p class="only">x <b>y</b> z</p><span class="twice twice">t</span><p class="cap lead">both</p>
<i class="nb\xc2\xa0sp">no-break space: one class to XPath</i><i class="">empty</i><i class=" pad  x ">padded</i>
</body></html>"""
EDGE_SELECTORS = (
    ".lead", ".lead p", ".box", ".wide p", ".breadcrumb li:last-child a", ".breadcrumb li:last-child a::text",
    ".breadcrumb a::attr(href)", ".article__avatar img::attr(src)", ".article__avatar figcaption", ".only::text",
    ".only *::text", ".twice", ".missing", ".missing a", ".cap, .lead", ".only, .twice, .missing", ".page",
    ".page > div", "div.lead", ".lead,.cap", ".breadcrumb li + li a", "p:not(.lead)", ".nb", ".sp", ".pad", ".x",
    # parsel reads these as .breadcrumb's own attribute too; no-break and ideographic spaces are part
    # of a class name to CSS, not whitespace
    ".breadcrumb ::attr(class)", ".breadcrumb *::attr(class)", ".nb\xa0sp", ".lead\xa0", ".box\u3000p",
    ".cap\xa0, .lead", ".lead p\x0c",
)  # fmt: skip


def test_the_class_index_selects_what_xpath_selects(tmp_path):
    """`Page.select` finds a class through the page's class index, not an XPath test of every
    element: for every selector it must give what the selector's XPath gives, in the same order."""
    from bench.sitegen import generate
    from crawler.loaders import Page, _xpath
    from crawler.sites import SITES

    selectors = [value for site in SITES.values() for layout in site.layouts for value in vars(layout).values()
                 if isinstance(value, str) and value and value != layout.name]  # fmt: skip
    generate(tmp_path / "site", 212)  # its 38th article is in the old layout, its 212th written by script
    bodies = [
        p.read_bytes() for folder in (SAMPLE_SITE, PAGES, tmp_path / "site") for p in sorted(folder.rglob("*.htm"))
    ]
    checked, layouts = 0, set()
    for body in [*bodies, EDGE_PAGE]:
        root = HtmlResponse(url="https://baothanhhoa.vn/x-1.htm", body=body, encoding="utf-8").selector.root
        page = Page(root, SITE)
        layout = SITE.detect_layout(page.select)
        layouts.add(layout.name if layout else None)
        for css in (*selectors, *EDGE_SELECTORS):
            fast, slow = page.select(css), _xpath(css)(root)
            assert len(fast) == len(slow), css
            assert all(a is b if not isinstance(a, str) else a == b for a, b in zip(fast, slow, strict=True)), css
            checked += bool(slow)
    assert layouts >= {layout.name for layout in SITE.layouts} | {None}  # every layout, and listings
    # What the whole selector's translation refuses is refused, whatever its rest alone would give.
    edge = Page(HtmlResponse(url="https://baothanhhoa.vn/x-1.htm", body=EDGE_PAGE).selector.root, SITE)
    for css in (".lead :scope", ".lead\x0bp"):
        with pytest.raises(SelectorError):
            _xpath(css)
        with pytest.raises(SelectorError):
            edge.select(css)
    assert len(selectors) >= 20 and checked >= 1000  # not a comparison of empty lists


def test_a_listing_s_next_page_waits_behind_the_articles_it_lists():
    """Articles first: a back-fill must not run down thousands of listing pages and queue every link."""
    from scrapy.http import Request
    from scrapy.utils.test import get_crawler

    from crawler.defaults import DEFAULTS
    from spiders.baothanhhoa import BaothanhhoaSpider

    crawler = get_crawler(BaothanhhoaSpider, {**DEFAULTS, "SQLITE_DB": ""})
    spider = crawler._create_spider(base_url="http://127.0.0.1:9", max_pages="3")
    url = "http://127.0.0.1:9/xay-dung-dang.htm"
    response = HtmlResponse(url=url, body=(SAMPLE_SITE / "xay-dung-dang.htm").read_bytes(), request=Request(url))
    out = list(spider.parse_section(response, section="xay-dung-dang", page=1))
    articles = [r for r in out if r.callback == spider.parse_article]
    (listing,) = [r for r in out if r.callback == spider.parse_section]
    assert listing.url.endswith("/xay-dung-dang/trang-2.htm") and len(articles) >= 3
    assert all(listing.priority < article.priority for article in articles)


def test_the_loader_s_processors_are_itemloaders_own_for_each_item_class():
    """The loader keeps each field's processors once; they must be the ones itemloaders would look up
    for that loader class and that item class, never another class's."""
    import scrapy
    from itemloaders import ItemLoader as PlainItemLoader
    from itemloaders.processors import Join

    from crawler.items import ArticleItem
    from crawler.loaders import ArticleLoader

    class Other(scrapy.Item):
        title = scrapy.Field(input_processor=Join("|"), output_processor=Join("+"))
        body = scrapy.Field()

    class Joined(ArticleLoader):
        body_out = Join("/")

    for loader_class, item in ((ArticleLoader, ArticleItem()), (Joined, ArticleItem()), (ArticleLoader, Other())):
        for _ in range(2):  # the second time from what was kept
            loader = loader_class(item=item, site=SITE)
            for name in item.fields:
                for kind in ("input", "output"):
                    kept = getattr(loader, f"get_{kind}_processor")(name)
                    looked_up = getattr(PlainItemLoader, f"get_{kind}_processor")(loader, name)
                    assert kept is looked_up, (loader_class.__name__, type(item).__name__, name, kind)
    other = ArticleLoader(item=Other(), site=SITE)
    assert other.get_output_processor("title")(["a", "b"]) == "a+b"
    assert Joined(site=SITE).get_output_processor("body")(["a", "b"]) == "a/b"
    assert ArticleLoader(site=SITE).get_output_processor("body")(["a", "b"]) == "a"


def test_a_processor_set_later_or_bound_to_its_loader_is_the_one_used(monkeypatch):
    """What the loader keeps never hides a processor set after the first lookup (on the class, as a
    test's monkeypatch does, or on one loader), nor binds a method processor to another loader."""
    from itemloaders.processors import Join

    from crawler.loaders import ArticleLoader

    class Methods(ArticleLoader):
        def lead_out(self, values):
            return f"{self.context['mark']}:{'|'.join(values)}"

    assert ArticleLoader(site=SITE).get_output_processor("title")(["a", "b"]) == "a"
    monkeypatch.setattr(ArticleLoader, "title_out", Join("+"), raising=False)
    assert ArticleLoader(site=SITE).get_output_processor("title")(["a", "b"]) == "a+b"
    monkeypatch.setattr(ArticleLoader, "default_output_processor", Join("#"))
    assert ArticleLoader(site=SITE).get_output_processor("author")(["a", "b"]) == "a#b"
    one = ArticleLoader(site=SITE)
    one.author_out = Join("~")
    assert one.get_output_processor("author")(["a", "b"]) == "a~b"
    assert ArticleLoader(site=SITE).get_output_processor("author")(["a", "b"]) == "a#b"
    for mark in ("first", "second"):
        loader = Methods(site=SITE, mark=mark)
        assert loader.get_output_processor("lead")(["x", "y"]) == f"{mark}:x|y"


def test_paragraphs_inside_an_excluded_box_at_any_depth_stay_out_of_the_body():
    """A box of the layout's body_exclude (`.box`) keeps its paragraphs out of the body, whether they
    are its children, nested deeper, or the box itself; a paragraph beside the box stays."""
    html = (
        '<html><body><div class="article__body"><p>Chi bộ có 52 đảng viên.</p>'
        '<div class="box"><p>Đoạn thứ nhất của hộp.</p>'
        "<div><section><p>Đoạn lồng sâu trong hộp.</p></section></div></div>"
        '<p class="box">Đoạn chính là hộp.</p><div><p>Năm nay kết nạp 4 đảng viên mới.</p></div>'
        "</div></body></html>"
    ).encode()
    result = load_article(HtmlResponse(url="http://127.0.0.1/x-152030.htm", body=html), "", SITE)
    assert result.item["body"] == "Chi bộ có 52 đảng viên.\n\nNăm nay kết nạp 4 đảng viên mới."


@pytest.mark.parametrize("base", ['<base href="http://[::1">', '<base href="http://a:99999999/">', '<base href="/x/">'])
def test_a_page_whose_base_href_is_broken_is_read_as_any_other(base):
    """The worker reads a page's text without its `<base href>` (nothing stored depends on it): Scrapy's
    selector of a response made it safe first, and failed the whole page on a base it could not parse."""
    html = page_for("152030").read_bytes()
    broken = html.replace(b"<head>", b"<head>" + base.encode(), 1)
    assert broken != html
    plain = read_page(SITE.name, html, "http://127.0.0.1/x-152030.htm", None)
    got = read_page(SITE.name, broken, "http://127.0.0.1/x-152030.htm", None)
    assert got.values == plain.values and got.values["body"] == GOLD["152030"]["body"]
