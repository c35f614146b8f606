"""The deterministic zip writer behind .pkpass and .pkpasses files: entries prepared as bytes, joined once."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

ZIP_FILE_MODE = 0o100644 << 16  # regular file, rw-r--r--
ZIP32_LIMIT = 0xFFFFFFFF
TOO_BIG = "the bundle is too large for a zip file without zip64 extensions"
_DOS_DATE = (1 << 5) | 1  # 1980-01-01; the time field stays 0 (00:00:00)
_DEFLATED_SUFFIXES = (".json", ".strings")
_DEFLATE_MIN_SIZE = 4 * 1024  # smaller text files are stored: deflating them costs more time than it saves
_LOCAL_HEADER, _CENTRAL_HEADER, _END_OF_DIRECTORY = 0x04034B50, 0x02014B50, 0x06054B50
_MADE_BY_UNIX = (3 << 8) | 20
_STORED, _DEFLATE = 0, 8
_ENTRY = "<HHHHIIIH"  # flags, method, time, date, crc-32, compressed size, size, name length
_UTF8_NAME = 0x800
_LOCAL_PREFIX = struct.pack("<IH", _LOCAL_HEADER, 20)
_CENTRAL_PREFIX = struct.pack("<IHH", _CENTRAL_HEADER, _MADE_BY_UNIX, 20)
_CENTRAL_SUFFIX = struct.pack("<HHHHI", 0, 0, 0, 0, ZIP_FILE_MODE)
_END = struct.Struct("<IHHHHIIH")
OFFSET = struct.Struct("<I")

# A member's local header with its name, its stored or deflated bytes, its central directory entry up to
# the offset (which the archive packs), and its encoded name (which follows the offset).
ZipEntry = tuple[bytes, bytes, bytes, bytes]


def zip_entry(name: str, data: bytes, crc: int) -> ZipEntry:
    """The entry of one member: JSON and strings files of 4 KB or more deflated, everything else stored
    (PNGs, the signature and nested passes are compressed already; a small file costs more than it saves).
    Every entry carries the same date (1980-01-01 00:00) and Unix mode (rw-r--r--)."""
    encoded = name.encode("utf-8")
    flags = 0 if encoded.isascii() else _UTF8_NAME
    worth_deflating = name.endswith(_DEFLATED_SUFFIXES) and len(data) >= _DEFLATE_MIN_SIZE
    packed, method = _deflate(data) if worth_deflating else (data, _STORED)
    if len(data) >= ZIP32_LIMIT:
        raise ValueError(TOO_BIG)
    entry = struct.pack(_ENTRY, flags, method, 0, _DOS_DATE, crc, len(packed), len(data), len(encoded))
    local = b"".join((_LOCAL_PREFIX, entry, b"\0\0", encoded))
    central = b"".join((_CENTRAL_PREFIX, entry, _CENTRAL_SUFFIX))
    return local, packed, central, encoded


def end_record(count: int, directory_size: int, directory_offset: int) -> bytes:
    """The end of central directory record closing an archive of ``count`` members."""
    if directory_offset >= ZIP32_LIMIT:
        raise ValueError(TOO_BIG)
    return _END.pack(_END_OF_DIRECTORY, 0, 0, count, count, directory_size, directory_offset, 0)


def zip_archive(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip archive of the members in the order given: identical members give identical bytes."""
    parts: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, data in members:
        local, packed, central, encoded = zip_entry(name, data, zlib.crc32(data))
        if offset >= ZIP32_LIMIT:
            raise ValueError(TOO_BIG)
        parts += (local, packed)
        directory += (central, OFFSET.pack(offset), encoded)
        offset += len(local) + len(packed)
    end = end_record(len(members), sum(map(len, directory)), offset)
    return b"".join([*parts, *directory, end])


def _deflate(data: bytes) -> tuple[bytes, int]:
    """Raw DEFLATE with a window sized to the data (far cheaper to set up for small files)."""
    window = min(15, max(10, (len(data) - 1).bit_length()))
    compressor = zlib.compressobj(6, zlib.DEFLATED, -window, max(1, window - 7))
    packed = compressor.compress(data) + compressor.flush()
    return (packed, _DEFLATE) if len(packed) < len(data) else (data, _STORED)
