"""Errors of the Apple pass engine, each tied to one kind from passmint.errors.

AppleError
 ├── PassValidationError   pass.json or the pass files break Apple's format  (InvalidInput)
 └── CertificateError      a certificate, key or PKCS#12 file is unusable    (InvalidInput)
      └── CertificatePasswordError   ...because its password is missing or wrong
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from passmint.errors import InvalidInput, PassmintError


class Problem(TypedDict):
    """One validation problem: the field path (or file name) and what is wrong with it."""

    field: str
    message: str


class AppleError(PassmintError):
    """Base of every error raised while building or signing an Apple pass."""

    code = "apple_error"


class PassValidationError(AppleError, InvalidInput):
    """The pass does not follow Apple's pass format; ``problems`` lists every violation."""

    code = "pass_invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(_summary(self.problems), details=self.problems)


class CertificateError(AppleError, InvalidInput):
    """A signing certificate, private key, WWDR certificate or PKCS#12 file cannot be used."""

    code = "certificate_invalid"


class CertificatePasswordError(CertificateError):
    """The PKCS#12 file or private key cannot be opened with the password given (or without one)."""

    code = "certificate_password"


def _summary(problems: Sequence[Problem]) -> str:
    count = len(problems)
    head = "The pass is not valid (1 problem)" if count == 1 else f"The pass is not valid ({count} problems)"
    return head + ": " + "; ".join(f"{p['field']}: {p['message']}" for p in problems)
