"""Write a sample site of N articles in the site's layout, for the benchmark.

Party-building paragraphs are assembled from templates with varied organizations, numbers,
metrics and document citations (and filler prose with distractor numbers), so that extraction
works as hard as on real articles. About 1% of the articles are in the old layout at their old
paths, and about 0.2% have a body written by script. Sections list 20 stories a page.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PER_PAGE = 20
FIRST_ID = 200_000
DISTRICTS = ["Thường Xuân", "Nga Sơn", "Như Thanh", "Quảng Xương", "Hậu Lộc", "Cẩm Thủy", "Vĩnh Lộc", "Triệu Sơn",
             "Thọ Xuân", "Lang Chánh", "Yên Định", "Thiệu Hóa", "Hoằng Hóa", "Hà Trung", "Nông Cống", "Ngọc Lặc"]  # fmt: skip
COMMUNES = ["Thọ Thanh", "Xuân Cẩm", "Hoằng Đạt", "Quảng Phú", "Định Hòa", "Nga Thủy", "Thiệu Giao", "Hoằng Lộc",
            "Định Tân", "Xuân Lam", "Quảng Thắng", "Đông Hương", "Ba Đình", "Trường Thi", "Yên Lược", "Pù Nhi"]  # fmt: skip
AUTHORS = ["Thu Trang", "Lê Hà", "Minh Hiếu", "Trần Thanh", "Phạm Thúy", "Hoàng Linh", "Quốc Hương", "Mai Anh"]
LEVELS = [("huyện", DISTRICTS), ("xã", COMMUNES), ("phường", COMMUNES), ("thị trấn", DISTRICTS)]
FIGURE_TEMPLATES = [
    "{org} hiện có {a} chi bộ với {b} đảng viên; trong đó có {c} chi bộ thôn, {d} chi bộ cơ quan.",
    "Năm {y}, {org} kết nạp được {e} đảng viên mới, đạt {p},{q}% kế hoạch.",
    "Qua kiểm điểm, đánh giá năm {y}, {org} có {f}/{a} chi bộ hoàn thành tốt nhiệm vụ trở lên, đạt {p},{q}%; không có chi bộ yếu kém.",
    "Tỷ lệ đảng viên hoàn thành xuất sắc nhiệm vụ của {org} tăng từ {p}% năm {y0} lên {p2}% năm {y}.",
    "Năm {y}, Ủy ban Kiểm tra Huyện ủy {district} đã kiểm tra {g} tổ chức đảng, giám sát {h} đảng viên; thi hành kỷ luật {i} đảng viên.",
    "Nhân dịp kỷ niệm {k} năm Ngày thành lập Đảng, Huyện ủy {district} trao Huy hiệu Đảng cho {j} đảng viên.",
    "{org} phấn đấu đến năm {y2} kết nạp {e2} đảng viên, 100% chi bộ hoàn thành nhiệm vụ.",
    "Số đảng viên không hoàn thành nhiệm vụ của {org} giảm từ {i2} xuống còn {i}.",
]
FILLER = [
    "Thực hiện Nghị quyết số {n}-NQ/TW, ngày {dd}-{mm}-{yy} của Ban Chấp hành Trung ương Đảng khóa XIII, các cấp ủy đã tập trung lãnh đạo, chỉ đạo đổi mới nội dung, hình thức sinh hoạt chi bộ.",
    "Hội nghị có sự tham dự của {k2} đại biểu; toàn xã có {hh} hộ dân, thu nhập bình quân đạt {inc} triệu đồng/người/năm.",
    "Cấp ủy đã phân công các đồng chí ủy viên phụ trách theo dõi, dự sinh hoạt với các chi bộ, kịp thời tháo gỡ khó khăn, vướng mắc ở cơ sở.",
    "Với tinh thần đổi mới phương thức lãnh đạo của Đảng, việc xây dựng chi bộ tốt, đảng viên tốt được quan tâm, góp phần thực hiện thắng lợi nhiệm vụ chính trị ở địa phương.",
    "Bám sát Chỉ thị số {n2}-CT/TW của Ban Bí thư, các chi bộ đã nâng cao chất lượng sinh hoạt định kỳ, gắn với những công việc cụ thể, rõ cách làm.",
]


@dataclass
class Article:
    id: int
    slug: str
    title: str
    lead: str
    paragraphs: list[str]
    author: str
    published: str
    old_layout: bool
    scripted: bool

    @property
    def path(self) -> str:
        return f"/xay-dung-dang/{self.slug}/{self.id}.htm" if self.old_layout else f"/{self.slug}-{self.id}.htm"

    def fields(self) -> dict[str, str]:
        """The article's fields as a crawl stores them (before figures): for benchmarks that fill a
        database without crawling."""
        return {"id": str(self.id), "url": f"https://baothanhhoa.vn/{self.slug}-{self.id}.htm", "title": self.title,
                "lead": self.lead, "body": "\n\n".join(self.paragraphs), "author": self.author,
                "published_at": self.published, "section": "Xây dựng Đảng"}  # fmt: skip


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFD", title.replace("Đ", "D").replace("đ", "d"))
    ascii_title = "".join(c for c in ascii_title if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_title).split())[:80]


def _vn(number: int) -> str:
    """5322 → "5.322": the dot groups thousands in Vietnamese."""
    return f"{number:,}".replace(",", ".")


def make_article(i: int, rng: random.Random) -> Article:
    level, names = rng.choice(LEVELS)
    place = rng.choice(names)
    org = f"Đảng bộ {level} {place}"
    district = rng.choice(DISTRICTS)
    year = rng.randint(2015, 2024)
    a = rng.randint(8, 60)
    values = {
        "org": org, "district": district, "y": year, "y0": year - rng.randint(2, 5), "y2": year + rng.randint(1, 3),
        "a": a, "b": _vn(a * rng.randint(20, 60)), "c": rng.randint(1, a // 2), "d": rng.randint(1, a // 3 + 1),
        "e": rng.randint(3, 300), "e2": rng.randint(100, 500), "f": rng.randint(a // 2, a), "p": rng.randint(10, 95),
        "p2": rng.randint(10, 99), "q": rng.randint(0, 9), "g": rng.randint(2, 40), "h": rng.randint(5, 80),
        "i": rng.randint(1, 9), "i2": rng.randint(10, 20), "j": rng.randint(20, 400), "k": rng.randint(85, 95),
        "k2": rng.randint(50, 300), "hh": _vn(rng.randint(800, 5000)), "inc": rng.randint(30, 80), "n": rng.randint(1, 40),
        "n2": rng.randint(1, 40), "dd": rng.randint(1, 28), "mm": rng.randint(1, 12), "yy": rng.randint(2005, 2022),
    }  # fmt: skip
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        sentences = [rng.choice(FIGURE_TEMPLATES if rng.random() < 0.6 else FILLER) for _ in range(rng.randint(1, 3))]
        paragraphs.append(" ".join(s.format(**values) for s in sentences))
    title = f"{org} nâng cao chất lượng tổ chức cơ sở đảng ({i})"
    lead = f"Công tác xây dựng Đảng ở {level} {place} có nhiều chuyển biến trong năm {year}."
    day = 1 + i % 28
    published = f"{2015 + i % 10}-{1 + i % 12:02d}-{day:02d}T{7 + i % 12:02d}:{i % 60:02d}:00+07:00"
    return Article(FIRST_ID + i, slugify(title), title, lead, paragraphs, rng.choice(AUTHORS), published,
                   old_layout=i % 100 == 37, scripted=i % 500 == 211)  # fmt: skip


def _vn_date(iso: str) -> str:
    days = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
    from datetime import datetime

    dt = datetime.fromisoformat(iso)
    return f"{days[dt.weekday()]}, {dt:%d/%m/%Y %H:%M}"


HEAD = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title} - Báo Thanh Hóa</title>
{meta}
</head>
<body>
<header class="site-header"><a class="logo" href="/">Báo Thanh Hóa</a>
<nav class="main-menu"><ul><li><a href="/thoi-su.htm">Thời sự</a></li><li><a href="/xay-dung-dang.htm">Xây dựng Đảng</a></li></ul></nav>
</header>
<div class="container">
<main class="main-col">
"""
FOOT = """</main>
<aside class="sidebar"><div class="box box-local"><h3 class="box__title">Địa phương</h3></div>
<div class="box box-weather"><h3 class="box__title">Thời tiết</h3></div></aside>
</div>
<footer class="site-footer"><div class="share-box">Chia sẻ thông tin với bạn bè!</div></footer>
</body>
</html>
"""
SCRIPT = """<script>
(function () {
  var box = document.querySelector(".article__content");
  var bytes = Uint8Array.from(atob(box.getAttribute("data-content")), function (c) { return c.charCodeAt(0); });
  new TextDecoder("utf-8").decode(bytes).split("\\u241e").forEach(function (para) {
    var p = document.createElement("p"); p.textContent = para; box.parentNode.insertBefore(p, box);
  });
  box.remove();
})();
</script>"""


def render_article(art: Article, base: str = "https://baothanhhoa.vn") -> str:
    e = html.escape
    canonical = base + art.path
    if art.old_layout:
        meta = f'<meta property="og:url" content="{canonical}">\n<meta property="og:title" content="{e(art.title)}">'
        body = "\n".join(f"<p>{e(p)}</p>" for p in art.paragraphs)
        main = (
            f'<div class="detail"><div class="cate-detail"><a href="/xay-dung-dang.htm">Xây dựng Đảng</a></div>\n'
            f'<h1 class="title-detail">{e(art.title)}</h1>\n<div class="date-time">{_vn_date(art.published)}</div>\n'
            f'<div class="sapo-detail">(Baothanhhoa.vn) - {e(art.lead)}</div>\n<div id="content-detail">\n{body}\n'
            f'<p style="text-align: right;"><strong>{e(art.author)}</strong></p>\n</div>\n'
            f'<div class="other-news"><p>(Baothanhhoa.vn) - Tin khác của chuyên mục.</p></div></div>\n'
        )
        return HEAD.format(title=e(art.title), meta=meta) + main + FOOT
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": art.title,
          "datePublished": art.published, "author": {"@type": "Person", "name": art.author},
          "articleSection": "Xây dựng Đảng", "mainEntityOfPage": canonical}  # fmt: skip
    meta = (
        f'<link rel="canonical" href="{canonical}">\n<meta property="og:title" content="{e(art.title)}">\n'
        f'<meta property="og:description" content="(Baothanhhoa.vn) - {e(art.lead)}">\n'
        f'<meta property="article:published_time" content="{art.published}">\n'
        f'<meta property="article:section" content="Xây dựng Đảng">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    )
    if art.scripted:
        blob = base64.b64encode("\u241e".join(art.paragraphs).encode("utf-8")).decode("ascii")
        body = f'<div class="article__content" data-content="{blob}"></div>\n{SCRIPT}'
    else:
        body = "\n".join(f"<p>{e(p)}</p>" for p in art.paragraphs)
    main = (
        '<div class="box box-related"><h3 class="box__title">Tin liên quan</h3></div>\n'
        '<ul class="breadcrumb"><li><a href="/chinh-tri.htm">Chính trị</a></li><li><a href="/xay-dung-dang.htm">Xây dựng Đảng</a></li></ul>\n'
        f'<article class="article" data-id="{art.id}">\n<h1 class="article__title">{e(art.title)}</h1>\n'
        f'<div class="article__meta"><span class="article__date">{_vn_date(art.published)}</span></div>\n'
        f'<div class="article__share"><span class="article__share-title">{e(art.title)}</span></div>\n'
        f'<h2 class="article__sapo">(Baothanhhoa.vn) - {e(art.lead)}</h2>\n<div class="article__body">\n{body}\n'
        f'<p class="article__author" style="text-align:right"><strong>{e(art.author)}</strong></p>\n</div>\n'
        f'<div class="article__tags"><a href="/tag/1.htm">xây dựng Đảng</a></div>\n</article>\n'
        '<section class="comments"><div class="comments__count">0 bình luận</div></section>\n'
    )
    return HEAD.format(title=e(art.title), meta=meta) + main + FOOT


def render_listing(section: str, title: str, page: int, pages: int, stories: list[Article]) -> str:
    e = html.escape
    items = "\n".join(
        f'<div class="story"><a class="story__thumb" href="{a.path}"></a>'
        f'<h3 class="story__title"><a href="{a.path}">{e(a.title)}</a></h3>'
        f'<p class="story__sapo">(Baothanhhoa.vn) - {e(a.lead)}</p></div>'
        for a in stories
    )
    nxt = f'<a class="next" rel="next" href="/{section}/trang-{page + 1}.htm">Trang sau</a>' if page < pages else ""
    main = f'<h1 class="section-title">{title}</h1>\n<div class="story-list">\n{items}\n</div>\n<div class="pagination">{nxt}</div>\n'
    return HEAD.format(title=title, meta="") + main + FOOT


def generate(root: Path, n: int, seed: int = 1) -> dict:
    """Write the site under `root`; returns counts of what was written."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /tim-kiem\nDisallow: /admin/\n", "utf-8")
    articles = [make_article(i, rng) for i in range(n)]
    for art in articles:
        path = root / art.path.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_article(art), "utf-8")
    newest_first = articles[::-1]
    pages = max(1, -(-n // PER_PAGE))
    for page in range(1, pages + 1):
        stories = newest_first[(page - 1) * PER_PAGE : page * PER_PAGE]
        name = "xay-dung-dang.htm" if page == 1 else f"xay-dung-dang/trang-{page}.htm"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(render_listing("xay-dung-dang", "Xây dựng Đảng", page, pages, stories), "utf-8")
    return {"articles": n, "listing_pages": pages, "old_layout": sum(a.old_layout for a in articles),
            "scripted": sum(a.scripted for a in articles)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sitegen", description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="folder to write the site into")
    parser.add_argument("-n", type=int, default=5000, help="number of articles (default 5000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    print(json.dumps(generate(args.root, args.n, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
