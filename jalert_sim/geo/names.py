"""How names typed by people are matched against the catalogues (prefectures, places)."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_]+")


def fold(text: str) -> str:
    """A name as it is matched: NFKC (full-width letters and digits become ASCII), case-folded,
    runs of spaces, hyphens and underscores one space ("Tokyo-to" and "tokyo to" are one name)."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text).casefold().strip())
