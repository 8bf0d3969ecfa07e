"""No network, or a host that cannot be reached, and connection reuse: all on 127.0.0.1.

A DNS or connection failure says nothing about the link (from here a dead host and a down
network look the same): it is unverifiable, and when every host fails the same way the run
says the network looks down. Nothing here reaches the internet: closed ports on loopback
addresses and ``.invalid`` names (RFC 6761: never resolvable).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import LinksConfig
from pipeline.linkcheck.remote import RemoteChecker
from pipeline.linkcheck.results import UNVERIFIABLE
from tests.linkcheck.conftest import HostileServer

FAST = LinksConfig(timeout=2.0, retries=0, backoff=0.05, per_host=1)


def closed(host: str) -> int:
    """A port on ``host`` with nothing listening (connection refused)."""
    s = socket.create_server((host, 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def test_connection_refused_is_unverifiable() -> None:
    url = f"http://127.0.0.1:{closed('127.0.0.1')}/x"
    r = RemoteChecker(FAST).check([url])[url]
    assert r.status == UNVERIFIABLE and r.reason.startswith("connection failed")


def test_unresolvable_host_is_unverifiable() -> None:
    url = "http://no-such-host.invalid/page"
    r = RemoteChecker(FAST).check([url])[url]
    assert r.status == UNVERIFIABLE and r.reason.startswith("DNS lookup failed")


def site(tmp_path: Path, *urls: str) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "t"\nbase_url = "https://site.example/"\n\n'
        "[links]\ntimeout = 2.0\nretries = 0\n"
    )
    body = "".join(f"[link {n}]({url})\n\n" for n, url in enumerate(urls))
    (root / "content" / "page.md").write_text(f"# Page\n\n{body}")
    return root


def links(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main,
        ["links", "--config", str(root / "publish.toml"), "--cache-dir", str(root / "c"), *args],
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "urls",
    [
        ("http://one.invalid/a", "http://two.invalid/b", "http://two.invalid/c"),
        (
            f"http://127.0.0.1:{closed('127.0.0.1')}/a",
            f"http://127.0.0.2:{closed('127.0.0.2')}/b",
        ),
    ],
    ids=["dns", "refused"],
)
def test_every_host_failing_the_same_way_means_the_network_looks_down(
    tmp_path: Path, urls: tuple[str, ...]
) -> None:
    root = site(tmp_path, *urls)
    code, stdout, stderr = links(root, "--format", "json")
    assert code == 0  # unverifiable: listed, not fatal
    rows = json.loads(stdout)
    assert [(r["source"].rsplit("/", 1)[1], r["status"]) for r in rows] == [
        (f"page.md:{3 + 2 * n}", "unverifiable") for n in range(len(urls))
    ]
    assert "the network looks down" in stderr
    assert links(root, "--strict")[0] == 2


def test_one_host_answering_means_the_network_is_up(tmp_path: Path, hostile: HostileServer) -> None:
    root = site(tmp_path, hostile.url("/ok"), "http://one.invalid/a", "http://two.invalid/b")
    code, stdout, stderr = links(root, "--format", "json")
    assert code == 0
    assert "network" not in stderr
    assert stdout.count('"unverifiable"') == 2
