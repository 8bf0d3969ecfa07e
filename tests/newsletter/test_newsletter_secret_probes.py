"""Secret-leak probes: contract servers that echo the key back, in every spelling we know of,
in error bodies (as text, in a JSON string, inside a JSON object or list) and in headers.
No spelling of the key may reach stdout, stderr or any file under the tree (the ledger
``newsletter/sent.jsonl`` is committed by CI)."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.contract.buttondown_server import ButtondownServer
from tests.contract.fakehttp import Request, Response, json_response
from tests.contract.listmonk_server import ListmonkServer
from tests.newsletter.conftest import Tree, api_settings, assert_no_secret, cli, ledger_lines

# every character that some spelling changes: / + < > & " ' \ = and a space-free key
KEY = "bd/FAKE+KEY<7f3a>&\"9c'1e\\5b=2d"
TOKEN = "lm/FAKE+TOKEN<2c8e>&\"4a'6f\\0d=9b"


def _lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), text)


def _b64(text: str, url: bool = False) -> str:
    encode = base64.urlsafe_b64encode if url else base64.b64encode
    return encode(text.encode()).decode()


SPELLINGS: dict[str, Callable[[str], str]] = {
    "as sent": lambda k: k,
    "percent": lambda k: quote(k, safe=""),
    "percent lower-case": lambda k: _lower_hex(quote(k, safe="")),
    "quote_plus": lambda k: quote_plus(f"auth {k}"),
    "quote_plus lower-case": lambda k: _lower_hex(quote_plus(f"auth {k}")),
    "html": lambda k: html.escape(k),
    "html numeric": lambda k: "".join(f"&#{ord(c)};" for c in k),
    "html hex": lambda k: "".join(f"&#x{ord(c):x};" for c in k),
    "python repr": lambda k: repr({"Authorization": k}),
    "json": lambda k: json.dumps(k),
    "json ascii": lambda k: "".join(f"\\u{ord(c):04x}" for c in k),
    "base64": lambda k: _b64(k),
    "base64 url": lambda k: _b64(k, url=True),
    "base64 offset": lambda k: _b64(f"x:{k}"),
    "percent of json": lambda k: quote(json.dumps(k), safe=""),
    "html of percent": lambda k: html.escape(quote(k)),
    "json of html": lambda k: json.dumps(html.escape(k)),
}


def _leaks(secret: str) -> set[str]:
    return {spell(secret) for spell in SPELLINGS.values()} | {secret[-12:], secret[:12]}


def _echo(where: str, spelling: Callable[[str], str], field: str) -> Callable[[Request], Response]:
    def respond(req: Request) -> Response:
        auth = req.headers.get("Authorization", "")
        echoed = spelling(auth.split(" ", 1)[-1])
        if where == "json string":
            return json_response(400, {field: f"bad credentials {echoed}", "code": "auth"})
        if where == "json object":  # what our error_text once str()-ed: a repr of the key
            return json_response(400, {field: {"got": echoed, "header": auth}})
        if where == "json list":
            return json_response(400, [echoed, {"header": auth}])
        if where == "text":
            return 401, {"Content-Type": "text/plain"}, f"denied: {echoed}".encode()
        return json_response(400, {field: "denied"}, {"X-Echo": quote(echoed), "X-Auth": auth})

    return respond


WHERE = ["json string", "json object", "json list", "text", "header"]


def _assert_never_shown(secrets: tuple[str, ...], stdout: str, stderr: str, root: Path) -> None:
    blobs = [stdout, stderr] + [
        p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()
    ]
    for secret in secrets:
        for leak in _leaks(secret):
            for blob in blobs:
                assert leak not in blob, (leak, blob[:2000])


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("spelling", list(SPELLINGS), ids=list(SPELLINGS))
def test_buttondown_echoing_the_key_never_shows_it(
    tree: Tree,
    buttondown: ButtondownServer,
    monkeypatch: pytest.MonkeyPatch,
    spelling: str,
    where: str,
) -> None:
    monkeypatch.setenv("BUTTONDOWN_API_KEY", KEY)
    buttondown.api_key = KEY
    config = tree(backend="buttondown", **api_settings(buttondown.url, api_retries=0))
    buttondown.fault(
        "respond", ".*", ".*", times=100, body=_echo(where, SPELLINGS[spelling], "detail")
    )
    for args in (["--test-to", "ed@example.net"], ["--send"], ["--send", "--format", "json"]):
        result = cli(config, *args)
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert "error: Buttondown refused GET /v1/emails: HTTP 40" in result.stderr
        _assert_never_shown((KEY,), result.stdout, result.stderr, config.parent)
    assert ledger_lines(config)[-1]["state"] == "failed"


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("spelling", list(SPELLINGS), ids=list(SPELLINGS))
def test_listmonk_echoing_the_credentials_never_shows_them(
    tree: Tree,
    listmonk: ListmonkServer,
    monkeypatch: pytest.MonkeyPatch,
    spelling: str,
    where: str,
) -> None:
    monkeypatch.setenv("LISTMONK_TOKEN", TOKEN)
    config = tree(
        backend="listmonk", listmonk_lists=[1], **api_settings(listmonk.url, api_retries=0)
    )
    listmonk.fault(
        "respond", ".*", ".*", times=100, body=_echo(where, SPELLINGS[spelling], "message")
    )
    result = cli(config, "--send")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "error: listmonk refused GET /api/campaigns: HTTP 40" in result.stderr
    _assert_never_shown((TOKEN, f"digestbot:{TOKEN}"), result.stdout, result.stderr, config.parent)


def test_a_key_with_a_trailing_newline_works_and_one_with_inner_whitespace_is_refused(
    tree: Tree, buttondown: ButtondownServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.newsletter.conftest import BUTTONDOWN_KEY

    config = tree(backend="buttondown", **api_settings(buttondown.url))
    broken = BUTTONDOWN_KEY[:6] + "\n " + BUTTONDOWN_KEY[6:]
    monkeypatch.setenv("BUTTONDOWN_API_KEY", broken)
    refused = cli(config, "--send")
    assert refused.exit_code == 3
    assert "BUTTONDOWN_API_KEY: contains whitespace or control characters" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert_no_secret(refused.stdout, refused.stderr, folder=config.parent)
    assert BUTTONDOWN_KEY[:6] not in refused.stderr and BUTTONDOWN_KEY[7:] not in refused.stderr
    assert ledger_lines(config) == []

    monkeypatch.setenv("BUTTONDOWN_API_KEY", BUTTONDOWN_KEY + "\n")  # as `echo key >` leaves it
    sent = cli(config, "--send")
    assert sent.exit_code == 0, sent.stderr
    assert len(buttondown.sends) == 1
    assert_no_secret(sent.stdout, sent.stderr, folder=config.parent)
