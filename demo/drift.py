"""A drifted twin of the sample site: the same articles in markups the crawler's site module has never
seen, as a redesign of the live site would serve them (`python -m demo.drift` writes `demo/drift/`).

Three markups of our own, each unlike the site's and unlike each other, and all of them hard in the
ways a real redesign is: no JSON-LD and no date in the page's metadata; the date only in the visible
text (`Thứ Ba, 30/3/2021 - 09:30`, `09:30 30/03/2021`, `Cập nhật: 30-03-2021 09:30`); the author as
a short last line of the article; a reader's comment, three teasers of other articles (title and
sapo), share buttons, tags, a menu and a footer around the body; in one markup the paragraphs are
`<div>`s. The expected values are the development gold set's (evaluation/gold/dev.jsonl).
"""

from __future__ import annotations

import argparse
import html
import json
from datetime import datetime
from pathlib import Path

from crawler.sites.baothanhhoa import SITE
from demo.server import PROJECT_ROOT

GOLD = PROJECT_ROOT / "evaluation" / "gold" / "dev.jsonl"
DRIFT_SITE = PROJECT_ROOT / "demo" / "drift"
STYLES = ("magazine", "portal", "blog")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
SECTION_SLUGS = {"Xây dựng Đảng": "xay-dung-dang", "Kinh tế": "kinh-te", "Chính trị": "chinh-tri"}
# Invented readers' comments: the kind of text that must never end up in a body.
COMMENTS = (
    ("Nguyễn Văn Bình", "Cách làm của chi bộ rất thiết thực, các địa phương khác nên học tập."),
    ("Lê Thị Mai", "Mong báo tiếp tục đưa tin về công tác phát triển đảng viên ở vùng cao."),
    ("Trần Quốc Toản", "Bài viết hay, số liệu rõ ràng, đọc rất dễ hiểu."),
)


def articles() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text("utf-8").splitlines() if line.strip()]


def path_of(article: dict) -> str:
    """Every drifted article lives at the current URL scheme's path."""
    _, m = SITE.article_match(article["url"])
    return f"/{m['slug']}-{m['id']}.htm"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _when(article: dict, style: str) -> str:
    t = datetime.fromisoformat(article["published"])
    if style == "magazine":
        return f"{WEEKDAYS[t.weekday()]}, {t.day}/{t.month}/{t.year} - {t:%H:%M}"
    if style == "portal":
        return f"{t:%H:%M} {t:%d/%m/%Y}"
    return f"Cập nhật: {t:%d-%m-%Y %H:%M}"


def _teasers(article: dict, others: list[dict], style: str) -> str:
    picks = [o for o in others if o["id"] != article["id"]][:3]
    if style == "magazine":
        items = "".join(
            f'<div class="rel-item"><a class="rel-link" href="{path_of(o)}">{_e(o["title"])}</a>'
            f'<div class="rel-desc">{_e(o["lead"])}</div></div>'
            for o in picks
        )
        return f'<div class="more-news"><div class="more-news-head">Tin cùng chuyên mục</div>{items}</div>'
    if style == "portal":
        items = "".join(
            f'<li><a href="{path_of(o)}"><b>{_e(o["title"])}</b></a><p>{_e(o["lead"])}</p></li>' for o in picks
        )
        return f'<div id="othernews"><p class="hd">Các tin khác</p><ul>{items}</ul></div>'
    items = "".join(
        f'<article class="card"><h4><a href="{path_of(o)}">{_e(o["title"])}</a></h4><p>{_e(o["lead"])}</p></article>'
        for o in picks
    )
    return f'<section class="read-more"><h3>Có thể bạn quan tâm</h3>{items}</section>'


def _comment(article: dict, style: str) -> str:
    name, text = COMMENTS[int(article["id"]) % len(COMMENTS)]
    if style == "magazine":
        return (
            '<div class="reader-voice"><div class="rv-head">Ý kiến bạn đọc (1)</div>'
            f'<div class="rv-item"><span class="rv-name">{_e(name)}</span><p>{_e(text)}</p></div>'
            '<textarea placeholder="Gửi ý kiến của bạn"></textarea></div>'
        )
    if style == "portal":
        return (
            f'<div id="binhluan"><p class="hd">Bình luận</p><div class="bl"><p><b>{_e(name)}</b> - 2 giờ trước</p>'
            f"<p>{_e(text)}</p></div></div>"
        )
    return (
        f'<section class="feedback"><h3>Bạn đọc viết</h3><blockquote><p>{_e(text)}</p>'
        f"<footer>{_e(name)}</footer></blockquote></section>"
    )


def _body(article: dict, style: str) -> str:
    paragraphs = article["body"].split("\n\n")
    if style == "portal":  # an old CMS: paragraphs as <div>s, the author in bold on a line of its own
        inner = "".join(f"<div>{_e(p)}</div>" for p in paragraphs)
        return f'<div class="ncontent">{inner}<div><b>{_e(article["author"])}</b></div></div>'
    inner = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
    if style == "magazine":
        return f'<div class="story-text">{inner}<p class="sign"><strong>{_e(article["author"])}</strong></p></div>'
    return f'<div class="entry">{inner}<p><em>{_e(article["author"])}</em></p></div>'


MENU = (
    '<ul class="nav-top"><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su.htm">Thời sự</a></li>'
    '<li><a href="/xay-dung-dang.htm">Xây dựng Đảng</a></li><li><a href="/kinh-te.htm">Kinh tế</a></li>'
    '<li><a href="/xa-hoi.htm">Xã hội</a></li></ul>'
)
FOOTER = (
    '<div class="bottom">Cơ quan chủ quản: Tỉnh ủy Thanh Hóa. Giấy phép hoạt động báo chí điện tử.'
    " Địa chỉ tòa soạn: số 1 đường Hạc Thành, TP Thanh Hóa.</div>"
)


def render(article: dict, style: str, others: list[dict]) -> str:
    """One article page in a drifted markup."""
    title, lead = _e(article["title"]), _e(article["lead"])
    section = article["section"]
    crumbs = f'<a href="/">Trang chủ</a> &raquo; <a href="/{SECTION_SLUGS[section]}.htm">{_e(section)}</a>'
    share = '<div class="sns"><a href="#">Chia sẻ</a> <a href="#">Zalo</a> <a href="#">In bài</a></div>'
    tags = "".join(f'<a href="/tag/{i}.htm">{_e(t)}</a>' for i, t in enumerate(article["title"].split()[:2]))
    if style == "magazine":
        head = f'<title>{title}</title><meta property="og:title" content="{title}">'
        page = (
            f'<div class="topbar">{MENU}</div><div class="wrap"><div class="crumbs">{crumbs}</div>'
            f'<div class="news-detail"><h1 class="headline">{title}</h1>'
            f'<div class="byline-row"><span class="pub">{_when(article, style)}</span>{share}</div>'
            f'<div class="summary"><strong>(Baothanhhoa.vn) - {lead}</strong></div>'
            f'{_body(article, style)}<div class="kw">Từ khóa: {tags}</div>'
            f"{_comment(article, style)}{_teasers(article, others, style)}</div></div>{FOOTER}"
        )
    elif style == "portal":
        head = f"<title>{title} | Báo Thanh Hóa</title>"
        page = (
            f'<table id="layout"><tr><td id="menu">{MENU}</td></tr><tr><td id="main">'
            f'<div class="ntitle">{title}</div>'
            f'<div class="ninfo"><a href="/{SECTION_SLUGS[section]}.htm">{_e(section)}</a>'
            f' | <span class="ndate">{_when(article, style)}</span></div>'
            f'<div class="nsapo">(Baothanhhoa.vn) - {lead}</div>{_body(article, style)}{share}'
            f"{_teasers(article, others, style)}{_comment(article, style)}</td></tr>"
            f'<tr><td id="foot">{FOOTER}</td></tr></table>'
        )
    else:
        head = (
            f'<title>{title}</title><meta name="description" content="{lead}">'
            f'<meta property="og:title" content="{title}">'
        )
        page = (
            f'<header class="masthead"><nav>{MENU}</nav></header><main class="layout">'
            f'<nav class="breadcrumbs" aria-label="breadcrumb">{crumbs}</nav>'
            f'<article class="post"><header class="post-head"><h1>{title}</h1>'
            f'<p class="post-meta">{_when(article, style)}</p></header>'
            f'<p class="post-lead">{lead}</p>{_body(article, style)}{share}<div class="labels">{tags}</div>'
            f"</article>{_teasers(article, others, style)}{_comment(article, style)}</main>"
            f"<footer>{FOOTER}</footer>"
        )
    return f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">{head}</head>\n<body>{page}</body></html>\n'


def listing(items: list[dict]) -> str:
    """The section's first page in the drifted markup: no story list, no rel=next."""
    rows = "".join(
        f'<div class="row"><a class="t" href="{path_of(a)}">{_e(a["title"])}</a><p>{_e(a["lead"])}</p></div>'
        for a in items
    )
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>Xây dựng Đảng</title></head>\n'
        f'<body><div class="topbar">{MENU}</div><div class="cat-page"><h1>Xây dựng Đảng</h1>{rows}</div>{FOOTER}'
        "</body></html>\n"
    )


def style_of(index: int) -> str:
    return STYLES[index % len(STYLES)]


def build(out: Path = DRIFT_SITE) -> list[Path]:
    """The drifted twin: every article in one of the markups (in turn), and the section's listing."""
    items = articles()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, article in enumerate(items):
        path = out / path_of(article).lstrip("/")
        path.write_text(render(article, style_of(i), items), encoding="utf-8")
        written.append(path)
    (out / "xay-dung-dang.htm").write_text(listing(items), encoding="utf-8")
    (out / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.drift", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DRIFT_SITE, help="folder to write (default demo/drift/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
