"""Selection by id and ledger, the digest key, and the two rendered parts."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from pipeline.config import Config, NewsletterConfig, SiteConfig
from pipeline.errors import ConfigError, ContentError, LockedError
from pipeline.model import Item
from pipeline.newsletter.compose import HTML_WARN_BYTES, compose, digest_key, select
from pipeline.newsletter.ledger import Entry, Ledger, locked
from pipeline.newsletter.message import build_message

NOW = datetime(2024, 5, 12, 8, 0, tzinfo=UTC)


def item(n: int, day: int, **kw: object) -> Item:
    base = dict(
        id=f"id-{n}",
        kind="essay",
        section="essays",
        source=f"essays/{n}.md",
        title=f"Essay {n}",
        slug=f"essay-{n}",
        url=f"https://commons.example/essays/essay-{n}/",
        date=datetime(2024, 5, day, tzinfo=UTC),
        body=f"Paragraph of essay {n} with [a link](https://x.example/).\n\n## More\n\nRest.",
        html=f'<p>Paragraph of essay {n} with <a href="https://x.example/">a link</a>.</p>\n'
        '<h2 id="more">More</h2>\n<p>Rest.</p>\n',
    )
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


def config(tmp_path: Path, **nl: object) -> Config:
    return Config(
        site=SiteConfig(title="Commons", base_url="https://commons.example/"),
        newsletter=NewsletterConfig(
            unsubscribe_url="https://commons.example/unsubscribe",
            **nl,  # type: ignore[arg-type]
        ),
        path=tmp_path / "publish.toml",
    )


ITEMS = (item(3, 6), item(2, 3), item(1, 1))


def test_selection_skips_ids_in_the_ledger_even_when_their_date_changed() -> None:
    moved = dataclasses.replace(ITEMS[2], date=datetime(2024, 5, 9, tzinfo=UTC))
    chosen = select((moved, ITEMS[0], ITEMS[1]), {"id-1", "id-2"}).items
    assert [i.id for i in chosen] == ["id-3"]


def test_never_sent_items_between_announced_ones_are_taken_older_ones_named_once() -> None:
    # id-2 (May 3) was a draft when id-3 (May 6) and id-1 (May 1) went out: it goes now
    chosen = select(ITEMS, {"id-3", "id-1"})
    assert [i.id for i in chosen.items] == ["id-2"] and chosen.warnings == ()
    # id-1 is older than anything announced (the back catalogue): named, left out, once
    chosen = select(ITEMS, {"id-2"})
    assert [i.id for i in chosen.items] == ["id-3"]
    assert chosen.passed_over == ("id-1",)
    assert "essays/1.md (id id-1)" in chosen.warnings[0] and "--include-older" in chosen.warnings[0]
    again = select(ITEMS, {"id-2"}, passed_over={"id-1"})
    assert [i.id for i in again.items] == ["id-3"] and again.warnings == ()
    older = select(ITEMS, {"id-2"}, passed_over={"id-1"}, include_older=True)
    assert [i.id for i in older.items] == ["id-3", "id-1"]
    # no announced item published any more: the first digest's newest item is the floor
    gone = select(ITEMS, {"id-9"}, first_newest=datetime(2024, 5, 2, tzinfo=UTC))
    assert [i.id for i in gone.items] == ["id-3", "id-2"] and gone.passed_over == ("id-1",)


def test_overrides_bring_any_item_back() -> None:
    chosen = select(ITEMS, {"id-3"}, since=datetime(2024, 5, 2, tzinfo=UTC)).items
    assert [i.id for i in chosen] == ["id-3", "id-2"]
    chosen = select(ITEMS, {"id-1"}, item_ids=["id-1"]).items
    assert [i.id for i in chosen] == ["id-1"]
    with pytest.raises(ConfigError, match="no published item has id 'nope'"):
        select(ITEMS, set(), item_ids=["nope"])


def test_max_items_caps_and_names_what_was_left_out() -> None:
    chosen = select(ITEMS, set(), max_items=2)
    assert [i.id for i in chosen.items] == ["id-3", "id-2"]
    assert "essays/1.md" in chosen.warnings[0]


def test_a_warning_names_ten_items_and_counts_the_rest() -> None:
    """A first digest of a large site named every item left out on one line (25 KB)."""
    many = tuple(item(n, 1 + n % 28) for n in range(1, 26))
    chosen = select(many, set(), max_items=2)
    (warning,) = chosen.warnings
    named = warning.split("left out: ", 1)[1]
    assert named.count("essays/") == 10 and named.endswith(" and 13 more")
    older = select(many, {"id-28"}, first_newest=datetime(2024, 6, 1, tzinfo=UTC))
    assert older.warnings[0].count("essays/") == 10 and " and 15 more;" in older.warnings[0]


def test_key_depends_on_the_item_set_not_its_order_or_the_clock() -> None:
    assert digest_key("Commons", "2024-W19", ["b", "a"]) == digest_key(
        "Commons", "2024-W19", ["a", "b"]
    )
    assert digest_key("Commons", "2024-W19", ["a"]) != digest_key("Commons", "2024-W19", ["a", "b"])
    assert re.fullmatch(
        r"digest-commons-2024-W19-[0-9a-f]{12}", digest_key("Commons", "2024-W19", ["a"])
    )


def test_html_is_a_600px_table_with_inlined_css_dark_mode_and_hidden_preheader(
    tmp_path: Path,
) -> None:
    d = compose(config(tmp_path), ITEMS)
    assert d.subject == "Commons: Essay 3 and 2 more"
    assert d.preheader == "3 new from Commons"
    assert 'role="presentation"' in d.html and 'width="600"' in d.html
    assert "@media (prefers-color-scheme: dark)" in d.html  # at-rules kept by css-inline
    assert 'class="summary" style="' in d.html  # ordinary rules inlined
    hidden = re.search(r'<div class="preheader" style="([^"]*)">3 new from Commons', d.html)
    assert hidden and "display: none" in hidden.group(1)
    for url in re.findall(r'(?:href|src)="([^"]*)"', d.html):
        assert url.startswith("https://"), url
    assert "https://commons.example/unsubscribe" in d.html


def test_text_part_is_written_from_the_items_not_an_html_dump(tmp_path: Path) -> None:
    d = compose(config(tmp_path), ITEMS)
    assert "<" not in d.text
    assert (
        "Essay 3\n6 May 2024\n\nParagraph of essay 3 with a link.\n\nRead: https://commons.example/essays/essay-3/"
        in d.text
    )  # the first paragraph only: the rest is what the reader clicks through for
    assert "Rest." not in d.text
    assert d.text.endswith("Unsubscribe: https://commons.example/unsubscribe\n")


def test_titles_are_escaped_in_html_and_literal_in_text(tmp_path: Path) -> None:
    d = compose(config(tmp_path), (item(9, 9, title="Tags <b> & co"),))
    assert "Tags &lt;b&gt; &amp; co" in d.html and "<b>" not in d.html
    assert "Tags <b> & co" in d.text


def test_community_templates_override_the_default_and_relative_links_become_absolute(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "templates" / "newsletter"
    folder.mkdir(parents=True)
    (folder / "digest.html.j2").write_text(
        "<html><head><style>p { color: red; }</style></head><body>"
        '{% for i in items %}<p><a href="/essays/{{ i.id }}/">{{ i.title }}</a></p>{% endfor %}'
        '<img src="logo.png"></body></html>'
    )
    d = compose(config(tmp_path), ITEMS)
    assert '<p style="color: red;"><a href="https://commons.example/essays/id-3/">' in d.html
    assert 'src="https://commons.example/logo.png"' in d.html
    assert "Read: https://commons.example/essays/essay-3/" in d.text  # default text template


def test_template_error_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "newsletter"
    folder.mkdir(parents=True)
    (folder / "digest.txt.j2").write_text("{{ nope.nothing }}\n")
    with pytest.raises(ConfigError, match=r"digest\.txt\.j2"):
        compose(config(tmp_path), ITEMS)


def test_unknown_subject_placeholder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"newsletter\.subject"):
        compose(config(tmp_path, subject="{site} {weather}"), ITEMS)


def test_large_html_warns_about_gmail_clipping(tmp_path: Path) -> None:
    big = tuple(item(n, 1 + n % 9, description="word " * 60) for n in range(400))
    d = compose(config(tmp_path), big)
    assert len(d.html.encode()) > HTML_WARN_BYTES
    assert any("Gmail clips" in w for w in d.warnings)
    assert not compose(config(tmp_path), ITEMS).warnings


def test_message_headers_parts_and_byte_stability(tmp_path: Path) -> None:
    d = compose(config(tmp_path, unsubscribe_mailto="leave@commons.example"), ITEMS)
    raw = build_message(
        d,
        from_address="d@commons.example",
        to="list@commons.example",
        date=NOW,
        domain="commons.example",
    ).as_bytes()
    again = build_message(
        d,
        from_address="d@commons.example",
        to="list@commons.example",
        date=NOW,
        domain="commons.example",
    ).as_bytes()
    assert raw == again
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Message-ID"] == f"<{d.key}@commons.example>"
    assert msg["Date"] == "Sun, 12 May 2024 08:00:00 +0000"
    assert msg["List-Unsubscribe"] == (
        "<https://commons.example/unsubscribe>, <mailto:leave@commons.example?subject=unsubscribe>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["List-Id"] == "digest <digest.commons.example>"
    assert msg["X-Digest-Key"] == d.key
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]  # type: ignore[attr-defined]
    assert parts == ["text/plain", "text/html"]
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_one_click_header_only_with_an_https_unsubscribe_url(tmp_path: Path) -> None:
    cfg = dataclasses.replace(
        config(tmp_path), newsletter=NewsletterConfig(unsubscribe_mailto="leave@commons.example")
    )
    headers = dict(compose(cfg, ITEMS).headers)
    assert headers["List-Unsubscribe"] == "<mailto:leave@commons.example?subject=unsubscribe>"
    assert "List-Unsubscribe-Post" not in headers


def _entry(key: str, state: str, items: tuple[str, ...] = ("id-1",)) -> Entry:
    return Entry(
        key=key,
        state=state,
        items=items,
        newest="2024-05-01T00:00:00+00:00",
        backend="smtp",
        at=NOW.isoformat(),
    )


def test_ledger_records_states_and_reads_them_back(tmp_path: Path) -> None:
    path = tmp_path / "newsletter" / "sent.jsonl"
    with locked(path) as ledger:
        e = _entry("k1", "claimed")
        ledger.append(e)
        ledger.append(e.advance("sent", NOW, remote_id="42"))
        ledger.append(_entry("k2", "claimed", ("id-2",)))
    again = Ledger(path)
    assert [e.state for e in again.entries] == ["claimed", "sent", "claimed"]
    assert [e.key for e in again.pending()] == ["k2"]
    assert again.used_ids() == {"id-1", "id-2"}
    assert again.first_newest() == datetime(2024, 5, 1, tzinfo=UTC)
    assert not list(path.parent.glob("*.tmp"))


def test_a_broken_ledger_line_is_reported_with_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    path.write_text(_entry("k1", "claimed").to_json() + "\n<<<<<<< HEAD\n")
    with pytest.raises(ContentError, match=r"sent.jsonl:2: ledger"):
        Ledger(path)


def test_the_ledger_lock_serialises_holders(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    order: list[str] = []
    with locked(path):
        t = threading.Thread(target=lambda: _hold(path, order))
        t.start()
        time.sleep(0.3)
        order.append("first done")
    t.join()
    assert order == ["first done", "second in"]
    with locked(path), pytest.raises(LockedError, match="holds"):
        _hold(path, order, timeout=0.2)


def _hold(path: Path, order: list[str], timeout: float = 10) -> None:
    with locked(path, timeout=timeout):
        order.append("second in")


@pytest.mark.parametrize(
    ("name", "list_id"),
    [
        ('a <b> "c"', '"a <b> \\"c\\"" <a-b-c.commons.example>'),
        ("Café Club", "Café Club <caf-club.commons.example>"),
        ("", "<digest.commons.example>"),
    ],
)
def test_the_list_id_is_one_list_whatever_its_name(tmp_path: Path, name: str, list_id: str) -> None:
    """``list_name = 'a <b> "c"'`` was written unquoted: a reader took ``<b>`` for the list's
    id; an empty name left a blank before the id."""
    d = compose(config(tmp_path, list_name=name), ITEMS)
    raw = build_message(
        d, from_address="d@commons.example", to="l@commons.example", date=NOW, domain="x"
    ).as_bytes()
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["List-Id"] == list_id
