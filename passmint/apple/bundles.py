"""Bundles of passes: .pkpasses files (application/vnd.apple.pkpasses), at most 10 passes and 150 MB."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from passmint.apple.errors import PassValidationError, Problem
from passmint.apple.pkpass import MAX_BUNDLE_BYTES, MAX_PASSES_PER_BUNDLE, MESSAGES, RESERVED
from passmint.apple.pkzip import zip_archive


def build_pkpasses(passes: Sequence[bytes]) -> bytes:
    """Bundle .pkpass files into one .pkpasses file (application/vnd.apple.pkpasses)."""
    problems = _bundle_problems(passes)
    if problems:
        raise PassValidationError(problems)
    members = [(f"pass{number}.pkpass", data) for number, data in enumerate(passes, start=1)]
    return zip_archive(members)


def _bundle_problems(passes: Sequence[bytes]) -> list[Problem]:
    if not passes:
        return [Problem(field="passes", message=MESSAGES["no_passes"])]
    if len(passes) > MAX_PASSES_PER_BUNDLE:
        return [Problem(field="passes", message=MESSAGES["too_many_passes"].format(count=len(passes)))]
    size = sum(len(data) for data in passes)
    problems: list[Problem] = []
    if size > MAX_BUNDLE_BYTES:
        problems.append(Problem(field="passes", message=MESSAGES["bundle_too_big"].format(size=size)))
    for index, data in enumerate(passes):
        if not _looks_like_pkpass(data):
            problems.append(Problem(field=f"passes[{index}]", message=MESSAGES["not_a_pkpass"]))
    return problems


def _looks_like_pkpass(data: object) -> bool:
    if not isinstance(data, bytes):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return RESERVED.issubset(archive.namelist())
    except zipfile.BadZipFile:
        return False
