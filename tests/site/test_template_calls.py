"""Templates call plain functions directly (``templates._Context``) and everything else as
Jinja does: a function that asks for the context still gets it."""

from __future__ import annotations

import functools
import gc
from pathlib import Path
from typing import Any

import jinja2
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.syndication.theme.templates import Templates
from tests.conftest import REPO


def _env(tmp_path: Path) -> jinja2.Environment:
    return Templates(load_config(REPO / "publish.toml"), tmp_path).env


@jinja2.pass_context
def _seen(ctx: Any, name: str) -> str:
    return f"{name}={ctx.get(name)}"


def test_plain_and_context_functions(tmp_path: Path) -> None:
    env = _env(tmp_path)
    template = env.from_string(
        "{% for x in [1, 2] %}{{ seen('g') }} {{ twice(x) }} {{ add(x, y=10) }} "
        "{{ under(x, _z=3) }}|{% endfor %}{{ now.isoformat() }}"
    )
    text = template.render(
        seen=_seen,
        g="G",
        twice=lambda v: v * 2,
        add=functools.partial(lambda v, y: v + y),
        under=lambda v, _z: v + _z,
        now=__import__("datetime").date(2026, 1, 2),
    )
    assert text == "g=G 2 11 4|g=G 4 12 5|2026-01-02"


def test_a_function_raising_stop_iteration_is_undefined(tmp_path: Path) -> None:
    def stop() -> None:
        raise StopIteration

    env = _env(tmp_path)
    assert env.from_string("[{{ stop() is undefined }}]").render(stop=stop) == "[True]"


def test_pages_rendered_leave_no_cycle_of_theirs(site: Path) -> None:
    """A page's render breaks the cycles Jinja leaves (its macros, and those of the macros
    module imported with context, each hold their context): no page's context or macros are
    left for the cycle collector. The parallel write collected them after every 256 pages
    (68 objects a page, its item and HTML among them)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = CliRunner().invoke(
            main, ["build", "--config", str(site / "publish.toml"), "--out", str(site / "out")]
        )
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.collect()
    assert result.exit_code == 0, result.output
    assert len(list((site / "out").rglob("index.html"))) > 20  # pages were rendered
    # the one context left is the macros module the item lists share for the whole build
    # (made once, not per page)
    assert left.count("_Context") <= 1 and left.count("Macro") <= 6
