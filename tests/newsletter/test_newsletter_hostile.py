"""Hostile or unusual input that once wedged every later digest: a line separator in a ledger
line, a hand-edited ledger date, a title of thousands of characters, a long list name, a
``--test-to`` with a line break."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.newsletter.backends.base import fitted
from pipeline.newsletter.ledger import Entry, Ledger
from tests.contract.buttondown_server import ButtondownServer
from tests.newsletter.conftest import Mailbox, Tree, api_settings, cli, ledger_lines


def _essay(config: Path, name: str, front: str) -> None:
    (config.parent / "content" / "essays" / f"{name}.md").write_text(
        f"---\n{front}\ndate: 2024-05-08\n---\nText.\n", encoding="utf-8"
    )


def _ledger(config: Path) -> Path:
    return config.parent / "newsletter" / "sent.jsonl"


def test_a_line_separator_in_a_note_keeps_the_ledger_readable(tmp_path: Path) -> None:
    """JSON leaves U+2028 raw (a service's error message, kept as a failed line's note, may
    hold one); the ledger was read with splitlines(), which cut that line in two, so every
    later run stopped at "not a ledger line" (exit 2) until fixed by hand. (An item id can no
    longer hold one: the build refuses it.)"""
    ledger = Ledger(tmp_path / "sent.jsonl")
    failed = Entry(
        key="digest-x-2024-W19-000000000000",
        state="failed",
        items=("a",),
        newest="2024-05-08T00:00:00+00:00",
        backend="buttondown",
        at="2024-05-12T07:46:40+00:00",
        note="the service said: line\u2028two\u2029three\x85four",
    )
    ledger.append(failed)
    raw = ledger.path.read_text(encoding="utf-8")
    assert not {"\u2028", "\u2029", "\x85"} & set(raw)
    (again,) = Ledger(ledger.path).entries
    assert again.note == failed.note


def test_a_ledger_written_with_a_raw_line_separator_is_still_read(tree: Tree) -> None:
    config = tree()
    _essay(config, "sep", "title: Separated\nid: sep-x")
    line = {
        "key": "digest-x-2024-W19-000000000000",
        "state": "sent",
        "items": ["sep\u2028x"],
        "newest": "2024-05-08T00:00:00+00:00",
        "backend": "outbox",
        "at": "2024-05-12T07:46:40+00:00",
    }
    _ledger(config).parent.mkdir(parents=True, exist_ok=True)
    _ledger(config).write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = cli(config, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "sep\u2028x" not in [i["id"] for i in json.loads(result.stdout)["items"]]


def test_a_hand_edited_newest_is_reported_at_its_line_not_a_crash(tree: Tree) -> None:
    config = tree()
    assert cli(config, "--send").exit_code == 0
    lines = _ledger(config).read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["newest"] = "2024-05-06"  # no time zone: cannot be compared with item dates
    lines[0] = json.dumps(first)
    _ledger(config).write_text("\n".join(lines) + "\n", encoding="utf-8")
    _essay(config, "new", "title: New\nid: new-1")
    result = cli(config, "--send")
    assert result.exit_code == 2, result.stderr
    assert "newsletter/sent.jsonl:1: ledger:" in result.stderr
    assert "'newest'" in result.stderr
    assert "unexpected error" not in result.stderr


def test_a_title_of_thousands_of_characters_still_goes_out(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    """The subject took the whole title: Buttondown refused it (over 2,000 characters) on
    this run and every later one, as the claimed digest was retried first."""
    config = tree(backend="buttondown", **api_settings(buttondown.url))
    _essay(config, "long", "title: " + "Very long words " * 300 + "\nid: long-1")
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    subject = json.loads(result.stdout)["subject"]
    assert len(subject) <= 200 and subject.endswith("…")
    assert len(buttondown.sends) == 1
    (email,) = buttondown.emails.values()
    assert email["subject"] == subject
    assert ledger_lines(config)[-1]["state"] == "sent"


def test_a_long_list_name_still_goes_out_once(tree: Tree, buttondown: ButtondownServer) -> None:
    """The digest key was the slug: a long list name made it longer than Buttondown's 100.
    The key stays whole (the ledger knows digests by it); the slug is fitted."""
    name = "The Very Long Name Of Our Community Newsletter For Everyone Around Here, Weekly"
    config = tree(backend="buttondown", list_name=name, **api_settings(buttondown.url))
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    key = json.loads(result.stdout)["key"]
    assert len(key) > 100
    (email,) = buttondown.emails.values()
    assert email["slug"] == fitted(key, 100) and email["metadata"]["digest_key"] == key
    assert len(buttondown.sends) == 1
    again = cli(config, "--send")
    assert again.exit_code == 0 and "Nothing new" in again.stdout
    assert len(buttondown.sends) == 1


def test_a_digest_claimed_under_an_overlong_key_is_finished_once(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    """A digest claimed under a key longer than a slug may be is finished under it."""
    config = tree(backend="buttondown", **api_settings(buttondown.url))
    key = "digest-" + "long-" * 30 + "2024-W19-0123456789ab"
    ids = [f"0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d000{n}" for n in (3, 2, 1)]
    claimed = {
        "key": key,
        "state": "claimed",
        "items": ids,
        "newest": "2024-05-06T00:00:00+00:00",
        "backend": "buttondown",
        "at": "2024-05-12T07:46:40+00:00",
    }
    _ledger(config).parent.mkdir(parents=True, exist_ok=True)
    _ledger(config).write_text(json.dumps(claimed) + "\n", encoding="utf-8")
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    (email,) = buttondown.emails.values()
    assert email["slug"] == fitted(key, 100) and email["metadata"]["digest_key"] == key
    assert len(buttondown.sends) == 1
    assert ledger_lines(config)[-1]["state"] == "sent"
    again = cli(config, "--send")
    assert again.exit_code == 0 and len(buttondown.sends) == 1


def test_fitted_keys_are_short_stable_and_distinct() -> None:
    long = "digest-" + "x" * 300
    assert fitted("digest-a-2024-W19-abc", 100) == "digest-a-2024-W19-abc"
    assert len(fitted(long, 100)) == 100 and fitted(long, 100) == fitted(long, 100)
    assert fitted(long, 100) != fitted(long + "y", 100)


def test_test_to_with_a_line_break_is_refused_before_anything_is_sent(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    config = tree(
        backend="smtp", smtp_host="127.0.0.1", smtp_port=port, list_address="l@example.net"
    )
    for bad in ("me@example.net\r\nBcc: evil@example.net", "me@example.net, you@example.net"):
        result = cli(config, "--test-to", bad)
        assert result.exit_code == 3, result.stderr
        assert "--test-to" in result.stderr and "unexpected error" not in result.stderr
    assert mailbox.raw == []
    assert not _ledger(config).exists()
    ok = cli(config, "--test-to", "me@example.net")
    assert ok.exit_code == 0, ok.stderr
    assert [rcpt for _, rcpt, _ in mailbox.raw] == [["me@example.net"]]


def test_an_unfinished_digest_whose_items_are_gone_says_a_way_out_that_works(
    tree: Tree,
) -> None:
    """The advice was to mark it 'failed', which is retried like any unfinished digest."""
    config = tree()
    claimed = {
        "key": "digest-commons-digest-2024-W19-000000000000",
        "state": "claimed",
        "items": ["gone-1"],
        "newest": "2024-05-06T00:00:00+00:00",
        "backend": "outbox",
        "at": "2024-05-12T07:46:40+00:00",
    }
    _ledger(config).parent.mkdir(parents=True, exist_ok=True)
    _ledger(config).write_text(json.dumps(claimed) + "\n", encoding="utf-8")
    stuck = cli(config, "--send")
    assert stuck.exit_code == 1
    assert ledger_lines(config)[-1]["state"] == "failed"  # as the old advice said: no way out
    assert cli(config, "--send").exit_code == 1
    assert f"delete the lines of {claimed['key']} from the ledger" in stuck.stderr
    kept = [line for line in ledger_lines(config) if line["key"] != claimed["key"]]
    _ledger(config).write_text("".join(json.dumps(x) + "\n" for x in kept), encoding="utf-8")
    sent = cli(config, "--send")
    assert sent.exit_code == 0, sent.stderr
    assert ledger_lines(config)[-1]["state"] == "sent"


def test_a_next_link_going_in_a_circle_fails_instead_of_looping(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    config = tree(backend="buttondown", **api_settings(buttondown.url))
    circle = {"results": [], "next": f"{buttondown.url}/v1/emails?page=2", "count": 9}
    buttondown.fault("json", "GET", "/v1/emails", body=(200, circle), times=200)
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert "'next' link goes in a circle" in result.stderr
    assert len([r for r in buttondown.requests if r.method == "GET"]) <= 3
    assert buttondown.sends == [] and buttondown.emails == {}
    assert ledger_lines(config)[-1]["state"] == "failed"


def test_test_to_through_the_outbox_says_nothing_was_sent(tree: Tree) -> None:
    """The outbox sends nothing, yet the run said "Test copy sent to … via outbox": it now
    writes the preview, as ``publish digest`` does, and says no test copy went out."""
    config = tree()  # backend = "outbox"
    result = cli(config, "--test-to", "editor@example.net")
    assert result.exit_code == 0, result.stderr
    assert "Test copy sent" not in result.stdout
    assert "sends no email: no test copy went to editor@example.net" in result.stderr
    assert list((config.parent / "outbox").glob("*.eml"))
    assert not _ledger(config).exists()
