"""support/jsontext.py: JSON someone else wrote, read without a crash."""

from __future__ import annotations

import pytest

from pipeline.support import jsontext


def test_nesting_too_deep_is_a_value_error() -> None:
    """json.loads raises RecursionError, which no ``except ValueError`` catches."""
    with pytest.raises(ValueError) as caught:
        jsontext.loads("[" * 100_000 + "]" * 100_000)
    assert isinstance(caught.value, jsontext.NestedTooDeep)
    assert str(caught.value) == "JSON nested too deep to read"


def test_bytes_with_a_byte_order_mark_are_read() -> None:
    """As requests' ``Response.json()`` reads a service's answer that starts with one."""
    assert jsontext.loads(b'\xef\xbb\xbf{"id": "e1"}') == {"id": "e1"}
    assert jsontext.loads('{"id": "e1"}') == {"id": "e1"}
    with pytest.raises(ValueError):
        jsontext.loads(b"{nope")
