"""The JSON Feed 1.1 rules: the document and its items (read as feed-diff reads them: a lone
surrogate becomes U+FFFD, :func:`.feedread.read_json`)."""

from __future__ import annotations

from typing import Any

from pipeline.feedcheck.feedread import read_json
from pipeline.feedcheck.rules import (
    HARD,
    JSONFEED_VERSION,
    RFC3339,
    SOFT,
    Report,
    check_html,
    is_absolute,
)
from pipeline.support import jsontext


def lint_json(r: Report, data: bytes) -> None:
    try:
        doc: Any = read_json(data.decode("utf-8-sig"))
    except jsontext.NestedTooDeep as exc:
        r.add("json.valid", HARD, str(exc))
        return
    except (UnicodeDecodeError, ValueError) as exc:
        r.add("json.valid", HARD, f"not valid JSON: {exc}")
        return
    if not isinstance(doc, dict):
        r.add("json.valid", HARD, "the top level is not a JSON object")
        return
    version = doc.get("version")
    if version == "https://jsonfeed.org/version/1":  # still valid; 1.1 adds authors, language
        r.add("json.version", SOFT, f"JSON Feed 1.0; {JSONFEED_VERSION} is current")
    elif version != JSONFEED_VERSION:
        r.add("json.version", HARD, f"version is {version!r}, not {JSONFEED_VERSION}")
    if not isinstance(doc.get("title"), str) or not doc.get("title"):
        r.add("json.required", HARD, "no title")
    items = doc.get("items")
    if not isinstance(items, list):
        r.add("json.required", HARD, "no items array")
        items = []
    for key in ("feed_url", "home_page_url"):
        if not doc.get(key):
            r.add("json.feed-url", SOFT, f"no {key}")
    if "author" in doc:
        r.add("json.authors", SOFT, "author is deprecated in JSON Feed 1.1; use authors")
    ids: dict[str, int] = {}
    for n, item in enumerate(items, 1):
        _lint_item(r, item, n, ids)


def _lint_item(r: Report, item: Any, n: int, ids: dict[str, int]) -> None:
    """Item ``n``: an object with a unique string id (``ids``: each id seen -> its item's
    number), content, RFC 3339 dates, authors and attachments as JSON Feed 1.1 has them."""
    where = f"item {n}"
    if not isinstance(item, dict):
        r.add("json.item.id", HARD, "item is not an object", where)
        return
    item_id = item.get("id")
    if isinstance(item_id, int | float) and not isinstance(item_id, bool):
        # the spec: a reader must take a number as its string form
        r.add("json.item.id", SOFT, f"id {item_id!r} is a number, not a string", where)
        item_id = str(item_id)
    if not isinstance(item_id, str) or not item_id:
        r.add("json.item.id", HARD, f"id {item_id!r} is not a non-empty string", where)
    elif item_id in ids:
        r.add("json.item.id", HARD, f"id {item_id!r} is also item {ids[item_id]}", where)
    else:
        ids[item_id] = n
    texts = [item.get("content_html"), item.get("content_text")]
    if not any(isinstance(text, str) for text in texts):  # the spec: one or both present
        r.add("json.item.content", HARD, "no content_html nor content_text", where)
    elif not any(texts):  # present, as the spec asks, but a reader shows nothing
        r.add("json.item.content", SOFT, "content_html and content_text are empty", where)
    if isinstance(item.get("content_html"), str):
        check_html(r, item["content_html"], where, "content_html")
    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if value is not None and not (isinstance(value, str) and RFC3339.match(value)):
            r.add("json.dates.rfc3339", HARD, f"{key} {value!r} is not RFC 3339", where)
    if "author" in item:
        r.add("json.authors", SOFT, "author is deprecated in JSON Feed 1.1; use authors", where)
    attachments = item.get("attachments") or []
    if not isinstance(attachments, list):
        r.add("json.attachments", HARD, "attachments is not an array", where)
        attachments = []
    for att in attachments:
        if not isinstance(att, dict) or not att.get("url") or not att.get("mime_type"):
            r.add("json.attachments", HARD, "an attachment lacks url or mime_type", where)
        elif not isinstance(att["url"], str) or not is_absolute(att["url"]):
            message = f"attachment url {att['url']!r} is not an absolute http(s) URL"
            r.add("json.attachments", HARD, message, where)
    for key in ("url", "external_url", "image", "banner_image"):
        value = item.get(key)
        if value is not None and (not isinstance(value, str) or not is_absolute(value)):
            # JSON Feed has no base URL: a reader has nothing to resolve it against
            message = f"{key} {value!r} is not an absolute http(s) URL"
            r.add("rss.item.link-absolute", HARD, message, where)
