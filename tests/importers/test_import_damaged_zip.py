"""Finding 11B: a Substack archive whose member is damaged (a bad CRC, corrupt deflate
data), encrypted, or compressed with a method Python cannot read (AES, method 99) is a
content error naming the zip and the member (exit 2), never a traceback (it was exit 1
with BadZipFile, zlib.error, RuntimeError or NotImplementedError); nothing is written."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.support.paths import as_typed
from tests.importers.conftest import publish, tree

CSV = (
    "post_id,post_date,is_published,email_sent_at,inbox_sent_at,type,audience,title,subtitle\n"
    "1.hello,2024-05-01T10:00:00.000Z,true,,,newsletter,everyone,Hello,Sub\n"
)
HTML = "<p>Hello, this is the body of the post, long enough to be deflated.</p>" * 4


def good_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("posts.csv", CSV)
        zf.writestr("posts/1.hello.html", HTML)
    return out.getvalue()


def _entry(data: bytes, signature: bytes, length_at: int, name_at: int, member: str) -> int:
    """Offset of the first record with ``signature`` whose file name is ``member``."""
    name = member.encode()
    at = 0
    while True:
        found = data.find(signature, at)
        assert found >= 0, member
        length = struct.unpack_from("<H", data, found + length_at)[0]
        if data[found + name_at : found + name_at + length] == name:
            return found
        at = found + 4


def headers(data: bytes, member: str) -> tuple[int, int]:
    """Offsets of ``member``'s local header and of its central directory entry."""
    return _entry(data, b"PK\x03\x04", 26, 30, member), _entry(data, b"PK\x01\x02", 28, 46, member)


def bad_crc(data: bytearray, local: int, central: int, member: str) -> None:
    data[local + 14] ^= 0xFF
    data[central + 16] ^= 0xFF


def corrupt(data: bytearray, local: int, central: int, member: str) -> None:
    start = local + 30 + len(member.encode())
    for k in range(start, start + 20):
        data[k] ^= 0xFF


def encrypted(data: bytearray, local: int, central: int, member: str) -> None:
    data[local + 6] |= 1
    data[central + 8] |= 1


def method_99(data: bytearray, local: int, central: int, member: str) -> None:
    struct.pack_into("<H", data, local + 8, 99)
    struct.pack_into("<H", data, central + 10, 99)


Damage = Callable[[bytearray, int, int, str], None]
CASES: list[tuple[Damage, str]] = [
    (bad_crc, "damaged archive ("),  # then zipfile's words, not ours to assert
    (corrupt, "damaged archive ("),
    (encrypted, "encrypted (a password-protected archive); expected the archive as Substack"),
    (method_99, "compressed with method 99 (AES encryption), which cannot be read; expected"),
]


@pytest.mark.parametrize("member", ["posts.csv", "posts/1.hello.html"])
@pytest.mark.parametrize(("damage", "says"), CASES, ids=[c[0].__name__ for c in CASES])
def test_a_damaged_member_is_named_with_its_zip(
    home: Path, tmp_path: Path, member: str, damage: Damage, says: str
) -> None:
    good = tmp_path / "ok.zip"  # the same archive undamaged imports: the damage is the cause
    good.write_bytes(good_zip())
    assert publish("import", "substack", str(good), "--dry-run").exit_code == 0
    data = bytearray(good_zip())
    damage(data, *headers(bytes(data), member), member)
    source = tmp_path / f"{damage.__name__}.zip"
    source.write_bytes(bytes(data))
    before = tree(tmp_path)
    for extra in (["--dry-run"], []):
        result = publish("import", "substack", str(source), *extra)
        assert result.exit_code == 2, result.output
        assert f"{as_typed(source)}:1: substack: {member}: {says}" in result.stderr, result.stderr
        assert "unexpected error" not in result.output and "Traceback" not in result.output
        assert "1 content error; nothing written." in result.stderr
        assert tree(tmp_path) == before
    assert not (home / "content").exists()


def test_a_member_given_twice_is_refused(home: Path, tmp_path: Path) -> None:
    """Two members named posts.csv (the sweep's dup-members.zip): zip tools differ on which
    one they read, so the import reads neither (it read the last, silently)."""
    source = tmp_path / "twice.zip"
    with zipfile.ZipFile(source, "w") as zf:
        zf.writestr("posts.csv", CSV)
        zf.writestr("posts/1.hello.html", HTML)
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("posts.csv", CSV.replace("Hello", "Other"))
    result = publish("import", "substack", str(source))
    assert result.exit_code == 2, result.output
    assert f"{as_typed(source)}:1: substack: posts.csv: in the archive twice; expected" in (
        result.stderr
    )
    assert not (home / "content").exists()
