"""Django's Redis cache, made to degrade instead of failing (see README, "Redis trouble").

Everything Aligned keeps in the cache can be lost: live-board notes (the normal path answers
instead), rate-limit counters (not counted while Redis is away) and throttle notes. So when Redis
is stopped, unreachable or frozen, every call answers as if the key were missing: `get` gives
its default, `get_many` nothing, `add`/`set`/`touch`/`delete`/`has_key` False, `set_many`
every key as failed, `incr` raises ValueError (Django's "no such key").

Short socket timeouts (settings: connect and read 0.2 s) bound what one call costs; a circuit
breaker bounds how often that cost is paid: after a failure this process skips Redis for
`BREAKER_SECONDS` (OPTIONS "breaker_seconds"), so a frozen Redis costs one timeout per window,
not one per call. The outage is logged once when it starts and once when Redis answers again;
then the keys matching OPTIONS "forget_after_outage" (glob patterns) are deleted, as writes to
them may have been lost while Redis was away.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger("config.cache")

OUTAGE = (OSError, RedisError)
BREAKER_SECONDS = 5.0


class ClientPerPool(RedisCacheClient):
    """Django's client makes a new `redis.Redis` for every call, setting up its ~170 response
    callbacks again: about 0.25 ms of CPU a call, as much as the call itself, on paths that make
    several (a live board's re-checks, a card). A `redis.Redis` is as thread-safe as its pool,
    so one per pool does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.breaker_seconds = float(options.pop("breaker_seconds", BREAKER_SECONDS))
        self.forget_after_outage = list(options.pop("forget_after_outage", []))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ClientPerPool
        self._open_until = 0.0  # monotonic time before which Redis is skipped
        self._down = False  # an outage is under way (logged once)
        self._lock = threading.Lock()

    # --- the breaker ------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """False while the breaker is open (Redis failed less than breaker_seconds ago)."""
        return time.monotonic() >= self._open_until

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.breaker_seconds
            first, self._down = not self._down, True
        if first:
            log.error(
                "Redis cache unavailable, carrying on without it for now (%s: %s)",
                type(exc).__name__,
                exc,
            )

    def _succeeded(self) -> None:
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                log.warning("Redis cache answers again; using it again")
                self._forget()

    def _forget(self) -> None:
        """Delete the keys this process may have failed to update during the outage (e.g. a
        live board's version notes: a note left from before would say "nothing changed")."""
        try:
            client = self._cache.get_client(write=True)
            for pattern in self.forget_after_outage:
                keys = list(client.scan_iter(match=self.make_key(pattern), count=1000))
                for start in range(0, len(keys), 500):
                    client.delete(*keys[start : start + 500])
        except OUTAGE as exc:
            self._failed(exc)

    def _call(self, method, fallback, *args, **kwargs):
        if not self.available:
            return fallback()
        try:
            result = method(*args, **kwargs)
        except OUTAGE as exc:
            self._failed(exc)
            return fallback()
        self._succeeded()
        return result

    # --- every operation, with its "missing key" answer --------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._call(super().incr, missing, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, lambda: None, keys, version)

    def clear(self):
        return self._call(super().clear, lambda: False)
