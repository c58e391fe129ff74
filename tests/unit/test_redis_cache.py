"""The Redis cache backend reuses one client per connection pool and works as Django's."""

from __future__ import annotations

import os

import pytest

from dailyadmin.cache import RedisCache


@pytest.mark.redis
def test_the_redis_cache_reuses_its_client_and_keeps_djangos_behaviour():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "cache-test"})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is client  # one server: one pool
    cache.set("a", {"rooms": [1, 2]}, 30)
    assert cache.get("a") == {"rooms": [1, 2]}
    assert cache.add("a", "other", 30) is False
    cache.delete("a")
    assert cache.get("a", "gone") == "gone"
    assert cache._cache.get_client("a") is client
