"""The Jinja2 environment of the site: the content repository's ``templates/`` folder first,
then the templates shipped in the package; errors in either become ``path:line`` problems.

The environment is made once per build and every template compiled once (forked writers
inherit them); a template is never compiled per page.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.support.paths import escapes, walk

SHIPPED = Path(__file__).resolve().parent.parent.parent / "templates" / "site"
"""The default theme: templates, and ``static/`` (its CSS)."""

TEMPLATES = ("page.html.j2", "list.html.j2", "home.html.j2", "404.html.j2", "redirect.html.j2")
"""The templates a build renders (each may extend ``base.html.j2`` or import macros)."""


def override_folder(cfg: Config) -> Path:
    return cfg.root / cfg.theme.templates


def _display(cfg: Config, filename: str | None) -> str:
    """A template's file as the user knows it: relative to the config's folder when it is
    one of theirs, else the package's path."""
    if not filename:
        return "templates"
    path = Path(filename)
    for base in (cfg.root, SHIPPED.parent.parent.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename


def _frame_in_template(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost traceback frame that runs a template (Jinja rewrites the traceback so
    its frames carry the template's file name and line)."""
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def template_error(cfg: Config, exc: jinja2.TemplateError) -> ConfigError:
    """A template problem as ``path:line: template: message`` (exit 3)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = (exc.filename or "", exc.lineno)
    else:
        where = _frame_in_template(sys.exc_info()[2] or exc.__traceback__) or ("", 1)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
    else:
        message = exc.message or type(exc).__name__
    return ConfigError([Problem(_display(cfg, where[0]), where[1], "template", message)])


_DIRECT = frozenset(
    {types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial}
)
_INTERNAL = frozenset({"_loop_vars", "_block_vars"})


class _Context(jinja2.runtime.Context):
    """Jinja's context, calling a plain function directly. Every call in a template goes
    through :meth:`call`, which asks each callable whether it wants the context passed (a
    function marked ``jinja_pass_arg``): about 40 calls a page and a microsecond each. A
    function, bound method or partial that is not marked, called with no keyword of Jinja's
    own but the two it drops, is called here; anything else as Jinja calls it."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            type(__obj) in _DIRECT
            and "jinja_pass_arg" not in getattr(__obj, "__dict__", ())
            and all(k in _INTERNAL or k[:1] != "_" for k in kwargs)
        ):
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("a function raised StopIteration")
        return super().call(__obj, *args, **kwargs)


@functools.lru_cache(maxsize=4)
def _environment(
    shipped: Path, custom: Path | None, digest: str, compiled: Path | None
) -> jinja2.Environment:
    del digest  # only a cache key: an edited template makes a new environment
    loaders: list[jinja2.BaseLoader] = []
    if custom is not None:
        loaders.append(jinja2.FileSystemLoader(str(custom)))
    loaders.append(jinja2.FileSystemLoader(str(shipped)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
        # compiled templates kept with the build's caches (checked against their source)
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
    )
    env.context_class = _Context
    return env


def override_digest(cfg: Config) -> str:
    """A digest of the content repository's templates (names and bytes): part of every
    page's inputs, so an edited template rewrites the pages and nothing else does."""
    folder = override_folder(cfg)
    h = hashlib.sha256()
    if folder.is_dir():
        for dirpath, dirnames, filenames in walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                h.update(f"{path.relative_to(folder).as_posix()}\0".encode())
                h.update(path.read_bytes())
    return h.hexdigest()


class Templates:
    """The compiled templates of one build (``cache_dir`` keeps them compiled between builds).
    ``render`` maps any template failure to a :class:`ConfigError` naming the template's file
    and line."""

    def __init__(self, cfg: Config, cache_dir: Path | None = None) -> None:
        self.cfg = cfg
        custom = override_folder(cfg)
        self.digest = override_digest(cfg)
        compiled = None
        if cache_dir is not None:
            compiled = cache_dir / "templates"
            compiled.mkdir(parents=True, exist_ok=True)
        self.env = _environment(SHIPPED, custom if custom.is_dir() else None, self.digest, compiled)
        self._compiled: dict[str, jinja2.Template] = {}
        for name in TEMPLATES:
            try:
                self._compiled[name] = self.env.get_template(name)
            except jinja2.TemplateError as exc:
                raise template_error(cfg, exc) from None

    def module(self, name: str, context: Mapping[str, Any]) -> Any:
        """The macros of template ``name`` over ``context`` (as ``import … with context``)."""
        return self.env.get_template(name).make_module(vars=dict(context))

    def render(self, name: str, context: Mapping[str, Any]) -> bytes:
        """Template ``name`` over ``context``, as ``Template.render`` makes it, but with the
        cycles it leaves broken as it ends (:func:`_release`): 68 objects a page, the page's
        item and HTML among them, were left for the cycle collector (see
        :func:`pipeline.build.write._collected`)."""
        template = self._compiled[name]
        ctx = template.new_context(dict(context))
        try:
            try:
                text = template.environment.concat(template.root_render_func(ctx))
            except Exception:
                template.environment.handle_exception()
        except jinja2.TemplateError as exc:
            raise template_error(self.cfg, exc) from None
        finally:
            _release(ctx)
        return text.encode("utf-8")


def _release(ctx: jinja2.runtime.Context) -> None:
    """Break the cycles a render leaves (the context is not used again): a template's macros
    are kept in its context's variables and hold that context, and so do the macros of a
    module imported ``with context`` (``m`` of ``base.html.j2``), which hold the module's
    own context: each context reached is emptied. Where Jinja keeps them otherwise, the
    cycle collector still frees them."""
    todo, seen = [ctx], set()
    while todo:
        held = todo.pop()
        if id(held) in seen:
            continue
        seen.add(id(held))
        for value in held.vars.values():
            if isinstance(value, jinja2.environment.TemplateModule):
                for macro in vars(value).values():
                    closure = getattr(getattr(macro, "_func", None), "__closure__", None)
                    for cell in closure or ():
                        with contextlib.suppress(ValueError):  # an empty cell
                            if isinstance(cell.cell_contents, jinja2.runtime.Context):
                                todo.append(cell.cell_contents)
        held.vars.clear()
        held.exported_vars.clear()


def static_copies(cfg: Config) -> list[tuple[Path, str]]:
    """(source, output path) of the theme's files and the content repository's ``static/``
    folder, under ``static/``; a file of the repository replaces the theme's of that name."""
    chosen: dict[str, Path] = {}
    out_of_bounds: list[Problem] = []
    for folder in (SHIPPED / "static", cfg.root / cfg.theme.static):
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if (
                    path.is_symlink()  # the walk follows no linked folder: only a file links
                    and escapes(folder, path)
                    and escapes(cfg.root, path)
                ):
                    # a link to /proc/self/environ published the build's environment
                    why = "a symbolic link to a file outside the repository; refused"
                    out_of_bounds.append(Problem(str(path), 1, "theme.static", why))
                elif path.is_file():
                    chosen["static/" + path.relative_to(folder).as_posix()] = path
    if out_of_bounds:
        raise ConfigError(out_of_bounds)
    return [(path, rel) for rel, path in sorted(chosen.items())]


def theme_stamp(cfg: Config) -> str:
    """Names, sizes and times of the theme's files in the content repository, for the build
    fingerprint (the folders may sit outside the content folder)."""
    lines = []
    for folder in (override_folder(cfg), cfg.root / cfg.theme.static):
        for dirpath, dirnames, filenames in walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                lines.append(f"{dirpath}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n")
    return "".join(lines)
