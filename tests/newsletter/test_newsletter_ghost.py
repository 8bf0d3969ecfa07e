"""``publish digest`` through the Ghost Admin API contract server: emailed once."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator

import pytest

from tests.contract.fakehttp import json_response
from tests.contract.ghost_server import GhostServer
from tests.newsletter.conftest import Tree, api_settings, cli, ledger_lines, spawn

KEY_ID = "6650aa11bb22cc33dd44ee55"
SECRET = "5f1c9a7e3b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"


@pytest.fixture
def ghost(monkeypatch: pytest.MonkeyPatch) -> Iterator[GhostServer]:
    monkeypatch.setenv("GHOST_ADMIN_KEY", f"{KEY_ID}:{SECRET}")
    server = GhostServer(KEY_ID, SECRET).start()
    yield server
    server.stop()


def _no_secret(*texts: str | bytes) -> None:
    for text in texts:
        blob = text.encode() if isinstance(text, str) else text
        assert SECRET.encode() not in blob and SECRET[:12].encode() not in blob


def test_send_makes_a_draft_publishes_it_with_the_newsletter_once(
    tree: Tree, ghost: GhostServer
) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url))
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    (post,) = ghost.posts.values()
    assert post["slug"] == report["key"].lower() and post["status"] == "published"
    assert ghost.emails == [(post["id"], "default-newsletter")]
    assert "Small groups &lt;first&gt;" in post["html"]
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sending", "sent"]
    assert ledger_lines(config)[-1]["remote_id"] == post["id"]
    again = cli(config, "--send")
    assert again.exit_code == 0 and len(ghost.emails) == 1 and len(ghost.posts) == 1


def test_a_test_copy_goes_to_the_address_only(tree: Tree, ghost: GhostServer) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url))
    result = cli(config, "--test-to", "editor@commons.example")
    assert result.exit_code == 0, result.stderr
    (post,) = ghost.posts.values()
    assert ghost.previews == [(post["id"], ["editor@commons.example"])]
    assert ghost.emails == [] and post["status"] == "draft"
    assert cli(config, "--send").exit_code == 0  # the same draft is published, not a second
    assert len(ghost.posts) == 1 and len(ghost.emails) == 1


def test_a_lost_answer_to_the_publish_is_healed_not_sent_again(
    tree: Tree, ghost: GhostServer
) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url))
    ghost.fault("reset", "PUT", after=True)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(ghost.emails) == 1


def test_killed_after_the_publish_then_rerun_emails_once(tree: Tree, ghost: GhostServer) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url, api_timeout=30.0))
    ghost.fault("hang", "PUT", after=True)
    proc = spawn(config, "--send")
    deadline = time.monotonic() + 60
    while not ghost.emails:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert ledger_lines(config)[-1]["state"] == "sending"
    rerun = spawn(config, "--send")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()
    assert len(ghost.emails) == 1 and len(ghost.posts) == 1
    assert b"healed" in err
    _no_secret(out, err)


def test_killed_after_creating_the_draft_then_rerun_reuses_it(
    tree: Tree, ghost: GhostServer
) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url, api_timeout=30.0))
    ghost.fault("hang", "POST", path="/ghost/api/admin/posts/", after=True)
    proc = spawn(config, "--send")
    deadline = time.monotonic() + 60
    while not ghost.posts:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rerun = spawn(config, "--send")
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()
    assert len(ghost.posts) == 1 and len(ghost.emails) == 1  # no "-2" twin


def test_two_runs_racing_email_once(tree: Tree, ghost: GhostServer) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url))
    procs = [spawn(config, "--send"), spawn(config, "--send")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    assert len(ghost.posts) == 1 and len(ghost.emails) == 1


def test_bad_keys_and_echoed_secrets_never_show(
    tree: Tree, ghost: GhostServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url, api_retries=0))
    monkeypatch.setenv("GHOST_ADMIN_KEY", "no-colon-here")
    malformed = cli(config, "--send")
    assert malformed.exit_code == 3 and "GHOST_ADMIN_KEY: not an Admin API key" in (
        malformed.stderr
    )
    monkeypatch.setenv("GHOST_ADMIN_KEY", f"{KEY_ID}:{'0' * 64}")
    unauthorised = cli(config, "--send")
    assert unauthorised.exit_code != 0 and "UnauthorizedError" in unauthorised.stderr
    monkeypatch.setenv("GHOST_ADMIN_KEY", f"{KEY_ID}:{SECRET}")

    def echo(req: object) -> tuple[int, dict[str, str], bytes]:
        auth = getattr(req, "headers", {}).get("Authorization", "")
        message = f"bad {SECRET} and token {auth}"
        return json_response(422, {"errors": [{"message": message, "type": "ValidationError"}]})

    ghost.fault("respond", "POST", path="/ghost/api/admin/posts/", body=echo)
    echoed = cli(config, "--send", "--format", "json")
    assert echoed.exit_code != 0 and "ValidationError" in echoed.stderr
    _no_secret(malformed.stderr, unauthorised.stderr, echoed.stdout, echoed.stderr)
    assert "eyJ" not in echoed.stderr  # the JWT made from the key is redacted too
    _no_secret(*(p.read_bytes() for p in config.parent.rglob("*") if p.is_file()))


def test_ghost_needs_its_url(tree: Tree, ghost: GhostServer) -> None:
    result = cli(tree(backend="ghost"), "--send")
    assert result.exit_code == 3 and "newsletter.api_url" in result.stderr


def test_email_only_mode_emails_the_segment_once_and_never_publishes_on_the_site(
    tree: Tree, ghost: GhostServer
) -> None:
    settings = api_settings(ghost.url, ghost_email_only=True, ghost_email_segment="status:free")
    config = tree(backend="ghost", **settings)
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    (post,) = ghost.posts.values()
    assert post["email_only"] is True and post["status"] == "sent"  # on no page of the site
    assert ghost.emails == [(post["id"], "default-newsletter")]
    assert ghost.segments == ["status:free"] and post["email"]["recipient_filter"] == "status:free"
    creates = [r for r in ghost.requests if r.method == "POST" and r.path.endswith("/posts/")]
    assert creates[0].json()["posts"][0]["email_only"] is True
    assert ledger_lines(config)[-1]["state"] == "sent"
    again = cli(config, "--send")
    assert again.exit_code == 0 and len(ghost.emails) == 1 and len(ghost.posts) == 1


def test_a_draft_made_before_email_only_was_set_goes_out_email_only(
    tree: Tree, ghost: GhostServer
) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url))
    assert cli(config, "--test-to", "editor@commons.example").exit_code == 0  # a plain draft
    config = tree(backend="ghost", **api_settings(ghost.url, ghost_email_only=True))
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    (post,) = ghost.posts.values()
    assert post["status"] == "sent" and ghost.segments == ["all"]


def test_a_lost_answer_to_an_email_only_publish_is_healed_not_sent_again(
    tree: Tree, ghost: GhostServer
) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url, ghost_email_only=True))
    ghost.fault("reset", "PUT", after=True)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(ghost.emails) == 1 and next(iter(ghost.posts.values()))["status"] == "sent"


def test_an_empty_email_segment_is_a_config_error(tree: Tree, ghost: GhostServer) -> None:
    config = tree(backend="ghost", **api_settings(ghost.url, ghost_email_segment=""))
    result = cli(config, "--send")
    assert result.exit_code == 3
    assert (
        "publish.toml:18: newsletter.ghost_email_segment: expected an NQL member filter"
        in result.stderr
    )
    assert ghost.posts == {}
