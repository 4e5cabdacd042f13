"""A secret ballot's urn: its counts, sealed so that no copy of the database can read them.

While a secret ballot is open, what its voters chose exists in one place only: the ballot's
`urn` column, a fixed-size record of counters (per part of the ballot — online, paper — and
per option) encrypted with AES-256-GCM. Every vote opens the urn under the ballot's row
lock, adds one, and seals it again with a fresh random nonce, so two consecutive versions of
the urn — in SQLite's write-ahead log, PostgreSQL's dead tuples and WAL, or two backups —
are unrelated random strings of the same length: the difference between them, which would
name the choice of the vote recorded in between, cannot be computed without the key.

The key is derived (HKDF-SHA256) from the server's SECRET_KEY, which lives in the server's
environment and never in the database; SECRET_KEY_FALLBACKS still open urns sealed before a
key rotation. When the ballot closes its totals go to the Decision and the urn is emptied.

docs/security.md ("Secret ballots") gives the threat model and what an operator holding both
the database and the key could still do.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Sealed layout: MAGIC | ballot id (8 bytes) | nonce (12 bytes) | AES-GCM(counters) + tag.
# The ballot id, in clear and as associated data, ties a sealed urn to its ballot: a urn
# copied onto another ballot's row does not open.
MAGIC = b"CO-URN1"
NONCE_BYTES = 12
_HEADER = struct.Struct(">7sQ")
_INFO = b"conseil-ouvert secret ballot urn v1"


class UrnError(Exception):
    """A sealed urn that does not open with any of the server's keys."""


def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())


def _keys() -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_key(s) for s in secrets]


@dataclass
class Urn:
    """Counters by part ("online", "paper") and option ("yes", "no", "abstain")."""

    options: tuple[str, ...]
    parts: tuple[str, ...]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for part in self.parts:
            self.counts.setdefault(part, dict.fromkeys(self.options, 0))

    def add(self, part: str, option: str, n: int = 1) -> None:
        if option not in self.options:
            raise ValueError(option)
        self.counts[part][option] += n

    def replace(self, part: str, counts: dict[str, int]) -> None:
        self.counts[part] = {option: int(counts.get(option, 0)) for option in self.options}

    def part(self, part: str) -> dict[str, int]:
        return dict(self.counts[part])

    def totals(self) -> dict[str, int]:
        return {o: sum(self.counts[p][o] for p in self.parts) for o in self.options}

    def _vector(self) -> list[int]:
        return [self.counts[p][o] for p in self.parts for o in self.options]

    def seal(self, ballot_id: int) -> bytes:
        """The urn encrypted under a fresh nonce: the same counts never seal alike twice."""
        header = _HEADER.pack(MAGIC, ballot_id)
        nonce = os.urandom(NONCE_BYTES)
        plain = struct.pack(f">{len(self._vector())}I", *self._vector())
        return header + nonce + AESGCM(_keys()[0]).encrypt(nonce, plain, header)

    @classmethod
    def empty(cls, options: Sequence[str], parts: Sequence[str]) -> Urn:
        return cls(tuple(options), tuple(parts))

    @classmethod
    def open(
        cls,
        sealed: bytes | memoryview,
        ballot_id: int,
        options: Sequence[str],
        parts: Sequence[str],
    ) -> Urn:
        data = bytes(sealed)
        header, rest = data[: _HEADER.size], data[_HEADER.size :]
        magic, sealed_for = _HEADER.unpack(header)
        if magic != MAGIC or sealed_for != ballot_id:
            raise UrnError(f"Not the urn of ballot {ballot_id}")
        nonce, ciphertext = rest[:NONCE_BYTES], rest[NONCE_BYTES:]
        for key in _keys():
            try:
                plain = AESGCM(key).decrypt(nonce, ciphertext, header)
            except InvalidTag:
                continue
            values = struct.unpack(f">{len(plain) // 4}I", plain)
            urn = cls.empty(options, parts)
            if len(values) != len(urn._vector()):
                raise UrnError(f"The urn of ballot {ballot_id} has another shape")
            it = iter(values)
            for part in urn.parts:
                for option in urn.options:
                    urn.counts[part][option] = next(it)
            return urn
        raise UrnError(f"The urn of ballot {ballot_id} does not open with this server's keys")
