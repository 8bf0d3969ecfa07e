"""``[[announce]]`` configuration: typed, every problem at path:line, exit 3; previews."""

from __future__ import annotations

import json
from pathlib import Path

from tests.announce.conftest import IDS, cli, discord_channel, ledger, mastodon_channel, site


def test_bad_entries_are_reported_at_their_lines_with_exit_3(tmp_path: Path) -> None:
    channels = (
        '[[announce]]\nkind = "discord"\n\n'
        '[[announce]]\nkind = "mastodon"\ninstance = "ftp://x"\n'
        'visibility = "loud"\nbogus = 1\nmax_per_run = "many"\n\n'
        '[[announce]]\nkind = "carrier-pigeon"\n'
    )
    config = site(tmp_path, channels)
    lines = config.read_text().splitlines()

    def at(text: str) -> str:
        return f"{config}:{lines.index(text) + 1}: "

    result = cli(config)
    assert result.exit_code == 3
    err = result.stderr
    assert at('instance = "ftp://x"') + "announce[1].instance:" in err
    assert at('visibility = "loud"') + "announce[1].visibility:" in err
    assert at("bogus = 1") + "announce[1].bogus: unknown key" in err
    assert at('max_per_run = "many"') + "announce[1].max_per_run:" in err
    assert at('kind = "carrier-pigeon"') + "announce[2].kind:" in err
    assert "Traceback" not in err


def test_duplicate_names_and_a_secret_variable_redact_would_not_hide(tmp_path: Path) -> None:
    channels = (
        discord_channel()
        + discord_channel(webhook_env="HOOK")
        + discord_channel(name="news", webhook_env="NEWS")
    )
    result = cli(site(tmp_path, channels))
    assert result.exit_code == 3
    assert "announce[1].name: channel 'discord' is already defined by entry 1" in result.stderr
    assert "announce[2].webhook_env: expected an environment variable name" in result.stderr


def test_a_missing_secret_is_a_config_error_naming_the_variable(tmp_path: Path) -> None:
    config = site(tmp_path, discord_channel())
    result = cli(config, "--send")
    assert result.exit_code == 3
    assert "environment:1: DISCORD_WEBHOOK_URL: not set" in result.stderr
    assert ledger(config) == [] and not (config.parent / "announce").exists()


def test_list_and_preview_send_nothing_and_previews_are_byte_stable(tmp_path: Path) -> None:
    config = site(
        tmp_path,
        discord_channel(sections=["essays"])
        + mastodon_channel("http://127.0.0.1:9", spoiler_text="new essay"),
    )
    listed = cli(config, "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    rows = json.loads(listed.stdout)["outcomes"]
    assert [(r["channel"], r["id"], r["action"]) for r in rows] == [
        ("discord", i, "would-post") for i in IDS
    ] + [("mastodon", i, "would-post") for i in IDS]
    assert not (config.parent / "outbox").exists()
    preview = cli(config, "--preview")
    assert preview.exit_code == 0 and "Nothing sent. Run with --send" in preview.stdout
    folder = config.parent / "outbox" / "announce"
    body = json.loads((folder / "discord" / f"{IDS[2]}.json").read_text())
    embed = body["payload"]["embeds"][0]
    assert embed["title"] == "Small groups <first>"
    assert embed["url"] == "https://commons.example/essays/small-groups/"
    assert body["payload"]["allowed_mentions"] == {"parse": []}
    status = json.loads((folder / "mastodon" / f"{IDS[0]}.json").read_text())["payload"]
    assert status["spoiler_text"] == "new essay" and status["language"] == "en"
    assert status["status"].startswith("First steps\n\nHow we started")
    assert status["status"].endswith("https://commons.example/essays/first-steps/")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli(config, "--preview").exit_code == 0
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert ledger(config) == []


def test_first_run_without_since_announces_only_the_newest(tmp_path: Path) -> None:
    config = site(tmp_path, '[[announce]]\nkind = "discord"\n')
    result = cli(config, "--format", "json")
    rows = json.loads(result.stdout)["outcomes"]
    assert [r["id"] for r in rows] == [IDS[2]]
    assert "first run: announcing only the newest item; 2 older items left out" in result.stderr
    assert "essays/first-steps.md" in result.stderr


def test_tags_and_unknown_channel(tmp_path: Path) -> None:
    config = site(tmp_path, discord_channel(tags=["nothing-has-this"]))
    assert "Nothing new to announce." in cli(config).stdout
    unknown = cli(config, "--channel", "nope")
    assert unknown.exit_code == 3 and "no [[announce]] channel is named 'nope'" in unknown.stderr


def test_a_template_error_is_a_config_error(tmp_path: Path) -> None:
    config = site(tmp_path, discord_channel(template="{{ nope }}"))
    result = cli(config)
    assert result.exit_code == 3 and "announce.discord.template" in result.stderr
