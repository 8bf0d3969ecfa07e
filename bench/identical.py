"""Build the same content with two revisions of the package and compare the outputs byte for byte.

    python bench/identical.py OLD [NEW] [--posts N] [--shape NAME] [--seed S] [--search on|off]
                                        [--bundled] [--keep]

OLD and NEW are git revisions (NEW defaults to the working tree, uncommitted changes included).
Each revision is exported with ``git archive`` into a temporary folder (the repository, its
worktrees and its stash are left alone) and runs as ``python -m pipeline build`` with that
folder first on ``sys.path``, under this interpreter (so with this environment's dependencies).
Both build the same input: the benchmark corpus (``bench/corpus.py``, N posts of the shape,
default 300) and, with ``--bundled``, also the repository's own example site (``content/`` and
``publish.toml`` of the working tree). Each build starts cold (empty ``--out`` and cache).

The two output trees are compared file by file: files only in one, and files whose bytes
differ, are listed. The build manifest (``.publish-manifest.json``) is left out of that and
reported on its own, key by key: its ``fingerprint`` covers the package's code and the output
folder, so it differs between any two builds here by design, and so do the outputs' recorded
``files.mtimes``.
Exit 0 when every output file is identical,
1 when one differs, 2 when a build failed.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402  (sibling scripts, not a package)
from shapes import SHAPES  # noqa: E402

MANIFEST = ".publish-manifest.json"
NOT_OUTPUT = {MANIFEST, ".publish.lock"}
"""The build's own bookkeeping in the output folder, not output."""
WORKING_TREE = "working tree"


@dataclass
class Comparison:
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)
    differ: list[str] = field(default_factory=list)
    same: int = 0
    manifest: dict[str, str] = field(default_factory=dict)
    """Each top-level key of the manifest: ``same`` or ``differs`` (or ``missing in ...``)."""

    @property
    def identical(self) -> bool:
        return not (self.only_old or self.only_new or self.differ)


def output_files(out: Path) -> set[str]:
    """Every file under ``out`` (POSIX paths relative to it), the build's bookkeeping left out."""
    found: set[str] = set()
    for dirpath, _, files in os.walk(out):
        for name in files:
            rel = Path(dirpath, name).relative_to(out).as_posix()
            if rel not in NOT_OUTPUT:
                found.add(rel)
    return found


def compare_manifests(old: Path, new: Path) -> dict[str, str]:
    def load(path: Path) -> dict[str, object]:
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    a, b = load(old / MANIFEST), load(new / MANIFEST)
    report: dict[str, str] = {}
    for key in sorted({*a, *b}):
        if key not in a:
            report[key] = "missing in old"
        elif key not in b:
            report[key] = "missing in new"
        elif isinstance(a[key], dict) and isinstance(b[key], dict):
            for sub in sorted({*a[key], *b[key]}):  # files: paths, sizes, mtimes, sha256
                same = a[key].get(sub) == b[key].get(sub)
                report[f"{key}.{sub}"] = "same" if same else "differs"
        else:
            report[key] = "same" if a[key] == b[key] else "differs"
    return report


def compare_trees(old: Path, new: Path) -> Comparison:
    """Compare two output folders byte for byte (the manifest separately)."""
    a, b = output_files(old), output_files(new)
    result = Comparison(only_old=sorted(a - b), only_new=sorted(b - a))
    for rel in sorted(a & b):
        if filecmp.cmp(old / rel, new / rel, shallow=False):
            result.same += 1
        else:
            result.differ.append(rel)
    result.manifest = compare_manifests(old, new)
    return result


def export(rev: str, into: Path) -> Path:
    """The package's tree at ``rev`` (``git archive``), or the working tree itself."""
    if rev == WORKING_TREE:
        return REPO
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=REPO, capture_output=True, check=False
    )
    if archive.returncode:
        raise SystemExit(f"git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    tar_path = into.with_suffix(".tar")
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into, filter="data")
    tar_path.unlink()
    return into


def build(tree: Path, content: Path, config: Path, out: Path, cache: Path) -> tuple[int, str]:
    """``python -m pipeline build`` with ``tree``'s package; (exit code, output)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.pop("PUBLISH_CACHE_DIR", None)
    probe = subprocess.run(
        [sys.executable, "-c", "import pipeline; print(pipeline.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if not probe.stdout.strip().startswith(str(tree)):
        raise SystemExit(f"{tree}: python imports pipeline from {probe.stdout.strip()!r}")
    cmd = [sys.executable, "-m", "pipeline", "build", "--content", str(content)]
    cmd += ["--config", str(config), "--out", str(out), "--cache-dir", str(cache)]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def bundled_site(into: Path) -> tuple[Path, Path]:
    """A copy of the repository's example site (a build may write into its config)."""
    into.mkdir(parents=True)
    for name in ("content", "templates", "static"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, into / name)
    shutil.copyfile(REPO / "publish.toml", into / "publish.toml")
    return into / "content", into / "publish.toml"


def report(name: str, result: Comparison) -> str:
    lines = [
        f"{name}: {result.same} files identical, {len(result.differ)} differ, "
        f"{len(result.only_old)} only in old, {len(result.only_new)} only in new"
    ]
    for label, paths in (
        ("differs", result.differ),
        ("only in old", result.only_old),
        ("only in new", result.only_new),
    ):
        lines += [f"  {label}: {p}" for p in paths[:50]]
        if len(paths) > 50:
            lines.append(f"  {label}: ... and {len(paths) - 50} more")
    manifest = ", ".join(f"{k} {v}" for k, v in result.manifest.items())
    lines.append(f"  manifest (not compared above): {manifest or 'none'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="git revision of the old package")
    parser.add_argument("new", nargs="?", default=WORKING_TREE, help="default: the working tree")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--shape", default="default", choices=list(SHAPES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--search", choices=("on", "off"), default="on")
    parser.add_argument("--bundled", action="store_true", help="also the bundled example site")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="publish-identical-"))
    failed = differ = False
    try:
        trees = {
            side: export(rev, tmp / f"tree-{side}")
            for side, rev in (("old", args.old), ("new", args.new))
        }
        inputs: dict[str, tuple[Path, Path]] = {}
        if args.posts > 0:
            root = tmp / "corpus"
            corpus.generate(root, args.posts, args.seed, SHAPES[args.shape], hugo=())
            config = "publish.toml" if args.search == "on" else "publish-nosearch.toml"
            inputs[f"corpus ({args.posts} posts, {args.shape})"] = (root / "content", root / config)
        if args.bundled:
            inputs["bundled site"] = bundled_site(tmp / "bundled")
        print(f"old: {args.old}; new: {args.new}", file=sys.stderr)
        for n, (name, (content, config)) in enumerate(inputs.items()):
            outs: dict[str, Path] = {}
            for side, tree in trees.items():
                saved = tmp / f"config-{n}.toml"
                shutil.copyfile(config, saved)  # each side starts from the same config
                out, cache = tmp / f"out-{n}-{side}", tmp / f"cache-{n}-{side}"
                code, said = build(tree, content, config, out, cache)
                shutil.copyfile(saved, config)
                if code != 0:
                    failed = True
                    print(f"{name}: the {side} build failed (exit {code}):\n{said}")
                outs[side] = out
            if not failed:
                result = compare_trees(outs["old"], outs["new"])
                differ |= not result.identical
                print(report(name, result))
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 2 if failed else (1 if differ else 0)


if __name__ == "__main__":
    raise SystemExit(main())
