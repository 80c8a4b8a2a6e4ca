"""Identity-card (GB 11643) and telephone checks: pure functions, no app, no database."""

from __future__ import annotations

from datetime import date

import pytest

from app.cases.idcard import (
    birth_date,
    check_char,
    id_number_problem,
    is_valid_id_number,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    phone_problem,
)

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(("first17", "expected"), [
    ("32010219800101123", "8"),
    ("32010619751231002", "X"),   # weighted sum ≡ 2 (mod 11) → X
    ("11010519491231002", "X"),   # the examples printed in GB 11643-1999
    ("44052418800101001", "4"),
])
def test_check_char(first17, expected):
    assert check_char(first17) == expected


def test_check_char_covers_every_remainder():
    """Changing the last sequence digit walks through the check characters; each is valid."""
    seen = set()
    for seq in range(100, 1000):
        first17 = f"32010219800101{seq:03d}"
        number = first17 + check_char(first17)
        assert is_valid_id_number(number, TODAY)
        seen.add(number[-1])
    assert seen == set("0123456789X")


def test_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        check_char("1234")
    with pytest.raises(ValueError):
        check_char("3201021980010112X")


@pytest.mark.parametrize("number", ["320102198001011238", "32010619751231002X", "32010619751231002x", " 330106199006152015 "])
def test_valid_numbers(number):
    assert id_number_problem(number, TODAY) is None


@pytest.mark.parametrize(("number", "words"), [
    ("", "请填写"),
    ("32010219800101123", "18位"),
    ("3201021980010112388", "18位"),
    ("32010219800101123A", "数字或X"),
    ("X20102198001011238", "数字或X"),
    ("320102198001011239", "校验位"),              # one digit off
    ("320102198001011283", "校验位"),              # two digits swapped
    ("990102198001011230", "地址码"),              # no such province
    ("320102198002301232", "出生日期"),            # 30 February
    ("320102198013011234", "出生日期"),            # month 13
    ("320102203001011234", "晚于今天"),            # born in 2030
    ("320102180001011234", "不合理"),              # born in 1800
])
def test_invalid_numbers(number, words):
    if len(number) == 18 and number[:17].isdigit() and words in ("地址码", "出生日期", "晚于今天", "不合理"):
        number = number[:17] + check_char(number[:17])  # only the named defect, checksum right
    problem = id_number_problem(number, TODAY)
    assert problem is not None and words in problem, problem


def test_birth_date_and_normalize():
    assert birth_date("32010619751231002X") == date(1975, 12, 31)
    assert birth_date("320102198002301232") is None
    assert normalize_id_number(" 32010619751231002x\t") == "32010619751231002X"


def test_leap_day_birth():
    first17 = "32010220000229123"
    assert is_valid_id_number(first17 + check_char(first17), TODAY)
    first17 = "32010219000229123"  # 1900 was not a leap year
    assert "出生日期" in id_number_problem(first17 + check_char(first17), TODAY)


def test_residence_permits_of_hong_kong_macao_taiwan_residents():
    for prefix in ("810000", "820000", "830000"):
        first17 = prefix + "19900101123"
        assert is_valid_id_number(first17 + check_char(first17), TODAY)


@pytest.mark.parametrize(("raw", "normalized"), [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 13812345678", "13812345678"),
    ("0086-13812345678", "13812345678"),
    ("19912345678", "19912345678"),
    ("025-84561234", "025-84561234"),
    ("02584561234", "02584561234"),
    ("0571-87654321", "0571-87654321"),
    ("010-65432100-802", "010-65432100-802"),
    ("0516-8123456", "0516-8123456"),
])
def test_valid_phones(raw, normalized):
    assert phone_problem(raw) is None and is_valid_phone(raw)
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(("raw", "words"), [
    ("", "请填写"),
    ("12812345678", "13–19"),      # no 12x mobile prefix
    ("1381234567", "11位"),         # 10 digits
    ("138123456789", "11位"),       # 12 digits
    ("84561234", "区号"),           # fixed line without area code
    ("025-0456123", "区号"),        # local numbers do not start with 0
    ("025-845612", "区号"),         # too short
    ("phone", "区号"),
])
def test_invalid_phones(raw, words):
    problem = phone_problem(raw)
    assert problem is not None and words in problem, problem


def test_masking():
    assert mask_id_number("320102198001011238") == "320102********1238"
    assert mask_id_number("12") == "**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("025-84561234") == "025-******34"
    assert "84561234" not in mask_phone("02584561234")
