"""What podcast apps accept in show and episode values: one definition for the configuration
check, the feed writer and the feed linter."""

from __future__ import annotations

import re

MEDIUMS = (
    "podcast",
    "music",
    "video",
    "film",
    "audiobook",
    "newsletter",
    "blog",
    "publisher",
    "course",
    "mixed",
)
"""Values of ``podcast:medium``; each also has a list variant ending in ``L``."""
DESCRIPTION_MAX_BYTES = 4000
"""Apple's limit on a show's or an episode's description."""
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
""" An ISO 639 code with optional subtags (en, en-us)."""
HTTP_URL = re.compile(r"^https?://[^/\s]+")
RRULE = re.compile(r"^FREQ=[A-Z]+")
