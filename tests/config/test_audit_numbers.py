"""Numbers in publish.toml that no setting means: ``nan`` and ``inf`` (TOML has both; ``nan``
passed every ``< least`` check: ``timeout = nan`` timed every link out "after nan s", ``inf``
reported every link broken with an OverflowError), and a file size limit below one byte
(every file a content error "over the limit of -1"). Each is exit 3 at the key's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

SITE = '[site]\ntitle = "H"\nbase_url = "https://h.example.org/"\ntimezone = "UTC"\n'
ESSAY = "---\ntitle: a\ndate: 2024-05-01\n---\nText.\n"


def validate(root: Path, config: str) -> tuple[int, str]:
    (root / "content/essays").mkdir(parents=True)
    (root / "content/essays/a.md").write_text(ESSAY, encoding="utf-8")
    path = root / "publish.toml"
    path.write_text(SITE + config, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--config", str(path), "-q"])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("[links]\ntimeout = nan\n", "links.timeout: expected a finite number, got nan"),
        ("[links]\ntimeout = inf\n", "links.timeout: expected a finite number, got inf"),
        ("[links]\nbackoff = +inf\n", "links.backoff: expected a finite number, got inf"),
        ("[links]\nretry_after_cap = -nan\n", "links.retry_after_cap: expected a finite number"),
        ("[newsletter]\napi_timeout = nan\n", "newsletter.api_timeout: expected a finite number"),
        ("[content]\nmax_file_bytes = -1\n", "content.max_file_bytes: expected a positive number"),
        ("[content]\nmax_file_bytes = 0\n", "content.max_file_bytes: expected a positive number"),
    ],
)
def test_a_number_no_setting_means_is_a_configuration_error(
    tmp_path: Path, config: str, expected: str
) -> None:
    code, err = validate(tmp_path, config)
    assert code == 3, err
    assert f"{tmp_path / 'publish.toml'}:6: {expected}" in err, err
