"""cmark-gfm through cmarkgfm's own C library, freeing what each rendering allocates.

``cmarkgfm.markdown_to_html_with_extensions`` frees the parser but never the document tree
nor the HTML buffer it returns: about 130 KB for an 18 KB post, so each render worker grew by
650 MB at 10,000 posts. The same calls are made here, then ``cmark_node_free`` and the
allocator's ``free`` (both exported by the extension module, reached with ctypes). Where the
symbols cannot be found, the same calls are made without freeing: the same HTML, with the
leak.

cmark-gfm writes U+FFFE and U+FFFF (``&#65535;``, ``&#xFFFE;``) as the single bytes 0xFE and
0xFF, which are not UTF-8 (cmarkgfm's own function then raises UnicodeDecodeError): the HTML
is decoded with each such byte read as U+FFFD, the replacement character.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable, Sequence

from cmarkgfm import _cmark

_ffi, _lib = _cmark.ffi, _cmark.lib

_FreeFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class _Mem(ctypes.Structure):
    """cmark's ``cmark_mem``: the allocator a tree and its HTML were allocated with."""

    _fields_ = [("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p), ("free", _FreeFn)]


def _releasers() -> tuple[Callable[[int], None], Callable[[int], None]] | None:
    """(free a node tree, free a buffer) at C addresses; None when not reachable."""
    try:
        so = ctypes.CDLL(_cmark.__file__)
        node_free = so.cmark_node_free
        get_mem = so.cmark_get_default_mem_allocator
    except (OSError, AttributeError):
        return None
    node_free.argtypes, node_free.restype = [ctypes.c_void_p], None
    get_mem.argtypes, get_mem.restype = [], ctypes.POINTER(_Mem)
    free = get_mem().contents.free
    return node_free, free


_RELEASERS = _releasers()


def _keep(address: int) -> None:
    """Frees nothing (the symbols to free with were not found)."""


def _address(pointer: object) -> int:
    return int(_ffi.cast("uintptr_t", pointer))


@functools.lru_cache(maxsize=8)
def _extensions(names: tuple[str, ...]) -> tuple[object, ...]:
    """The registered extensions (static in the library: looked up once)."""
    _lib.cmark_gfm_core_extensions_ensure_registered()
    found = []
    for name in names:
        extension = _lib.cmark_find_syntax_extension(name.encode())
        if extension == _ffi.NULL:
            raise ValueError(f"unknown cmark-gfm extension {name}")
        found.append(extension)
    return tuple(found)


def to_html(text: str, options: int, extensions: Sequence[str]) -> str:
    """``cmarkgfm.markdown_to_html_with_extensions(text, options, extensions)``, without
    leaking the tree and the buffer."""
    node_free, free = _RELEASERS or (_keep, _keep)
    parser = _lib.cmark_parser_new(options)
    try:
        for extension in _extensions(tuple(extensions)):
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        data = text.encode("utf-8")
        _lib.cmark_parser_feed(parser, data, len(data))
        root = _lib.cmark_parser_finish(parser)
        if _lib.cmark_node_get_type(root) == _lib.CMARK_NODE_NONE:
            raise ValueError("cmark-gfm could not parse the text")
        try:
            raw = _lib.cmark_render_html(
                root, options, _lib.cmark_parser_get_syntax_extensions(parser)
            )
            try:
                out: str = _ffi.string(raw).decode("utf-8", "replace")
                return out
            finally:
                free(_address(raw))
        finally:
            node_free(_address(root))
    finally:
        _lib.cmark_parser_free(parser)


def leak_free() -> bool:
    """True when renderings free their memory (the symbols were found)."""
    return _RELEASERS is not None
