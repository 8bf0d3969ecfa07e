"""Select the items of a digest and compose its subject, preheader, HTML and plain text.

Selection is by stable item id against the ledger ("published and never sent"), never by
position in a feed or by dates alone, so editing a post's date after it was sent does not send
it again, and a post un-drafted after a digest is announced in the next one. Both parts are
rendered from the same items with two templates; the HTML gets its CSS inlined (at-rules kept,
so dark mode survives) and every link made absolute.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import css_inline
import jinja2

from pipeline.config import Config
from pipeline.config.lines import key_line
from pipeline.errors import ConfigError, Problem
from pipeline.model import Item
from pipeline.support.paths import iri_to_uri, with_scheme
from pipeline.support.recurrence import occurrence_text, upcoming
from pipeline.support.text import counted
from pipeline.syndication.common import lead  # plain text; the HTML template escapes it

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "newsletter"
"""Templates shipped with the package; a community overrides either file in its own folder."""

HEADING_CHARS = 200
"""Longest subject or preheader: a title of thousands of characters would make a subject no
service takes (Ghost: 255, Buttondown: 2,000), refused on every run."""

HTML_WARN_BYTES = 90 * 1024
"""Gmail clips HTML above ~102 KB (hiding the unsubscribe footer); warn well before."""


@dataclass(frozen=True)
class Digest:
    """One composed digest email, ready for any backend."""

    key: str
    """Stable identity: list, period and a hash of the sorted item ids."""
    list: str
    period: str
    """ISO week of the newest item, e.g. ``2024-W18``."""
    items: tuple[str, ...]
    """Item ids, newest first."""
    subject: str
    preheader: str
    html: str
    text: str
    headers: tuple[tuple[str, str], ...]
    """List-* and X-Digest-Key headers every copy of the message carries."""
    newest: datetime
    """Date of the newest item."""
    warnings: tuple[str, ...] = ()
    paste_html: str = ""
    """A paste-ready HTML fragment (``paste.html.j2``) for a service with no API (Substack)."""


_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ \u0080-\U0010ffff-]*")
"""A phrase of atoms and spaces (RFC 5322 3.2.5, letters beyond ASCII as RFC 6532 allows
them, encoded when the header is written): written as it is."""


def _phrase(name: str) -> str:
    """``name`` as the List-Id's phrase (RFC 2919): quoted, ``"`` and ``\\`` escaped, when it
    holds specials (``a <b> "c"`` made a header whose list id a reader took to be ``<b>``)."""
    name = " ".join(name.split())
    if _ATOMS.fullmatch(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "digest"


def digest_key(list_name: str, period: str, item_ids: Collection[str]) -> str:
    """``digest-<list>-<period>-<sha256 of the sorted ids, 12 hex>``: safe as a slug/tag."""
    digest = hashlib.sha256("\n".join(sorted(item_ids)).encode("utf-8")).hexdigest()[:12]
    return f"digest-{_slug(list_name)}-{period}-{digest}"


def period_of(items: Sequence[Item]) -> str:
    """The ISO week of the newest item: derived from the items, never from the clock."""
    newest = max(i.date for i in items if i.date is not None)
    year, week, _ = newest.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Selection:
    """The items of the next digest and what the choice left out."""

    items: tuple[Item, ...]
    """Newest first."""
    warnings: tuple[str, ...] = ()
    passed_over: tuple[str, ...] = ()
    """Ids of never-sent items older than any announced one, left out and named in a warning
    for the first time (the ledger records them so the warning is not repeated)."""


def select(
    published: Sequence[Item],
    used_ids: Collection[str],
    *,
    passed_over: Collection[str] = (),
    first_newest: datetime | None = None,
    include_older: bool = False,
    since: datetime | None = None,
    item_ids: Sequence[str] = (),
    max_items: int = 20,
) -> Selection:
    """Choose the items of the next digest.

    Default: every published item whose id is in no ledger entry (never sent), however its
    date compares with the last digest's, so a post un-drafted after a digest is announced
    in the next one. Only the back catalogue is left out: items dated before the oldest item
    ever announced (``first_newest``, the first digest's newest item, when no announced item
    is published any more); they are named in a warning once, and ``include_older`` takes
    them too. ``item_ids`` or ``since`` override the ledger (catch-ups).
    """
    warnings: list[str] = []
    if item_ids:
        by_id = {i.id: i for i in published}
        unknown = [i for i in item_ids if i not in by_id]
        if unknown:
            raise ConfigError(
                [Problem("--items", 1, "id", f"no published item has id {i!r}") for i in unknown]
            )
        chosen = sorted({i: by_id[i] for i in item_ids}.values(), key=_newest_first)
        return Selection(tuple(chosen))
    older: list[Item] = []
    floor: datetime | None = None
    if since is not None:
        chosen = [i for i in published if i.date is not None and i.date >= since]
    else:
        chosen = [i for i in published if i.id not in used_ids and i.date is not None]
        announced = [i.date for i in published if i.id in used_ids and i.date is not None]
        floor = min(announced) if announced else first_newest
        if floor is not None and not include_older:
            older = [i for i in chosen if i.date is not None and i.date < floor]
            chosen = [i for i in chosen if i not in older]
    news = [i for i in sorted(older, key=_newest_first) if i.id not in passed_over]
    if news:
        warnings.append(
            f"{counted(len(news), 'published item')} dated before the "
            f"oldest one ever announced ({floor:%Y-%m-%d}) never went out and "
            f"{'are' if len(news) != 1 else 'is'} left out: "
            f"{_named([f'{i.source} (id {i.id})' for i in news])}; run with --include-older "
            "to add them (or --items ID); this warning is not repeated after the next --send"
        )
    chosen.sort(key=_newest_first)
    if max_items > 0 and len(chosen) > max_items:
        left = chosen[max_items:]
        warnings.append(
            f"{len(chosen)} new items, digest capped at max_items = {max_items}; "
            f"left out: {_named([i.source for i in left])}"
        )
        chosen = chosen[:max_items]
    return Selection(tuple(chosen), tuple(warnings), tuple(i.id for i in news))


NAMED = 10
"""Items a warning names (a first digest of a large site named hundreds on one line)."""


def _named(names: Sequence[str]) -> str:
    """The first :data:`NAMED` of ``names``, and how many more: a line a reader can take in."""
    shown = ", ".join(names[:NAMED])
    return shown + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")


def _newest_first(item: Item) -> tuple[float, str]:
    return (-(item.date.timestamp() if item.date else 0.0), item.guid)


# -- text helpers ---------------------------------------------------------------------------


def _date_text(value: datetime | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _item_view(item: Item, now: datetime | None) -> dict[str, Any]:
    when, where = next_occurrence(item, now)
    return {
        "id": item.id,
        "title": item.title,
        "url": item.url,
        "date": item.date,
        "date_text": _date_text(item.date),
        "summary": lead(item),
        "description": item.description or "",
        "image": item.image or "",
        "authors": list(item.authors),
        "tags": list(item.tags),
        "kind": item.kind,
        "section": item.section,
        "html": item.html,
        "extra": dict(item.extra),
        "when": when,
        "where": where,
    }


def next_occurrence(item: Item, now: datetime | None) -> tuple[str, str]:
    """(date, time and zone; place) of an event's next date at ``now`` (its first date when
    ``now`` is None), or ("", "") for an item that is not an event or has no dates left."""
    if item.event is None:
        return "", ""
    after = now if now is not None else item.event.starts
    found = upcoming(item.event, after, 1)
    if not found:
        return "", ""
    return occurrence_text(item.event, found[0]), found[0].location or ""


def _format(template: str, values: Mapping[str, object], field: str, config: Config) -> str:
    """Fill ``{placeholders}`` of a subject/preheader; an unknown one is a config error."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
        missing = [n for n in names if n not in values]
        if missing:
            raise KeyError(missing[0])
        return template.format_map(values)
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError(
            [
                Problem(
                    str(config.path or "publish.toml"),
                    _line_of(config, field),
                    f"newsletter.{field}",
                    f"cannot fill {template!r}: {exc}; known placeholders: "
                    + ", ".join(sorted(values)),
                )
            ]
        ) from None


def _line_of(config: Config, field: str) -> int:
    """The line of ``[newsletter] field`` in the configuration file (1 when it cannot be read)."""
    try:
        text = config.path.read_text(encoding="utf-8") if config.path else ""
    except (OSError, UnicodeDecodeError):
        return 1
    return key_line(text, "newsletter", field) if text else 1


_URL_ATTR = re.compile(r"""\b(href|src)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def absolutize(html: str, base_url: str) -> str:
    """Make every href/src absolute against the site: mail clients have no base URL."""

    def fix(m: re.Match[str]) -> str:
        url = m.group(3).strip()
        if not url or url.startswith(("#", "{{", "{%", "[")) or urlsplit(url).scheme:
            return m.group(0)
        return f"{m.group(1)}={m.group(2)}{urljoin(base_url, url)}{m.group(2)}"

    return _URL_ATTR.sub(fix, html)


def environment(config: Config) -> jinja2.Environment:
    """Jinja environment: the community's template folder first, then the shipped defaults."""
    loaders: list[jinja2.BaseLoader] = []
    custom = config.root / config.newsletter.templates
    if custom.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(custom)))
    loaders.append(jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def list_domain(config: Config) -> str:
    """The host that names our list and Message-IDs (from the site URL)."""
    return urlsplit(config.site.base_url).hostname or "localhost"


def list_headers(config: Config, key: str) -> tuple[tuple[str, str], ...]:
    """List-Id, List-Unsubscribe(-Post) and X-Digest-Key.

    ``List-Unsubscribe-Post`` (RFC 8058 one-click) is added only with an https URL, since it
    promises that a POST to it unsubscribes the recipient, and never on the one message SMTP
    sends to a list address: that leaves unsubscribing to the list manager. We never promise
    what nobody honours.
    """
    nl = config.newsletter
    list_id = f"<{_slug(nl.list_name)}.{list_domain(config)}>"
    headers: list[tuple[str, str]] = [("List-Id", f"{_phrase(nl.list_name)} {list_id}".lstrip())]
    targets = [nl.unsubscribe_url] if nl.unsubscribe_url else []
    if nl.unsubscribe_mailto:
        targets.append(unsubscribe_mailto(nl.unsubscribe_mailto))
    if targets:
        headers.append(("List-Unsubscribe", header_uris(targets)))
    one_list_message = nl.backend == "smtp" and bool(nl.list_address)
    if nl.unsubscribe_url.lower().startswith("https://") and not one_list_message:
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    headers.append(("X-Digest-Key", key))
    return tuple(headers)


def unsubscribe_mailto(value: str) -> str:
    """``[newsletter] unsubscribe_mailto`` as a mailto URL (a bare address gets a subject)."""
    return value if value.startswith("mailto:") else f"mailto:{value}?subject=unsubscribe"


def header_uris(urls: Sequence[str]) -> str:
    """A ``List-Unsubscribe`` value: each URL between ``<>``, as a URI (a header holds
    ASCII only and clients read the URL as written: a non-ASCII host or path went in as an
    RFC 2047 encoded word no client opens)."""
    return ", ".join(f"<{url if url.isascii() else iri_to_uri(url)}>" for url in urls)


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; any template mistake is a config error naming the file."""
    where = name
    try:
        template = env.get_template(name)
        where = template.filename or name
        return template.render(context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or where
        line = getattr(exc, "lineno", None) or 1
        raise ConfigError([Problem(str(where), line, "template", str(exc))]) from None


def _headings(config: Config, items: Sequence[Item], period: str) -> tuple[str, str]:
    """The subject and preheader, from ``[newsletter] subject`` and ``preheader``."""
    nl = config.newsletter
    count = len(items)
    values: dict[str, object] = {
        "site": config.site.title,
        "list": nl.list_name,
        "first_title": items[0].title,
        "more": f" and {count - 1} more" if count > 1 else "",
        "count": count,
        "period": period,
        "date": _date_text(items[0].date),
    }
    subject = _shortened(" ".join(_format(nl.subject, values, "subject", config).split()))
    preheader = _shortened(" ".join(_format(nl.preheader, values, "preheader", config).split()))
    return subject, preheader


def _shortened(text: str, limit: int = HEADING_CHARS) -> str:
    """``text`` cut to ``limit`` characters at a word where there is one, ending in "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    word = cut.rsplit(" ", 1)[0]
    return f"{word if len(word) > limit // 2 else cut}…"


def _unsubscribe(config: Config) -> str:
    """The configured unsubscribe URL, or a ``mailto:`` made of ``unsubscribe_mailto``."""
    nl = config.newsletter
    if nl.unsubscribe_url or not nl.unsubscribe_mailto:
        return nl.unsubscribe_url
    if nl.unsubscribe_mailto.startswith("mailto:"):
        return nl.unsubscribe_mailto
    return f"mailto:{nl.unsubscribe_mailto}?subject=unsubscribe"


def _bodies(
    config: Config, env: jinja2.Environment, context: dict[str, object]
) -> tuple[str, str, str]:
    """The HTML (CSS inlined, URLs absolute), the text part and, for Substack, the paste."""
    raw_html = _render(env, "digest.html.j2", context)
    text = _render(env, "digest.txt.j2", context)
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    html = inliner.inline(absolutize(raw_html, config.site.base_url))
    text = "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"
    paste = ""
    if config.newsletter.backend == "substack":
        paste = absolutize(_render(env, "paste.html.j2", context), config.site.base_url)
    return html, text, paste


def _context(
    config: Config,
    items: Sequence[Item],
    heads: dict[str, str],
    unsubscribe_url: str,
    now: datetime | None,
) -> dict[str, Any]:
    """What the digest's templates see: the site, the digest (``heads``: its key, subject,
    preheader and period), its items and the unsubscribe URL."""
    site = config.site
    return {
        "site": {
            "title": site.title,
            "url": site.base_url,
            "description": site.description,
            "language": site.language,
            # ``//host/x`` given the site's scheme, as the renderer gives items' URLs: the
            # text part is not absolutized, and a mail client has no page to take one from
            "image": with_scheme(site.image, urlsplit(site.base_url).scheme or "https"),
        },
        "digest": {**heads, "count": len(items), "list": config.newsletter.list_name},
        "items": [_item_view(i, now) for i in items],
        "unsubscribe_url": unsubscribe_url,
    }


def compose(
    config: Config,
    items: Sequence[Item],
    *,
    key: str | None = None,
    unsubscribe_link: str | None = None,
    templates: jinja2.Environment | None = None,
    now: datetime | None = None,
) -> Digest:
    """Render the digest of ``items`` (non-empty, newest first).

    ``key`` pins the key of a digest claimed earlier (its items may have changed since);
    ``unsubscribe_link`` is the backend's own merge tag (Buttondown, listmonk) when it has one;
    ``now`` picks each event's next date (its first date when None).
    """
    if not items:
        raise ValueError("compose() needs at least one item")
    nl = config.newsletter
    period = period_of(items)
    ids = tuple(i.id for i in items)
    key = key or digest_key(nl.list_name, period, ids)
    subject, preheader = _headings(config, items, period)
    heads = {"key": key, "subject": subject, "preheader": preheader, "period": period}
    context = _context(config, items, heads, unsubscribe_link or _unsubscribe(config), now)
    html, text, paste = _bodies(config, templates or environment(config), context)
    warnings = []
    size = len(html.encode("utf-8"))
    if size > HTML_WARN_BYTES:
        warnings.append(
            f"digest {key}: HTML is {size / 1024:.0f} KB, above {HTML_WARN_BYTES // 1024} KB; "
            "Gmail clips messages over ~102 KB and hides the footer (lower max_items)"
        )
    newest = max(i.date for i in items if i.date is not None)
    return Digest(
        key=key,
        list=nl.list_name,
        period=period,
        items=ids,
        subject=subject,
        preheader=preheader,
        html=html,
        text=text,
        headers=list_headers(config, key),
        newest=newest,
        warnings=tuple(warnings),
        paste_html=paste,
    )
