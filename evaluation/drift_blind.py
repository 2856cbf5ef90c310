"""Four unseen article-page markups for testing how the crawler copes with a redesign.

These markups were written blind: their author did not see the extractor (``crawler/``, in particular
``crawler/generic/`` and ``crawler/loaders.py``) nor ``demo/drift.py`` while writing them. Each style
imitates a plausible redesign of Báo Thanh Hóa's website, with its own structure and class names, and
each is hard in the same ways: no JSON-LD and no date in the ``<head>``; the date only as visible text
in a Vietnamese format of its own; the author only as the short last line of the article text; comments,
teasers, share buttons, tags, a section menu and a footer around (and sometimes inside the same element
as) the body paragraphs.

Standard library only: ``render(article, style, others)`` returns the page, ``path_of(article)`` the
URL path it is served at.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

STYLES: tuple[str, ...] = ("lam-son", "ham-rong", "sam-son", "ba-trieu")

SITE = "Báo Thanh Hóa"
ADDRESS = "Số 190 Lê Hoàn, phường Điện Biên, thành phố Thanh Hóa, tỉnh Thanh Hóa"
MENU = ("Thời sự", "Chính trị", "Xây dựng Đảng", "Kinh tế", "Xã hội", "Văn hóa", "Thể thao", "Pháp luật")
SECTION_SLUGS = {"Xây dựng Đảng": "xay-dung-dang", "Kinh tế": "kinh-te", "Chính trị": "chinh-tri"}
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

COMMENTS = (
    ("Nguyễn Văn Bình", "Mô hình này rất đáng để các địa phương khác học tập và nhân rộng."),
    ("Lê Thị Hồng", "Mong rằng chi bộ tiếp tục duy trì nề nếp sinh hoạt như thế này trong những năm tới."),
)


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def slugify(name: str) -> str:
    if name in SECTION_SLUGS:
        return SECTION_SLUGS[name]
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())


def path_of(article: dict) -> str:
    path = urlsplit(article["url"]).path
    parts = [p for p in path.split("/") if p]
    if len(parts) == 3 and parts[2].endswith(".htm"):
        return f"/{parts[1]}-{parts[2]}"
    return path


def _paragraphs(article: dict) -> list[str]:
    return [p for p in article["body"].split("\n\n") if p.strip()]


def _when(article: dict) -> datetime:
    return datetime.fromisoformat(article["published"])


def _teasers(article: dict, others: list[dict]) -> list[dict]:
    pool = [o for o in others if o.get("id") != article.get("id")]
    if not pool:
        return []
    start = sum(ord(c) for c in str(article.get("id"))) % len(pool)
    return [pool[(start + i) % len(pool)] for i in range(min(3, len(pool)))]


def _head(article: dict, extra_title: bool, css: str) -> str:
    title = article["title"] + (f" - {SITE}" if extra_title else "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n"
        f'<meta name="description" content="{e(article["lead"])}">\n'
        f'<meta property="og:title" content="{e(article["title"])}">\n'
        '<meta property="og:type" content="website">\n'
        f'<meta property="og:site_name" content="{e(SITE)}">\n'
        f'<link rel="canonical" href="https://baothanhhoa.vn{e(path_of(article))}">\n'
        f'<link rel="stylesheet" href="/static/{css}.css">\n'
        "</head>\n"
    )


# --------------------------------------------------------------------------------------------------
# Style 1, "lam-son": a modern semantic layout. <header><nav> menu, <ol> breadcrumb, <h1>, long date
# with weekday and GMT+7, plain <p> paragraphs with a <figure> between them, author right-aligned,
# then tags, share buttons, comments and teasers inside the same <div> as the paragraphs.
# --------------------------------------------------------------------------------------------------


def _lam_son(article: dict, others: list[dict]) -> str:
    when = _when(article)
    date_text = f"{WEEKDAYS[when.weekday()]}, {when:%d/%m/%Y}, {when:%H:%M} (GMT+7)"
    section = article["section"]
    paras = _paragraphs(article)
    figure = (
        '<figure class="anh-giua-bai">\n'
        f'<img src="/uploads/{article["id"]}/anh-1.jpg" alt="Ảnh minh họa" width="680">\n'
        "<figcaption>Quang cảnh buổi sinh hoạt tại địa phương (ảnh tư liệu).</figcaption>\n"
        "</figure>\n"
    )
    body: list[str] = []
    for i, para in enumerate(paras):
        if i == min(1, len(paras) - 1):  # between the first two paragraphs, or before a lone one
            body.append(figure)
        body.append(f"<p>{e(para)}</p>\n")
    body.append(f'<p style="text-align:right"><strong>{e(article["author"])}</strong></p>\n')

    menu = "".join(f'<li><a href="/{slugify(m)}.htm">{e(m)}</a></li>' for m in MENU)
    teasers = "".join(
        '<li class="tin-lq-muc">'
        f'<a class="tin-lq-ten" href="{e(path_of(o))}">{e(o["title"])}</a>'
        f'<p class="tin-lq-mota">{e(o["lead"])}</p></li>\n'
        for o in _teasers(article, others)
    )
    comments = "".join(
        f'<div class="ykien-dong"><span class="ykien-ten">{e(name)}</span>'
        f'<p class="ykien-noidung">{e(text)}</p><span class="ykien-luc">2 giờ trước</span></div>\n'
        for name, text in COMMENTS
    )
    return (
        _head(article, True, "lamson")
        + '<body class="trang-chi-tiet">\n'
        + '<header id="dau-trang"><a class="logo-bao" href="/">'
        + e(SITE)
        + "</a>\n"
        + f'<nav class="thanh-menu"><ul><li><a href="/">Trang chủ</a></li>{menu}</ul></nav>\n</header>\n'
        + '<main id="khu-chinh">\n'
        + '<ol class="duong-dan"><li><a href="/">Trang chủ</a></li>'
        + f'<li><a href="/{slugify(section)}.htm">{e(section)}</a></li></ol>\n'
        + f'<h1 class="tieude-lon">{e(article["title"])}</h1>\n'
        + f'<div class="dong-thoigian"><span class="ngay-dang">{e(date_text)}</span></div>\n'
        + f'<p class="doan-mo"><b>(Baothanhhoa.vn) - </b>{e(article["lead"])}</p>\n'
        + '<div id="noidung-chitiet" class="vung-van-ban">\n'
        + "".join(body)
        + '<div class="the-tu-khoa">Từ khóa: '
        + f'<a href="/tag/{slugify(section)}.htm">{e(section)}</a>, <a href="/tag/thanh-hoa.htm">Thanh Hóa</a></div>\n'
        + '<div class="chia-se">Chia sẻ: <a href="#">Facebook</a> <a href="#">Zalo</a> '
        + '<a href="#">Twitter</a> <a href="#">In bài</a></div>\n'
        + '<section class="khung-ykien"><h3>Ý kiến bạn đọc</h3>\n'
        + comments
        + "</section>\n"
        + '<section class="tin-lien-quan"><h3>Tin cùng chuyên mục</h3><ul>\n'
        + teasers
        + "</ul></section>\n"
        + "</div>\n</main>\n"
        + f'<footer id="cuoi-trang"><p>{e(SITE)} - Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh Thanh Hóa</p>'
        + f"<p>Địa chỉ: {e(ADDRESS)}. Điện thoại: 0237.3852.399</p></footer>\n"
        + "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------------
# Style 2, "ham-rong": a <div>-only CMS layout. Category link above a <h2> title, date as
# "09:30 - 30/03/2021", lead without prefix, each paragraph a <div class="doan-vb">, author as
# "Bài và ảnh: <name>"; comments ("Bình luận (2)") and teasers inside the same wrapper as the body.
# --------------------------------------------------------------------------------------------------


def _ham_rong(article: dict, others: list[dict]) -> str:
    when = _when(article)
    date_text = f"{when:%H:%M} - {when:%d/%m/%Y}"
    section = article["section"]
    menu = " ".join(f'<div class="mn-o"><a href="/{slugify(m)}.htm">{e(m)}</a></div>' for m in MENU)
    body = "".join(f'<div class="doan-vb">{e(p)}</div>\n' for p in _paragraphs(article))
    body += f'<div class="doan-vb ky-ten">Bài và ảnh: {e(article["author"])}</div>\n'
    teasers = "".join(
        '<div class="o-goi-y">'
        f'<div class="goi-y-tde"><a href="{e(path_of(o))}">{e(o["title"])}</a></div>'
        f'<div class="goi-y-sapo">{e(o["lead"])}</div></div>\n'
        for o in _teasers(article, others)
    )
    comments = "".join(
        f'<div class="bl-item"><div class="bl-nguoi">{e(name)}</div><div class="bl-chu">{e(text)}</div>'
        '<div class="bl-thao-tac">Thích · Trả lời</div></div>\n'
        for name, text in COMMENTS
    )
    return (
        _head(article, False, "hamrong")
        + "<body>\n"
        + '<div id="wrap-all">\n'
        + f'<div class="top-bar"><div class="top-logo"><a href="/">{e(SITE)}</a></div>'
        + '<div class="top-ngay">Cập nhật tin tức Thanh Hóa 24h</div></div>\n'
        + f'<div class="mn-ngang"><div class="mn-o"><a href="/">Trang nhất</a></div> {menu}</div>\n'
        + '<div class="cot-trai">\n'
        + f'<div class="nhan-muc"><a href="/{slugify(section)}.htm" class="nhan-muc-link">{e(section)}</a></div>\n'
        + f'<h2 class="tde-bai">{e(article["title"])}</h2>\n'
        + f'<div class="tg-dang"><span>{e(date_text)}</span> <span class="luot-xem">Lượt xem: 1.204</span></div>\n'
        + f'<div class="sapo-bai">{e(article["lead"])}</div>\n'
        + '<div class="than-bai" id="tb-noidung">\n'
        + body
        + '<div class="nut-chia-se"><span>Chia sẻ bài viết</span> <a href="#">Facebook</a> '
        + '<a href="#">Zalo</a> <a href="#">Sao chép liên kết</a></div>\n'
        + '<div class="the-bai">Tags: <a href="/tag/dang-vien.htm">đảng viên</a> · '
        + f'<a href="/tag/{slugify(section)}.htm">{e(section.lower())}</a></div>\n'
        + f'<div class="khu-binh-luan"><div class="bl-dem">Bình luận ({len(COMMENTS)})</div>\n'
        + comments
        + '<div class="bl-form">Gửi bình luận của bạn (Họ tên, Email)</div></div>\n'
        + '<div class="khu-goi-y"><div class="goi-y-nhan">Đọc thêm</div>\n'
        + teasers
        + "</div>\n"
        + "</div>\n</div>\n"
        + '<div class="cot-phai"><div class="hop-nong">Tin đọc nhiều</div></div>\n'
        + f'<div class="chan-trang">Bản quyền thuộc {e(SITE)}. {e(ADDRESS)}. Email: baothanhhoa@gmail.com</div>\n'
        + "</div>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------------
# Style 3, "sam-son": an older portal template. Title in a <div class="ttl-lon">, breadcrumb as a
# "vi-tri" line with » separators, date "Ngày đăng: 30.03.2021 | 09:30", all paragraphs inside one
# <div> separated by <br><br>, author as bare bold name; "Độc giả bình luận" in the same outer box.
# --------------------------------------------------------------------------------------------------


def _sam_son(article: dict, others: list[dict]) -> str:
    when = _when(article)
    date_text = f"Ngày đăng: {when:%d.%m.%Y} | {when:%H:%M}"
    section = article["section"]
    menu = " | ".join(f'<a class="lk-menu" href="/{slugify(m)}.htm">{e(m)}</a>' for m in MENU)
    text = "<br><br>".join(e(p) for p in _paragraphs(article))
    text += f"<br><br><b>{e(article['author'])}</b>"
    teasers = "".join(
        f'<div class="tin-khac"><a class="tk-link" href="{e(path_of(o))}">{e(o["title"])}</a><br>{e(o["lead"])}</div>\n'
        for o in _teasers(article, others)
    )
    comments = "".join(
        f'<div class="dg-bl"><b class="dg-ten">{e(name)}</b> (Thanh Hóa):<br>{e(txt)}</div>\n' for name, txt in COMMENTS
    )
    return (
        _head(article, True, "samson")
        + '<body bgcolor="#ffffff">\n'
        + f'<div id="tieu-de-trang"><img src="/images/logo-bth.png" alt="{e(SITE)}"></div>\n'
        + f'<div id="menu-chinh"><a class="lk-menu" href="/">Trang chủ</a> | {menu}</div>\n'
        + '<div id="khung-giua">\n'
        + '<div class="vi-tri"><a href="/">Trang chủ</a> » '
        + f'<a href="/{slugify(section)}.htm">{e(section)}</a></div>\n'
        + '<div class="hop-bai-viet">\n'
        + f'<div class="ttl-lon">{e(article["title"])}</div>\n'
        + f'<div class="ngay-cn">{e(date_text)}</div>\n'
        + f'<div class="tom-luoc"><i>(Baothanhhoa.vn) - {e(article["lead"])}</i></div>\n'
        + f'<div class="vanban-bai">{text}</div>\n'
        + '<div class="cs-mxh">Chia sẻ: Facebook | Zalo | Email | In</div>\n'
        + f'<div class="tu-khoa-bai">Từ khóa: {e(section)}; Thanh Hóa; cơ sở đảng</div>\n'
        + '<div class="doc-gia"><div class="dg-tieude">Độc giả bình luận</div>\n'
        + comments
        + "</div>\n"
        + '<div class="cac-tin-khac"><div class="ctk-tieude">Các tin khác</div>\n'
        + teasers
        + "</div>\n"
        + "</div>\n</div>\n"
        + f'<div id="chan">{e(SITE)} — Địa chỉ: {e(ADDRESS)}<br>Giấy phép số 123/GP-BTTTT</div>\n'
        + "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------------
# Style 4, "ba-trieu": a legacy table layout. Menu in a <table>, section as a tab-like <td> link, <h1>
# title, date "30/03/2021 09:30", Word-pasted <p class="MsoNormal"> paragraphs with an image table
# (<caption>) between them, author "Bài, ảnh: <name>" in <p align="right">; comments and teasers in other cells.
# --------------------------------------------------------------------------------------------------


def _ba_trieu(article: dict, others: list[dict]) -> str:
    when = _when(article)
    date_text = f"{when:%d/%m/%Y %H:%M}"
    section = article["section"]
    paras = _paragraphs(article)
    image = (
        '<table class="bang-anh" align="center" width="600"><caption>Các đại biểu tham dự hội nghị.</caption>'
        f'<tr><td><img src="/Uploads/Images/{article["id"]}_01.jpg" width="600" alt=""></td></tr></table>\n'
    )
    body: list[str] = []
    for i, para in enumerate(paras):
        if i == len(paras) - 1 and len(paras) > 1:
            body.append(image)
        body.append(f'<p class="MsoNormal" style="text-align:justify">{e(para)}</p>\n')
    if len(paras) <= 1:
        body.append(image)
    body.append(f'<p align="right"><b>Bài, ảnh: {e(article["author"])}</b></p>\n')
    menu = "".join(f'<td class="o-menu"><a href="/{slugify(m)}.htm">{e(m)}</a></td>' for m in MENU)
    teasers = "".join(
        f'<tr><td class="tn-dong"><a href="{e(path_of(o))}"><b>{e(o["title"])}</b></a><br>'
        f'<span class="tn-tomtat">{e(o["lead"])}</span></td></tr>\n'
        for o in _teasers(article, others)
    )
    comments = "".join(
        f'<tr><td class="yk-ten">{e(name)}</td><td class="yk-noidung">{e(txt)}</td></tr>\n' for name, txt in COMMENTS
    )
    return (
        _head(article, True, "batrieu")
        + "<body>\n"
        + '<table id="bang-khung" width="980" align="center" cellpadding="0" cellspacing="0">\n'
        + f'<tr><td colspan="2" class="o-logo"><a href="/">{e(SITE)}</a></td></tr>\n'
        + '<tr><td colspan="2"><table class="bang-menu"><tr><td class="o-menu"><a href="/">Trang chủ</a></td>'
        + f"{menu}</tr></table></td></tr>\n"
        + '<tr><td class="cot-noi-dung" valign="top">\n'
        + f'<table class="the-muc"><tr><td class="muc-hientai"><a href="/{slugify(section)}.htm">{e(section)}</a>'
        + "</td></tr></table>\n"
        + f'<h1 class="tieu-de-bai">{e(article["title"])}</h1>\n'
        + f'<div class="thoi-gian-dang">{e(date_text)}</div>\n'
        + f'<p class="MsoNormal mo-dau"><b>{e(article["lead"])}</b></p>\n'
        + '<div id="ctl00_noidung">\n'
        + "".join(body)
        + "</div>\n"
        + '<table class="bang-cs"><tr><td>Gửi bài viết qua Email</td><td>In trang</td><td>Chia sẻ Facebook</td>'
        + "</tr></table>\n"
        + f'<div class="dong-tag">Tìm kiếm theo từ khóa: {e(section)}, Báo Thanh Hóa</div>\n'
        + f'<table class="bang-y-kien"><tr><th colspan="2">Ý kiến bạn đọc ({len(COMMENTS)})</th></tr>\n'
        + comments
        + "</table>\n"
        + '</td>\n<td class="cot-phu" valign="top">\n'
        + '<table class="bang-tin-noi"><tr><th>Tin nổi bật</th></tr>\n'
        + teasers
        + "</table>\n</td></tr>\n"
        + f'<tr><td colspan="2" class="o-chan">{e(SITE)} · {e(ADDRESS)} · Fax: 0237.3852.104</td></tr>\n'
        + "</table>\n</body>\n</html>\n"
    )


_RENDERERS = {"lam-son": _lam_son, "ham-rong": _ham_rong, "sam-son": _sam_son, "ba-trieu": _ba_trieu}


def render(article: dict, style: str, others: list[dict]) -> str:
    try:
        renderer = _RENDERERS[style]
    except KeyError:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}") from None
    return renderer(article, others)
