"""A least-recently-used map of byte strings bounded by their total size."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class BytesLRU:
    """Byte strings by key, the least recently used dropped once their sizes add up past the budget.

    Used from the event loop only (no lock): every method runs without awaiting."""

    __slots__ = ("_entries", "_size")

    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0

    def get(self, key: Hashable) -> bytes | None:
        """The bytes stored under key (now the most recently used), or None."""
        data = self._entries.get(key)
        if data is not None:
            self._entries.move_to_end(key)
        return data

    def put(self, key: Hashable, data: bytes, budget: int) -> None:
        """Store data under key, then drop the oldest entries until the total is within ``budget`` bytes."""
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old)
        if len(data) <= budget:
            self._entries[key] = data
            self._size += len(data)
        while self._size > budget:
            _, dropped = self._entries.popitem(last=False)
            self._size -= len(dropped)

    @property
    def size(self) -> int:
        """The bytes held."""
        return self._size

    def __len__(self) -> int:
        return len(self._entries)
