"""The benchmark's HTTP server on 127.0.0.1 (aiohttp): slow paths, 429s, 405 on HEAD, redirects,
a 16 MB body, pages with ids, 404s. ``GET /__stats`` returns the request counts and the peak
number of requests in flight, ``/__reset`` clears them. Run:
``python bench/links/server.py PORT [ADDRESS ...]`` (default 127.0.0.1; one per host, e.g.
127.0.0.2 and 127.0.0.3: every 127.x address is the loopback on Linux).
"""

from __future__ import annotations

import asyncio
import collections
import sys

from aiohttp import web

COUNTS: collections.Counter[str] = collections.Counter()
FLIGHT = {"now": 0, "peak": 0}
BIG = b"\0" * (16 * 1024 * 1024)
PAGE = "<html><body>" + "".join(f'<h2 id="a{i}">A{i}</h2>' for i in range(5)) + "</body></html>"


async def handle(request: web.Request) -> web.StreamResponse:
    path = request.path
    if path == "/__stats":
        stats = {"total": sum(COUNTS.values()), "peak": FLIGHT["peak"], "by_kind": _by_kind()}
        return web.json_response(stats)
    if path == "/__reset":
        COUNTS.clear()
        FLIGHT["peak"] = 0
        return web.Response(text="ok")
    COUNTS[f"{request.method} {path}"] += 1
    FLIGHT["now"] += 1
    FLIGHT["peak"] = max(FLIGHT["peak"], FLIGHT["now"])
    try:
        return await _answer(request, path)
    finally:
        FLIGHT["now"] -= 1


async def _answer(request: web.Request, path: str) -> web.StreamResponse:
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
    hosts = sys.argv[2:] or ["127.0.0.1"]
    web.run_app(app, host=hosts, port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
