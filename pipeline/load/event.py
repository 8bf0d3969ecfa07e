"""An event's front matter: start and end in its time zone, place, link, repeat rule."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.config import Config
from pipeline.load.fields import Checker
from pipeline.load.repeat import REPEAT_KEYS, parse_repeat, skipped_time
from pipeline.model import Event
from pipeline.support.dates import iana_zone, to_datetime

EVENT_KEYS = {"starts", "ends", "location", "url", "sequence", "timezone", "all_day", *REPEAT_KEYS}


def valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def event_of(chk: Checker, meta: Mapping[str, Any], tz: ZoneInfo, cfg: Config) -> Event | None:
    zone_name = cfg.site.timezone
    if "timezone" in meta:
        zone_name = str(meta["timezone"])
        try:
            tz = iana_zone(zone_name)
        except ValueError:
            chk.error("timezone", f"unknown IANA time zone {zone_name!r}")
            return None
    if "starts" not in meta:
        chk.error("starts", "missing: events need 'starts: 2025-06-01T18:00'")
        return None
    try:
        starts = to_datetime(meta["starts"], tz)
    except ValueError as exc:
        chk.error("starts", str(exc))
        return None
    try:
        ends = to_datetime(meta["ends"], tz) if meta.get("ends") is not None else None
    except ValueError as exc:
        chk.error("ends", str(exc))
        return None
    if ends is not None and ends < starts:
        chk.error("ends", "is before 'starts'")
        return None
    sequence = meta.get("sequence", 0)
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 0 <= sequence < 2**31:
        # RFC 5545's INTEGER is 32 bits: calendar apps refuse a larger SEQUENCE
        chk.error("sequence", f"expected a whole number from 0 to 2147483647, got {sequence!r}")
        return None
    raw = meta["starts"]
    all_day = (isinstance(raw, dt.date) and not isinstance(raw, dt.datetime)) or (
        isinstance(raw, str) and valid_date(raw.strip())
    )
    for key, value in (("starts", starts), ("ends", ends)):
        if value is not None and not all_day and (problem := skipped_time(value, tz)):
            chk.error(key, problem)
            return None
    location = chk.string(meta, "location")
    url = chk.string(meta, "url")
    if url and not re.match(r"^https?://", url):
        chk.error("url", f"expected an absolute http(s) URL, got {url!r}")
    elif url and any(ch.isspace() or not ch.isprintable() for ch in url):
        # a line break would end the calendar's URL property and start another
        chk.error("url", f"expected a URL without spaces or line breaks, got {url!r}")
    n_before = len(chk.problems)
    repeat = parse_repeat(meta, starts, ends, tz, chk.error)
    if len(chk.problems) > n_before:
        return None
    return Event(
        starts=starts,
        ends=ends,
        timezone=zone_name,
        all_day=all_day,
        location=location,
        url=url,
        sequence=sequence,
        repeat=repeat,
    )
