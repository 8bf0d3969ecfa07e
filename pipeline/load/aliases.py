"""An item's ``aliases`` (its old URLs, a redirect page written at each) checked: each a
path on this site (:mod:`pipeline.config.oldurls`), else an error at the key's line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.config.oldurls import old_url_path, old_url_problem
from pipeline.load.fields import Checker


def site_aliases(chk: Checker, meta: Mapping[str, Any], base_url: str) -> list[str]:
    """The ``aliases`` as site paths: a path as written, an absolute URL on the site's host
    as its path. Each value is checked as written (a control character the text cleaning
    would drop is refused too); a value that is not text is the list checker's error."""
    aliases = chk.string_list(meta, "aliases", allow_str=True)
    value = meta.get("aliases")
    written = value if isinstance(value, list) else [value]
    texts = (v for v in written if isinstance(v, (str, int, float)) and not isinstance(v, bool))
    for text in dict.fromkeys(str(v) for v in texts):  # each value said once
        if not text.strip():
            continue  # the list's own check says so
        if problem := old_url_problem(text, base_url):
            chk.error("aliases", problem)
    return [old_url_path(alias) for alias in aliases]
