"""How Vietnamese news pages mark what is not the article, as data: the generic stages of the loader
(crawler/generic/reading.py) read any paper's page with these when its own selectors find nothing.

Words are matched in lower case; class and id hints as whole words of a class or id (`tin-khac`,
`binhluan`, `comment-list`).
"""

from __future__ import annotations

# Headings that open a block of furniture: what follows them is not the article.
FURNITURE_HEADINGS = (
    "tin liên quan", "tin cùng chuyên mục", "tin cùng chủ đề", "tin khác", "các tin khác", "tin mới",
    "tin mới nhất", "tin đọc nhiều", "đọc nhiều", "xem nhiều", "đọc thêm", "xem thêm", "bài liên quan",
    "bài viết liên quan", "có thể bạn quan tâm", "có thể bạn chưa đọc", "bạn đọc viết", "ý kiến bạn đọc",
    "ý kiến của bạn", "bình luận", "gửi bình luận", "viết bình luận", "phản hồi", "tin nổi bật", "tiêu điểm",
    "chủ đề", "từ khóa", "tags", "chia sẻ",
)  # fmt: skip
# Short lines that are furniture wherever they stand.
FURNITURE_LINES = (
    "chia sẻ", "in bài", "gửi bài", "lưu bài", "theo dõi", "quay lại", "về đầu trang", "bình luận",
    "trang chủ", "từ khóa", "tags", "zalo", "facebook", "twitter",
)  # fmt: skip
# Words of a class or id that mark furniture: menus, comments, related boxes, share bars, ads.
NEGATIVE_HINTS = (
    "nav", "menu", "topbar", "footer", "foot", "header", "masthead", "sidebar", "widget", "banner", "ads",
    "advert", "quangcao", "comment", "comments", "cmt", "binhluan", "binh-luan", "ykien", "y-kien", "feedback",
    "reader", "related", "lienquan", "lien-quan", "othernews", "other-news", "tinkhac", "tin-khac", "more",
    "read-more", "readmore", "more-news", "share", "sns", "social", "print", "tag", "tags", "labels", "keyword",
    "keywords", "kw", "breadcrumb", "breadcrumbs", "crumbs", "popular", "most-read", "hot", "subscribe",
    "newsletter", "rating", "vote", "poll", "copyright", "bottom",
    # the same in Vietnamese class names
    "chan", "chantrang", "chan-trang", "dautrang", "dau-trang", "quangcao", "quang-cao", "chiase", "chia-se",
    "tukhoa", "tu-khoa", "docgia", "doc-gia", "lienquan",
)  # fmt: skip
# Text that only a page's footer or masthead holds: a block with it is not the article.
MASTHEAD_TEXT = ("bản quyền", "giấy phép", "tổng biên tập", "cơ quan chủ quản", "©", "copyright",
                 "ghi rõ nguồn", "địa chỉ tòa soạn", "điện thoại:", "email:", "fax:", "đường dây nóng",
                 "hotline")  # fmt: skip
# Words of a class or id that mark the article's parts.
LEAD_HINTS = ("sapo", "lead", "summary", "desc", "description", "intro", "chapeau", "tomtat", "tom-tat", "excerpt")
# Words of a class or id that mark the byline: a short block there is the author, not the body.
AUTHOR_HINTS = ("author", "tacgia", "tac-gia", "byline", "sign", "signature", "writer", "butdanh")
DATE_HINTS = ("date", "time", "ngay", "pub", "published", "meta", "info", "byline", "thoigian", "thoi-gian")
BREADCRUMB_HINTS = ("breadcrumb", "breadcrumbs", "crumbs", "crumb", "duongdan", "duong-dan", "path", "cate",
                    "category", "chuyenmuc", "chuyen-muc")  # fmt: skip
# Link texts of a breadcrumb that are the site, not a section.
HOME_WORDS = ("trang chủ", "trang nhất", "home", "trang chính")
# What opens a byline: `Bài và ảnh: Lê Hà`, `Theo Lê Hà`, `Nhóm PV`.
BYLINE_PREFIXES = ("bài và ảnh", "bài, ảnh", "tin và ảnh", "tin, ảnh", "bài và ảnh:", "bài", "tin", "ảnh",
                   "theo", "nhóm phóng viên", "nhóm pv", "pv", "ctv")  # fmt: skip
