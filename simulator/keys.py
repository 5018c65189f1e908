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
KEY_LABELS |= {"ecdsa-sha2-nistp384": "ECDSA", "ecdsa-sha2-nistp521": "ECDSA"}
ECDSA_POINT_BYTES = {256: 64, 384: 96, 521: 132}  # an uncompressed point: both coordinates
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


def key_blob(rng, kind: str, bits: int = 3072) -> bytes:
    name = KEY_NAMES[kind].encode()
    if kind == "ed25519":
        return _string(name) + _string(rng.randbytes(32))
    if kind == "ecdsa":  # the curve follows the size: nistp256, nistp384 or nistp521
        curve = f"nistp{bits if bits in ECDSA_POINT_BYTES else 256}".encode()
        point = b"\x04" + rng.randbytes(ECDSA_POINT_BYTES[int(curve[5:])])
        return _string(b"ecdsa-sha2-" + curve) + _string(curve) + _string(point)
    modulus = bytes([0x80 | rng.randrange(128)]) + rng.randbytes(bits // 8 - 1)
    return _string(name) + _string(b"\x01\x00\x01") + _string(b"\x00" + modulus)


def ssh_keypair(rng, kind: str, comment: str, bits: int = 3072) -> tuple[str, str]:
    """(private key file, public key line) in OpenSSH's formats (openssh-key-v1, unencrypted)."""
    blob = key_blob(rng, kind, bits)
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
    name = _read_string(blob, 0)[0].decode()
    return pem, f"{name} {base64.b64encode(blob).decode()} {comment}\n"


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
    if name.startswith(b"ecdsa-sha2-nistp"):
        return int(name[16:])
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


def private_comment(text: str) -> str:
    """The comment stored inside an unencrypted openssh-key-v1 private key (what `ssh-keygen -y` prints)."""
    body = "".join(line for line in text.splitlines() if not line.startswith("-----"))
    try:
        data = base64.b64decode(body)
        offset = 15
        for _ in range(3):
            _, offset = _read_string(data, offset)
        blob, offset = _read_string(data, offset + 4)
        private, _ = _read_string(data, offset)
        _, end = _read_string(private, 8 + len(blob) - 4)  # past the check ints, public fields, secret
        return _read_string(private, end)[0].decode(errors="replace")
    except (ValueError, struct.error):
        return ""


def md5_fingerprint(blob: bytes) -> str:
    """`ssh-keygen -E md5 -l`: MD5 of the key blob as 16 colon-separated hex pairs."""
    return "MD5:" + ":".join(f"{byte:02x}" for byte in hashlib.md5(blob).digest())


def randomart(blob: bytes, digest: str = "SHA256") -> str:
    """The "drunken bishop" picture of fingerprint_randomart() (openssh-portable sshkey.c): a bishop
    starts in the middle of a 17x9 field and moves diagonally two bits of the digest at a time; each
    square shows how often it was visited, S the start and E the end. No newline after the last line."""
    width, height = 17, 9
    symbols = " .o+=*BOX@%&#/^SE"
    top = len(symbols) - 1
    field = [[0] * height for _ in range(width)]
    x, y = width // 2, height // 2
    raw = hashlib.sha256(blob).digest() if digest == "SHA256" else hashlib.md5(blob).digest()
    for byte in raw:
        for _ in range(4):
            x = min(max(x + (1 if byte & 1 else -1), 0), width - 1)
            y = min(max(y + (1 if byte & 2 else -1), 0), height - 1)
            if field[x][y] < top - 2:
                field[x][y] += 1
            byte >>= 2
    field[width // 2][height // 2] = top - 1
    field[x][y] = top
    name, _ = _read_string(blob, 0)
    title = f"[{KEY_LABELS[name.decode()]} {key_bits(blob)}]"

    def border(label: str) -> str:
        left = (width - len(label)) // 2
        return "+" + "-" * left + label + "-" * (width - left - len(label)) + "+\n"

    rows = [
        "|" + "".join(symbols[min(field[col][row], top)] for col in range(width)) + "|\n"
        for row in range(height)
    ]
    return border(title) + "".join(rows) + border(f"[{digest}]").rstrip("\n")
