"""The benchmark's HTTP server on 127.0.0.1 (aiohttp): slow paths, 429s, 405 on HEAD, redirects,
a 16 MB body, pages with ids, 404s. ``GET /__stats`` returns the request counts, ``/__reset``
clears them. Run: ``python bench/links/server.py PORT``.
"""

from __future__ import annotations

import asyncio
import collections
import sys

from aiohttp import web

COUNTS: collections.Counter[str] = collections.Counter()
BIG = b"\0" * (16 * 1024 * 1024)
PAGE = "<html><body>" + "".join(f'<h2 id="a{i}">A{i}</h2>' for i in range(5)) + "</body></html>"


async def handle(request: web.Request) -> web.StreamResponse:
    path = request.path
    if path == "/__stats":
        return web.json_response({"total": sum(COUNTS.values()), "by_kind": _by_kind()})
    if path == "/__reset":
        COUNTS.clear()
        return web.Response(text="ok")
    COUNTS[f"{request.method} {path}"] += 1
    kind = path.split("/")[1]
    if kind == "ok":
        return web.Response(text="<html>ok</html>", content_type="text/html")
    if kind == "slow":
        await asyncio.sleep(0.05)
        return web.Response(text="<html>slow</html>", content_type="text/html")
    if kind == "rl":
        if COUNTS[f"GET {path}"] + COUNTS[f"HEAD {path}"] == 1:
            return web.Response(status=429, headers={"Retry-After": "1"})
        return web.Response(text="<html>ok</html>", content_type="text/html")
    if kind == "nohead":
        if request.method == "HEAD":
            return web.Response(status=405)
        return web.Response(text="<html>ok</html>", content_type="text/html")
    if kind == "redir":
        raise web.HTTPMovedPermanently(f"/ok/r{path.rsplit('/', 1)[1]}")
    if kind == "page":
        return web.Response(text=PAGE, content_type="text/html")
    if kind == "big":
        return web.Response(body=BIG, content_type="application/octet-stream")
    return web.Response(status=404, text="not found")


def _by_kind() -> dict[str, int]:
    out: collections.Counter[str] = collections.Counter()
    for key, n in COUNTS.items():
        method, path = key.split(" ", 1)
        out[f"{method} /{path.split('/')[1]}"] += n
    return dict(sorted(out.items()))


def main() -> None:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
