"""Byte strings kept in files under one directory, shared by every process using it, bounded by size.

Each entry is one file named by the SHA-256 of its key, written to a temporary file and renamed into
place (``os.replace``), so a reader in any process sees a whole entry or none. A read refreshes the
file's modification time; once a process has written about an eighth of the budget since it last
looked, it lists the directory and deletes the least recently used files until the total is within the
budget. Several processes may trim at once: deleting a file another process deleted is no error, and
an entry deleted under a reader is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

_SUFFIX = ".bin"


class FileCache:
    """Byte strings by text key in ``directory``, at most about ``budget`` bytes in all."""

    def __init__(self, directory: Path, budget: int) -> None:
        self.directory = directory
        self.budget = budget
        self._written = budget  # the first write looks at what earlier processes left
        self._ready = False

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key`` by any process, or None."""
        path = self._path(key)
        try:
            data = path.read_bytes()
            os.utime(path)
        except OSError:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (a write that fails, e.g. on a full disk, only loses the entry)."""
        if len(data) > self.budget:
            return
        try:
            self._write(self._path(key), data)
        except OSError:
            return
        self._written += len(data)
        if self._written * 8 >= self.budget:
            self._written = 0
            self.trim()

    def trim(self) -> None:
        """Delete the least recently used entries until the total is within the budget."""
        entries: list[tuple[float, int, str]] = []
        with contextlib.suppress(OSError), os.scandir(self.directory) as listing:
            for entry in listing:
                if entry.name.endswith(_SUFFIX):
                    with contextlib.suppress(OSError):
                        status = entry.stat()
                        entries.append((status.st_mtime, status.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.budget:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest() + _SUFFIX)

    def _write(self, path: Path, data: bytes) -> None:
        if not self._ready:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._ready = True
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
