"""Google's batch requests: several calls in one ``multipart/mixed`` body, answered the same way.

Each part is an ``application/http`` message (``PATCH /walletobjects/v1/... HTTP/1.1``, headers, body),
named by ``Content-ID: <item-N>``; Google answers each in a part named ``<response-item-N>``. The MIME
framing is read with the standard library's ``email`` parser, as Google's own Python client does.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any


@dataclass(frozen=True)
class Part:
    """One call of a batch: ``method`` on ``path`` (from the root, ``/walletobjects/v1/...``)."""

    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Answer:
    """Google's answer to one part."""

    status: int
    body: bytes


def encode(parts: list[Part]) -> tuple[str, bytes]:
    """The content type and body of a batch request carrying ``parts``, in order."""
    boundary = "batch_" + secrets.token_hex(12)
    chunks = []
    for number, part in enumerate(parts):
        body = json.dumps(part.body, separators=(",", ":")) if part.body is not None else ""
        request = f"{part.method} {part.path} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{body}"
        chunks.append(
            f"--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
            f"Content-ID: <item-{number}>\r\n\r\n{request}\r\n"
        )
    chunks.append(f"--{boundary}--\r\n")
    return f"multipart/mixed; boundary={boundary}", "".join(chunks).encode()


def decode(content_type: str, body: bytes, count: int) -> list[Answer]:
    """Google's answers to a batch of ``count`` parts, in the parts' order; a part left unanswered reads
    as status 0 (no answer: tried again)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    answers = [Answer(0, b"no answer in the batch response")] * count
    if not message.is_multipart():
        return answers
    for part in message.iter_parts():
        number = _number(str(part.get("Content-ID", "")))
        payload = part.get_payload(decode=True)
        if number is None or not 0 <= number < count or not isinstance(payload, bytes):
            continue
        answers[number] = parse_http(payload)
    return answers


def parse_http(raw: bytes) -> Answer:
    """The status and body of one embedded HTTP response."""
    head, _, content = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    status_line = head.split(b"\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    return Answer(status, content.strip())


def _number(content_id: str) -> int | None:
    name = content_id.strip().strip("<>")
    digits = name.rpartition("-")[2]
    return int(digits) if digits.isdigit() else None
