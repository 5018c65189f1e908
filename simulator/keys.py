"""Identifiers and SSH host keys, generated from a seeded generator so that every run is replayable.

Key blobs follow OpenSSH's wire format (RFC 4253 strings) and fingerprints are real SHA256 digests of them,
as `ssh-keygen -l` (OpenSSH 9.6) computes them; the key material is random bytes, not valid curve points.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
import uuid

from simulator.filesystem import FsError

KEY_NAMES = {"rsa": "ssh-rsa", "ecdsa": "ecdsa-sha2-nistp256", "ed25519": "ssh-ed25519"}
KEY_LABELS = {"ssh-rsa": "RSA", "ecdsa-sha2-nistp256": "ECDSA", "ssh-ed25519": "ED25519"}
MACHINE_ID = re.compile(r"[0-9a-f]{32}")


def new_machine_id(rng) -> str:
    """A fresh id as systemd writes it: a random v4 UUID as 32 lowercase hex digits."""
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _read_string(data: bytes, offset: int) -> tuple[bytes, int]:
    """The string `_string` wrote at `offset`, and the offset past it."""
    start = offset + 4
    end = start + struct.unpack(">I", data[offset:start])[0]
    return data[start:end], end


def key_blob(rng, kind: str) -> bytes:
    name = KEY_NAMES[kind].encode()
    if kind == "ed25519":
        return _string(name) + _string(rng.randbytes(32))
    if kind == "ecdsa":
        return _string(name) + _string(b"nistp256") + _string(b"\x04" + rng.randbytes(64))
    modulus = bytes([0x80 | rng.randrange(128)]) + rng.randbytes(383)
    return _string(name) + _string(b"\x01\x00\x01") + _string(b"\x00" + modulus)


def ssh_keypair(rng, kind: str, comment: str) -> tuple[str, str]:
    """(private key file, public key line) in OpenSSH's formats (openssh-key-v1, unencrypted)."""
    blob = key_blob(rng, kind)
    check = rng.randbytes(4)
    secret = rng.randbytes({"ed25519": 64, "ecdsa": 32, "rsa": 1160}[kind])
    private = check + check + blob[4:] + _string(secret) + _string(comment.encode())
    private += bytes(range(1, 1 + (-len(private)) % 8))
    body = (
        b"openssh-key-v1\x00"
        + _string(b"none")
        + _string(b"none")
        + _string(b"")
        + struct.pack(">I", 1)
        + _string(blob)
        + _string(private)
    )
    text = base64.b64encode(body).decode()
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----\n"
    return pem, f"{KEY_NAMES[kind]} {base64.b64encode(blob).decode()} {comment}\n"


def public_from_private(text: str) -> bytes | None:
    body = "".join(line for line in text.splitlines() if not line.startswith("-----"))
    try:
        data = base64.b64decode(body)
    except ValueError:
        return None
    if not data.startswith(b"openssh-key-v1\x00"):
        return None
    offset = 15
    for _ in range(3):  # cipher, kdf and kdf options
        _, offset = _read_string(data, offset)
    return _read_string(data, offset + 4)[0]  # past the number of keys, the first public key


def key_bits(blob: bytes) -> int:
    name, offset = _read_string(blob, 0)
    if name != b"ssh-rsa":
        return 256
    _, offset = _read_string(blob, offset)  # the public exponent
    modulus, _ = _read_string(blob, offset)
    return int.from_bytes(modulus, "big").bit_length()


def fingerprint(blob: bytes) -> str:
    """As `ssh-keygen -l` prints it: SHA256 of the key blob, base64 without padding."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse_key(text: str) -> tuple[bytes, str, str] | None:
    """(blob, comment, key type name) from a public key line or an OpenSSH private key."""
    blob = public_from_private(text) if "PRIVATE KEY" in text else None
    if blob is not None:
        name = _read_string(blob, 0)[0].decode()
        return blob, "", name
    parts = text.strip().split(None, 2)
    if len(parts) < 2 or parts[0] not in KEY_LABELS:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        return None
    return blob, parts[2] if len(parts) > 2 else "", parts[0]


def host_key_fingerprints(fs) -> dict[str, str]:
    """Fingerprint of each host key type present in /etc/ssh (read as root), for checks and tests."""
    found = {}
    for kind in KEY_NAMES:
        for path in (f"/etc/ssh/ssh_host_{kind}_key.pub", f"/etc/ssh/ssh_host_{kind}_key"):
            try:
                parsed = parse_key(fs.read(path))
            except FsError:
                continue
            if parsed:
                found[kind] = fingerprint(parsed[0])
                break
    return found
