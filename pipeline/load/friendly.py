"""The friendly form of a repeat rule, read word by word (no regular expression) into an
RFC 5545 RRULE: ``every 2 weeks on Monday`` → ``FREQ=WEEKLY;INTERVAL=2;BYDAY=MO``."""

from __future__ import annotations

from pipeline.support.recurrence import WEEKDAY_NAME

EXAMPLE = "e.g. 'monthly on the first Thursday' or FREQ=MONTHLY;BYDAY=1TH"

_DAY = {
    **{name.lower(): code for code, name in WEEKDAY_NAME.items()},
    **{name.lower()[:3]: code for code, name in WEEKDAY_NAME.items()},
    **{name.lower() + "s": code for code, name in WEEKDAY_NAME.items()},
    "tues": "TU",
    "thurs": "TH",
}
_NTH = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
}
_FREQ_WORD = {
    "daily": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "fortnightly": ("WEEKLY", 2),
    "biweekly": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1),
    "yearly": ("YEARLY", 1),
    "annually": ("YEARLY", 1),
}
_UNIT = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_COUNT_WORD = {"other": 2, "two": 2, "three": 3, "four": 4, "six": 6}
_FILLER = {"on", "the", "and", "of", "each", "every", "month", "in"}


def short(text: str) -> str:
    """``text`` with its blanks joined, cut so that its ``repr`` (how a message shows it:
    ``\\U0001089f`` for one character) holds about 60 characters."""
    text = " ".join(text.split())
    if len(repr(text)) <= 62:
        return text
    kept, size = [], 0
    for char in text:
        size += len(repr(char)) - 2
        if size > 57:
            break
        kept.append(char)
    return "".join(kept) + "..."


def number(word: str) -> int | None:
    """A short run of ASCII digits as a number, else None."""
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 6 else None


def _month_day(word: str) -> int | None:
    """``15th``/``1st``/``15`` as 15, else None."""
    digits = word
    for suffix in ("st", "nd", "rd", "th"):
        digits = digits.removesuffix(suffix)
    n = number(digits)
    return n if n is not None and 1 <= n <= 31 else None


def friendly_rule(text: str) -> str:
    """``every 2 weeks on Monday`` → ``FREQ=WEEKLY;INTERVAL=2;BYDAY=MO``; ValueError if unread."""
    words = text.lower().replace(",", " ").split()
    if not words:
        raise ValueError(f"expected a rule, {EXAMPLE}")
    freq: str | None = None
    interval = 1
    i = 0
    if words[0] in _FREQ_WORD:
        freq, interval = _FREQ_WORD[words[0]]
        i = 1
    elif words[0] == "every":
        i = 1
        if i < len(words) and (number(words[i]) is not None or words[i] in _COUNT_WORD):
            interval = number(words[i]) or _COUNT_WORD.get(words[i], 0)
            i += 1
        unit = words[i].removesuffix("s") if i < len(words) else ""
        if unit in _UNIT:
            freq = _UNIT[unit]
            i += 1
    byday: list[str] = []
    bymonthday: list[int] = []
    while i < len(words):
        word = words[i]
        if word in _DAY:
            byday.append(_DAY[word])
        elif word in _NTH and i + 1 < len(words) and words[i + 1] in _DAY:
            byday.append(f"{_NTH[word]}{_DAY[words[i + 1]]}")
            i += 1
        elif word == "day" and i + 1 < len(words) and (n := _month_day(words[i + 1])):
            bymonthday.append(n)
            i += 1
        elif (n := _month_day(word)) is not None and word != "day":
            bymonthday.append(n)
        elif word not in _FILLER:
            where = f" in {short(text)!r}" if word != text.strip() else ""
            raise ValueError(f"cannot read {short(word)!r}{where}; {EXAMPLE}")
        i += 1
    if freq is None:  # "every Tuesday", "every first Thursday of the month"
        if any(d[:-2] for d in byday) or bymonthday:
            freq = "MONTHLY"
        elif byday:
            freq = "WEEKLY"
        else:
            raise ValueError(f"says not how often in {short(text)!r}; {EXAMPLE}")
    if freq == "WEEKLY" and (bymonthday or any(d[:-2] for d in byday)):
        raise ValueError(f"a weekly rule cannot name a day of the month ({short(text)!r})")
    if freq == "DAILY" and (byday or bymonthday):
        raise ValueError(f"a daily rule cannot name days ({short(text)!r}); say 'weekly on ...'")
    parts = [f"FREQ={freq}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if bymonthday:
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in bymonthday))
    if byday:
        parts.append("BYDAY=" + ",".join(byday))
    return ";".join(parts)
