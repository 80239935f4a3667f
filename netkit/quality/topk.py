"""Small sorted structures kept between rebuilds of the pages (``netkit watch``). Pure.

Both hold items under *unique* keys (callers end every key with a path or a position), so
their content is a function of the set of items alone: patching them item by item gives
exactly what sorting everything from scratch gives, whatever the history of edits.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: how many items beyond the wanted ones a :class:`TopK` keeps, so that an edit that pushes
#: one of them out (a kept contact getting weaker) needs no full recomputation
SLACK = 32


class TopK(Generic[T]):
    """The ``size`` items with the smallest keys, kept up to date one item at a time.

    Equal to ``heapq.nsmallest(size, items, key)`` (with unique keys that is ``sorted``'s
    first ``size``). It keeps the ``size + SLACK`` smallest ``(key, item)`` pairs: taking one
    away or adding one keeps them "the smallest of all items" (every item not kept ranks
    after the last one kept); only when fewer than ``size`` remain while other items exist
    must :meth:`reset` start over (the caller sees :attr:`valid` turn False).
    """

    __slots__ = ("_complete", "_keys", "_values", "size", "valid")

    def __init__(self, size: int) -> None:
        self.size = size
        self._keys: list[Any] = []
        self._values: list[T] = []
        #: the kept pairs are *all* the items there are
        self._complete = True
        #: False: an update left too few items kept; call :meth:`reset`
        self.valid = False

    def reset(self, pairs: Iterable[tuple[Any, T]]) -> None:
        """Start over from every ``(key, item)`` pair."""
        keep = self.size + SLACK
        best = heapq.nsmallest(keep, pairs, key=_first)
        self._keys = [k for k, _v in best]
        self._values = [v for _k, v in best]
        self._complete = len(best) < keep
        self.valid = True

    def remove(self, key: Any) -> None:
        """Take away the item with ``key`` (nothing happens when it is not kept: it ranked
        after every kept one, which stay the smallest)."""
        keys = self._keys
        i = bisect.bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            del keys[i]
            del self._values[i]
            if not self._complete and len(keys) < self.size:
                self.valid = False  # the next ones are not known

    def add(self, key: Any, value: T) -> None:
        """Add an item (its key must not be present)."""
        keys = self._keys
        if not self._complete and (not keys or key > keys[-1]):
            return  # ranks after every kept item, and some not kept ones rank before it
        i = bisect.bisect_left(keys, key)
        keys.insert(i, key)
        self._values.insert(i, value)
        if len(keys) > self.size + SLACK:  # the last one is no longer needed
            del keys[-1]
            del self._values[-1]
            self._complete = False

    def top(self) -> list[T]:
        """The ``size`` smallest items, smallest first."""
        return self._values[:self.size]


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


class SortedItems(Generic[T]):
    """Items sorted by unique keys, with one derived value per item kept alongside
    (``derive(item)``: a row, a line) so a build takes both lists without a Python loop."""

    __slots__ = ("derive", "derived", "items", "keys")

    def __init__(self, pairs: Iterable[tuple[Any, T]], derive: Callable[[T], Any] | None = None) -> None:
        ordered = sorted(pairs, key=_first)
        self.keys: list[Any] = [k for k, _v in ordered]
        self.items: list[T] = [v for _k, v in ordered]
        self.derive = derive
        self.derived: list[Any] = [derive(v) for v in self.items] if derive is not None else []

    def __len__(self) -> int:
        return len(self.keys)

    def remove(self, key: Any) -> bool:
        """Take away the item with ``key``; False when there is none."""
        keys = self.keys
        i = bisect.bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            del keys[i]
            del self.items[i]
            if self.derive is not None:
                del self.derived[i]
            return True
        return False

    def add(self, key: Any, item: T) -> None:
        """Insert an item at its place."""
        i = bisect.bisect_left(self.keys, key)
        self.keys.insert(i, key)
        self.items.insert(i, item)
        if self.derive is not None:
            self.derived.insert(i, self.derive(item))

    def replace(self, old_key: Any, new_key: Any, item: T) -> bool:
        """Put ``item`` where the item with ``old_key`` was (in place when the key is the
        same); False when ``old_key`` is not present (nothing changed)."""
        keys = self.keys
        if old_key == new_key:
            i = bisect.bisect_left(keys, old_key)
            if i < len(keys) and keys[i] == old_key:
                keys[i] = new_key
                self.items[i] = item
                if self.derive is not None:
                    self.derived[i] = self.derive(item)
                return True
            return False
        if not self.remove(old_key):
            return False
        self.add(new_key, item)
        return True
