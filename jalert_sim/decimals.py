"""Numbers as people write them in a file or on a command line: plain ASCII decimals.

Python's ``float()`` reads more than a decimal number: ``"5_50"`` is 550 (PEP 515 digit
separators) and ``"７２"`` is 72 (any Unicode decimal digit). Neither is what a CSV cell or a
command-line option means by a number, and a typo should be an error, not another number.
Every number of the package's inputs is read here: text must be an optional sign, ASCII
digits with at most one ``.``, and an optional exponent (``1.5e3``); ``nan`` and ``inf`` are read
too, so that range checks can refuse them with a message about the value. Python numbers are
taken as they are, but an integer too large for a float is an error, not an OverflowError.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["to_float"]

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:nan|inf|infinity)", re.ASCII | re.IGNORECASE)
#: What str.strip() would remove that is not ASCII whitespace (a no-break space, an ideographic space).
_ASCII_SPACE = " \t\r\n\f\v"


def to_float(value: Any) -> float:
    """``value`` as a float: a plain ASCII decimal string, or a real number (not a bool).

    Raises ValueError with a sentence that says what is wrong (for the caller to put after the
    parameter's name); a value of another type raises TypeError.
    """
    if isinstance(value, str):
        return _parse(value)
    if isinstance(value, bool):  # float(True) is 1.0: a JSON true is a mistake, not 1 degree
        raise TypeError(f"expected a number, got {value!r}")
    try:
        return float(value)
    except OverflowError:  # an integer beyond the largest float (1.8e308)
        digits = str(abs(value)) if isinstance(value, int) else ""
        shown = f"{digits[:12]}… ({len(digits)} digits)" if digits else repr(value)[:40]
        raise ValueError(f"{shown} is too large for a number (above 1.8e308)") from None


def _parse(text: str) -> float:
    stripped = text.strip(_ASCII_SPACE)
    if _DECIMAL.fullmatch(stripped):
        return float(stripped)  # the exponent may still overflow to inf: the range checks refuse it
    raise ValueError(_why(text, stripped))


def _why(text: str, stripped: str) -> str:
    shown = repr(text) if len(text) <= 40 else repr(text[:40]) + "…"
    if not stripped:
        return f"{shown} is not a number (it is blank)"
    odd = next((c for c in stripped if not c.isascii()), None)
    if odd is not None:
        name = unicodedata.name(odd, "")
        what = f"{odd!r} (U+{ord(odd):04X}{' ' + name if name else ''})"
        hint = ": write the number in ASCII digits 0-9" if odd.isdigit() or odd.isspace() or "FULLWIDTH" in name else ""
        return f"{shown} is not a plain decimal number: it holds {what}{hint}"
    if "_" in stripped:
        return f"{shown} is not a plain decimal number: '_' digit separators are not allowed"
    if "," in stripped and re.fullmatch(r"[+-]?[\d,]+(\.\d*)?", stripped, re.ASCII):
        return f"{shown} is not a plain decimal number: write it without thousands separators"
    return f"{shown} is not a number"
