"""listmonk delivery against a local server that follows listmonk's campaigns API contract."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import requests

from tests.contract.listmonk_server import ListmonkServer
from tests.newsletter.conftest import (
    LISTMONK_TOKEN,
    LISTMONK_USER,
    Tree,
    api_settings,
    assert_no_secret,
    cli,
    ledger_lines,
)


def lm_config(tree: Tree, server: ListmonkServer, **more: object) -> Path:
    return tree(backend="listmonk", listmonk_lists=[1], **api_settings(server.url, **more))


def test_the_fake_enforces_listmonks_status_transitions(listmonk: ListmonkServer) -> None:
    basic = base64.b64encode(f"{LISTMONK_USER}:{LISTMONK_TOKEN}".encode()).decode()
    auth = {"Authorization": f"Basic {basic}"}
    url = f"{listmonk.url}/api/campaigns"
    c = requests.post(
        url, json={"name": "n", "subject": "s", "lists": [1]}, headers=auth, timeout=5
    )
    cid = c.json()["data"]["id"]
    assert c.json()["data"]["status"] == "draft"

    def move(status: str) -> requests.Response:
        return requests.put(f"{url}/{cid}/status", json={"status": status}, headers=auth, timeout=5)

    assert move("cancelled").status_code == 400
    assert move("scheduled").json() == {"message": "send_at date should be set to schedule."}
    assert move("running").status_code == 200
    assert move("running").status_code == 400  # running -> running is not a transition
    assert move("draft").status_code == 400
    assert move("paused").status_code == 200
    assert move("running").status_code == 200
    assert listmonk.sends == [cid]  # paused -> running resumes, it is not a second send
    assert requests.get(url, timeout=5).status_code == 403


def test_send_creates_a_tagged_draft_campaign_and_starts_it_once(
    tree: Tree, listmonk: ListmonkServer
) -> None:
    config = lm_config(tree, listmonk)
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    key = json.loads(result.stdout)["key"]
    (campaign,) = listmonk.campaigns.values()
    assert campaign["name"] == key and campaign["tags"] == [key]
    assert campaign["lists"] == [{"id": 1, "name": "Digest"}]
    assert campaign["content_type"] == "html" and "{{ UnsubscribeURL }}" in campaign["body"]
    assert campaign["altbody"].startswith("Fixture Commons: Small groups <first>")
    assert campaign["status"] == "running" and listmonk.sends == [campaign["id"]]
    (create,) = [r for r in listmonk.requests if r.method == "POST"]
    assert create.headers["Authorization"] == f"token {LISTMONK_USER}:{LISTMONK_TOKEN}"
    listmonk.finish_all()
    again = cli(config, "--send")
    assert again.exit_code == 0 and "Nothing new" in again.stdout
    assert len(listmonk.campaigns) == 1 and len(listmonk.sends) == 1


def test_a_create_answer_lost_after_the_server_acted_does_not_duplicate_the_campaign(
    tree: Tree, listmonk: ListmonkServer
) -> None:
    config = lm_config(tree, listmonk)
    listmonk.fault("reset", "POST", "/api/campaigns", after=True)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(listmonk.campaigns) == 1 and len(listmonk.sends) == 1


def test_a_crash_after_starting_the_campaign_is_healed(
    tree: Tree, listmonk: ListmonkServer
) -> None:
    config = lm_config(tree, listmonk)
    listmonk.fault("reset", "PUT", r"/api/campaigns/\d+/status", after=True)
    listmonk.fault("500", "GET", r"/api/campaigns/\d+", times=10)
    failed = cli(config, "--send")
    assert failed.exit_code == 1
    assert ledger_lines(config)[-1]["state"] == "failed"
    listmonk.faults.clear()
    listmonk.finish_all()
    healed = cli(config, "--send")
    assert healed.exit_code == 0, healed.stderr
    assert "healed: found 'finished'" in healed.stderr
    assert len(listmonk.sends) == 1 and ledger_lines(config)[-1]["state"] == "sent"


def test_a_cancelled_campaign_stops_with_a_clear_error(
    tree: Tree, listmonk: ListmonkServer
) -> None:
    config = lm_config(tree, listmonk)
    assert cli(config, "--test-to", "editor@example.net").exit_code == 0
    (campaign,) = listmonk.campaigns.values()
    campaign["status"] = "cancelled"
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert "is 'cancelled' at listmonk (not a draft)" in result.stderr
    assert listmonk.sends == []


def test_test_copy_goes_to_the_test_endpoint_and_the_send_reuses_the_campaign(
    tree: Tree, listmonk: ListmonkServer
) -> None:
    config = lm_config(tree, listmonk)
    result = cli(config, "--test-to", "editor@example.net")
    assert result.exit_code == 0, result.stderr
    assert [t[1] for t in listmonk.test_sends] == [["editor@example.net"]]
    test = next(r for r in listmonk.requests if r.path.endswith("/test")).json()
    assert test["lists"] == [1] and test["subscribers"] == ["editor@example.net"]
    assert listmonk.sends == []
    assert cli(config, "--send").exit_code == 0
    assert len(listmonk.campaigns) == 1 and len(listmonk.sends) == 1


def test_4xx_names_listmonks_message_and_config_problems_are_exit_3(
    tree: Tree, listmonk: ListmonkServer
) -> None:
    config = tree(backend="listmonk", listmonk_lists=[7], **api_settings(listmonk.url))
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert "listmonk refused POST /api/campaigns: HTTP 400: invalid lists" in result.stderr
    missing = cli(tree(backend="listmonk"), "--send")
    assert missing.exit_code == 3
    assert "newsletter.api_url" in missing.stderr and "newsletter.listmonk_lists" in missing.stderr


@pytest.mark.parametrize("kind", ["wrong token", "500", "reset", "malformed", "echo"])
def test_the_token_never_leaks_on_any_error_path(
    tree: Tree, listmonk: ListmonkServer, kind: str
) -> None:
    config = lm_config(tree, listmonk, api_retries=1)
    if kind == "wrong token":
        listmonk.token = "another"
    elif kind == "echo":
        body = (400, {"message": f"bad auth token {LISTMONK_USER}:{LISTMONK_TOKEN}"})
        listmonk.fault("json", "POST", "/api/campaigns", times=100, body=body)
    else:
        listmonk.fault(kind, ".*", "/api/campaigns.*", times=100)
    for args in (["--test-to", "editor@example.net"], ["--send"]):
        result = cli(config, *args)
        assert result.exit_code == 1, (kind, result.stdout, result.stderr)
        assert "error: listmonk" in result.stderr
        assert_no_secret(result.stdout, result.stderr, folder=config.parent)
    assert listmonk.sends == []
    assert ledger_lines(config)[-1]["state"] == "failed"


def test_an_item_edited_after_the_test_copy_is_sent_as_it_is_now(
    tree: Tree, listmonk: ListmonkServer
) -> None:
    """As with Buttondown: the campaign an earlier run made is brought up to date."""
    config = lm_config(tree, listmonk)
    assert cli(config, "--test-to", "editor@example.net").exit_code == 0
    page = config.parent / "content" / "essays" / "open-decisions.md"
    page.write_text(page.read_text().replace("Decisions in the open", "Decisions made openly"))
    sent = cli(config, "--send")
    assert sent.exit_code == 0, sent.stderr
    (campaign,) = listmonk.campaigns.values()
    assert "Decisions made openly" in campaign["body"]
    assert "Decisions in the open" not in campaign["body"]
