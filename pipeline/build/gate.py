"""``publish build`` as one call: the no-op check first, the whole pipeline only when something
changed. Kept light (no stage is imported until it is needed), so a build with nothing to do
starts and ends in a fraction of a second."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.build.state import BuildResult, cached_result, take_inputs
from pipeline.build.timings import Timings
from pipeline.config import Config


def build_site(
    cfg: Config,
    content_dir: Path,
    out_dir: Path,
    *,
    now: dt.datetime,
    cache_dir: Path | None,
    strict: bool,
    timings: Timings,
) -> BuildResult:
    """The last build's result when nothing it depends on changed (the build key, the
    configuration, every content file's stat, every output), else a build."""
    inputs = take_inputs(cfg, content_dir, out_dir, strict=strict)
    result = cached_result(inputs.previous, inputs.fingerprint, out_dir, now)
    timings.mark("check")
    if result is not None:
        return result
    from pipeline.build.run import build  # something changed: load the pipeline only now

    timings.mark("start-up")
    return build(
        cfg,
        content_dir,
        out_dir,
        now=now,
        cache_dir=cache_dir,
        strict=strict,
        inputs=inputs,
        timings=timings,
    )
