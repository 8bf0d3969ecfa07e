"""Where the site is: the content folder a command reads, and what to say when there is none.

A first run from the wrong folder must say where it looked and whether a ``publish.toml`` was
found (here, or in a folder above), not just that a folder is missing.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_NAME = "publish.toml"
DEFAULT_CONTENT = "content"


def config_above(start: Path) -> Path | None:
    """The nearest ``publish.toml`` in ``start`` or a folder above it, if any."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def content_folder(root: Path, configured: str, given: Path | None) -> Path:
    """``--content`` when given, else ``[content] folder`` (default ``content/``) under
    ``root``, the configuration file's folder."""
    if given is not None:
        return given
    return root / (configured or DEFAULT_CONTENT)


def missing_content_message(
    content_dir: Path, config_path: Path, config_found: bool, *, given: bool = False
) -> str:
    """Why there is nothing to read, naming the folder looked in and who named it."""
    looked = content_dir.resolve()
    message = f"content folder not found: {looked}"
    if given:
        return f"{message} (given by --content)"
    if config_found:
        return (
            f"{message} (named by {config_path}); set [content] folder in it or pass --content DIR"
        )
    above = config_above(Path.cwd())
    if above is not None:
        return (
            f"{message}; there is no {CONFIG_NAME} in {Path.cwd().resolve()}, but there is one "
            f"at {above}: run publish from {above.parent} or pass --config {above}"
        )
    return (
        f"{message}; no {CONFIG_NAME} was found in {Path.cwd().resolve()} or any folder above "
        f"it: run publish from your site's folder, pass --config FILE, or start a site with "
        f"'publish init'"
    )


def defaults_warning(config_path: Path) -> str:
    """The one warning of a build with no configuration file."""
    return (
        f"warning: no {config_path} here: using example defaults (every URL under "
        f"https://example.org/); run 'publish init' to write one"
    )
