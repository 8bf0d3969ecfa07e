"""publish.toml: a typed schema; unknown keys and wrong types exit 3 naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main


def test_config_errors_all_reported(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content").mkdir()
    cfg = tmp_path / "publish.toml"
    cfg.write_text(
        '[site]\ntitle = 3\nbase_url = "nope"\ncolour = "red"\n'
        '[site.extra]\n[feeds]\nlimit = "ten"\n[bogus]\nx = 1\n'
        '[content]\ntimezone = "x"\n'
    )
    result = runner.invoke(main, ["validate", "--config", str(cfg)])
    assert result.exit_code == 3, result.output
    err = result.stderr
    assert f"{cfg}:2: site.title: expected a string, got int" in err
    assert f"{cfg}:3: site.base_url: expected an absolute http(s) URL" in err
    assert f"{cfg}:4: site.colour: unknown key" in err
    assert f"{cfg}:7: feeds.limit: expected an integer, got str" in err
    assert "bogus: unknown key" in err
    assert "content.timezone: unknown key" in err


def test_toml_syntax_error_has_line(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content").mkdir()
    cfg = tmp_path / "publish.toml"
    cfg.write_text('[site]\ntitle = "ok"\nbase_url = \n')
    result = runner.invoke(main, ["validate", "--config", str(cfg)])
    assert result.exit_code == 3
    assert f"{cfg}:3: toml: syntax error" in result.stderr


def test_missing_explicit_config_is_an_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 3
    assert "configuration file not found" in result.stderr


def test_bad_timezone(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content").mkdir()
    cfg = tmp_path / "publish.toml"
    cfg.write_text('[site]\ntimezone = "Mars/Olympus"\n')
    result = runner.invoke(main, ["validate", "--config", str(cfg)])
    assert result.exit_code == 3
    assert "site.timezone: unknown IANA time zone 'Mars/Olympus'" in result.stderr


def test_url_settings_are_read_as_uris(tmp_path: Path) -> None:
    from pipeline.config import load_config

    (tmp_path / "publish.toml").write_text(
        '[site]\nbase_url = "https://bücher.example/our site/"\n'
        '[podcast]\nimage = "https://cdn.example.org/my cover.jpg"\n',
        encoding="utf-8",
    )
    cfg = load_config(tmp_path / "publish.toml")
    assert cfg.site.base_url == "https://xn--bcher-kva.example/our%20site/"
    from pipeline.support.paths import iri_to_uri

    # IDNA 2008, as browsers: Python's own codec (IDNA 2003) made faß.de into fass.de
    assert iri_to_uri("https://faß.de/x") == "https://xn--fa-hia.de/x"
    assert iri_to_uri("https://user@BÜCHER.example:8443/ä") == (
        "https://user@xn--bcher-kva.example:8443/%C3%A4"
    )
    assert cfg.podcast.image == "https://cdn.example.org/my%20cover.jpg"


def test_out_of_range_link_settings_and_header_breaks_are_refused(
    tmp_path: Path, runner: CliRunner
) -> None:
    """A negative timeout reported every URL as timed out; a CRLF in from_address ended in an
    "unexpected error" from the mail library (the header injection it carried was blocked)."""
    cfg = tmp_path / "publish.toml"
    cfg.write_text(
        '[site]\nbase_url = "https://e.org/"\n[links]\ntimeout = -1\nmax_redirects = -1\n'
        'per_host = 0\n[newsletter]\nfrom_address = "A <a@b>\\r\\nBcc: x@y"\n'
    )
    (tmp_path / "content").mkdir()
    result = runner.invoke(main, ["validate", "--config", str(cfg)])
    assert result.exit_code == 3, result.output
    for line in (
        ":4: links.timeout: expected a positive number",
        ":5: links.max_redirects: expected 0 or a positive number",
        ":6: links.per_host: expected a positive number",
        ":8: newsletter.from_address: contains a line break or control character",
    ):
        assert line in result.stderr


@pytest.mark.parametrize(
    ("setting", "line", "where", "code"),
    [
        ('[theme]\nlogo = "logo\\u0000.png"\n', 5, "theme.logo", "U+0000"),  # a file name
        ('[content]\nexclude = ["a", "b\\u0000"]\n', 5, "content.exclude", "U+0000"),
        ('[site.extra]\n"k\\u0001" = 1\n', 4, "site.extra.k\\u0001", "U+0001"),  # not printed
        (
            '[[announce]]\nkind = "discord"\nwebhook_env = "HOOK\\u001b"\n',
            6,
            "announce[0].webhook_env",
            "U+001B",
        ),
    ],
    ids=["path", "list", "key", "array-of-tables"],
)
def test_control_characters_in_values_are_refused_naming_the_key(
    tmp_path: Path, runner: CliRunner, setting: str, line: int, where: str, code: str
) -> None:
    """TOML lets a string say "\\u0000": as a file name it crashed the build (ValueError:
    embedded null byte, exit 1), and XML can carry none of U+0000-U+001F but three."""
    (tmp_path / "content" / "essays").mkdir(parents=True)
    (tmp_path / "content" / "essays" / "a.md").write_text(
        "---\ntitle: A\ndate: 2024-01-01\n---\nx\n"
    )
    cfg = tmp_path / "publish.toml"
    cfg.write_text('[site]\ntitle = "S"\nbase_url = "https://s.example.org/"\n' + setting)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "--config", str(cfg), "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert f"{cfg}:{line}: {where}: the " in result.stderr
    assert f"holds the control character {code}" in result.stderr
    assert not any(chr(n) in result.stderr for n in range(0x20) if chr(n) != "\n")
    assert not out.exists()


def test_tabs_and_line_breaks_in_values_are_text(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content").mkdir()
    cfg = tmp_path / "publish.toml"
    cfg.write_text('[site]\ntitle = "A\\tB"\ndescription = """one\r\ntwo"""\n')
    result = runner.invoke(main, ["validate", "--config", str(cfg)])
    assert result.exit_code == 0, result.output


def test_a_text_setting_that_mentions_a_url_is_written_as_it_is(tmp_path: Path) -> None:
    """Real podcasts' descriptions name their pages (``Support us: https://…``); every text
    setting holding ``://`` was percent-encoded as if it were a URL, so the feed read
    ``Support%20us:%20https://…`` and so did the site's own description."""
    from pipeline.config import load_config

    (tmp_path / "publish.toml").write_text(
        '[site]\ndescription = "Our site: https://bücher.example/ and more"\n'
        'image = "https://cdn.example.org/my cover.jpg"\n'
        '[podcast]\ndescription = "Support us: https://patreon.com/x"\n'
        'copyright = "© Us, https://us.example/legal"\n'
        'funding_url = "https://patreon.com/our show"\nfunding_text = "Back us at https://x.org"\n',
        encoding="utf-8",
    )
    cfg = load_config(tmp_path / "publish.toml")
    assert cfg.site.description == "Our site: https://bücher.example/ and more"
    assert cfg.podcast.description == "Support us: https://patreon.com/x"
    assert cfg.podcast.copyright == "© Us, https://us.example/legal"
    assert cfg.podcast.funding_text == "Back us at https://x.org"
    assert cfg.site.image == "https://cdn.example.org/my%20cover.jpg"
    assert cfg.podcast.funding_url == "https://patreon.com/our%20show"


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("base_url", "https://e.org/?page=1"),
        ("base_url", "https://e.org/docs/#top"),
        ("feeds_url", "https://e.org/feeds/#x"),
        ("feeds_url", "https://[e.org/feeds/"),
        ("base_url", "https://editor:hunter2@e.org/"),  # shown in every feed and page
        ("base_url", "https://e.org:0/"),
    ],
)
def test_a_base_url_a_url_cannot_hold_is_refused_at_its_line(
    tmp_path: Path, runner: CliRunner, key: str, url: str
) -> None:
    """A ``?query`` or ``#fragment`` in the URL every page and feed hangs off, a host no
    parser takes: refused at its line (each passed as long as it began with http)."""
    (tmp_path / "content").mkdir()
    cfg = tmp_path / "publish.toml"
    value = url
    extra = f'\n{key} = "{value}"' if key != "base_url" else ""
    base = value if key == "base_url" else "https://e.org/"
    cfg.write_text(f'[site]\ntitle = "T"\nbase_url = "{base}"{extra}\n', encoding="utf-8")
    result = runner.invoke(main, ["validate", "--config", str(cfg)])
    assert result.exit_code == 3, result.output
    line = 3 if key == "base_url" else 4
    assert f"{cfg}:{line}: site.{key}: expected an absolute http(s) URL" in result.stderr
