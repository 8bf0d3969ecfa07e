"""``publish announce --send`` to the AT Protocol contract server (Bluesky)."""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

from pipeline.announce.channels.bluesky import record_key
from pipeline.model import Item
from tests.announce.conftest import (
    IDS,
    assert_no_secret,
    bluesky_channel,
    cli,
    site,
    spawn,
    states,
)
from tests.contract.bluesky_server import DID, BlueskyServer
from tests.contract.fakehttp import json_response


def test_posts_once_with_a_link_facet_a_card_and_a_deterministic_key(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    config = site(tmp_path, bluesky_channel(bluesky.url))
    preview = cli(config, "--preview")
    assert preview.exit_code == 0, preview.stderr
    previewed = json.loads(
        (config.parent / "outbox" / "announce" / "bluesky" / f"{IDS[0]}.json").read_text()
    )["payload"]
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(bluesky.records) == 3 and bluesky.sessions == 1
    uris = [r["remote_id"] for r in json.loads(result.stdout)["outcomes"]]
    assert uris[0] == f"at://{DID}/app.bsky.feed.post/{previewed['rkey']}"  # as previewed
    record = bluesky.records[uris[0]]
    assert record["embed"]["external"]["uri"] == "https://commons.example/essays/first-steps/"
    assert record["embed"]["external"]["title"] == "First steps"
    (facet,) = record["facets"]
    raw = record["text"].encode()
    assert raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]] == (
        b"https://commons.example/essays/first-steps/"
    )
    assert record["langs"] == ["en"]
    assert cli(config, "--send").exit_code == 0 and len(bluesky.records) == 3


def test_record_keys_are_stable_tids_distinct_per_channel_and_item() -> None:
    def item(n: int) -> Item:
        return Item(
            id=f"id-{n}",
            kind="essay",
            section="essays",
            source=f"essays/{n}.md",
            title="t",
            slug="t",
            url="https://x.example/t/",
            date=datetime(2024, 5, 1, tzinfo=UTC),
        )

    keys = {record_key(c, item(n)) for c in ("bluesky", "other") for n in range(50)}
    assert len(keys) == 100
    assert record_key("bluesky", item(1)) == record_key("bluesky", item(1))
    assert all(len(k) == 13 and k[0] in "234567abcdefghij" for k in keys)


def test_a_multibyte_title_gets_facet_offsets_in_bytes(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    config = site(tmp_path, bluesky_channel(bluesky.url))
    essay = config.parent / "content" / "essays" / "first-steps.md"
    essay.write_text(
        essay.read_text().replace("title: First steps", "title: Première étape 🌱"),
        encoding="utf-8",
    )
    assert cli(config, "--send").exit_code == 0  # the server checks every facet's bytes
    assert len(bluesky.records) == 3


def test_a_lost_answer_is_found_by_its_key_not_posted_again(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    bluesky.fault("reset", "POST", path="/xrpc/com.atproto.repo.createRecord", after=True)
    config = site(tmp_path, bluesky_channel(bluesky.url))
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(bluesky.records) == 3
    assert set(states(config, "bluesky").values()) == {"sent"}


def test_killed_after_the_request_then_rerun_posts_once(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    config = site(tmp_path, bluesky_channel(bluesky.url))
    bluesky.fault("hang", "POST", path="/xrpc/com.atproto.repo.createRecord", after=True)
    proc = spawn(config, "--send")
    deadline = time.monotonic() + 60
    while len(bluesky.records) < 1:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert states(config, "bluesky")[IDS[0]] == "sending"
    rerun = spawn(config, "--send")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()
    assert len(bluesky.records) == 3
    assert_no_secret(out, err, folder=config.parent)


def test_the_password_and_session_never_show_on_any_error_path(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    def echo(req: object) -> tuple[int, dict[str, str], bytes]:
        return json_response(400, {"error": "InvalidRequest", "message": f"bad {bluesky.token}"})

    config = site(tmp_path, bluesky_channel(bluesky.url, retries=0))
    bluesky.fault("respond", "POST", path="/xrpc/com.atproto.repo.createRecord", body=echo)
    bluesky.fault("respond", "GET", path="/xrpc/com.atproto.repo.getRecord", body=echo, times=5)
    echoed = cli(config, "--send")
    bluesky.password = "changed-on-the-server"
    refused = cli(config, "--send", "--format", "json")
    assert echoed.exit_code == refused.exit_code == 1
    assert "Invalid identifier or password" in refused.stderr
    session = BlueskyServer("x", "bsky-FAKEAPPPW-Gh3Jk7Lm2Qw9").token
    for text in (echoed.stdout, echoed.stderr, refused.stdout, refused.stderr):
        assert session not in text and session[-20:] not in text
    assert_no_secret(echoed.stderr, refused.stderr, folder=config.parent)


def test_a_record_answered_without_an_at_uri_is_not_recorded_posted(
    tmp_path: Path, bluesky: BlueskyServer
) -> None:
    """createRecord answered ``{"uri": "x"}`` and made nothing: any text was taken as the
    record's uri, the item recorded sent and never posted."""
    path = "/xrpc/com.atproto.repo.createRecord"
    bluesky.fault("json", "POST", path=path, body=(200, {"uri": "x", "cid": "c"}))
    config = site(tmp_path, bluesky_channel(bluesky.url))
    first = cli(config, "--send")
    assert first.exit_code == 1, first.output
    assert "without the record's at:// uri" in first.stderr
    assert "failed" in states(config, "bluesky").values()
