"""Local hubs for ``publish notify``, from their documented contracts.

* A **WebSub hub** (the publish notification as hubs implement it: W3C WebSub leaves it to
  the hub; Google's and Superfeedr's take this form): ``POST`` form-encoded
  ``hub.mode=publish`` and one or more ``hub.url``; 204 No Content when accepted, 400 with a
  text reason otherwise.
* **Podcast Index** ``GET /api/1.0/hub/pubnotify?url=<feed>`` (no key needed): 200
  ``{"status": "true", "description": "Feed marked for immediate update."}``; without a
  ``url``, 400 ``{"status": "false", "description": ...}``.
``pings`` lists the feed URLs each one was told about: what tests count.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response


class WebSubHub(FakeHTTPServer):
    error_body = staticmethod(lambda msg: msg)

    def __init__(self) -> None:
        super().__init__()
        self.pings: list[str] = []

    @property
    def hub_url(self) -> str:
        return f"{self.url}/hub"

    def handle(self, req: Request) -> Response:
        if req.path != "/hub" or req.method != "POST":
            return 405, {"Content-Type": "text/plain"}, b"Method Not Allowed"
        if not req.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return 400, {"Content-Type": "text/plain"}, b"Invalid request: expected a form"
        form = parse_qsl(req.body.decode())
        urls = [v for k, v in form if k in ("hub.url", "hub.topic")]
        if dict(form).get("hub.mode") != "publish" or not urls:
            return 400, {"Content-Type": "text/plain"}, b"hub.mode=publish and hub.url required"
        if not all(u.startswith(("http://", "https://")) for u in urls):
            return 400, {"Content-Type": "text/plain"}, b"hub.url must be an http(s) URL"
        self.pings.extend(urls)
        return 204, {}, b""


class PodcastIndex(FakeHTTPServer):
    error_body = staticmethod(lambda msg: {"status": "false", "description": msg})

    def __init__(self) -> None:
        super().__init__()
        self.pings: list[str] = []

    @property
    def pubnotify_url(self) -> str:
        return f"{self.url}/api/1.0/hub/pubnotify"

    def handle(self, req: Request) -> Response:
        if req.path != "/api/1.0/hub/pubnotify":
            return json_response(404, {"status": "false", "description": "Not found"})
        url = dict(req.query).get("url") or dict(req.query).get("id")
        if not url:
            return json_response(400, {"status": "false", "description": "No url or id given."})
        self.pings.append(url)
        return json_response(
            200, {"status": "true", "description": "Feed marked for immediate update."}
        )
