"""The redaction helper on what a hostile server can send it: a secret split across lines
(plainly, escaped inside a ``repr``, in base64 wrapped as MIME wraps it) is withheld, the
words around it are not, and the time it takes stays linear in the text."""

from __future__ import annotations

import base64

import pytest

from pipeline.support.secrets import redact
from tests.timing import assert_linear

KEY = "bd-FAKEKEY-7f3a9c1e5b2d"


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUTTONDOWN_API_KEY", KEY)


def _wrapped(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"denied: {KEY[:9]}\n{KEY[9:]} (401)\nretry later", "denied: ***\n*** (401)\nretry later"),
        (f"a {KEY[:5]}\r\n{KEY[5:14]}\n{KEY[14:]}\n b", "a ***\r\n***\n***\n b"),
        (f"(535, b'bad {KEY[:11]}\\n{KEY[11:]}')", "(535, b'bad ***"),
        ("no secret\nacross these\nlines", "no secret\nacross these\nlines"),
    ],
)
def test_a_secret_split_across_lines_is_withheld_and_nothing_else(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_secret_in_base64_wrapped_over_lines_is_withheld() -> None:
    encoded = base64.b64encode(f"Authorization: Token {KEY}".encode()).decode()
    shown = redact(f"echo:\n{_wrapped(encoded, 12)}\nend")
    assert shown.startswith("echo:\n") and shown.endswith("\nend")
    assert not any(encoded[i : i + 12] in shown for i in range(24, len(encoded) - 12, 12))


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "a\n" * n,  # one long run of one-letter lines
        lambda n: f"x {KEY[:9]}\n{KEY[9:]} y\n" * (n // 20),  # a split secret on every line
        lambda n: "z" * n + "\n" + "%41" * (n // 3),  # two long words joined by a break
        lambda n: "q " * (n // 2) + "\n",  # words no break joins
        lambda n: _wrapped(base64.b64encode(b"\0" * n).decode(), 76),  # MIME-wrapped base64
    ],
)
def test_redaction_stays_linear(shape: object) -> None:
    make = shape  # type: ignore[assignment]

    def work(n: int) -> object:
        return redact(make(n))  # type: ignore[operator]

    assert_linear(work, 20_000, label="redact: ")


@pytest.mark.parametrize(
    "text",
    [
        f"SMTPAuthenticationError: (-1, b'{KEY[9:]}')",  # a reply misread as two (a helper's)
        f"got {KEY[:12]}… (cut by the server)",
        f"535 {KEY.encode().hex()}",
        f"535 {KEY.encode().hex().upper()}",
    ],
)
def test_part_of_a_secret_or_its_hex_is_withheld(text: str) -> None:
    """An SMTP server that answered AUTH on two lines: smtplib read the second as the next
    reply, and the 13 characters after the break reached stderr, the JSON output and the
    ledger. A run of 10 of a secret's characters in its order is a secret's part."""
    shown = redact(text)
    assert not any(KEY[i : i + 10] in shown for i in range(len(KEY) - 9)), shown
    assert KEY.encode().hex() not in shown.lower()
    assert "***" in shown


def test_a_word_that_shares_fewer_characters_with_a_secret_is_kept() -> None:
    text = f"the {KEY[:9]} prefix and {KEY[-9:]} suffix are words"
    assert redact(text) == text


def test_a_secret_urls_common_start_is_not_a_fragment(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "Zx9-webhook-token-5f1e2d3c4b5a69788796a5b4"
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", f"https://discord.com/api/webhooks/42/{token}")
    shown = redact(f"posted to https://discord.com/api/webhooks/42/{token[:14]}")
    assert shown == "posted to https://discord.com/api/webhooks/42/***"


def test_a_run_of_one_character_is_no_fragment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "0" * 32)
    text = "digest-commons-digest-2024-W19-000000000000"
    assert redact(text) == text


def test_words_and_paths_in_a_secret_are_not_fragments(monkeypatch: pytest.MonkeyPatch) -> None:
    """``GIT_ASKPASS=/usr/share/code/resources/…/askpass.sh`` (VS Code's terminal) is a
    program, not a secret; a user name's ``newsletter`` is a word: each blanked ordinary
    text once fragments were withheld (``***.api_url``; a helper's finding)."""
    monkeypatch.setenv("GIT_ASKPASS", "/usr/share/code/resources/app/extensions/git/askpass.sh")
    monkeypatch.setenv("LISTMONK_USER", "newsletter-bot")
    monkeypatch.setenv("LISTMONK_TOKEN", "Xk9fQ2mLp7RtVw3ZbN8c")
    text = "publish.toml:1: newsletter.api_url: no page at /resources/guide/extensions/git/"
    assert redact(text) == text
    assert redact("token Xk9fQ2mLp7RtV…") == "token ***…"


def test_a_cut_echo_of_a_secrets_hex_or_base64_is_withheld(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "correct-horse-battery-staple-2024"
    monkeypatch.setenv("SMTP_PASSWORD", secret)
    hexcut = secret.encode().hex()[:36]
    b64cut = base64.b64encode(secret.encode()).decode()[:16]
    for text in (f"535 {hexcut}", f"535 {b64cut} denied"):
        assert hexcut not in redact(text) and b64cut not in redact(text), text


def test_only_the_fragment_is_withheld_not_the_text_around_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A secret holding ``/`` and ``:`` made the whole URL around its fragment one run of its
    characters, withheld whole: ``posted to https:***`` (a fresh clone's test order)."""
    monkeypatch.setenv("SMTP_PASSWORD", "a/b:c9Xk2mQ7pL4z")
    assert redact("see https://example.org/docs/a/b:c9Xk2mQ7pL/x") == (
        "see https://example.org/docs/***/x"
    )


def test_an_address_or_number_sharing_a_secrets_characters_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A user name that is an address made every address at its domain a fragment, and a
    webhook's 19-digit id every number sharing 10 of its digits (a reviewer's findings)."""
    monkeypatch.setenv("LISTMONK_USER", "editor@example.org")
    monkeypatch.setenv("LISTMONK_TOKEN", "Xk9fQ2mLp7RtVw3ZbN8c")
    hook = "https://discord.com/api/webhooks/1187654321098765432/Zx9-tok3n-5f1e2d3c4b5a697887"
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", hook)
    text = "bounce from reader@example.org; order 1187654321 shipped"
    assert redact(text) == text


def test_a_cut_echo_of_auth_plain_or_upper_case_hex_is_withheld(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SMTP's AUTH PLAIN sends base64 of \\0user\\0password: the password at an offset, where
    a base64 cut to 30 characters went out; so did 18 characters of upper-case hex."""
    secret = "S3cr3tPa55+w/rd=XyZ-2024"
    monkeypatch.setenv("SMTP_PASSWORD", secret)
    plain = base64.b64encode(b"\0editor\0" + secret.encode()).decode()[:30]
    upper = secret.encode().hex().upper()[:36]
    for echo in (plain, upper):
        assert echo not in redact(f"535 {echo} denied"), echo
