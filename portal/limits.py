"""Attempt limits kept in the shared cache, one way for every door.

A `Limit` counts attempts under a key (an account, a client address, a
dossier code) in fixed windows of its length; the attempt that reaches the
limit locks the key for a whole window, after which the lock ends by
itself. `retry_after` says when. The counts live in the default cache,
which in production is shared by every worker (Redis, or the database
cache by default; a system check refuses per-process memory with DEBUG
off), so four workers do not give an attacker four times the tries.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    attempts_setting: str
    window_setting: str

    @property
    def attempts(self) -> int:
        return int(getattr(settings, self.attempts_setting))

    @property
    def window(self) -> int:
        return int(getattr(settings, self.window_setting))

    def _key(self, key: str, now: float | None = None) -> str:
        # Fixed windows: the count of the current one, under a key that names
        # it, so an atomic increment is all a hit needs. Phone numbers and
        # addresses are personal data: the cache sees a digest.
        window = int((time.time() if now is None else now) // self.window)
        return f"limit:{self.name}:{window}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"

    def _lock_key(self, key: str) -> str:
        return f"limit:{self.name}:locked:{hashlib.sha256(key.encode()).hexdigest()[:32]}"

    def hit(self, key: str) -> int:
        """Count one attempt; return how many the current window holds. The
        attempt that reaches the limit locks the key for a whole window."""
        cache_key = self._key(key)
        if cache.add(cache_key, 1, self.window + 60):
            count = 1
        else:
            try:
                count = int(cache.incr(cache_key))
            except ValueError:  # expired between add and incr
                cache.set(cache_key, 1, self.window + 60)
                count = 1
        if count >= self.attempts:
            cache.add(self._lock_key(key), time.time() + self.window, self.window)
        return count

    def count(self, key: str) -> int:
        return int(cache.get(self._key(key), 0))

    def reached(self, key: str) -> bool:
        return self.retry_after(key) > 0

    def take(self, key: str) -> bool:
        """Count one attempt; False once the limit is passed."""
        if self.reached(key):
            return False
        return self.hit(key) <= self.attempts

    def retry_after(self, key: str) -> int:
        """Seconds until the key may try again (0 if it may now)."""
        until = cache.get(self._lock_key(key))
        return max(0, int(until - time.time() + 0.999)) if until else 0

    def clear(self, key: str) -> None:
        cache.delete_many([self._key(key), self._lock_key(key)])


# Signing in: a few wrong passwords lock the account for a while, whoever
# tries them; many from one address lock that address (a commune hall's
# shared connection needs room, hence the higher number).
SIGN_IN_ACCOUNT = Limit("sign-in-account", "SIGN_IN_ACCOUNT_FAILURES", "SIGN_IN_LOCKOUT_SECONDS")
SIGN_IN_ADDRESS = Limit("sign-in-address", "SIGN_IN_ADDRESS_FAILURES", "SIGN_IN_LOCKOUT_SECONDS")
# Public tracking: wrong guesses at one dossier code, and lookups per address.
TRACKING_CODE = Limit("track-code", "TRACKING_ATTEMPTS", "TRACKING_WINDOW_SECONDS")
TRACKING_ADDRESS = Limit("track-address", "TRACKING_ADDRESS_ATTEMPTS", "TRACKING_WINDOW_SECONDS")
# Checking a slip's code at /verify/: guesses per address.
VERIFY_ADDRESS = Limit("verify-address", "VERIFY_ATTEMPTS", "VERIFY_WINDOW_SECONDS")
# One-time codes for someone not signed in (registering, a new password):
# messages to one phone or address, and asked from one client address.
CODE_RECIPIENT = Limit("code-recipient", "CODE_RECIPIENT_ATTEMPTS", "CODE_WINDOW_SECONDS")
CODE_ADDRESS = Limit("code-address", "CODE_ADDRESS_ATTEMPTS", "CODE_WINDOW_SECONDS")
# The feedback line: messages from one phone, address or client in a window.
LINE_SENDER = Limit("line-sender", "LINE_SENDER_ATTEMPTS", "LINE_WINDOW_SECONDS")
