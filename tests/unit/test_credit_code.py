"""统一社会信用代码 (GB 32100-2015): check character, structure, normalisation."""

from __future__ import annotations

import pytest

from chainmap.credit_code import (
    CHARSET,
    credit_code_check_char,
    credit_code_problem,
    is_valid_credit_code,
    normalize_credit_code,
)

VALID = "91320500MA1MXE3T1X"  # check character X (index 30)
VALID_DIGIT = "91110108MA01A2B3X4"


def test_charset_has_31_characters_without_i_o_z_s_v() -> None:
    assert len(CHARSET) == 31
    assert not set("IOZSV") & set(CHARSET)


def test_check_char_is_computed_from_the_weights() -> None:
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(CHARSET.index(ch) * w for ch, w in zip(VALID[:17], weights, strict=True))
    assert credit_code_check_char(VALID[:17]) == CHARSET[(31 - total % 31) % 31] == "X"
    assert credit_code_check_char(VALID_DIGIT[:17]) == "4"


def test_check_char_zero_when_sum_is_a_multiple_of_31() -> None:
    # Find a body whose weighted sum is ≡ 0 (mod 31): the check index wraps to 0, not 31.
    for last in CHARSET:
        body = "9132050000000000" + last
        total = sum(
            CHARSET.index(ch) * w
            for ch, w in zip(
                body, (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), strict=True
            )
        )
        if total % 31 == 0:
            assert credit_code_check_char(body) == "0"
            return
    pytest.fail("no body with a weighted sum divisible by 31")


@pytest.mark.parametrize(
    "code", [VALID, VALID_DIGIT, "91320500ma1mxe3t1x", "９１３２０５００ＭＡ１ＭＸＥ３Ｔ１Ｘ"]
)
def test_valid_codes_pass(code: str) -> None:
    assert is_valid_credit_code(code)


def test_every_single_character_corruption_fails() -> None:
    for pos in range(18):
        for ch in CHARSET:
            if ch != VALID[pos]:
                corrupted = VALID[:pos] + ch + VALID[pos + 1 :]
                assert not is_valid_credit_code(corrupted), corrupted


def test_swapping_two_adjacent_characters_fails() -> None:
    swapped = VALID[:10] + VALID[11] + VALID[10] + VALID[12:]
    assert swapped != VALID
    assert not is_valid_credit_code(swapped)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        (VALID[:17], "18"),
        (VALID + "1", "18"),
        (VALID[:17] + "I", "I"),
        ("01320500MA1MXE3T1" + "X", "第 1 位"),
        ("9132A500MA1MXE3T1X", "行政区划码"),
        (VALID[:17] + "0", "校验位"),
    ],
)
def test_problem_names_the_reason(code: str, fragment: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None
    assert fragment in problem[0]
    assert problem[1]  # an English message too
    assert not is_valid_credit_code(code)


def test_bad_structure_is_rejected_even_with_a_matching_check_char() -> None:
    body = "0132050000000000A"  # registration authority 0 is not assigned
    assert not is_valid_credit_code(body + credit_code_check_char(body))
    body = "9132A50000000000A"  # division code with a letter
    assert not is_valid_credit_code(body + credit_code_check_char(body))


def test_normalize_strips_blanks_full_width_and_case() -> None:
    assert normalize_credit_code(" 9132 0500\tma1ｍxe3t1x\n") == VALID


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        credit_code_check_char("91O")
    with pytest.raises(ValueError):
        credit_code_check_char("91320500MA1MXE3TO")


@pytest.mark.parametrize("code", ["91440300708461136T", "91350900587527783P", "91330100799655058B"])
def test_published_credit_codes_pass(code: str) -> None:
    """Codes printed on real business licences."""
    assert is_valid_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]
