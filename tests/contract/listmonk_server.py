"""A local listmonk campaigns API written from its documented contract (docs + swagger).

* Auth: ``Authorization: token user:token`` or HTTP Basic ``user:token`` (403 otherwise);
* envelope: success ``{"data": ...}``, failure ``{"message": "..."}``;
* ``POST /api/campaigns`` (name, subject, lists required; type and content_type checked)
  creates a ``draft``; there is no idempotency key, so the same name twice makes two campaigns;
* ``GET /api/campaigns?query=&status=&tags=&page=&per_page=`` with
  ``{"results","query","total","per_page","page"}``;
* ``PUT /api/campaigns/{id}/status`` enforces listmonk's transitions
  (draft->scheduled, scheduled->draft, draft|paused->running, running->paused|cancelled);
  anything else is a 400;
* ``POST /api/campaigns/{id}/test`` with ``subscribers: [emails]``.
``sends`` counts campaigns that started running (went out to the lists).
"""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response

TRANSITIONS = {
    ("draft", "scheduled"),
    ("scheduled", "draft"),
    ("draft", "running"),
    ("paused", "running"),
    ("running", "paused"),
    ("running", "cancelled"),
}
LISTS = {1: "Digest", 2: "Announcements"}


def _msg(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


class ListmonkServer(FakeHTTPServer):
    error_body = staticmethod(lambda msg: {"message": msg})

    def __init__(self, user: str, token: str) -> None:
        super().__init__()
        self.user, self.token = user, token
        self.campaigns: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        self.sends: list[int] = []
        self.test_sends: list[tuple[int, list[str]]] = []

    def _authorised(self, req: Request) -> bool:
        auth = req.headers.get("Authorization", "")
        if auth == f"token {self.user}:{self.token}":
            return True
        basic = base64.b64encode(f"{self.user}:{self.token}".encode()).decode()
        return auth == f"Basic {basic}"

    def handle(self, req: Request) -> Response:
        if not self._authorised(req):
            return _msg(403, "invalid API credentials")
        path = req.path.rstrip("/")
        if path == "/api/campaigns" and req.method == "POST":
            return self._create(req.json())
        if path == "/api/campaigns" and req.method == "GET":
            return self._list(req)
        m = re.fullmatch(r"/api/campaigns/(\d+)(/status|/test|/preview)?", path)
        if not m or int(m.group(1)) not in self.campaigns:
            return _msg(404, "Campaign not found.")
        c = self.campaigns[int(m.group(1))]
        sub = m.group(2)
        if sub == "/status" and req.method == "PUT":
            return self._status(c, (req.json() or {}).get("status"))
        if sub == "/test" and req.method == "POST":
            body = req.json() or {}
            subs = body.get("subscribers")
            if not subs:
                return _msg(400, "No subscribers to send to.")
            self.test_sends.append((c["id"], list(subs)))
            return json_response(200, {"data": True})
        if sub == "/preview":
            return 200, {"Content-Type": "text/html"}, c["body"].encode()
        if sub is None and req.method == "GET":
            return json_response(200, {"data": c})
        if sub is None and req.method == "DELETE":
            del self.campaigns[c["id"]]
            return json_response(200, {"data": True})
        if sub is None and req.method == "PUT":
            if c["status"] not in ("draft", "scheduled", "paused"):
                return _msg(400, "Cannot update a running or finished campaign.")
            c.update({k: v for k, v in (req.json() or {}).items() if k in c})
            return json_response(200, {"data": c})
        return _msg(405, "Method not allowed.")

    def _create(self, body: Any) -> Response:
        if not isinstance(body, dict):
            return _msg(400, "Invalid JSON.")
        for field in ("name", "subject"):
            if not isinstance(body.get(field), str) or not body[field].strip():
                return _msg(400, f"invalid {field}")
        lists = body.get("lists")
        if not isinstance(lists, list) or not lists or any(i not in LISTS for i in lists):
            return _msg(400, "invalid lists")
        if body.get("type", "regular") not in ("regular", "optin"):
            return _msg(400, "invalid type")
        if body.get("content_type", "richtext") not in ("richtext", "html", "markdown", "plain"):
            return _msg(400, "invalid content_type")
        cid = self.next_id
        self.next_id += 1
        c = {
            "id": cid,
            "uuid": str(uuid.uuid4()),
            "name": body["name"],
            "subject": body["subject"],
            "lists": [{"id": i, "name": LISTS[i]} for i in lists],
            "type": body.get("type", "regular"),
            "content_type": body.get("content_type", "richtext"),
            "body": body.get("body", ""),
            "altbody": body.get("altbody"),
            "from_email": body.get("from_email", "listmonk <noreply@listmonk.yoursite.com>"),
            "messenger": body.get("messenger", "email"),
            "tags": list(body.get("tags") or []),
            "headers": list(body.get("headers") or []),
            "status": "draft",
            "to_send": 0,
            "sent": 0,
            "send_at": body.get("send_at"),
        }
        self.campaigns[cid] = c
        return json_response(200, {"data": c})

    def _list(self, req: Request) -> Response:
        q = dict(req.query)
        tags = {v for k, v in req.query if k in ("tags", "tags[]")}
        rows = list(self.campaigns.values())
        if tags:
            rows = [c for c in rows if tags & set(c["tags"])]
        if q.get("query"):
            needle = q["query"].lower()
            rows = [
                c for c in rows if needle in c["name"].lower() or needle in c["subject"].lower()
            ]
        if q.get("status"):
            rows = [c for c in rows if c["status"] == q["status"]]
        per_page = q.get("per_page", "20")
        page = int(q.get("page", "1"))
        if per_page == "all":
            chunk, size = rows, len(rows)
        else:
            size = int(per_page)
            chunk = rows[(page - 1) * size : page * size]
        return json_response(
            200,
            {
                "data": {
                    "results": chunk,
                    "query": q.get("query", ""),
                    "total": len(rows),
                    "per_page": size,
                    "page": page,
                }
            },
        )

    def _status(self, c: dict[str, Any], new: Any) -> Response:
        old = c["status"]
        if (old, new) not in TRANSITIONS:
            return _msg(400, f"Cannot change campaign status from {old} to {new}.")
        if new == "scheduled" and not c.get("send_at"):
            return _msg(400, "send_at date should be set to schedule.")
        c["status"] = new
        if new == "running" and old == "draft":
            self.sends.append(c["id"])
        return json_response(200, {"data": c})

    def finish_all(self) -> None:
        with self.lock:
            for c in self.campaigns.values():
                if c["status"] == "running":
                    c["status"] = "finished"
