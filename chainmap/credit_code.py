"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalise, check, validate.

An 18-character code: 登记管理部门码 (1) + 机构类别码 (1) + 登记管理机关行政区划码 (6 digits)
+ 主体标识码 (9, the former organisation code) + 校验码 (1). Every character comes from a
31-character set without I, O, Z, S and V, so they are never confused with 1, 0, 2, 5 and U.

>>> is_valid_credit_code("91320500MA1MXE3T1X")
True
>>> credit_code_check_char("91320500MA1MXE3T1")
'X'
>>> normalize_credit_code(" ９１３２０５００ma1mxe3t1x ")
'91320500MA1MXE3T1X'
"""

from __future__ import annotations

import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH = 18

# 登记管理部门码: 1-9 and the letters of the charset. The standard assigns 1-9, A, N and Y
# today, but the registry of departments grows; accepting any non-zero charset character
# rejects nothing real while still catching a leading 0 or a stray I/O/Z/S/V.
REGISTRATION_AUTHORITY_CHARS = CHARSET[1:]

_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


def normalize_credit_code(raw: str) -> str:
    """The code as it should be compared and stored: NFKC (full-width → ASCII), no blanks,
    upper case.

    Spreadsheets and OCR'd forms bring full-width digits, stray spaces and lower case; none of
    them is a different code.

    >>> normalize_credit_code("9132 0500 ma1m xe3t 1x")
    '91320500MA1MXE3T1X'
    """
    text = unicodedata.normalize("NFKC", raw)
    return "".join(text.split()).upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th (check) character computed from the first 17.

    ``index = (31 - Σ value(ch) × weight) mod 31) mod 31`` over the charset above.

    >>> credit_code_check_char("91110108MA01A2B3X")
    '4'

    Raises:
        ValueError: ``first17`` is not 17 characters of the charset.
    """
    if len(first17) != CODE_LENGTH - 1 or any(ch not in _VALUE for ch in first17):
        raise ValueError(f"need 17 characters from {CHARSET}: {first17!r}")
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, str] | None:
    """Why ``code`` (already normalised) is not a valid code, in Chinese and English; or None.

    Callers that report errors to a user want the reason, not just ``False``.

    >>> credit_code_problem("91320500MA1MXE3T1X") is None
    True
    >>> credit_code_problem("91320500MA1MXE3T10")[1]
    'check character is 0, expected X'
    """
    if len(code) != CODE_LENGTH:
        return (f"应为 18 位，实为 {len(code)} 位", f"must be 18 characters, got {len(code)}")
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        chars = "".join(bad)
        return (
            f"含有不允许的字符「{chars}」（不使用 I、O、Z、S、V）",
            f"contains characters not allowed: {chars!r} (I, O, Z, S, V are never used)",
        )
    if code[0] not in REGISTRATION_AUTHORITY_CHARS:
        return (
            f"第 1 位登记管理部门码「{code[0]}」无效",
            f"registration authority code (1st character) {code[0]!r} is invalid",
        )
    if not code[2:8].isdigit():
        return (
            f"第 3–8 位行政区划码「{code[2:8]}」应为 6 位数字",
            f"administrative division code (characters 3-8) {code[2:8]!r} must be 6 digits",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return (
            f"校验位为「{code[17]}」，应为「{expected}」",
            f"check character is {code[17]}, expected {expected}",
        )
    return None


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` has the GB 32100-2015 structure and the right check character.

    The code is normalised first, so full-width or lower-case input of a valid code passes.

    >>> is_valid_credit_code("91110108MA01A2B3X4")
    True
    >>> is_valid_credit_code("91110108MA01A2B3X5")
    False
    """
    return credit_code_problem(normalize_credit_code(code)) is None
