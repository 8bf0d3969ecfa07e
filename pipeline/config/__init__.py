"""The typed schema of ``publish.toml`` and its loader.

Each section is a dataclass whose fields carry docstrings; unknown keys and wrong types are
reported all at once, each naming the file, the line and the key (exit code 3).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from pipeline.config.lines import TomlError, config_text, key_line, load_toml
from pipeline.config.newsletter_values import newsletter_problems
from pipeline.config.oldurls import old_url_path, old_url_problem, root_problem
from pipeline.config.permalink import permalink_problem
from pipeline.config.podcast import podcast_problems
from pipeline.config.values import as_uris, control_problems, feeds_problems, url_values
from pipeline.errors import ConfigError, Problem
from pipeline.support.announce_config import AnnounceConfig, NotifyConfig, announce_problems
from pipeline.support.dates import iana_zone
from pipeline.support.paths import base_url_problem, url_error
from pipeline.support.site_words import words_problems
from pipeline.support.text import not_utf8
from pipeline.support.theme_config import ThemeConfig, theme_problems


@dataclass(frozen=True)
class SiteConfig:
    title: str = "Untitled community"
    """Shown as the title of every feed."""
    base_url: str = "https://example.org/"
    """Absolute URL of the community's site; permalinks and feed URLs hang off it."""
    feeds_url: str = ""
    """Absolute URL where ``feeds/`` is served; defaults to ``base_url``."""
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    """IANA zone for dates written without an offset."""
    author: str = ""
    email: str = ""
    permalink: str = "/{section}/{slug}/"
    """Pattern of item URLs; placeholders {section} {slug} {year} {month} {day} {id}."""
    pages: bool = True
    """Write a readable HTML page per item at its permalink (for sites with no other site)."""
    websub_hub: str = ""
    """WebSub hub URL advertised with rel="hub" when set."""
    image: str = ""
    license: str = ""


@dataclass(frozen=True)
class ContentConfig:
    folder: str = ""
    """Content folder relative to this file (``.``: the root); empty: ``content/``."""
    exclude: list[str] = field(default_factory=list)  # folders under it never read: vendor
    flavour: str = "auto"
    """``auto`` (GitBook when SUMMARY.md exists), ``plain`` or ``gitbook``."""
    slug_style: str = "auto"
    """Heading-id style: ``auto`` (default: GitBook's in a GitBook space, else GitHub's, decided
    with the content folder by ``load.summary.space_settings``), ``github`` or ``gitbook``."""
    max_file_bytes: int = 2_000_000
    """Files larger than this are refused (a guard against hostile input)."""
    dates_file: str = "dates.yml"
    """GitBook mode: YAML map page -> date kept by editors (relative to the content root)."""
    summary: str = "SUMMARY.md"
    """GitBook mode: the table of contents (``.gitbook.yaml``'s ``structure.summary``)."""
    readme: str = "README.md"
    """GitBook mode: the space's first page, at the site's root (``structure.readme``)."""
    id_ledger: str = ".publish-ids.json"
    """Committed map of file -> id for items without an ``id`` key (relative to content root)."""
    redirects: dict[str, str] = field(default_factory=dict)
    """Old absolute paths of the site -> content file (for old slugs)."""


@dataclass(frozen=True)
class FeedsConfig:
    sections: list[str] = field(default_factory=lambda: ["essays", "updates", "episodes"])
    """Sections that get their own RSS/Atom/JSON feeds."""
    tags: list[str] = field(default_factory=list)
    """Tags that get their own feeds; ``["*"]`` for every tag."""
    limit: int = 0
    """Items per feed document; 0 keeps every item. Older items go to RFC 5005 archives."""
    changes: bool = False
    """Publish ``changes/atom.xml`` and ``changes/rss.xml``: an entry per meaningful revision
    of a page, from git history (needs the full history: ``fetch-depth: 0`` in CI)."""
    changes_limit: int = 50
    """Revisions the changes feed keeps (the newest)."""
    upcoming: int = 0
    """Publish ``upcoming/atom.xml`` and ``upcoming/rss.xml`` listing the next N dates of the
    events (repeating ones expanded); 0: no such feed."""


@dataclass(frozen=True)
class PersonConfig:
    name: str = ""
    role: str = "host"
    group: str = "cast"
    href: str = ""
    img: str = ""


@dataclass(frozen=True)
class PodcastConfig:
    title: str = ""
    description: str = ""
    language: str = ""
    image: str = ""
    """Cover art: a path under the content root or an absolute URL (JPEG/PNG, 1400-3000 px)."""
    category: str = ""
    subcategory: str = ""
    explicit: bool = False
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    type: str = "episodic"
    copyright: str = ""
    new_feed_url: str = ""
    block: bool = False
    complete: bool = False
    guid: str = ""
    """podcast:guid, pinned once computed (UUIDv5 of the feed URL without scheme)."""
    locked: bool = True
    funding_url: str = ""
    funding_text: str = ""
    license: str = ""
    license_url: str = ""
    medium: str = "podcast"
    podroll: list[str] = field(default_factory=list)
    """feedGuids of podcasts we recommend."""
    txt: list[str] = field(default_factory=list)
    update_frequency: str = ""
    """RFC 5545 RRULE, e.g. ``FREQ=MONTHLY``."""
    update_frequency_text: str = ""
    persons: list[PersonConfig] = field(default_factory=list)


@dataclass(frozen=True)
class NewsletterConfig:
    backend: str = "outbox"
    """``outbox`` (no account), ``smtp``, ``buttondown``, ``listmonk``, ``ghost`` or
    ``substack`` (a paste-ready post in the outbox: Substack has no API for posting)."""
    list_name: str = "digest"
    from_address: str = "newsletter@example.org"
    list_address: str = ""
    """SMTP: send to this list address; else to each line of ``subscribers_file``."""
    subscribers_file: str = ""
    subject: str = "{site}: {first_title}{more}"
    preheader: str = "{count} new from {site}"
    unsubscribe_url: str = ""
    unsubscribe_mailto: str = ""
    templates: str = "templates/newsletter"
    """Folder (relative to this file) with digest.html.j2 / digest.txt.j2 overriding the default."""
    ledger: str = "newsletter/sent.jsonl"
    outbox: str = "outbox"
    max_items: int = 20
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_tls: str = "none"
    """``none``, ``starttls`` or ``ssl``."""
    smtp_user: str = ""
    api_url: str = ""
    """Base URL of the service's API (Buttondown default https API, listmonk required)."""
    listmonk_lists: list[int] = field(default_factory=list)
    ghost_newsletter: str = "default-newsletter"
    """Ghost: the slug of the newsletter a digest is emailed to."""
    ghost_email_only: bool = False
    """Ghost: send the digest as an email-only post (``email_only``): emailed to the
    newsletter, never shown on the site (its status becomes ``sent``)."""
    ghost_email_segment: str = "all"
    """Ghost: which of the newsletter's members get it, an NQL member filter (``all``,
    ``status:free``, ``status:-free``, ``label:<slug>``), passed as ``email_segment``."""
    schedule: str = "0 8 * * 1"
    """Cron line of the scheduled digest workflow (weekly by default)."""
    api_timeout: float = 30.0
    """Seconds to wait for each answer of the newsletter service's API."""
    api_retries: int = 4
    """Retries after a 5xx, 429, timeout or dropped connection before giving up."""
    api_backoff: float = 2.0
    """Seconds before the first retry, doubled each time (a 429's Retry-After wins)."""


@dataclass(frozen=True)
class HostConfig:
    pattern: str = ""
    """Regex matched against the URL's host."""
    accept: list[int] = field(default_factory=list)
    concurrency: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    """Header values may name environment variables as ``$NAME``."""


@dataclass(frozen=True)
class LinksConfig:
    timeout: float = 20.0
    retries: int = 2
    max_concurrency: int = 64
    per_host: int = 8
    max_redirects: int = 10
    cache_max_age: int = 86400
    """Seconds a successful external result stays fresh."""
    retry_after_cap: float = 30.0
    exclude: list[str] = field(default_factory=list)
    hosts: list[HostConfig] = field(default_factory=list)
    backoff: float = 1.0
    """Seconds before the first retry of a 5xx or timeout; doubles on each further retry."""
    max_body_bytes: int = 2_000_000
    """Bytes of a page read at most, and only when a ``#fragment`` must be found in it."""
    max_header_bytes: int = 65536
    """Longest response header line accepted; a larger header is reported, not read."""


@dataclass(frozen=True)
class Config:
    site: SiteConfig = field(default_factory=SiteConfig)
    content: ContentConfig = field(default_factory=ContentConfig)
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    podcast: PodcastConfig = field(default_factory=PodcastConfig)
    newsletter: NewsletterConfig = field(default_factory=NewsletterConfig)
    links: LinksConfig = field(default_factory=LinksConfig)
    theme: ThemeConfig = field(default_factory=ThemeConfig)
    announce: list[AnnounceConfig] = field(default_factory=list)
    """``[[announce]]`` channels (docs/announce.md)."""
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    """``[notify]``: WebSub and Podcast Index pings after a deploy."""
    path: Path | None = None
    """The file this was read from; relative paths inside it resolve against its folder."""

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def feeds_base(self) -> str:
        url = self.site.feeds_url or self.site.base_url
        return url if url.endswith("/") else url + "/"


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is list:
        return f"a list of {_type_name(typing.get_args(tp)[0])}"
    if origin is dict:
        return "a table"
    if dataclasses.is_dataclass(tp):
        return "a table"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        tp, str(tp)
    )


def _convert(value: Any, tp: Any, where: str, add: typing.Callable[[str, str], None]) -> Any:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(value, args[0], where, add)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            add(where, f"expected a table, got {type(value).__name__}")
            return tp()
        return _build(tp, value, where, add)
    if origin is list:
        if not isinstance(value, list):
            add(where, f"expected {_type_name(tp)}, got {type(value).__name__}")
            return []
        (inner,) = typing.get_args(tp)
        return [_convert(v, inner, f"{where}[{i}]", add) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            add(where, "expected a table of strings")
            return {}
        return dict(value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool):
        add(where, f"expected {_type_name(tp)}, got a boolean")
        return 0
    if isinstance(tp, type) and not isinstance(value, tp):
        add(where, f"expected {_type_name(tp)}, got {type(value).__name__}")
        return tp()
    return value


def _build(
    cls: Any, data: dict[str, Any], where: str, add: typing.Callable[[str, str], None]
) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.name != "path"}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{where}.{key}" if where else key
        if key not in known:
            add(name, f"unknown key (known: {', '.join(sorted(known))})")
            continue
        kwargs[key] = _convert(value, hints[key], name, add)
    return cls(**kwargs)


def load_config(path: Path, *, required: bool = False) -> Config:
    """Read and validate ``publish.toml``; a missing optional file gives the defaults."""
    display = str(path)
    if not path.exists():
        if required:
            raise ConfigError([Problem(display, 1, "file", "configuration file not found")])
        return Config(path=path.resolve())
    if not path.is_file():  # a folder, or a pipe that would block the read for ever
        message = "not a regular file (a folder, a pipe or a device); expected TOML text"
        raise ConfigError([Problem(display, 1, "file", message)])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        message = f"cannot read it: {exc.strerror or exc}"
        raise ConfigError([Problem(display, 1, "file", message)]) from None
    try:
        text = config_text(raw)
        data = load_toml(text)
    except UnicodeDecodeError as exc:
        line, message = not_utf8(raw, exc)
        raise ConfigError([Problem(display, line, "file", message)]) from None
    except TomlError as exc:
        raise ConfigError([Problem(display, exc.line, "toml", exc.message)]) from None

    problems: list[Problem] = []

    def add(where: str, message: str) -> None:
        section, _, key = where.partition(".")
        key = re.sub(r"\[\d+\].*", "", key.split(".")[0])
        line = key_line(text, section, key)
        problems.append(Problem(display, line, where, message))

    control_problems(data, add)  # before the checks, which would open such file names
    if problems:
        raise ConfigError(problems)
    cfg = _build(Config, data, "", add)
    problems.extend(_check(cfg, display, text))
    if problems:
        raise ConfigError(problems)
    cfg = as_uris(cfg)
    redirects = {old_url_path(old): new for old, new in cfg.content.redirects.items()}
    if redirects != cfg.content.redirects:  # an old URL on the site's host: its path
        cfg = dataclasses.replace(
            cfg, content=dataclasses.replace(cfg.content, redirects=redirects)
        )
    loaded: Config = dataclasses.replace(cfg, path=path.resolve())
    return loaded


def _check(cfg: Config, display: str, text: str) -> list[Problem]:
    """Value checks that types alone cannot express."""
    theme = theme_problems(cfg.theme, Path(display).parent)
    out = [
        Problem(display, key_line(text, section, key), f"{section}.{key}", message)
        for section, key, message in (
            *_site_problems(cfg),
            *_newsletter_problems(cfg),
            *(("podcast", key, message) for key, message in _podcast_problems(cfg)),
            *_links_problems(cfg),
            *announce_problems(cfg.announce, cfg.notify),
            *_control_problems(cfg),
            *(("theme", key, message) for key, message in theme),
        )
    ]
    for word, message in words_problems(cfg.theme.words):  # [theme.words] or words = {...}
        line = key_line(text, "theme.words", word)
        line = line if line > 1 else key_line(text, "theme", "words")
        out.append(Problem(display, line, "theme.words", message))
    for old in cfg.content.redirects:  # [content.redirects] or redirects = {...}
        if why := old_url_problem(old, cfg.site.base_url) or root_problem(old, cfg.site.base_url):
            line = key_line(text, "content.redirects", old)
            line = line if line > 1 else key_line(text, "content", "redirects")
            out.append(Problem(display, line, "content.redirects", why))
    return out


_Found = Iterator[tuple[str, str, str]]
"""(section, key, message) of each problem found."""


def _site_problems(cfg: Config) -> _Found:
    """URLs anywhere, then [site], [content] and [feeds] (each section and tag once)."""
    for section, key, value in url_values(cfg):
        error = url_error(value)
        if error is not None:
            yield section, key, f"not a valid URL ({error}): {value!r}"
    if why := base_url_problem(cfg.site.base_url):
        yield "site", "base_url", why
    if cfg.site.feeds_url and (why := base_url_problem(cfg.site.feeds_url)):
        yield "site", "feeds_url", why
    try:
        iana_zone(cfg.site.timezone)
    except ValueError:
        yield "site", "timezone", f"unknown IANA time zone {cfg.site.timezone!r}"
    if why := permalink_problem(cfg.site.permalink):
        yield "site", "permalink", why
    if why := _folder_problem(cfg.content.folder):
        yield "content", "folder", why
    for key in ("dates_file", "summary", "readme"):
        if why := _inside_problem(getattr(cfg.content, key)):
            yield "content", key, why
    if cfg.content.max_file_bytes < 1:  # else every file a content error "over the limit of -1"
        yield "content", "max_file_bytes", "expected a positive number of bytes"
    if cfg.content.flavour not in ("auto", "plain", "gitbook"):
        yield "content", "flavour", "expected one of auto, plain, gitbook"
    if cfg.content.slug_style not in ("auto", "github", "gitbook"):
        yield "content", "slug_style", "expected one of auto, github, gitbook"
    yield from (("feeds", key, message) for key, message in feeds_problems(cfg.feeds))


def _folder_problem(folder: str) -> str | None:
    """Why ``[content] folder`` cannot be the content folder: it is read relative to
    publish.toml, and ``/`` (or ``~``, ``C:\\``) made a build walk the whole disk."""
    expected = "expected a folder relative to this file, such as content, docs or ."
    if folder.startswith(("/", "\\", "~")) or PureWindowsPath(folder).drive:
        return f"{expected}; got {folder[:100]!r}"
    return None


def _inside_problem(name: str) -> str | None:
    """Why a file of ``[content]`` (the dates file, SUMMARY.md, the first page) cannot be one:
    it is read, and the dates file written, in the content folder; ``../dates.yml`` or
    ``/etc/passwd`` had another file read, quoted in errors and overwritten."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not name.strip() or name.startswith(("/", "\\", "~")) or PureWindowsPath(name).drive:
        return f"expected a file inside the content folder, such as dates.yml; got {name[:100]!r}"
    if ".." in parts:
        return f"{name[:100]!r} is outside the content folder; expected a file inside it"
    return None


def _newsletter_problems(cfg: Config) -> _Found:
    backends = ("outbox", "smtp", "buttondown", "listmonk", "ghost", "substack")
    news = cfg.newsletter
    if news.backend not in backends:
        yield "newsletter", "backend", f"expected one of {', '.join(backends)}"
    if not re.fullmatch(r"[A-Za-z0-9_:.,+\-\[\]' ]{1,500}", news.ghost_email_segment):
        yield "newsletter", "ghost_email_segment", "expected an NQL member filter, e.g. status:free"
    if news.smtp_tls not in ("none", "starttls", "ssl"):
        yield "newsletter", "smtp_tls", "expected none, starttls or ssl"
    if news.api_timeout <= 0:
        yield "newsletter", "api_timeout", "expected a positive number of seconds"
    if news.api_retries < 0:
        yield "newsletter", "api_retries", "expected 0 or a positive integer"
    if news.api_backoff < 0:
        yield "newsletter", "api_backoff", "expected 0 or a positive number of seconds"
    yield from (("newsletter", key, message) for key, message in newsletter_problems(news))


def _podcast_problems(cfg: Config) -> Iterator[tuple[str, str]]:
    if cfg.podcast.type not in ("episodic", "serial"):
        yield "type", "expected episodic or serial"
    yield from podcast_problems(cfg.podcast)  # category list, emails, UUIDs, URLs


def _links_problems(cfg: Config) -> _Found:
    links = cfg.links
    for h in links.hosts:
        try:
            re.compile(h.pattern)
        except re.error as exc:
            yield "links", "hosts", f"pattern {h.pattern!r} is not a regex: {exc}"
    for pattern in links.exclude:
        try:
            re.compile(pattern)
        except re.error as exc:
            yield "links", "exclude", f"{pattern!r} is not a regex: {exc}"
    limits: tuple[tuple[str, float, float], ...] = (
        ("timeout", links.timeout, 0.001),
        ("retries", links.retries, 0),
        ("max_concurrency", links.max_concurrency, 1),
        ("per_host", links.per_host, 1),
        ("max_redirects", links.max_redirects, 0),
        ("cache_max_age", links.cache_max_age, 0),
        ("retry_after_cap", links.retry_after_cap, 0),
        ("backoff", links.backoff, 0),
        ("max_body_bytes", links.max_body_bytes, 1),
        ("max_header_bytes", links.max_header_bytes, 1024),
    )
    for key, number, least in limits:
        if number < least:
            what = "a positive number" if least else "0 or a positive number"
            yield "links", key, f"expected {what}{f' of at least {least:g}' if least > 1 else ''}"


def _control_problems(cfg: Config) -> _Found:
    for f in dataclasses.fields(cfg.newsletter):
        setting = getattr(cfg.newsletter, f.name)
        if isinstance(setting, str) and _CONTROL.search(setting):
            # a line break in an address or subject would start a new mail header
            yield "newsletter", f.name, "contains a line break or control character"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
