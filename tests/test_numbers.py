import pytest

from crawler.figures.numbers import as_number, parse_number, parse_number_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.322", 5322),
        ("1.250", 1250),
        ("12.460", 12460),
        ("1.204.500", 1204500),
        ("95,5", 95.5),
        ("94,3", 94.3),
        ("10.5", 10.5),  # a dot before fewer than three digits is a decimal mark
        ("1.250,5", 1250.5),
        ("687", 687),
        ("0", 0),
        ("một", 1),
        ("bốn", 4),
        ("năm", 5),
        ("mười", 10),
        ("mười hai", 12),
        ("mười lăm", 15),
        ("hai mươi", 20),
        ("hai mươi lăm", 25),
        ("ba mươi mốt", 31),
        ("chín mươi tư", 94),
        ("", None),
        ("abc", None),
        ("lăm", None),
        ("mười mười", None),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_parse_number_words_is_case_insensitive():
    assert parse_number_words("Mười Hai") == 12


@pytest.mark.parametrize(("value", "expected"), [(5322.0, 5322), (95.5, 95.5), (0.0, 0)])
def test_as_number(value, expected):
    result = as_number(value)
    assert result == expected and type(result) is type(expected)
