import pytest

from crawler.sites.baothanhhoa import SITE

article_id, section_url, strip_tracking = SITE.article_id, SITE.section_url, SITE.strip_tracking


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://baothanhhoa.vn/chi-bo-khu-pho-3-lam-tot-cong-tac-phat-trien-dang-161020.htm", "161020"),
        ("/xay-dung-dang/dang-bo-xa-xuan-cam-chu-trong-phat-trien-dang-vien/140871.htm", "140871"),
        ("https://baothanhhoa.vn/tin-nbspmoi-141203.htm?utm_source=zalo#top", "141203"),
        ("https://baothanhhoa.vn/xay-dung-dang.htm", None),
        ("https://baothanhhoa.vn/xay-dung-dang/trang-2.htm", None),
        ("https://baothanhhoa.vn/dia-phuong/tp-thanh-hoa.htm", None),
        ("https://baothanhhoa.vn/tag/12.htm", None),
        ("", None),
        (None, None),
    ],
)
def test_article_id(url, expected):
    assert article_id(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.vn/a-1234.htm?utm_source=zalo&utm_medium=share", "https://x.vn/a-1234.htm"),
        ("https://x.vn/a-1234.htm?fbclid=abc&page=2#c", "https://x.vn/a-1234.htm?page=2"),
        ("https://x.vn/a-1234.htm", "https://x.vn/a-1234.htm"),
    ],
)
def test_strip_tracking(url, expected):
    assert strip_tracking(url) == expected


def test_section_url():
    assert section_url("https://baothanhhoa.vn/", "xay-dung-dang") == "https://baothanhhoa.vn/xay-dung-dang.htm"
    assert (
        section_url("https://baothanhhoa.vn", "xay-dung-dang", 3) == "https://baothanhhoa.vn/xay-dung-dang/trang-3.htm"
    )
