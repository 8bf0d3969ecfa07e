"""``publish init``: the files that start a site, or adopt a repository as it is.

:func:`plan_init` decides every file's bytes first (nothing touches the disk); :func:`write_init`
refuses the whole plan when any file exists with other bytes unless ``force``, so a refused
init writes nothing; :func:`planned_config` reads the planned ``publish.toml`` as every later
command will, so a configuration they would refuse is refused before anything is written.
Files come from Jinja2 templates under ``templates/init/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2

from pipeline import __version__
from pipeline.authoring.detect import Detected
from pipeline.authoring.media import cover_jpeg, silent_mp3
from pipeline.config import Config, load_config
from pipeline.errors import EXIT_CONFIG, ConfigError, PublishError
from pipeline.support.output import write_atomic
from pipeline.support.paths import escapes
from pipeline.support.text import counted

ACTION_REPO = "commons-publish/publish"
"""Where publish's source and its GitHub Action live (a fork changes this one line)."""
PLACEHOLDER_URL = "https://example.org/"
KEEP_EXISTING = (".gitignore",)
"""Files the init leaves alone when the repository has its own (never a conflict)."""
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "init"


def action_ref(version: str = __version__) -> str:
    """``OWNER/REPO@vX.Y.Z``: the action pinned by this version's release tag."""
    return f"{ACTION_REPO}@v{version}"


class InitRefused(PublishError):
    """``publish init`` would replace files; nothing was written."""

    exit_code = EXIT_CONFIG


@dataclass(frozen=True)
class Plan:
    """What ``publish init`` will write, relative to the repository."""

    detected: Detected
    base_url: str
    files: tuple[tuple[str, bytes], ...]
    notes: tuple[str, ...] = ()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        keep_trailing_newline=True,
        trim_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # TOML, YAML and Markdown, not HTML
    )
    env.filters["toml"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    env.filters["tomllist"] = lambda values: json.dumps([str(v) for v in values])
    return env


def plan_init(
    detected: Detected,
    *,
    base_url: str,
    title: str,
    today: dt.date,
    ids: Mapping[str, str],
    branch: str = "main",
) -> Plan:
    """Every file of the init, as bytes. ``base_url`` empty means the placeholder (noted)."""
    starter = detected.kind == "empty"
    notes: list[str] = []
    url = base_url or PLACEHOLDER_URL
    url = url if url.endswith("/") else url + "/"
    if not base_url:
        notes.append(
            f"base_url is the placeholder {PLACEHOLDER_URL}: set [site] base_url in publish.toml "
            "to your site's address before the first deploy (podcast:guid waits for it)"
        )
    values = {
        "title": title,
        "base_url": url,
        "base_url_note": "" if base_url else "  # set this to your site's address",
        "description": "",
        "folder": detected.folder,
        "exclude": list(detected.exclude),
        "flavour": detected.flavour,
        "starter": starter,
        "kind_note": "a starter site" if starter else f"{detected.kind}: {detected.evidence}",
        "action": action_ref(),
        "action_repo": ACTION_REPO,
        "action_owner": ACTION_REPO.split("/")[0],
        "branch": branch,
        "today": today.isoformat(),
        "event_day": (today + dt.timedelta(days=14)).isoformat(),
        "ids": dict(ids),
    }
    env = _environment()

    def render(name: str) -> bytes:
        return env.get_template(name).render(values).encode("utf-8")

    files: list[tuple[str, bytes]] = [
        ("publish.toml", render("publish.toml.j2")),
        (".github/workflows/pr.yml", render("pr.yml.j2")),
        (".github/workflows/publish.yml", render("publish.yml.j2")),
        (".github/zizmor.yml", render("zizmor.yml.j2")),
    ]
    if starter:
        content = PurePosixPath(detected.folder)
        files += [
            (".gitignore", render("gitignore.j2")),
            (str(content / "README.md"), render("README.md.j2")),
            (str(content / "essays" / "welcome.md"), render("essay.md.j2")),
            (str(content / "episodes" / "001-hello.md"), render("episode.md.j2")),
            (str(content / "episodes" / "media" / "001-hello.mp3"), silent_mp3(3.0, "Hello")),
            (str(content / "events" / "first-meetup.md"), render("event.md.j2")),
            (str(content / "podcast" / "cover.jpg"), cover_jpeg()),
        ]
    return Plan(detected, url, tuple(files), tuple(notes))


def planned_config(root: Path, plan: Plan) -> Config:
    """The plan's ``publish.toml`` read as every later command will read it from ``root``,
    before it is written (from a copy in a temporary folder). Raises ConfigError naming
    ``root/publish.toml``, the line and the key (a ``--base-url`` that is not a URL)."""
    target = root / "publish.toml"
    with tempfile.TemporaryDirectory(prefix="publish-init-") as tmp:
        copy = Path(tmp) / "publish.toml"
        copy.write_bytes(dict(plan.files)["publish.toml"])
        try:
            cfg = load_config(copy, required=True)
        except ConfigError as exc:
            shown = str(target)
            raise ConfigError(dataclasses.replace(p, path=shown) for p in exc.problems) from None
    return dataclasses.replace(cfg, path=target.resolve())


def existing(root: Path, plan: Plan, *, force: bool = False) -> list[str]:
    """The plan's files that are there already and stay as they are (same bytes, or the
    repository's own ``.gitignore``). Reads only.

    Raises :class:`InitRefused` when a file exists with other bytes and ``force`` is false.
    """
    conflicts, same = [], []
    for rel, data in plan.files:
        path = root / rel
        if path.is_dir():
            raise InitRefused(f"{path} is a folder; init would write a file there")
        if escapes(root, path):
            raise InitRefused(
                f"{path}: a symlink puts it outside {root}; nothing written (a .github "
                "linked elsewhere would have had the workflows written there)"
            )
        if path.exists():
            if path.read_bytes() == data or rel in KEEP_EXISTING:
                same.append(rel)
            elif not force:
                conflicts.append(rel)
    if conflicts:
        raise InitRefused(
            f"{counted(len(conflicts), 'file')} already exist"
            f"{'s' if len(conflicts) == 1 else ''} and would be replaced: "
            f"{', '.join(conflicts)}; nothing written (pass --force to replace them)"
        )
    return same


def write_init(root: Path, plan: Plan, *, force: bool = False) -> tuple[list[str], list[str]]:
    """Write the plan under ``root``; returns (written, left as they were).

    Raises :class:`InitRefused`, writing nothing, when a file exists with other bytes and
    ``force`` is false.
    """
    same = existing(root, plan, force=force)
    written = []
    for rel, data in plan.files:
        if rel in same:
            continue
        write_atomic(root / rel, data)
        written.append(rel)
    return written, same
