"""Fair use: each client's share of queries, as a rate and as seconds of worker time.

Two token buckets per client, both off unless configured (`Settings.rate_limit_per_minute`,
`Settings.query_budget_seconds`): one query takes one token from the first (`rate_limit_burst` at once,
refilled at the rate); the worker time a query used is taken from the second after it ran (a heavy query
can overdraw it, then the client waits until it is positive again). Either empty answers 429 with
`Retry-After`, the seconds until the bucket allows the next query.

The client is the peer address of the connection, unless the peer is one of `Settings.trusted_proxies`:
then it is the last address in ``X-Forwarded-For`` that is not a trusted proxy (the one the trusted chain
received the request from), so limits still apply per client behind nginx while nobody else can choose
their own name. Buckets of clients gone quiet are forgotten once they have filled up again, so memory is
bounded by the clients active in one refill period.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import RateLimited

#: Buckets kept before full (idle) ones are forgotten.
PRUNE_AT = 10_000

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class _Bucket:
    level: float
    stamp: float


class TokenBuckets:
    """Per-key buckets of `capacity` tokens refilled at `per_second`."""

    def __init__(self, capacity: float, per_second: float) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= PRUNE_AT:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        else:
            bucket.level = min(self.capacity, bucket.level + (now - bucket.stamp) * self.per_second)
            bucket.stamp = now
        return bucket

    def _prune(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.level + (now - bucket.stamp) * self.per_second >= self.capacity:
                del self._buckets[key]

    def wait(self, key: str, amount: float, now: float | None = None) -> float:
        """Seconds until the bucket of `key` holds `amount` (0 if it does now); takes nothing."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._bucket(key, now)
            return 0.0 if bucket.level >= amount else (amount - bucket.level) / self.per_second

    def take(self, key: str, amount: float, now: float | None = None) -> float:
        """Take `amount` if `key` holds it and return 0; else take nothing and return the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._bucket(key, now)
            if bucket.level >= amount:
                bucket.level -= amount
                return 0.0
            return (amount - bucket.level) / self.per_second

    def charge(self, key: str, amount: float, now: float | None = None) -> None:
        """Take `amount` whatever the level (it may go below zero, down to minus the capacity)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._bucket(key, now)
            bucket.level = max(-self.capacity, bucket.level - amount)

    def __len__(self) -> int:
        return len(self._buckets)


def _networks(entries: list[str]) -> list[Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


class FairUse:
    """The app's rate limit and worker-time budget (either may be off)."""

    def __init__(self, settings: Settings) -> None:
        per_minute = settings.rate_limit_per_minute
        burst = settings.rate_limit_burst or per_minute
        self.rate = TokenBuckets(burst, per_minute / 60) if per_minute else None
        budget, window = settings.query_budget_seconds, settings.query_budget_window_seconds
        self.budget = TokenBuckets(budget, budget / window) if budget else None
        self.trusted = _networks(settings.trusted_proxy_list)

    @property
    def enabled(self) -> bool:
        return self.rate is not None or self.budget is not None

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def client(self, request: Request) -> str:
        """Who sent the request (see the module's docstring)."""
        peer = request.client.host if request.client else ""
        if not self._is_trusted(peer):
            return peer
        forwarded = [part.strip() for part in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
        for address in reversed([part for part in forwarded if part]):
            if not self._is_trusted(address):
                return address
        return peer

    def admit(self, client: str) -> None:
        """Raise `RateLimited` if `client` may not send a query now; else count this one."""
        if self.budget is not None:
            wait = self.budget.wait(client, 1e-9)
            if wait > 0:
                window = self.budget.capacity / self.budget.per_second
                raise RateLimited(
                    f"this client has used its share of query time ({self.budget.capacity:g} s of worker time "
                    f"per {window:g} s); lighter queries, saved queries and their cached answers cost less",
                    math.ceil(wait),
                )
        if self.rate is not None:
            wait = self.rate.take(client, 1)
            if wait > 0:
                raise RateLimited(
                    f"too many queries from this client (at most {self.rate.per_second * 60:g} a minute)",
                    math.ceil(wait),
                )

    def charge(self, client: str, seconds: float) -> None:
        """Count the worker time one of `client`'s queries used."""
        if self.budget is not None:
            self.budget.charge(client, seconds)
