"""``publish digest`` through Click's runner on the fixture tree (outbox backend)."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.newsletter.conftest import Tree, cli, ledger_lines


def test_no_flags_writes_a_preview_and_sends_nothing(tree: Tree) -> None:
    config = tree()
    result = cli(config)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Subject: Fixture Commons: Small groups <first> and 2 more" in out
    assert "2024-05-06  Small groups <first>  (essays/small-groups.md)" in out
    assert "Not ready" not in out and "Next year" not in out  # draft and scheduled
    assert "Preview only; nothing sent." in out
    assert result.stderr.strip().startswith("Digest: preview, 3 items, 0 warnings")
    outbox = config.parent / "outbox"
    (eml,) = outbox.glob("*.eml")
    key = eml.stem
    assert {p.name for p in outbox.iterdir()} == {
        f"{key}{s}" for s in (".eml", ".html", ".txt", ".json")
    }
    assert f"outbox/{key}.eml" in out
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["X-Digest-Key"] == key and msg["To"] == "undisclosed-recipients:;"
    meta = json.loads((outbox / f"{key}.json").read_text())
    assert meta["items"][0] == "0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0003"
    assert ledger_lines(config) == []
    before = eml.read_bytes()
    assert cli(config).exit_code == 0
    assert eml.read_bytes() == before  # byte-stable preview


def test_json_format_is_exactly_one_document(tree: Tree) -> None:
    result = cli(tree(), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["action"] == "preview" and len(report["items"]) == 3
    assert report["key"].startswith("digest-commons-digest-2024-W19-")


def test_outbox_send_records_the_ledger_and_then_there_is_nothing_new(tree: Tree) -> None:
    config = tree()
    sent = cli(config, "--send", "--format", "json")
    assert sent.exit_code == 0, sent.stderr
    key = json.loads(sent.stdout)["key"]
    assert (config.parent / "outbox" / f"{key}.sent").exists()
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sending", "sent"]
    nothing = cli(config, "--format", "json")
    assert json.loads(nothing.stdout)["action"] == "nothing"
    text = cli(config)
    assert text.exit_code == 0 and "Nothing new since the last digest" in text.stdout


def test_since_and_items_override_the_ledger_for_a_catch_up(tree: Tree) -> None:
    config = tree()
    assert cli(config, "--send").exit_code == 0
    since = cli(config, "--since", "2024-05-03", "--format", "json")
    assert [i["title"] for i in json.loads(since.stdout)["items"]] == [
        "Small groups <first>",
        "Decisions in the open",
    ]
    picked = cli(config, "--items", "0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0001", "--format", "json")
    assert [i["title"] for i in json.loads(picked.stdout)["items"]] == ["First steps"]
    unknown = cli(config, "--items", "nope")
    assert unknown.exit_code == 3 and "no published item has id 'nope'" in unknown.stderr


def test_send_and_test_to_are_exclusive_and_help_has_an_example(tree: Tree) -> None:
    result = cli(tree(), "--send", "--test-to", "a@example.net")
    assert result.exit_code == 2 and "exclusive" in result.stderr
    help_text = CliRunner().invoke(main, ["digest", "--help"]).stdout
    assert "Example:" in help_text and "publish digest --send" in help_text


def test_quiet_silences_stderr(tree: Tree) -> None:
    result = cli(tree(), "--quiet")
    assert result.exit_code == 0 and result.stderr == ""


def test_a_post_undrafted_after_a_digest_goes_in_the_next_the_back_catalogue_is_named(
    tree: Tree,
) -> None:
    config = tree()
    first = cli(config, "--send", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert len(json.loads(first.stdout)["items"]) == 3  # May 1 to May 6
    essays = config.parent / "content" / "essays"
    draft = essays / "unfinished.md"  # dated May 2, between two announced items
    draft.write_text(draft.read_text().replace("draft: true\n", ""))
    (essays / "old.md").write_text(
        "---\ntitle: From the archive\ndate: 2024-04-01\nid: old-1\n---\nOld.\n"
    )

    preview = cli(config, "--format", "json")
    assert preview.exit_code == 0, preview.stderr
    assert [i["title"] for i in json.loads(preview.stdout)["items"]] == ["Not ready"]
    assert "essays/old.md (id old-1)" in preview.stderr and "--include-older" in preview.stderr

    sent = cli(config, "--send", "--format", "json")
    assert sent.exit_code == 0, sent.stderr
    assert [i["title"] for i in json.loads(sent.stdout)["items"]] == ["Not ready"]
    assert "essays/old.md (id old-1)" in sent.stderr
    assert ledger_lines(config)[-1]["passed_over"] == ["old-1"]

    quiet = cli(config, "--send")
    assert quiet.exit_code == 0 and "Nothing new" in quiet.stdout
    assert "old.md" not in quiet.stderr  # named once, not on every run

    older = cli(config, "--send", "--include-older", "--format", "json")
    assert older.exit_code == 0, older.stderr
    assert [i["id"] for i in json.loads(older.stdout)["items"]] == ["old-1"]


@pytest.mark.parametrize("send", [[], ["--send"], ["--mark-sent"]], ids=["preview", "send", "mark"])
def test_a_ledger_that_is_no_regular_file_is_refused_and_kept(tree: Tree, send: list[str]) -> None:
    """``ledger = "/dev/null"``: the send renamed its new ledger over it, and as root the
    system's ``/dev/null`` became a regular file (a pipe was read for ever). A folder stands
    here for every file that is not regular; tests/support/test_output.py writes to a pipe."""
    config = tree(ledger="ledger.d")
    (config.parent / "ledger.d").mkdir()
    result = cli(config, *send)
    assert result.exit_code == 2, result.output
    assert "ledger.d:1: ledger: not a regular file" in result.stderr
    assert (config.parent / "ledger.d").is_dir()
    assert not (config.parent / "outbox").exists()


def test_a_ledger_that_is_not_utf8_is_named_at_its_line(tree: Tree) -> None:
    config = tree()
    ledger = config.parent / "newsletter" / "sent.jsonl"
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_bytes(b'{"key": "k", "state": "sent"}\n\xff\n')
    result = cli(config, "--send")
    assert result.exit_code == 2, result.output
    assert "sent.jsonl:2: ledger: not UTF-8 (byte 0xff); fix by hand" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("key", ["subject", "preheader"])
def test_an_unknown_placeholder_is_named_at_its_line(tree: Tree, key: str) -> None:
    """``subject = "{site}: {nope}"`` was reported at ``publish.toml:1``."""
    config = tree(**{key: "{site}: {nope}"})
    result = cli(config)
    assert result.exit_code == 3, result.output
    lines = config.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith(f"{key} ="))
    assert line > 1
    assert f"publish.toml:{line}: newsletter.{key}: cannot fill '{{site}}: {{nope}}'" in (
        result.stderr
    )
