"""A mapping that records every lookup: a rendering's cache entry knows which link targets it
looked up and what each resolved to, and is reused only while they still resolve so."""

from __future__ import annotations

from collections.abc import Iterator, Mapping


class TrackingMap(Mapping[str, str]):
    """Records every lookup (and its answer) so a cache entry knows what it depended on."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.data = data
        self.seen: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        value = self.data[key]
        self.seen[key] = value
        return value

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        value = self.data.get(key, "")
        self.seen[key] = value
        return value or default

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)
