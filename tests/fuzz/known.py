"""Failures the fuzzer finds that are being fixed elsewhere (issue 10), tolerated until they are.

EMPTY THIS LIST as the fixes land: each entry hides a real defect. An entry matches a failure when the
failing check is ``check``, the operation is one of ``operations`` (all when empty) and ``evidence``
(a regular expression) is found in what the server raised or answered. Everything else fails the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownOpen:
    finding: str
    check: str
    evidence: str
    operations: frozenset[str] = frozenset()

    def matches(self, check: str, operation: str, text: str) -> bool:
        return (
            check == self.check
            and (not self.operations or operation in self.operations)
            and re.search(self.evidence, text) is not None
        )


SERVER_ERROR = "not_a_server_error"
APPLE_ROUTES_WITHOUT_PASS_TYPE = frozenset(
    {
        "DELETE /apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}"
        "/{serialNumber}",
        "GET /apple/v1/passes/{passTypeIdentifier}/{serialNumber}",
        "POST /apple/v1/passes/{passTypeIdentifier}/{serialNumber}/personalize",
    }
)
"""Operations whose ``{passTypeIdentifier}`` is not declared: the fuzzer cannot load them (a strict
xfail, so the run fails once they are declared: then empty this set too)."""

KNOWN_OPEN: list[KnownOpen] = [
    KnownOpen(
        "integers >= 2**63 in page, ids, passIds, templateId, projectId, passesUpdatedSince",
        SERVER_ERROR,
        r"int too large to convert to SQLite INTEGER|out of int64 range|OverflowError",
    ),
    KnownOpen(
        "passesUpdatedSince with digits int() refuses ('²')",
        SERVER_ERROR,
        r"invalid literal for int\(\) with base 10",
        frozenset({"GET /apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}"}),
    ),
    KnownOpen(
        "schedule dates that overflow when made UTC",
        SERVER_ERROR,
        r"OverflowError: date value out of range",
    ),
    KnownOpen(
        "image URLs whose host is not a valid IDNA name",
        SERVER_ERROR,
        r"idna\.core\.\w+",
    ),
    KnownOpen(
        "?exids= empty",
        SERVER_ERROR,
        r"max\(\) arg is an empty sequence",
        frozenset({"GET /v1/pass/template/{templateId}/download"}),
    ),
    KnownOpen(
        "PATCH /v1/templates/{id} with a vendorId",
        SERVER_ERROR,
        r"validation error for TemplateBody",
        frozenset({"PATCH /v1/templates/{templateId}", "PATCH /templates/{templateId}"}),
    ),
    KnownOpen(
        "NUL bytes in text on PostgreSQL",
        SERVER_ERROR,
        r'invalid byte sequence for encoding "UTF8": 0x00|unsupported Unicode escape sequence',
    ),
    KnownOpen(
        "/apple/v1/log answers without a body or content type",
        "content_type_conformance",
        r".",
        frozenset({"POST /apple/v1/log"}),
    ),
    KnownOpen(
        "/apple/v1/log answers without a body or content type",
        "response_schema_conformance",
        r".",
        frozenset({"POST /apple/v1/log"}),
    ),
]


SEEN: dict[str, set[str]] = {}
"""Tolerated findings of this run (finding -> operations), printed at the end of the run."""


def known_open(check: str, operation: str, text: str) -> KnownOpen | None:
    """The entry that tolerates this failure, if any (noted in ``SEEN``)."""
    entry = next((entry for entry in KNOWN_OPEN if entry.matches(check, operation, text)), None)
    if entry is not None:
        SEEN.setdefault(entry.finding, set()).add(operation)
    return entry
