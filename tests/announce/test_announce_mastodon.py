"""``publish announce --send`` to the Mastodon contract server."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.announce.compose import status_length
from tests.announce.conftest import (
    IDS,
    MASTODON_TOKEN,
    assert_no_secret,
    cli,
    ledger,
    mastodon_channel,
    site,
    states,
)
from tests.contract.fakehttp import json_response
from tests.contract.mastodon_server import MastodonServer


def test_posts_once_with_key_visibility_language_and_warning(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    config = site(
        tmp_path,
        mastodon_channel(mastodon.url, visibility="unlisted", language="en-GB", spoiler_text="new"),
    )
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [s["visibility"] for s in mastodon.statuses] == ["unlisted"] * 3
    assert {s["language"] for s in mastodon.statuses} == {"en"}
    assert {s["spoiler_text"] for s in mastodon.statuses} == {"new"}
    assert 'href="https://commons.example/essays/first-steps/"' in mastodon.statuses[0]["content"]
    keys = [r.headers["Idempotency-Key"] for r in mastodon.requests if r.method == "POST"]
    assert len(set(keys)) == 3
    rows = json.loads(result.stdout)["outcomes"]
    assert [r["remote_url"] for r in rows] == [s["url"] for s in mastodon.statuses]
    assert set(states(config, "mastodon").values()) == {"sent"}
    assert cli(config, "--send").exit_code == 0 and len(mastodon.statuses) == 3


def test_the_post_fits_the_servers_limit_by_shortening_the_summary(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    mastodon.max_characters = 90
    long = "word " * 200
    config = site(tmp_path, mastodon_channel(mastodon.url))
    essay = config.parent / "content" / "essays" / "first-steps.md"
    essay.write_text(
        essay.read_text().replace("authors:", f"description: {long.strip()}\nauthors:"),
        encoding="utf-8",
    )
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    first = mastodon.statuses[0]["text"]
    assert first.startswith("First steps\n\nword word") and "…" in first
    assert first.endswith("https://commons.example/essays/first-steps/")
    assert status_length(first) <= 90


def test_a_lost_answer_is_retried_with_the_same_key_and_posts_once(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    mastodon.fault("reset", "POST", after=True)
    config = site(tmp_path, mastodon_channel(mastodon.url))
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(mastodon.statuses) == 3


def test_a_failed_post_found_on_the_account_is_healed_not_reposted(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    config = site(tmp_path, mastodon_channel(mastodon.url, retries=0))
    mastodon.fault("malformed", "POST", after=True)  # posted, answer unreadable
    first = cli(config, "--send")
    assert first.exit_code == 1 and states(config, "mastodon")[IDS[0]] == "failed"
    mastodon.keys.clear()  # over an hour later: the server forgot the Idempotency-Key
    second = cli(config, "--send", "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert [s["text"].split("\n")[0] for s in mastodon.statuses] == [
        "First steps",
        "Decisions in the open",
        "Small groups <first>",
    ]
    healed = [r for r in json.loads(second.stdout)["outcomes"] if r["action"] == "healed"]
    assert [r["id"] for r in healed] == [IDS[0]]


def test_the_token_never_shows_on_any_error_path(tmp_path: Path, mastodon: MastodonServer) -> None:
    def echo(req: object) -> tuple[int, dict[str, str], bytes]:
        return json_response(
            422, {"error": f"token {MASTODON_TOKEN} rejected", "error_description": MASTODON_TOKEN}
        )

    config = site(tmp_path, mastodon_channel(mastodon.url, retries=0))
    mastodon.fault("respond", "POST", body=echo)
    refused = cli(config, "--send", "--format", "json")
    mastodon.token = "the-server-now-wants-another"
    unauthorised = cli(config, "--send")
    assert refused.exit_code == unauthorised.exit_code == 1
    assert "The access token is invalid" in unauthorised.stderr
    assert "***" in refused.stderr
    assert_no_secret(
        refused.stdout,
        refused.stderr,
        unauthorised.stdout,
        unauthorised.stderr,
        folder=config.parent,
    )
    assert ledger(config)


def test_a_status_answered_without_a_real_id_is_not_recorded_posted(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    """``{"id": null}`` (or ``true``) as the answer to a post that made no status: ``str()``
    of it matched the id pattern, the item was recorded sent as ``"None"`` and never posted."""
    config = site(tmp_path, mastodon_channel(mastodon.url, retries=0))
    mastodon.fault("json", "POST", path="/api/v1/statuses", body=(200, {"id": None}))
    first = cli(config, "--send")
    assert first.exit_code == 1, first.output
    assert states(config, "mastodon")[IDS[0]] == "failed"
    assert "answered without a status id" in first.stderr
    second = cli(config, "--send")
    assert second.exit_code == 0, second.stderr
    assert len(mastodon.statuses) == 3 and set(states(config, "mastodon").values()) == {"sent"}


def test_an_account_listing_that_is_no_list_is_no_answer(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    """A lost answer, the key forgotten, then the account's statuses answered ``null``: read
    as "not posted", the status was made again. An unreadable listing is now a failure of the
    item, and nothing is posted twice."""
    config = site(tmp_path, mastodon_channel(mastodon.url, retries=0))
    mastodon.fault("malformed", "POST", after=True)  # posted, answer unreadable
    first = cli(config, "--send")
    assert first.exit_code == 1
    mastodon.keys.clear()
    mastodon.fault("json", "GET", path="/api/v1/accounts/.*/statuses", body=(200, None))
    second = cli(config, "--send")
    assert second.exit_code == 1, second.output
    assert "without a list of them" in second.stderr
    titles = [s["text"].split("\n")[0] for s in mastodon.statuses]
    assert titles.count("First steps") == 1 and len(titles) == len(set(titles))  # none twice
