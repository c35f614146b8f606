"""Building .pkpass bundles in memory: file checks, manifest, signature and a deterministic zip."""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import re
import struct
import threading
import zlib
from collections.abc import Mapping

import orjson

from passmint.apple.errors import PassValidationError, Problem
from passmint.apple.passjson import validate_pass_json
from passmint.apple.pkzip import OFFSET, TOO_BIG, ZIP32_LIMIT, ZipEntry, end_record, zip_entry
from passmint.apple.signing import PassSigner
from passmint.apple.strings import decode_text, encode_strings

PASS_JSON = "pass.json"
MANIFEST = "manifest.json"
SIGNATURE = "signature"
PERSONALIZATION = "personalization.json"
RESERVED = frozenset({PASS_JSON, MANIFEST, SIGNATURE})
IMAGE_NAMES = ("icon", "logo", "strip", "thumbnail", "background", "footer", "personalizationLogo")
MAX_PASSES_PER_BUNDLE = 10  # Apple: "up to 10 passes or 150 MB for a bundle of passes"
MAX_BUNDLE_BYTES = 150 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Digests of large files (template images shared by many passes), keyed by content, so each is hashed once;
# never those of pass.json, manifest.json and signature, which each pass has its own of.
_DIGEST_CACHE_MIN_SIZE = 2 * 1024  # an @3x icon and up: hashing them as a key costs less than SHA-1
_DIGEST_CACHE_MAX_BYTES = 32 * 1024 * 1024
_digest_cache: dict[bytes, tuple[str, int]] = {}
_digest_cache_bytes = 0
_digest_cache_lock = threading.Lock()
# Zip entries of those files by content and name, dropped with their digests: data referenced, not copied.
_entry_cache: dict[bytes, dict[str, ZipEntry]] = {}
# Prepared files of whole passes (_SharedFiles) by the files given, within the same byte budget.
_shared_cache: dict[tuple[object, ...], _SharedFiles] = {}
_shared_cache_bytes = 0

# A number with an exponent below zero, which orjson writes as 1e-7 where json.dumps writes 1e-07.
_NEGATIVE_EXPONENT = re.compile(rb"\de-")

_LANGUAGE = r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*"
_IMAGE_PATTERN = re.compile(rf"(?:(?P<lang>{_LANGUAGE})\.lproj/)?(?:{'|'.join(IMAGE_NAMES)})(?:@[23]x)?\.png")
_STRINGS_PATTERN = re.compile(rf"{_LANGUAGE}\.lproj/pass\.strings")
_LANGUAGE_PATTERN = re.compile(_LANGUAGE)

MESSAGES = {
    "icon_missing": "is required: every pass needs an icon",
    "reserved": "is written by passmint; pass the pass.json content as pass_json, not as a file",
    "unsafe_path": "is not a safe path inside a pass",
    "unknown_file": (
        "is not a file Apple's pass format knows: use icon, logo, strip, thumbnail, background or footer "
        "PNGs (with @2x/@3x, optionally inside xx.lproj/), xx.lproj/pass.strings or personalization.json"
    ),
    "not_bytes": "must be given as bytes",
    "png_signature": "is not a PNG image (Apple Wallet accepts only PNG)",
    "png_header": "is a damaged PNG: its IHDR header is missing or corrupt",
    "png_size": "is a PNG of {width}x{height} pixels; both sides must be at least 1",
    "strings_twice": "is given both as a file and in strings; give it once",
    "strings_language": "is not a language code such as en, fr or zh-Hans",
    "personalization_json": "must be a JSON object",
    "personalization_logo": "needs a personalizationLogo.png image as well",
    "personalization_nfc": "needs an nfc dictionary in pass.json (personalization works over NFC)",
    "identity": "is '{given}' but the signing certificate is for '{expected}'",
    "no_passes": "a bundle needs at least one pass",
    "too_many_passes": "a bundle holds at most 10 passes; got {count}",
    "bundle_too_big": "the passes add up to {size} bytes; a bundle may hold at most 150 MB",
    "too_big_for_zip": TOO_BIG,
    "not_a_pkpass": "is not a .pkpass (a zip holding pass.json, manifest.json and signature)",
}


def build_pkpass(
    pass_json: Mapping[str, object],
    files: Mapping[str, bytes],
    signer: PassSigner,
    *,
    strings: Mapping[str, Mapping[str, str]] | None = None,
) -> bytes:
    """Validate, sign and zip one pass; raise PassValidationError listing every problem found.

    Identical input gives identical bytes up to the signature: its signingTime attribute is the
    current second.
    """
    problems: list[Problem] = []
    try:
        validate_pass_json(pass_json)
    except PassValidationError as exc:
        problems.extend(exc.problems)
    is_mapping = type(pass_json) is dict or isinstance(pass_json, Mapping)  # dict first: no ABC check
    if is_mapping:
        problems.extend(_identity_problems(pass_json, signer))
    has_nfc = is_mapping and "nfc" in pass_json
    shared, file_problems = _shared_files(files, strings, has_nfc)
    problems.extend(file_problems)
    if problems or shared is None:
        raise PassValidationError(problems)
    document = pass_json_bytes(pass_json)
    manifest = shared.manifest(hashlib.sha1(document, usedforsecurity=False).hexdigest())
    return shared.zip(document, manifest, signer.sign(manifest))


def pass_json_bytes(pass_json: Mapping[str, object]) -> bytes:
    """pass.json as json.dumps writes it (keys sorted, compact, UTF-8), byte for byte.

    orjson writes the same bytes a dozen times faster except for a few numbers (1e-07 against its
    1e-7, 1e-05 against 0.00001) and NaN/infinity (null); output with any of them, and anything
    orjson refuses (integers beyond 64 bits, keys that are not strings), goes through json.dumps.
    """
    document = pass_json if type(pass_json) is dict else dict(pass_json)
    try:
        encoded = orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        encoded = None
    if encoded is None or _orjson_may_differ(encoded):
        text = json.dumps(
            pass_json, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        )
        return text.encode("utf-8")
    return encoded


def _orjson_may_differ(encoded: bytes) -> bool:
    """Whether the bytes hold a number or null that json.dumps may write otherwise (substring tests first)."""
    if b"null" in encoded or b"0.0000" in encoded:
        return True
    return b"e-" in encoded and _NEGATIVE_EXPONENT.search(encoded) is not None


def check_files(
    files: Mapping[str, bytes],
    *,
    strings: Mapping[str, Mapping[str, str]] | None = None,
    has_nfc: bool = False,
) -> tuple[dict[str, bytes], list[Problem]]:
    """Check the pass's files and write the generated pass.strings; return (contents, problems)."""
    problems: list[Problem] = []
    contents: dict[str, bytes] = {}
    for name, data in files.items():
        message = _file_problem(name, data)
        if message is None:
            contents[name] = data
        else:
            problems.append(Problem(field=name, message=message))
    problems.extend(_add_strings(contents, files, strings or {}))
    if "icon.png" not in files:
        problems.append(Problem(field="icon.png", message=MESSAGES["icon_missing"]))
    if PERSONALIZATION in files:
        problems.extend(_personalization_problems(files, has_nfc))
    return contents, problems


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; ValueError naming what is wrong otherwise."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError(MESSAGES["png_signature"])
    header = data[8:33]
    if len(header) < 25 or header[:8] != b"\x00\x00\x00\x0dIHDR":
        raise ValueError(MESSAGES["png_header"])
    (crc,) = struct.unpack(">I", header[21:25])
    if zlib.crc32(header[4:21]) != crc:
        raise ValueError(MESSAGES["png_header"])
    width, height = struct.unpack(">II", header[8:16])
    if width == 0 or height == 0:
        raise ValueError(MESSAGES["png_size"].format(width=width, height=height))
    return width, height


def manifest_json(contents: Mapping[str, bytes]) -> bytes:
    """manifest.json: every file name mapped to the SHA-1 hex digest of its bytes, keys sorted."""
    digests = sorted((name, _sha1_hex(name, data)) for name, data in contents.items())
    body = ",".join(f'{_json_string(name)}:"{digest}"' for name, digest in digests)
    return ("{" + body + "}").encode("ascii")


def _sha1_hex(name: str, data: bytes) -> str:
    if len(data) < _DIGEST_CACHE_MIN_SIZE or name in RESERVED:  # no CRC-32 wanted: the zip takes its own
        return hashlib.sha1(data, usedforsecurity=False).hexdigest()
    return file_digests(data)[0]


@functools.lru_cache(maxsize=1024)
def _json_string(name: str) -> str:
    """A file name as a JSON string, remembered: passes repeat the same few names."""
    return json.dumps(name)


def file_digests(data: bytes) -> tuple[str, int]:
    """SHA-1 hex digest (for manifest.json) and CRC-32 (for the zip) of a file, cached for large files."""
    if len(data) < _DIGEST_CACHE_MIN_SIZE:
        return hashlib.sha1(data, usedforsecurity=False).hexdigest(), zlib.crc32(data)
    cached = _digest_cache.get(data)
    if cached is not None:
        return cached
    digests = hashlib.sha1(data, usedforsecurity=False).hexdigest(), zlib.crc32(data)
    _remember(data, digests)
    return digests


def _remember(data: bytes, digests: tuple[str, int]) -> None:
    """Add to the digest cache, dropping the oldest entries beyond its byte budget."""
    global _digest_cache_bytes
    with _digest_cache_lock:
        if data in _digest_cache or len(data) > _DIGEST_CACHE_MAX_BYTES:
            return
        _digest_cache[data] = digests
        _digest_cache_bytes += len(data)
        while _digest_cache_bytes > _DIGEST_CACHE_MAX_BYTES:
            oldest = next(iter(_digest_cache))
            del _digest_cache[oldest]
            _entry_cache.pop(oldest, None)
            _digest_cache_bytes -= len(oldest)


def _shared_files(
    files: Mapping[str, bytes], strings: Mapping[str, Mapping[str, str]] | None, has_nfc: bool
) -> tuple[_SharedFiles | None, list[Problem]]:
    """The prepared files of a pass, kept for files given again (without strings, which change per pass)."""
    key: tuple[object, ...] | None = None
    if not strings:
        key = (has_nfc, *files.items())
        try:
            shared = _shared_cache.get(key)
        except TypeError:  # an unhashable value, which check_files reports
            key = shared = None
        if shared is not None:
            return shared, []
    contents, problems = check_files(files, strings=strings, has_nfc=has_nfc)
    if problems:
        return None, problems
    shared = _SharedFiles(contents)
    if key is not None:
        _keep_shared(key, shared)
    return shared, []


def _keep_shared(key: tuple[object, ...], shared: _SharedFiles) -> None:
    """Add to the prepared files, dropping the oldest beyond the digest cache's byte budget."""
    global _shared_cache_bytes
    with _digest_cache_lock:
        if key in _shared_cache or shared.size > _DIGEST_CACHE_MAX_BYTES:
            return
        _shared_cache[key] = shared
        _shared_cache_bytes += shared.size
        while _shared_cache_bytes > _DIGEST_CACHE_MAX_BYTES:
            _shared_cache_bytes -= _shared_cache.pop(next(iter(_shared_cache))).size


def _file_problem(name: str, data: object) -> str | None:
    kind = _file_kind(name) if isinstance(name, str) else "unsafe"
    if kind == "reserved":
        return MESSAGES["reserved"]
    if kind == "unsafe":
        return MESSAGES["unsafe_path"]
    if not isinstance(data, bytes):
        return MESSAGES["not_bytes"]
    try:
        if kind == "image":
            png_size(data)
        elif kind == "strings":
            decode_text(data)
    except ValueError as exc:
        return str(exc)
    return MESSAGES["unknown_file"] if kind == "unknown" else None


@functools.lru_cache(maxsize=1024)
def _file_kind(name: str) -> str:
    """What a file name is in a pass, remembered: passes repeat the same few names."""
    if name in RESERVED:
        return "reserved"
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        return "unsafe"
    if _IMAGE_PATTERN.fullmatch(name):
        return "image"
    if _STRINGS_PATTERN.fullmatch(name):
        return "strings"
    return "personalization" if name == PERSONALIZATION else "unknown"


def _add_strings(
    contents: dict[str, bytes], files: Mapping[str, bytes], strings: Mapping[str, Mapping[str, str]]
) -> list[Problem]:
    problems: list[Problem] = []
    for language, table in strings.items():
        name = f"{language}.lproj/pass.strings"
        if not isinstance(language, str) or not _LANGUAGE_PATTERN.fullmatch(language):
            problems.append(Problem(field=f"strings.{language}", message=MESSAGES["strings_language"]))
        elif name in files:
            problems.append(Problem(field=name, message=MESSAGES["strings_twice"]))
        else:
            try:
                contents[name] = encode_strings(table)
            except ValueError as exc:
                problems.append(Problem(field=f"strings.{language}", message=str(exc)))
    return problems


def _personalization_problems(files: Mapping[str, bytes], has_nfc: bool) -> list[Problem]:
    problems: list[Problem] = []
    try:
        document = json.loads(files[PERSONALIZATION])
    except (ValueError, TypeError):
        document = None
    if not isinstance(document, dict):
        problems.append(Problem(field=PERSONALIZATION, message=MESSAGES["personalization_json"]))
    if not any(name.split("/")[-1].startswith("personalizationLogo") for name in files):
        problems.append(Problem(field=PERSONALIZATION, message=MESSAGES["personalization_logo"]))
    if not has_nfc:
        problems.append(Problem(field=PERSONALIZATION, message=MESSAGES["personalization_nfc"]))
    return problems


def _identity_problems(pass_json: Mapping[str, object], signer: PassSigner) -> list[Problem]:
    problems: list[Problem] = []
    expected = {
        "passTypeIdentifier": signer.pass_type_identifier,
        "teamIdentifier": signer.team_identifier,
    }
    for field, value in expected.items():
        given = pass_json.get(field)
        if isinstance(given, str) and given != value:
            message = MESSAGES["identity"].format(given=given, expected=value)
            problems.append(Problem(field=field, message=message))
    return problems


class _SharedFiles:
    """A pass's files but the three it writes, checked, digested and zipped once for all passes using them.

    A pass then adds pass.json's digest to the prepared manifest entries and writes the zip as pass.json,
    the prepared entries of the other files (sorted), manifest.json and signature: the same bytes as
    ``manifest_json`` and ``_zip`` of all members, without per-file work.
    """

    __slots__ = ("_centrals", "_locals", "_manifest_head", "_manifest_tail", "size")

    def __init__(self, contents: Mapping[str, bytes]) -> None:
        names = sorted(contents)
        entries = [f'{_json_string(name)}:"{_sha1_hex(name, contents[name])}"' for name in names]
        before = bisect.bisect(names, PASS_JSON)
        self._manifest_head = "{" + "".join(entry + "," for entry in entries[:before])
        self._manifest_tail = "".join("," + entry for entry in entries[before:]) + "}"
        self._locals: list[bytes] = []
        self._centrals: list[tuple[bytes, int, bytes]] = []
        offset = 0
        for name in names:
            data = contents[name]
            if len(data) >= _DIGEST_CACHE_MIN_SIZE:
                local, packed, central, encoded = _cached_entry(name, data)
            else:
                local, packed, central, encoded = zip_entry(name, data, zlib.crc32(data))
            self._locals += (local, packed)
            self._centrals.append((central, offset, encoded))
            offset += len(local) + len(packed)
        self.size = offset

    def manifest(self, pass_json_digest: str) -> bytes:
        """manifest.json with pass.json's SHA-1 hex digest among the prepared ones."""
        return f'{self._manifest_head}"pass.json":"{pass_json_digest}"{self._manifest_tail}'.encode("ascii")

    def zip(self, pass_json: bytes, manifest: bytes, signature: bytes) -> bytes:
        """pass.json first, the other files sorted, then manifest.json and signature last."""
        local, packed, central, encoded = zip_entry(PASS_JSON, pass_json, zlib.crc32(pass_json))
        base = len(local) + len(packed)
        parts = [local, packed, *self._locals]
        directory = [central, OFFSET.pack(0), encoded]
        for central, offset, encoded in self._centrals:
            directory += (central, OFFSET.pack(base + offset), encoded)
        offset = base + self.size
        for name, data in ((MANIFEST, manifest), (SIGNATURE, signature)):
            if offset >= ZIP32_LIMIT:
                raise ValueError(TOO_BIG)
            local, packed, central, encoded = zip_entry(name, data, zlib.crc32(data))
            parts += (local, packed)
            directory += (central, OFFSET.pack(offset), encoded)
            offset += len(local) + len(packed)
        end = end_record(len(self._centrals) + 3, sum(map(len, directory)), offset)
        return b"".join([*parts, *directory, end])


def _cached_entry(name: str, data: bytes) -> ZipEntry:
    """The zip entry of a large file, kept while its digests are (the digest cache's budget bounds both)."""
    names = _entry_cache.get(data)
    entry = names.get(name) if names is not None else None
    if entry is None:
        entry = zip_entry(name, data, file_digests(data)[1])
        with _digest_cache_lock:
            if data in _digest_cache:
                _entry_cache.setdefault(data, {})[name] = entry
    return entry
