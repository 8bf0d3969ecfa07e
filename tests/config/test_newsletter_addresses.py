"""``[newsletter]`` settings that become mail headers (List-Unsubscribe, From, To) are checked
when publish.toml loads: a bad one is a configuration error (exit 3) naming the file, the line
and the key, under ``publish validate`` and ``publish digest`` alike, never a traceback and
never a header built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "newsletter"
KEYS = ("from_address", "unsubscribe_url", "unsubscribe_mailto", "list_address")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1715500000")  # after the fixture's items


def site(tmp_path: Path, key: str, toml_value: str) -> tuple[Path, int]:
    """A copy of the newsletter fixture with ``key = toml_value`` (TOML source) in
    ``[newsletter]``; returns the config and the line the key is on."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    lines = (FIXTURE / "publish.toml").read_text(encoding="utf-8").splitlines()
    setting = f"{key} = {toml_value}"
    at = next((n for n, line in enumerate(lines) if line.startswith(f"{key} =")), None)
    if at is None:
        lines.append(setting)
        at = len(lines) - 1
    else:
        lines[at] = setting
    config = root / "publish.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config, at + 1


def run(command: str, config: Path) -> Result:
    return CliRunner().invoke(main, [command, "--config", str(config)])


BAD = [
    # unsubscribe_url: RFC 2369 wants a URL, RFC 8058 one-click an https one
    ("unsubscribe_url", '"example.org/unsub"', "no-scheme"),
    ("unsubscribe_url", '"ftp://commons.example/unsubscribe"', "not-http"),
    ("unsubscribe_url", '"https:///unsubscribe"', "no-host"),
    ("unsubscribe_url", '"https://commons.example/un subscribe?t={token}"', "space"),
    ("unsubscribe_url", '"https://commons.example/u\\u2028Bcc: a@b.example"', "u2028"),
    ("unsubscribe_url", '"https://commons.example/u\\u0085Bcc: a@b.example"', "nel"),
    ("unsubscribe_url", '"https://commons.example/u?t={token}>, <mailto:a@b.example"', "angle"),
    # unsubscribe_mailto: one bare address, or a mailto: URL of one
    ("unsubscribe_mailto", '"leave commons.example"', "no-at"),
    ("unsubscribe_mailto", '"leave@commons.example, a@b.example"', "two"),
    ("unsubscribe_mailto", '"<leave@commons.example>"', "angle"),
    ("unsubscribe_mailto", '"Leave <leave@commons.example>"', "named"),
    ("unsubscribe_mailto", '"leave@@commons.example"', "two-ats"),
    ("unsubscribe_mailto", '"mailto:"', "empty-mailto"),
    ("unsubscribe_mailto", '"mailto:leave@commons.example,a@b.example"', "mailto-two"),
    ("unsubscribe_mailto", '"mailto:leave@commons.example?subject=bye now"', "mailto-space"),
    ("unsubscribe_mailto", '"leave@commons.example\\u2029"', "u2029"),
    # from_address, list_address: exactly one address, a name allowed before <it>
    ("from_address", '""', "empty"),
    ("from_address", '"not an address"', "no-at"),
    ("from_address", '"a@commons.example, b@commons.example"', "two"),
    ("from_address", '"a@commons.example <b@commons.example>"', "two-forms"),
    ("from_address", '"Digest <a@commons.example> and more"', "trailing"),
    ("from_address", '"Digest <a@commons.example"', "unclosed"),
    ("from_address", '"Digest\\u0085Bcc <a@commons.example>"', "nel"),
    ("from_address", '"' + "(" * 5000 + 'a@commons.example"', "nested-comments"),
    ("list_address", '"commons"', "no-at"),
    ("list_address", '"a@commons.example, b@commons.example"', "two"),
    ("list_address", '"a@commons.example\\u2028Bcc: c@b.example"', "u2028"),
]


@pytest.mark.parametrize("command", ["validate", "digest"])
@pytest.mark.parametrize(
    ("key", "value"), [(k, v) for k, v, _ in BAD], ids=[f"{k}-{i}" for k, _, i in BAD]
)
def test_bad_header_setting_is_a_configuration_error(
    tmp_path: Path, command: str, key: str, value: str
) -> None:
    config, line = site(tmp_path, key, value)
    result = run(command, config)
    assert result.exit_code == 3, result.output
    assert f"{config}:{line}: newsletter.{key}: expected " in result.stderr
    assert "Traceback" not in result.output
    assert not (config.parent / "outbox").exists()  # nothing composed from it


@pytest.mark.parametrize("key", KEYS)
def test_a_line_break_is_reported_once(tmp_path: Path, key: str) -> None:
    """CR LF (a header injection) was refused before these checks; it stays one problem."""
    config, line = site(tmp_path, key, '"https://x.example/u\\r\\nBcc: a@b.example"')
    result = run("digest", config)
    assert result.exit_code == 3, result.output
    assert result.stderr.count(f"newsletter.{key}:") == 1
    assert f"{config}:{line}: newsletter.{key}: contains a line break" in result.stderr


GOOD = [
    ("unsubscribe_url", '"https://commons.example/unsubscribe?e={email}&t={token}"'),
    ("unsubscribe_url", '"http://commons.example/unsubscribe"'),
    ("unsubscribe_url", '""'),
    ("unsubscribe_mailto", '"mailto:leave@commons.example?subject=bye"'),
    ("unsubscribe_mailto", '""'),
    ("from_address", '"Commons Digest <digest@commons.example>"'),
    ("from_address", '"\\"Doe, Jane\\" <jane@commons.example>"'),
    ("from_address", '"Jöhn Dœ <john@commons.example>"'),
    ("from_address", '"<digest@commons.example>"'),
    ("list_address", '"commons@lists.commons.example"'),
    ("list_address", '"The Commons <commons@lists.commons.example>"'),
]


@pytest.mark.parametrize(("key", "value"), GOOD, ids=[f"{k}-{n}" for n, (k, _) in enumerate(GOOD)])
def test_good_header_settings_still_compose(tmp_path: Path, key: str, value: str) -> None:
    config, _ = site(tmp_path, key, value)
    assert run("validate", config).exit_code == 0
    result = run("digest", config)
    assert result.exit_code == 0, result.output
    assert len(list((config.parent / "outbox").glob("*.eml"))) == 1


def test_the_token_url_and_a_bare_mailto_reach_list_unsubscribe(tmp_path: Path) -> None:
    url = "https://commons.example/unsubscribe?e={email}&t={token}"
    config, _ = site(tmp_path, "unsubscribe_url", f'"{url}"')
    result = run("digest", config)
    assert result.exit_code == 0, result.output
    (eml,) = (config.parent / "outbox").glob("*.eml")
    raw = eml.read_bytes().replace(b"\r\n ", b" ")  # unfolded (RFC 5322 2.2.3)
    mailto = b"<mailto:leave@commons.example?subject=unsubscribe>"
    assert b"List-Unsubscribe: <" + url.encode() + b">, " + mailto in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert b"From: digest@commons.example" in raw


@pytest.mark.parametrize("scheme", ["HTTPS", "Https"])
def test_one_click_follows_the_scheme_in_any_case(tmp_path: Path, scheme: str) -> None:
    """RFC 3986's schemes are case-insensitive: ``HTTPS://`` is an https URL, one-click too."""
    config, _ = site(tmp_path, "unsubscribe_url", f'"{scheme}://commons.example/u"')
    result = run("digest", config)
    assert result.exit_code == 0, result.output
    (eml,) = (config.parent / "outbox").glob("*.eml")
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in eml.read_bytes()


def test_the_bundled_configurations_still_validate() -> None:
    repo = FIXTURE.parents[2]
    for config in (repo / "publish.toml", FIXTURE / "publish.toml"):
        result = run("validate", config)
        assert "newsletter." not in result.stderr, result.stderr
