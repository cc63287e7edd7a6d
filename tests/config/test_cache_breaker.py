"""The Redis cache degrades instead of failing: errors are misses, and a circuit breaker makes a
frozen Redis cost one short timeout per window, not one per call (no Redis needed: a closed port,
and a socket that accepts connections but never answers, as a frozen Redis does)."""

import logging
import socket
import time

import pytest

from config.cache import ResilientRedisCache


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cache(port: int, breaker: float = 5.0) -> ResilientRedisCache:
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.2,
                "breaker_seconds": breaker,
            }
        },
    )


@pytest.fixture
def frozen_port():
    """Listens but never reads nor answers: like a Redis stopped with SIGSTOP."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server.getsockname()[1]
    server.close()


def timed(call):
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def test_a_stopped_redis_is_a_cache_miss_for_every_call(caplog):
    cache = make_cache(free_port())
    with caplog.at_level(logging.ERROR, logger="config.cache"):
        assert cache.get("k", "the default") == "the default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("k", 1) is False
        assert cache.set("k", 1) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete("k") is False
        assert cache.has_key("k") is False
        assert cache.touch("k") is False
        cache.delete_many(["a"])
        with pytest.raises(ValueError):
            cache.incr("k")
    outage_logs = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_logs) == 1  # once per outage, not per call


def test_a_frozen_redis_costs_one_short_timeout_per_breaker_window(frozen_port):
    cache = make_cache(frozen_port, breaker=0.6)
    value, first = timed(lambda: cache.get("k", "missing"))
    assert value == "missing"
    assert 0.15 < first < 0.6  # the read timeout, once

    for _ in range(20):  # the breaker is open: Redis is not even asked
        value, later = timed(lambda: cache.get("k", "missing"))
        assert value == "missing"
        assert later < 0.02
    assert not cache.available

    time.sleep(0.65)  # the window has passed: Redis is tried again (and still frozen)
    assert cache.available
    value, retried = timed(lambda: cache.set("k", 1))
    assert value is None
    assert retried > 0.15
    assert not cache.available


def test_one_redis_client_serves_every_call_of_a_process():
    """Django builds a new redis.Redis for every cache call (a quarter of a millisecond of CPU
    each, as much as the call): one client per connection pool is kept and used again."""
    cache = make_cache(free_port())
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # (one server: one pool)
    assert first.connection_pool is cache._cache._get_connection_pool(False)
