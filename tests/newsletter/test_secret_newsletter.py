"""Secrets the digest must never show, on the error paths the echo probes do not reach: a
server that splits the echoed credentials across the lines of its reply (SMTP) or of its
body, an error body cut where a spelt-out key runs across the cut, and secrets no service
could take (outside ASCII, 1 to 3 characters), whose refusal must not name them either.
Every spelling is looked for in stdout, stderr and every file under the site (the ledger
``newsletter/sent.jsonl`` is committed)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.contract.buttondown_server import ButtondownServer
from tests.contract.fakehttp import Request, Response
from tests.newsletter.conftest import Mailbox, Tree, api_settings, cli, free_port, ledger_lines
from tests.newsletter.test_newsletter_secret_probes import SPELLINGS

KEY = "bd/FAKE+KEY<7f3a>&\"9c'1e\\5b=2d"
PASSWORD = "smtp/FAKE+PASS<3e9d>&\"b1'7c\\a4=f0"


def spellings(secret: str) -> set[str]:
    """Every spelling of ``secret`` a message could carry, its two halves (what a cut or a
    line break leaves), and the base64 of an HTTP Basic or SMTP AUTH PLAIN pair."""
    out = {spell(secret) for spell in SPELLINGS.values()}
    out |= {secret[: len(secret) // 2 + 1], secret[len(secret) // 2 :]}
    for pair in (f"x:{secret}", f"\0digestbot\0{secret}"):
        out.add(base64.b64encode(pair.encode()).decode().rstrip("="))
    return out


def _readings(blob: str) -> Iterator[str]:
    """A text as written, and as a reader sees it joined up again where what shows nothing
    split it: a line break (escaped or not), a control character, a colour code."""
    yield blob
    yield re.sub(r"\\r|\\n|\s", "", blob)
    yield re.sub(r"\\[rn]|\s", "", blob.replace("\\\\", "\\"))
    yield re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]|[\s\x00-\x1f\x7f-\x9f]", "", blob)


def assert_hidden(secrets: tuple[str, ...], *texts: str, folder: Path | None = None) -> None:
    """No spelling of any secret in the texts or the files under ``folder``, even joined
    across line breaks."""
    blobs = list(texts)
    if folder is not None:
        blobs += [
            p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()
        ]
    for secret in secrets:
        leaks = spellings(secret)
        squeezed = {re.sub(r"\s", "", leak) for leak in leaks}
        for blob in blobs:
            for reading in _readings(blob):
                for leak in leaks | squeezed:
                    assert leak not in reading, (leak, blob[-3000:])


def smtp_config(tree: Tree, port: int, **more: Any) -> Path:
    settings = {"list_address": "list@commons.example", **more}
    return tree(
        backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_user="digestbot",
        **settings,
    )


def per_subscriber(tree: Tree, port: int) -> Path:
    """One message per subscriber, each with its signed ``{token}`` unsubscribe link."""
    config = smtp_config(
        tree,
        port,
        list_address="",
        subscribers_file="subscribers.txt",
        unsubscribe_url="https://commons.example/u?e={email}&t={token}",
    )
    (config.parent / "subscribers.txt").write_text("ed@example.net\n", encoding="utf-8")
    return config


def _plain(password: bytes) -> str:
    return base64.b64encode(b"\0digestbot\0" + password).decode()


ECHOES = {
    "two lines": lambda pw: (pw[: len(pw) // 2].decode(), pw[len(pw) // 2 :].decode()),
    "base64 over two lines": lambda pw: (_plain(pw)[:20], _plain(pw)[20:]),
    "percent over two lines": lambda pw: (quote(pw[:9], safe=""), quote(pw[9:], safe="")),
}


@pytest.fixture
def echoing_smtpd(request: pytest.FixtureRequest) -> Iterator[int]:
    """An SMTP server that refuses the login with a two-line 535 reply echoing the
    password in the spelling the test names, split between the lines."""
    split = ECHOES[request.param]

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        first, second = split(data.password)
        return AuthResult(
            success=False, handled=False, message=f"535-5.7.8 denied {first}\r\n535 {second}"
        )

    port = free_port()
    controller = Controller(
        Mailbox(), hostname="127.0.0.1", port=port, authenticator=authenticate,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    yield port
    controller.stop()


@pytest.mark.parametrize("echoing_smtpd", list(ECHOES), indirect=True)
def test_an_smtp_server_echoing_the_password_over_two_lines_never_shows_it(
    tree: Tree, echoing_smtpd: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    # the login's user is digestbot, as listmonk's in the fixtures: a word holding that
    # secret would be withheld for it, not for the password
    monkeypatch.delenv("LISTMONK_USER")
    config = smtp_config(tree, echoing_smtpd)
    for args in (["--test-to", "ed@example.net"], ["--send"], ["--send", "--format", "json"]):
        result = cli(config, *args)
        assert result.exit_code == 1, (args, result.stdout, result.stderr)
        assert "SMTPAuthenticationError" in result.stderr
        assert_hidden((PASSWORD,), result.stdout, result.stderr, folder=config.parent)
    assert ledger_lines(config)[-1]["state"] == "failed"


def test_a_key_split_across_the_lines_of_an_error_body_is_not_shown(
    tree: Tree, buttondown: ButtondownServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUTTONDOWN_API_KEY", KEY)
    buttondown.api_key = KEY

    def wrapped(req: Request) -> Response:
        token = req.headers.get("Authorization", "").split(" ", 1)[-1]
        body = f"denied: {token[:11]}\n{token[11:]}\r\nor, encoded: {quote(token, safe='')[:25]}\n"
        body += quote(token, safe="")[25:] + "\n"
        return 401, {"Content-Type": "text/plain"}, body.encode()

    buttondown.fault("respond", ".*", ".*", times=100, body=wrapped)
    config = tree(backend="buttondown", **api_settings(buttondown.url, api_retries=0))
    for args in (["--send"], ["--send", "--format", "json"]):
        result = cli(config, *args)
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert "error: Buttondown refused GET /v1/emails: HTTP 401: denied: ***" in result.stderr
        assert_hidden((KEY,), result.stdout, result.stderr, folder=config.parent)


def test_a_key_spelt_out_across_the_cut_of_an_error_body_is_not_half_shown(
    tree: Tree, buttondown: ButtondownServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The body is read to 2,000 characters, redacted, then cut to 200: a percent-encoded
    key that runs across the first cut was shown up to it, most of the key."""
    monkeypatch.setenv("BUTTONDOWN_API_KEY", KEY)
    buttondown.api_key = KEY
    encoded = quote(KEY, safe="")
    copies = 2000 // (len(encoded) + 1)
    body = " ".join([encoded] * (copies + 1))  # the last copy runs across character 2,000
    assert len(" ".join([encoded] * copies)) < 2000 < len(body)
    buttondown.fault(
        "respond", ".*", ".*", times=100,
        body=lambda req: (400, {"Content-Type": "text/plain"}, body.encode()),
    )  # fmt: skip
    config = tree(backend="buttondown", **api_settings(buttondown.url, api_retries=0))
    result = cli(config, "--send")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "HTTP 400: *** ***" in result.stderr
    assert_hidden((KEY,), result.stdout, result.stderr, folder=config.parent)
    for n in range(8, len(encoded)):  # no start of the spelt-out key either
        assert f" {encoded[:n]}" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("BUTTONDOWN_API_KEY", "bd-FAKEKEY-\u01007f3a9c1e5b2d", "holds characters outside ASCII"),
        (
            "BUTTONDOWN_API_KEY",
            "bd-FAKEKEY-\u0100\u01017f3a9c1e5b2d",
            "holds characters outside ASCII",
        ),
        ("SMTP_PASSWORD", "smtp-FAKEPASS-\xe99d1b3f5a7c4e", "holds characters outside ASCII"),
        ("BUTTONDOWN_API_KEY", "k7", "shorter than 4 characters"),
        ("SMTP_PASSWORD", "p9x", "shorter than 4 characters"),
        ("NEWSLETTER_UNSUBSCRIBE_SECRET", "u7", "shorter than 4 characters"),
    ],
)
def test_a_secret_no_service_takes_is_a_configuration_error_that_shows_none_of_it(
    tree: Tree,
    buttondown: ButtondownServer,
    smtpd: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    problem: str,
) -> None:
    """A key outside ASCII made the HTTP or SMTP encoder fail (exit 1) with a message that
    named one of its characters and its place; one of 1 to 3 characters is too short to
    redact (blanking it would mangle every message), so it is refused before any use."""
    monkeypatch.setenv(name, value)
    if name == "BUTTONDOWN_API_KEY":
        config = tree(backend="buttondown", **api_settings(buttondown.url))
    else:
        config = per_subscriber(tree, smtpd[1])
    result = cli(config, "--send")
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert f"environment:1: {name}: {problem}" in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    for shown in (value, *[c for c in value if not c.isascii()], repr(value)[1:-1]):
        assert shown not in result.stdout + result.stderr
    if len(value) > 3:
        assert_hidden((value,), result.stdout, result.stderr, folder=config.parent)
    assert ledger_lines(config) == [] and not buttondown.sends and not smtpd[0].raw


def test_an_unsubscribe_secret_outside_ascii_still_signs(
    tree: Tree, smtpd: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unsubscribe secret is never sent, only used as an HMAC key: any text will do."""
    monkeypatch.setenv("NEWSLETTER_UNSUBSCRIBE_SECRET", "clé-de-désabonnement-2024")
    mailbox, port = smtpd
    config = per_subscriber(tree, port)
    result = cli(config, "--send")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert len(mailbox.raw) == 1
    assert_hidden(
        ("clé-de-désabonnement-2024",), result.stdout, result.stderr, folder=config.parent
    )


UNSEEN = {
    "in UTF-16 read as Latin-1": lambda key: (
        "text/plain; charset=latin-1",
        key.encode("utf-16-le"),
    ),
    "around a colour code": lambda key: (
        "text/plain; charset=utf-8",
        f"{key[:8]}\x1b[0m{key[8:]}".encode(),
    ),
    "between NULs": lambda key: ("text/plain; charset=utf-8", "\0".join(key).encode()),
}


@pytest.mark.parametrize("how", list(UNSEEN))
def test_a_key_split_by_what_a_terminal_does_not_show_is_withheld(
    tree: Tree, buttondown: ButtondownServer, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A body in UTF-16 that says it is Latin-1 puts a NUL after each character of the
    echoed key; a colour code can sit inside it: a terminal or a CI log shows the key whole,
    so the message must not hold it either way."""
    monkeypatch.setenv("BUTTONDOWN_API_KEY", "bd-FAKEKEY-7f3a9c1e5b2d")
    buttondown.api_key = "bd-FAKEKEY-7f3a9c1e5b2d"

    def respond(req: Request) -> Response:
        ctype, body = UNSEEN[how](req.headers.get("Authorization", "").split(" ", 1)[-1])
        return 401, {"Content-Type": ctype}, b"denied: " + body

    buttondown.fault("respond", ".*", ".*", times=100, body=respond)
    config = tree(backend="buttondown", **api_settings(buttondown.url, api_retries=0))
    for args in (["--send"], ["--send", "--format", "json"]):
        result = cli(config, *args)
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert "error: Buttondown refused GET /v1/emails: HTTP 401: denied: ***" in result.stderr
        assert_hidden(("bd-FAKEKEY-7f3a9c1e5b2d",), result.stdout, result.stderr)
        assert_hidden(("bd-FAKEKEY-7f3a9c1e5b2d",), folder=config.parent)
