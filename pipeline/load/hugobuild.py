"""Hugo's build options, front matter ``build`` (older: ``_build``), checked and read as Hugo
reads them (its documentation's content-management/build-options, and
``resources/page/pagemeta``):

- ``list``: ``always`` (the default), ``local`` or ``never`` (``true``/``false`` before Hugo
  0.57.2). ``never``: the page is built at its URL, but no list has it: not a section's or a
  tag's list, the home page, the archive, the menu, a feed, the newsletter, the sitemap or
  the search index (:attr:`pipeline.model.Item.listed`). ``local`` keeps a page in its own
  section's collections only; our sections hold no nested sections, and their lists are
  not told apart from the site's, so ``local`` is read as ``always``. A section's
  ``cascade`` of ``list: never`` reaches its pages, as that of ``render: never`` does
  (:func:`pipeline.load.foreign.apply_cascade`).
- ``render``: ``always`` (the default), ``link`` or ``never`` (``true``/``false`` before
  0.76.0). ``never``: no page, and no list has it: the item is a draft (unpublished, still
  known to the link checker), as ``headless: true`` is. ``link``: no page file is written,
  but the lists and feeds have it, linking to its URL (:attr:`pipeline.model.Item.rendered`).
- ``publishResources`` (true or false): checked, nothing more; the files a page uses are
  copied beside it whichever it says (Hugo copies a resource a page uses either way).

Where Hugo reads a value it does not know as the default without a word, a content error
names the key (``build.list``) at the line of ``build`` and what is expected; so does a
section's ``cascade`` of them (``cascade.build.list``, at the line of ``cascade``). An option Hugo
does not know is a warning at that line; more than three are one warning naming the first
three and how many there are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.errors import Problem
from pipeline.load.fields import Checker
from pipeline.model import BUILD
from pipeline.support.dates import shown_value

CHOICES = {"list": ("always", "local", "never"), "render": ("always", "link", "never")}
"""Each option's words, the default first."""
FROM_BOOL = {"list": ("never", "always"), "render": ("never", "always")}
"""What Hugo's older ``false``/``true`` stand for."""
OPTIONS = {"list": "list", "render": "render", "publishresources": "publishResources"}
"""The options by their names in lower case (Hugo reads the keys in any case)."""


def build_options(chk: Checker, meta: Mapping[str, Any]) -> dict[str, Any] | None:
    """``build`` (or ``_build``) checked: the options it gives (``list``, ``render``,
    ``publishResources``), each value one of Hugo's words; None when the front matter has
    neither key, or when the value has a problem (recorded with ``chk``). An option it does not
    give is Hugo's default (``always``), left out: a section's ``cascade`` may give it."""
    key = build_key(meta)
    if key is None:
        return None
    line = chk.line(key)
    if "build" in meta and "_build" in meta:
        shown = f"'_build' (line {chk.line('_build')}) is ignored"
        chk.warnings.append(Problem(chk.doc.source, line, key, f"given with '_build': {shown}"))
    return _options(chk, key, meta[key], line)


def check_cascade(chk: Checker, meta: Mapping[str, Any]) -> None:
    """A section's ``cascade``: a map or a list of maps, and the build options of each
    checked as a page's own are (``cascade.build.list``, at the line of ``cascade``). Once any
    value was read as saying nothing, without a word."""
    if meta.get("cascade") is None:
        return
    value, line = meta["cascade"], chk.line("cascade")
    for block in value if isinstance(value, list) else [value]:
        if not isinstance(block, Mapping):
            example = "a map such as {build: {list: never}}, or a list of them"
            chk.error("cascade", f"expected {example}, got {shown_value(block)}"[:200], line=line)
            return
        if (key := build_key(block)) is not None:
            _options(chk, f"cascade.{key}", block[key], line)


def _options(chk: Checker, field: str, value: object, line: int) -> dict[str, Any] | None:
    """The build options of ``value`` (what ``field`` holds, at ``line``), each checked;
    None when it says nothing or has a problem."""
    if value is None:  # ``build:`` with nothing: Hugo's defaults
        return None
    if not isinstance(value, Mapping):
        example = "a map such as {list: never} or {render: link}"
        chk.error(field, f"expected {example}, got {shown_value(value)}"[:200], line=line)
        return None
    out: dict[str, Any] = {}
    ok = True
    unknown: list[str] = []
    for name, given in value.items():
        option = OPTIONS.get(str(name).lower())
        named = f"{field}.{_shown_name(name)}"
        if option is None:
            unknown.append(named)
        elif option == "publishResources":
            if isinstance(given, bool):
                out[option] = given
            else:
                chk.error(named, f"expected true or false, got {shown_value(given)}", line=line)
                ok = False
        elif (word := _word(option, given)) is not None:
            out[option] = word
        else:
            words = CHOICES[option]
            expected = f"{', '.join(words[:-1])} or {words[-1]} (or true or false)"
            chk.error(named, f"expected {expected}, got {shown_value(given)}"[:200], line=line)
            ok = False
    chk.warnings.extend(_unknown_warnings(chk, line, field, unknown))
    return out if ok else None


def build_key(meta: Mapping[str, Any]) -> str | None:
    """The key Hugo reads the build options from: ``build``, else the older ``_build``."""
    return "build" if "build" in meta else "_build" if "_build" in meta else None


def given(meta: Mapping[str, Any], option: str) -> list[Any]:
    """The values ``build.<option>`` is given (``option`` in lower case; the key's name read
    in any case, as Hugo reads it), in order: what a section's ``cascade`` says too
    (:mod:`pipeline.load.foreign`; checked by :func:`check_cascade`)."""
    key = build_key(meta)
    options = meta.get(key) if key is not None else None
    if not isinstance(options, Mapping):
        return []
    return [value for name, value in options.items() if str(name).lower() == option]


SHOWN_UNKNOWN = 3
"""How many unknown options are warned of one by one; more are one warning naming this many
and the count (a map of 100,000 once made 100,000 lines)."""


def _unknown_warnings(chk: Checker, line: int, key: str, fields: list[str]) -> list[Problem]:
    """The warnings for the options of ``key`` Hugo does not know (``fields``, as
    ``build.name``), at the line of ``key``: one an option, up to :data:`SHOWN_UNKNOWN` of
    them; past that one for all, at ``key``, naming the first few and how many there are."""
    known = "list, render, publishResources"
    if len(fields) <= SHOWN_UNKNOWN:
        message = f"unknown build option, ignored (Hugo's are {known})"
        return [Problem(chk.doc.source, line, field, message) for field in fields]
    named = ", ".join(fields[:SHOWN_UNKNOWN])
    more = f"{named} and {len(fields) - SHOWN_UNKNOWN} more ({len(fields)} in all)"
    message = f"unknown build options {more}, ignored (Hugo's are {known})"
    return [Problem(chk.doc.source, line, key, message)]


def _shown_name(name: object) -> str:
    """An option's name as a message shows it: its first 60 characters, a line break or other
    character that is not printable escaped (``"x\\nb.md:1: title: …"`` as a key forged a
    second ``path:line: field: message`` line of its own)."""
    text = str(name)[:60]
    return text if text.isprintable() else repr(text)[1:-1]


def _word(option: str, given: object) -> str | None:
    """Hugo's word for a value of ``list`` or ``render``; None for a value it is not."""
    if isinstance(given, bool):
        return FROM_BOOL[option][given]
    if isinstance(given, str) and given in CHOICES[option]:
        return given
    return None


def kept_extra(extra: dict[str, Any], options: Mapping[str, Any] | None) -> dict[str, Any]:
    """``extra`` with the checked options under :data:`~pipeline.model.BUILD` (``_build`` read
    as ``build``), where the model reads them."""
    if options is None:
        return extra
    out = {k: v for k, v in extra.items() if k != "_build"}
    out[BUILD] = dict(options)
    return out
