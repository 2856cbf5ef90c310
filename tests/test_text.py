import unicodedata

import pytest

from crawler.sites.baothanhhoa import SITE
from crawler.text import clean_text, normalize, normalize_iso_datetime, parse_vn_datetime

strip_lead_prefix, is_teaser = SITE.strip_lead_prefix, SITE.is_teaser

NFD = unicodedata.normalize("NFD", "Đảng bộ xã Thọ Thanh")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Chi bộ\u00a0khu phố 3 ", "Chi bộ khu phố 3"),
        ("đảng\u200bviên", "đảngviên"),
        ("năm\u202f2020", "năm 2020"),
        ("a\n\t b", "a b"),
        ("\ufeffĐảng", "Đảng"),
        ("soft\u00adhyphen", "softhyphen"),
        (NFD, "Đảng bộ xã Thọ Thanh"),
        ("hoà", "hoà"),  # old-style tone placement is kept: it is NFC already, and the text as written
        ("", ""),
        (None, ""),
    ],
)
def test_clean_text(raw, expected):
    result = clean_text(raw)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(Baothanhhoa.vn) - Công tác kiểm tra", "Công tác kiểm tra"),
        ("(Baothanhhoa.vn) – Công tác", "Công tác"),
        ("(baothanhhoa.vn)-Công tác", "Công tác"),
        ("Công tác (Baothanhhoa.vn) - x", "Công tác (Baothanhhoa.vn) - x"),
    ],
)
def test_strip_lead_prefix(raw, expected):
    assert strip_lead_prefix(raw) == expected


def test_is_teaser():
    assert is_teaser("(Baothanhhoa.vn) - Chi bộ khu phố 3")
    assert not is_teaser("Chi bộ khu phố 3 (Baothanhhoa.vn)")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thứ Hai, 05/04/2021 08:15", "2021-04-05T08:15:00+07:00"),
        ("Thứ Hai, 29/03/2021 | 09:30", "2021-03-29T09:30:00+07:00"),
        ("5/4/2021", "2021-04-05T00:00:00+07:00"),
        ("Thứ Ba, 30/3/2021 - 09:30", "2021-03-30T09:30:00+07:00"),
        ("09:30 30/03/2021", "2021-03-30T09:30:00+07:00"),
        ("Cập nhật: 30-03-2021 09:30", "2021-03-30T09:30:00+07:00"),
        ("30.03.2021, 9h30", "2021-03-30T09:30:00+07:00"),
        ("Cập nhật 14g05 ngày 12/01/2023", "2023-01-12T14:05:00+07:00"),
        ("Ngày 30 tháng 3 năm 2021", "2021-03-30T00:00:00+07:00"),
        ("Ảnh chụp năm 2021, số 12/2021", None),
        ("30/03-2021", None),
        ("32/01/2021 10:00", None),
        ("không có ngày", None),
        (None, None),
    ],
)
def test_parse_vn_datetime(raw, expected):
    assert parse_vn_datetime(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-04-05T08:15:00+07:00", "2021-04-05T08:15:00+07:00"),
        ("2021-04-05T01:15:00Z", "2021-04-05T08:15:00+07:00"),
        ("2021-04-05T08:15:00.123+07:00", "2021-04-05T08:15:00+07:00"),
        ("2021-04-05", "2021-04-05T00:00:00+07:00"),
        ("05/04/2021", None),
        ("", None),
    ],
)
def test_normalize_iso_datetime(raw, expected):
    assert normalize_iso_datetime(raw) == expected


def test_whitespace_is_collapsed_as_a_regex_would():
    """clean_text collapses with str.split(): it must split exactly where `\\s+` matches."""
    import random
    import re
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert len(spaces) > 20
    pool = [*spaces, "a", "Đ", "ả", "1", ".", "\u200b", "\u00a0"]
    rng = random.Random(5)
    for _ in range(3000):
        raw = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert clean_text(raw) == re.sub(r"\s+", " ", normalize(raw)).strip(), repr(raw)
