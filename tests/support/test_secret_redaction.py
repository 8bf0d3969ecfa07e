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
