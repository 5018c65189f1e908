"""A GnuPG home (~/.gnupg) as GnuPG 2.4.4 (Ubuntu 24.04) keeps it: a keyring of OpenPGP keys and, for the
keys whose secret part is here, one file per key in private-keys-v1.d named by its keygrip.

Fingerprints are real: the SHA-1 of a version 4 public-key packet (RFC 4880 12.2) built from the key's
algorithm, creation time and point (Ed25519 primary key, Curve25519 encryption subkey, GnuPG's defaults).
The points are random bytes from the machine's seeded generator, not valid curve points. The real
pubring.kbx is a binary keybox; here it holds the same facts as JSON. Keygrips are derived from the point
(libgcrypt hashes the curve's parameters too: UNVERIFIED derivation, right length and form).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import struct
import time

from simulator.filesystem import FsError

# OIDs as RFC 6637 / draft-ietf-openpgp-rfc4880bis write them in a key packet: a length byte, then the OID.
ED25519_OID = bytes.fromhex("092b06010401da470f01")
CV25519_OID = bytes.fromhex("0a2b060104019755010501")
EDDSA, ECDH = 22, 18
DEFAULT_YEARS = 3  # gpg 2.4's default expiry for a new key (DEFAULT_STD_EXPIRE "3y" in g10/keygen.c)
DAY = 86400


def home(machine, user: str) -> str:
    return posixpath.join(machine.users.get(user, {}).get("home", "/"), ".gnupg")


def _packet_body(algorithm: int, created: int, point: bytes) -> bytes:
    """A v4 public-key packet body: version, creation time, algorithm, curve OID, the point as an MPI
    (0x40 prefix: a native point, 263 bits), and for ECDH the KDF parameters (SHA-256, AES-128)."""
    oid = ED25519_OID if algorithm == EDDSA else CV25519_OID
    mpi = struct.pack(">H", 263) + b"\x40" + point
    body = bytes([4]) + struct.pack(">I", created) + bytes([algorithm]) + oid + mpi
    if algorithm == ECDH:
        body += bytes([3, 1, 8, 7])
    return body


def fingerprint(algorithm: int, created: int, point: bytes) -> str:
    """RFC 4880 12.2: SHA-1 over 0x99, the two-byte length and the public-key packet body."""
    body = _packet_body(algorithm, created, point)
    return hashlib.sha1(b"\x99" + struct.pack(">H", len(body)) + body).hexdigest().upper()


def keygrip(point: bytes) -> str:
    return hashlib.sha1(b"\x40" + point).hexdigest().upper()


def new_key(rng, uid: str, created: int, years: int = DEFAULT_YEARS) -> dict:
    """A primary Ed25519 signing key [SC] with a Curve25519 encryption subkey [E], as gpg 2.4 makes them."""
    expires = created + years * 365 * DAY if years else 0  # parse_expire_string: a year is 365 days
    primary, sub = rng.randbytes(32), rng.randbytes(32)
    return {
        "uid": uid,
        "created": created,
        "expires": expires,
        "point": primary.hex(),
        "sub_point": sub.hex(),
        "sub_expires": expires,
    }


def key_fingerprint(key: dict) -> str:
    return fingerprint(EDDSA, key["created"], bytes.fromhex(key["point"]))


def sub_fingerprint(key: dict) -> str:
    return fingerprint(ECDH, key["created"], bytes.fromhex(key["sub_point"]))


def grips(key: dict) -> list[str]:
    return [keygrip(bytes.fromhex(key["point"])), keygrip(bytes.fromhex(key["sub_point"]))]


def load(fs, gnupg: str) -> list[dict]:
    try:
        data = json.loads(fs.read(f"{gnupg}/pubring.kbx"))
    except (FsError, ValueError):
        return []
    return [k for k in data.get("keys", []) if isinstance(k, dict) and {"uid", "point"} <= k.keys()]


def save(fs, gnupg: str, keys: list[dict], uid: int = 0, check_due: bool = False) -> None:
    """The keyring; `check_due` records that the trust database needs its check (a key was added)."""
    data = {"keys": keys, **({"trustdb_check_due": True} if check_due else {})}
    fs.write(f"{gnupg}/pubring.kbx", json.dumps(data, indent=1) + "\n", uid=uid, mode=0o644)


def take_check_due(fs, gnupg: str) -> bool:
    """Whether the trust database check is due, which the listing that runs it clears."""
    try:
        data = json.loads(fs.read(f"{gnupg}/pubring.kbx"))
    except (FsError, ValueError):
        return False
    if not isinstance(data, dict) or not data.get("trustdb_check_due"):
        return False
    try:
        save(fs, gnupg, load(fs, gnupg))
    except FsError:
        pass  # a keyring it cannot write keeps the check due
    return True


def has_secret(fs, gnupg: str, key: dict) -> bool:
    return fs.exists(f"{gnupg}/private-keys-v1.d/{grips(key)[0]}.key")


def secret_text(key: dict, grip_index: int, rng) -> str:
    """The extended private-key format gpg-agent writes since 2.2.20 (text, one Key: s-expression)."""
    point = key["point"] if grip_index == 0 else key["sub_point"]
    curve = "(curve Ed25519)(flags eddsa)" if grip_index == 0 else "(curve Curve25519)(flags djb-tweak)"
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(key["created"]))
    return (
        f"Created: {stamp}\nKey: (private-key (ecc {curve}(q #40{point.upper()}#)"
        f"(d #{rng.randbytes(32).hex().upper()}#)))\n"
    )


def add_key(fs, gnupg: str, key: dict, rng, uid: int = 0) -> None:
    """A new key pair in the home: the public key in the keyring, both secret parts with the agent."""
    for path in (gnupg, f"{gnupg}/private-keys-v1.d"):
        if not fs.exists(path):
            fs.mkdir(path, mode=0o700, uid=uid)
    save(fs, gnupg, [*load(fs, gnupg), key], uid, check_due=True)
    for index, grip in enumerate(grips(key)):
        fs.write(f"{gnupg}/private-keys-v1.d/{grip}.key", secret_text(key, index, rng), uid=uid, mode=0o600)


def secret_fingerprints(fs, gnupg: str) -> set[str]:
    """The fingerprints of the keys whose secret part this home holds."""
    return {key_fingerprint(k) for k in load(fs, gnupg) if has_secret(fs, gnupg, k)}
