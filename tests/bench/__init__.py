"""Tests of ``bench/``: scripts, not a package, so they are loaded from their folder here.

``bench/build.py`` and ``bench/identical.py`` are loaded under the names ``bench_build`` and
``bench_identical`` (a plain ``import build`` would shadow the ``build`` package).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import hugosite  # noqa: E402
import shapes  # noqa: E402


def _load(name: str, file: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench_build = _load("bench_build", "build.py")
bench_identical = _load("bench_identical", "identical.py")

__all__ = ["BENCH", "bench_build", "bench_identical", "corpus", "hugosite", "shapes"]
