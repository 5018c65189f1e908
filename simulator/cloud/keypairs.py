"""Key pairs: a pasted OpenSSH public key checked as Nova and ssh-keygen would, and its fingerprint.

Nova (nova/crypto.py generate_fingerprint) refuses a key it cannot load; the fingerprint shown here is the
one `ssh-keygen -lf` (OpenSSH 9.6) prints: SHA256 of the decoded key blob, base64 without padding.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct

from simulator.cloud.errors import CloudError
from simulator.keys import KEY_LABELS, fingerprint, key_bits

# Nova's keypair name rule (nova/api/openstack/compute/schemas/keypairs.py): 1-255 printable characters;
# we also refuse spaces at the ends, which the client trims away anyway.
NAME = re.compile(r"[A-Za-z0-9_.@ -]{1,255}")


def _string(blob: bytes, offset: int) -> tuple[bytes, int]:
    if offset + 4 > len(blob):
        raise ValueError("truncated")
    length = struct.unpack(">I", blob[offset : offset + 4])[0]
    end = offset + 4 + length
    if end > len(blob):
        raise ValueError("truncated")
    return blob[offset + 4 : end], end


def _check_blob(kind: str, blob: bytes) -> None:
    """The blob is a well-formed key of the type its line names (RFC 4253 / 5656 / 8709 layouts)."""
    name, offset = _string(blob, 0)
    if name.decode(errors="replace") != kind:
        raise ValueError("type mismatch")
    fields = {"ssh-ed25519": 1, "ssh-rsa": 2}.get(kind, 2)
    for _ in range(fields):
        value, offset = _string(blob, offset)
        if not value:
            raise ValueError("empty field")
    if offset != len(blob):
        raise ValueError("trailing bytes")
    if kind == "ssh-ed25519" and len(_string(blob, len(name) + 4)[0]) != 32:
        raise ValueError("ed25519 keys are 32 bytes")


def parse_public_key(text: str) -> dict:
    """{"type", "public_key" (one normalised line), "fingerprint", "bits", "comment"}; CloudError names
    what is wrong with the pasted text."""
    text = text.strip()
    if not text:
        raise CloudError(
            "Paste a public key: one line such as 'ssh-ed25519 AAAAC3Nz... you@laptop'.", "public_key"
        )
    if "PRIVATE KEY" in text:
        raise CloudError(
            "This is a private key: never share it. Paste the public key (the .pub file) instead.",
            "public_key",
        )
    if "\n" in text:
        raise CloudError("A public key is a single line; this text has several.", "public_key")
    parts = text.split(None, 2)
    kind = parts[0]
    if kind not in KEY_LABELS:
        known = ", ".join(sorted(KEY_LABELS))
        raise CloudError(f"Unknown key type '{kind[:40]}': expected one of {known}.", "public_key")
    if len(parts) < 2:
        raise CloudError(f"The key has a type ({kind}) but no key data after it.", "public_key")
    try:
        blob = base64.b64decode(parts[1], validate=True)
        _check_blob(kind, blob)
    except (binascii.Error, ValueError, struct.error):
        raise CloudError(
            "The key data is not a valid OpenSSH public key (damaged or cut short when copied?).",
            "public_key",
        ) from None
    comment = parts[2] if len(parts) > 2 else ""
    line = f"{kind} {parts[1]}" + (f" {comment}" if comment else "")
    return {
        "type": kind,
        "public_key": line,
        "fingerprint": fingerprint(blob),
        "bits": key_bits(blob),
        "comment": comment,
    }
