"""The bundled ``content/``: a preview that renders in a browser, and one SMTP message."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.newsletter.conftest import REPO, Mailbox, cli

BROWSER = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the bundled items are dated from 2024 on
    if not (REPO / "content").is_dir():
        pytest.skip("no bundled content/")
    shutil.copytree(REPO / "content", tmp_path / "content")
    if (REPO / "publish.toml").exists():
        shutil.copy(REPO / "publish.toml", tmp_path / "publish.toml")
    else:
        (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://commons.example/"\n')
    return tmp_path / "publish.toml"


def _with_smtp(config: Path, port: int) -> None:
    """Point the bundled [newsletter] (kept as it is otherwise) at our SMTP server."""
    lines, skipping = [], False
    for line in config.read_text().splitlines():
        if line.strip().startswith("["):
            skipping = line.strip() == "[newsletter]"
        if skipping and line.split("=")[0].strip() in ("backend", "smtp_port", "list_address"):
            continue
        lines.append(line)
    text = "\n".join(lines) + "\n"
    if "[newsletter]" not in text:
        text += "\n[newsletter]\n"
    extra = f'backend = "smtp"\nsmtp_port = {port}\nlist_address = "list@commons.example"\n'
    config.write_text(text.replace("[newsletter]\n", "[newsletter]\n" + extra, 1))


def test_bundled_content_sends_one_message_with_both_parts(
    bundled: Path, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    _with_smtp(bundled, port)
    result = cli(bundled, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["action"] == "sent" and report["items"]
    (msg,) = mailbox.messages()
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    for header in ("List-Id", "List-Unsubscribe", "Message-ID", "Date", "X-Digest-Key"):
        assert msg[header], header
    assert msg["List-Unsubscribe-Post"] is None  # one message to a list: no one-click promise
    assert cli(bundled, "--send").stdout.startswith("Nothing new")
    assert len(mailbox.raw) == 1


@pytest.mark.skipif(BROWSER is None, reason="no headless Chromium on this machine")
def test_preview_renders_in_headless_chromium(bundled: Path, tmp_path: Path) -> None:
    result = cli(bundled, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    html = bundled.parent / next(p for p in report["paths"] if p.endswith(".html"))
    base = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run(
        [*base, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    for item in report["items"]:
        assert item["url"] in dom
    shot = tmp_path / "digest.png"
    subprocess.run(
        [*base, "--window-size=700,1200", f"--screenshot={shot}", html.as_uri()],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
