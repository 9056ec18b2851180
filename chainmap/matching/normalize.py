"""Name normalisation for matching (kept beside the original name, never replacing it).

This first version folds full-width characters (NFKC), unifies brackets and removes
white space; legal-form and region stripping and traditional → simplified conversion
belong to the enterprise-registry work.

Example::

    >>> normalize_name(" 宁德时代（福建）新能源 ")
    '宁德时代(福建)新能源'
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})


def normalize_name(name: str) -> str:
    """Full-width → half-width, brackets unified, white space removed."""
    folded = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    return _SPACE.sub("", folded)
