"""In-process memos of rows that change seldom and are read on every request (API tokens, municipalities,
topics), kept right across processes by a generation number in the shared cache.

A memo answers from a dict in the process while the cache holds the generation it was filled under. Any
change to the rows behind it starts a new generation (``bump``), at once and again when the transaction
commits, so every process drops its memo on its next lookup. With Redis as the cache that is immediate
everywhere (give or take ``CHECK_EVERY_SECONDS``, how often a process reads the generation); with the
per-process local-memory cache (the demo, or a server run without Redis) another process notices within
``MAX_STALE_SECONDS``, when its generation expires.

Why not Django's cache for the rows themselves: unpickling a model row from the cache costs about as much
as the query it saves, while a dict lookup costs nothing. The generation is one small cache read.
"""

import secrets
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

MAX_STALE_SECONDS = 60
CHECK_EVERY_SECONDS = 1.0
MAX_ENTRIES = 10_000  # a memo over this many entries starts again, so odd keys cannot grow it forever
_MISSING = object()
_ALL: list["Memo"] = []


class Memo:
    """Values loaded once per generation, by key."""

    def __init__(self, name: str):
        self.cache_key = f"memo-generation:{name}"
        self._generation: str | None = None
        self._checked_at = 0.0
        self._values: dict[Hashable, Any] = {}
        _ALL.append(self)

    def get(self, key: Hashable, load: Callable[[], Any], *, remember_none: bool = True) -> Any:
        """The value for ``key``, from ``load()`` the first time in this generation. With ``remember_none``
        false a ``None`` is not kept (so unknown keys from outside cannot fill the memo). Only what is read
        outside a transaction is kept: inside one it may be rolled back."""
        now = time.monotonic()
        if now - self._checked_at > CHECK_EVERY_SECONDS or len(self._values) > MAX_ENTRIES:
            generation = cache.get_or_set(self.cache_key, _new_generation, MAX_STALE_SECONDS)
            if generation != self._generation or len(self._values) > MAX_ENTRIES:
                self._values = {}
                self._generation = generation
            self._checked_at = now
        values = self._values
        value = values.get(key, _MISSING)
        if value is _MISSING:
            value = load()
            if (value is not None or remember_none) and not connection.in_atomic_block:
                values[key] = value
        return value

    def bump(self) -> None:
        """The rows behind this memo changed: every process loads them again. Bumped now, so this process
        sees its own change, and after commit, so no process keeps what it read before the commit."""
        self._renew()
        if connection.in_atomic_block:
            transaction.on_commit(self._renew)

    def _renew(self) -> None:
        cache.set(self.cache_key, _new_generation(), MAX_STALE_SECONDS)
        self.forget()

    def forget(self) -> None:
        """Drop what this process holds (tests do, after emptying the cache)."""
        self._values = {}
        self._checked_at = 0.0


def forget_all() -> None:
    for memo in _ALL:
        memo.forget()


def _new_generation() -> str:
    return secrets.token_hex(8)
