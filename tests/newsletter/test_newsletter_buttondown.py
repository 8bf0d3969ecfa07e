"""Buttondown delivery against a local server that follows Buttondown's API contract."""

from __future__ import annotations

import base64
import json
import signal
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from tests.contract.buttondown_server import ButtondownServer
from tests.newsletter.conftest import (
    BUTTONDOWN_KEY,
    Tree,
    api_settings,
    assert_no_secret,
    cli,
    ledger_lines,
    spawn,
)


def bd_config(tree: Tree, server: ButtondownServer, **more: object) -> Path:
    return tree(backend="buttondown", **api_settings(server.url, **more))


def creates(server: ButtondownServer) -> list[dict[str, object]]:
    return [r.json() for r in server.requests if r.method == "POST" and r.path == "/v1/emails"]


def test_the_fake_follows_the_contract_default_status_sends(buttondown: ButtondownServer) -> None:
    """Why we always say "draft": Buttondown's default status is about_to_send."""
    auth = {"Authorization": f"Token {BUTTONDOWN_KEY}"}
    r = requests.post(f"{buttondown.url}/v1/emails", json={"subject": "x"}, headers=auth, timeout=5)
    assert r.status_code == 201 and r.json()["status"] == "about_to_send"
    assert buttondown.sends == [r.json()["id"]]
    bad = requests.post(
        f"{buttondown.url}/v1/emails", json={"subject": "x", "nope": 1}, headers=auth, timeout=5
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["type"] == "extra_forbidden"
    assert requests.get(f"{buttondown.url}/v1/emails", timeout=5).status_code == 401


def test_send_creates_an_explicit_draft_then_sends_it_once(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    config = bd_config(tree, buttondown)
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    key = report["key"]
    (create,) = [r for r in buttondown.requests if r.method == "POST"]
    assert create.headers["Authorization"] == f"Token {BUTTONDOWN_KEY}"
    assert create.headers["X-Idempotency-Key"] == key
    body = create.json()
    assert body["status"] == "draft" and body["slug"] == key
    assert body["metadata"]["digest_key"] == key
    assert body["subject"] == "Fixture Commons: Small groups <first> and 2 more"
    assert "{{ unsubscribe_url }}" in body["body"]  # Buttondown's own unsubscribe link
    assert len(buttondown.sends) == 1
    (email,) = buttondown.emails.values()
    assert email["status"] == "about_to_send" and report["remote_id"] == email["id"]
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sending", "sent"]
    again = cli(config, "--send")
    assert again.exit_code == 0 and "Nothing new" in again.stdout
    assert len(buttondown.sends) == 1


def test_429_retry_after_is_honoured(tree: Tree, buttondown: ButtondownServer) -> None:
    config = bd_config(tree, buttondown)
    buttondown.fault("429", "POST", "/v1/emails", retry_after="1")
    started = time.monotonic()
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started >= 1.0
    assert len(buttondown.sends) == 1 and len(buttondown.emails) == 1


@pytest.mark.parametrize("remote_id", ["x/../../y", "..", None, True, ""])
def test_an_id_that_is_not_an_identifier_is_refused(
    tree: Tree, buttondown: ButtondownServer, remote_id: object
) -> None:
    """The email id goes into request paths: ``x/../../y`` once made the next call GET /v1/y,
    and ``null`` GET /v1/emails/None."""
    config = bd_config(tree, buttondown, api_retries=0)
    body = {"id": remote_id, "status": "draft"}
    buttondown.fault("json", "POST", "/v1/emails", times=10, body=(201, body))
    result = cli(config, "--send")
    assert result.exit_code == 1, result.stdout
    assert "Buttondown answered with an email object whose id is not" in result.stderr
    assert buttondown.sends == [] and ledger_lines(config)[-1]["state"] == "failed"
    assert not any("/v1/y" in r.path or "None" in r.path for r in buttondown.requests)


def test_a_retry_after_beyond_the_cap_fails_at_once(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    """``Retry-After: 100000`` once made ``digest --send`` sleep 120 s per retry, silently."""
    config = bd_config(tree, buttondown, api_retries=2)
    buttondown.fault("429", "GET", "/v1/emails", retry_after="3600", times=10)
    started = time.monotonic()
    result = cli(config, "--send")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "asks to wait 3600 s (more than 120 s); run again later" in result.stderr
    assert buttondown.sends == [] and ledger_lines(config)[-1]["state"] == "failed"


@pytest.mark.parametrize("kind", ["500", "timeout", "reset"])
@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/v1/emails"), ("POST", "/v1/emails"), ("PATCH", "/v1/emails/.*")]
)
def test_transient_faults_are_retried_and_send_exactly_once(
    tree: Tree, buttondown: ButtondownServer, kind: str, method: str, path: str
) -> None:
    config = bd_config(tree, buttondown)
    buttondown.fault(kind, method, path, delay=1.5)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(buttondown.sends) == 1 and len(buttondown.emails) == 1
    assert ledger_lines(config)[-1]["state"] == "sent"


@pytest.mark.parametrize("kind", ["500", "reset"])
def test_a_lost_answer_after_the_server_acted_is_not_applied_twice(
    tree: Tree, buttondown: ButtondownServer, kind: str
) -> None:
    config = bd_config(tree, buttondown)
    buttondown.fault(kind, "POST", "/v1/emails", after=True)
    buttondown.fault(kind, "PATCH", "/v1/emails/.*", after=True)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(buttondown.emails) == 1 and len(buttondown.sends) == 1


def test_a_crash_after_send_is_healed_by_the_next_run(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    """The send is applied, then the service stops answering: the run fails, the ledger says
    so, and the next run finds the email already sending and records it without resending."""
    config = bd_config(tree, buttondown)
    buttondown.fault("reset", "PATCH", "/v1/emails/.*", after=True)
    buttondown.fault("pass", "GET", "/v1/emails/.*")  # the state check before sending
    buttondown.fault("500", "GET", "/v1/emails/.*", times=10)
    failed = cli(config, "--send")
    assert failed.exit_code == 1
    assert "Buttondown" in failed.stderr and "HTTP 500" in failed.stderr
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sending", "failed"]
    assert len(buttondown.sends) == 1
    buttondown.faults.clear()
    healed = cli(config, "--send", "--format", "json")
    assert healed.exit_code == 0, healed.stderr
    report = json.loads(healed.stdout)
    assert report["action"] == "nothing" and len(report["healed"]) == 1
    assert "healed: found 'about_to_send'" in healed.stderr
    assert len(buttondown.sends) == 1
    assert ledger_lines(config)[-1]["state"] == "sent"


def test_a_killed_process_mid_send_is_healed(tree: Tree, buttondown: ButtondownServer) -> None:
    config = bd_config(tree, buttondown, api_timeout=20.0)
    buttondown.fault("hang", "PATCH", "/v1/emails/.*", after=True)
    proc = spawn(config, "--send")
    deadline = time.monotonic() + 30
    while not buttondown.sends and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sending"]
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(buttondown.sends) == 1
    assert ledger_lines(config)[-1]["state"] == "sent"


def test_malformed_json_fails_cleanly_and_the_next_run_reuses_the_draft(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    config = bd_config(tree, buttondown)
    buttondown.fault("malformed", "POST", "/v1/emails", after=True)
    failed = cli(config, "--send")
    assert failed.exit_code == 1 and "malformed JSON" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert ledger_lines(config)[-1]["state"] == "failed"
    assert buttondown.sends == []
    ok = cli(config, "--send")
    assert ok.exit_code == 0, ok.stderr
    assert len(buttondown.emails) == 1 and len(buttondown.sends) == 1


def test_4xx_names_the_services_own_message(tree: Tree, buttondown: ButtondownServer) -> None:
    config = bd_config(tree, buttondown)
    buttondown.fault(
        "json",
        "POST",
        "/v1/emails",
        body=(400, {"code": "email_invalid", "detail": "Body is not valid."}),
    )
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert (
        "Buttondown refused POST /v1/emails: HTTP 400: Body is not valid. (email_invalid)"
        in result.stderr
    )
    assert ledger_lines(config)[-1]["state"] == "failed"
    assert buttondown.sends == []


def test_test_copy_uses_send_draft_and_the_send_reuses_that_draft(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    config = bd_config(tree, buttondown)
    buttondown.page_size = 1
    for n in range(3):  # other emails in the account, so find must page
        buttondown.emails[f"other-{n}"] = {"id": f"other-{n}", "status": "sent", "slug": f"o{n}"}
        buttondown.order.insert(0, f"other-{n}")
    result = cli(config, "--test-to", "editor@example.net")
    assert result.exit_code == 0, result.stderr
    assert [t[1] for t in buttondown.test_sends] == [["editor@example.net"]]
    assert buttondown.sends == [] and ledger_lines(config) == []
    sent = cli(config, "--send")
    assert sent.exit_code == 0, sent.stderr
    assert len(creates(buttondown)) == 1 and len(buttondown.sends) == 1


def test_two_processes_racing_send_one_email(tree: Tree, buttondown: ButtondownServer) -> None:
    config = bd_config(tree, buttondown)
    procs = [spawn(config, "--send", "--format", "json") for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.decode() for _, e in outs]
    assert sorted(json.loads(o)["action"] for o, _ in outs) == ["nothing", "sent"]
    assert len(buttondown.sends) == 1 and len(buttondown.emails) == 1


def test_missing_key_is_a_configuration_error(
    tree: Tree, buttondown: ButtondownServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BUTTONDOWN_API_KEY")
    config = bd_config(tree, buttondown)
    before = sorted(p.relative_to(config.parent) for p in config.parent.rglob("*"))
    result = cli(config, "--send")
    assert result.exit_code == 3
    assert "BUTTONDOWN_API_KEY: not set" in result.stderr
    # "nothing written": not even the ledger's lock file
    assert sorted(p.relative_to(config.parent) for p in config.parent.rglob("*")) == before


FAULTS = [
    ("wrong key", None),
    ("500", ("500", "GET", "/v1/emails", {})),
    ("timeout", ("timeout", "POST", "/v1/emails", {"delay": 0.5})),
    ("reset", ("reset", ".*", "/v1/emails.*", {})),
    ("malformed", ("malformed", "GET", "/v1/emails", {})),
    ("deep", ("deep", "GET", "/v1/emails", {})),  # once a RecursionError: "unexpected error"
    (
        "echoing 400",
        (
            "json",
            "POST",
            "/v1/emails",
            {"body": (400, {"code": "x", "detail": f"bad Token {BUTTONDOWN_KEY}"})},
        ),
    ),
    (
        "echoing 422",
        (
            "json",
            "POST",
            "/v1/emails",
            {"body": (422, {"detail": [{"loc": ["h"], "msg": BUTTONDOWN_KEY}]})},
        ),
    ),
    (  # the key straddles the 200th character, where the message is cut
        "echo at the cut",
        ("text", "POST", "/v1/emails", {"body": (401, "x" * 174 + f"Token {BUTTONDOWN_KEY}")}),
    ),
    (
        "echo encoded",
        (
            "text",
            "POST",
            "/v1/emails",
            {
                "body": (
                    400,
                    f"{quote(BUTTONDOWN_KEY + '/')} "
                    f"{base64.b64encode(BUTTONDOWN_KEY.encode()).decode()}",
                )
            },
        ),
    ),
]


@pytest.mark.parametrize(("name", "fault"), FAULTS, ids=[f[0] for f in FAULTS])
def test_the_key_never_leaks_on_any_error_path(
    tree: Tree,
    buttondown: ButtondownServer,
    name: str,
    fault: tuple[str, str, str, dict[str, object]] | None,
) -> None:
    config = bd_config(tree, buttondown, api_retries=1, api_timeout=0.3)
    if fault is None:
        buttondown.api_key = "another-key"
    else:
        kind, method, path, kw = fault
        buttondown.fault(kind, method, path, times=100, **kw)  # type: ignore[arg-type]
    for args in (["--test-to", "editor@example.net"], ["--send"], ["--send", "--format", "json"]):
        result = cli(config, *args)
        assert result.exit_code == 1, (name, args, result.stdout, result.stderr)
        assert "error: Buttondown" in result.stderr
        assert_no_secret(
            result.stdout, result.stderr, str(result.exception or ""), folder=config.parent
        )
    assert buttondown.sends == []
    assert ledger_lines(config)[-1]["state"] == "failed"


@pytest.mark.parametrize("held", ["draft", "errored"])
def test_a_send_the_service_did_not_take_is_not_recorded_sent(
    tree: Tree, buttondown: ButtondownServer, held: str
) -> None:
    """Buttondown answers the send 200 with the email still a draft (or errored) and sends
    nothing: the ledger said ``sent`` and the digest never went out. It is now a failed
    send, said so (exit 1); a later run, once the service takes it, sends it once."""
    config = bd_config(tree, buttondown)
    buttondown.held = held
    failed = cli(config, "--send")
    assert failed.exit_code == 1, failed.output
    assert f"answered the send with {held!r}" in failed.stderr
    assert buttondown.sends == []
    assert [line["state"] for line in ledger_lines(config)][-1] == "failed"
    buttondown.held = ""
    retried = cli(config, "--send")  # the email is still a draft there: sent now, once
    assert retried.exit_code == 0, retried.output
    assert len(buttondown.sends) == 1
    assert [line["state"] for line in ledger_lines(config)][-1] == "sent"
    # the summary says the earlier digest went out ("nothing" alone hid it)
    assert "Digest: nothing, 0 items, 1 earlier digest finished, 0 warnings" in retried.stderr


def test_an_item_edited_after_the_test_copy_is_sent_as_it_is_now(
    tree: Tree, buttondown: ButtondownServer
) -> None:
    """The key of a digest is its items' ids: ``--test-to`` made the draft, an editor fixed a
    title, and ``--send`` found the draft and mailed the list the old title (a second test
    copy too) while the outbox preview showed the new one."""
    config = bd_config(tree, buttondown)
    assert cli(config, "--test-to", "editor@example.net").exit_code == 0
    page = config.parent / "content" / "essays" / "open-decisions.md"
    page.write_text(page.read_text().replace("Decisions in the open", "Decisions made openly"))
    again = cli(config, "--test-to", "editor@example.net")
    assert again.exit_code == 0, again.stderr
    sent = cli(config, "--send")
    assert sent.exit_code == 0, sent.stderr
    assert len(creates(buttondown)) == 1 and len(buttondown.sends) == 1
    (email,) = [e for e in buttondown.emails.values() if e["id"] == buttondown.sends[0]]
    assert "Decisions made openly" in email["body"] and "Decisions in the open" not in email["body"]
