"""A GnuPG home (~/.gnupg) as GnuPG 2.4.4 (Ubuntu 24.04) keeps it: a keyring of OpenPGP keys and, for the
keys whose secret part is here, one file per key in private-keys-v1.d named by its keygrip.

Fingerprints are real: the SHA-1 of a version 4 public-key packet (RFC 4880 12.2) built from the key's
algorithm, creation time and point (Ed25519 primary key, Curve25519 encryption subkey, GnuPG's defaults;
the other choices of `gpg --full-generate-key`: RSA, DSA with Elgamal, NIST P-384, Brainpool P-256).
The points and moduli are random bytes from the machine's seeded generator, not valid keys; a DSA or
Elgamal key keeps one of them, its prime p, and the others (q, g, y) follow from it, so that its packet
carries the MPIs RFC 4880 5.5.2 lists (p q g y; p g y) at the sizes gpg makes them. The real
pubring.kbx is a binary keybox; here it holds the same facts as JSON. Keygrips are the SHA-1 of 0x40 and
the point: UNVERIFIED, and known to differ from libgcrypt 1.10's compute_keygrip (RSA: SHA-1 of n as
stored, leading zero included; the others: each of p a b g n q, or p q g y, hashed as "(1:p<len>:...)");
kept because the secret key files of saved labs are named by it.
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
RSA, ELGAMAL, DSA, ECDSA = 1, 16, 17, 19
# gpg's name of a key (as listings show it) -> OpenPGP algorithm, curve OID (length byte first), the bytes
# of its public material: a native 25519 point, an uncompressed NIST/Brainpool point, or a modulus
CURVES = {
    "ed25519": (EDDSA, ED25519_OID, 32),
    "cv25519": (ECDH, CV25519_OID, 32),
    "nistp384": (ECDSA, bytes.fromhex("052b81040022"), 97),
    "brainpoolP256r1": (ECDSA, bytes.fromhex("092b2403030208010107"), 65),
}
DEFAULT_YEARS = 3  # gpg 2.4's default expiry for a new key (DEFAULT_STD_EXPIRE "3y" in g10/keygen.c)
DAY = 86400


def home(machine, user: str) -> str:
    return posixpath.join(machine.users.get(user, {}).get("home", "/"), ".gnupg")


def _mpi(data: bytes) -> bytes:
    return struct.pack(">H", len(data) * 8 - (8 - data[0].bit_length()) if data[0] else len(data) * 8) + data


def _derived(seed: bytes, size: int) -> bytes:
    """`size` bytes that follow from `seed` (SHA-256 in counter mode)."""
    blocks = (hashlib.sha256(seed + struct.pack(">I", n)).digest() for n in range(-(-size // 32)))
    return b"".join(blocks)[:size]


def public_mpis(algorithm: int, point: bytes) -> list[tuple[str, bytes]]:
    """The named integers of an RSA, DSA or Elgamal public key: for RSA the modulus and the exponent
    65537; for DSA and Elgamal the stored prime p, then a subgroup order q of gen_dsa's size (256 bits
    from 2048-bit keys, 224 above 1024, else 160: g10/keygen.c), a generator and a public value below p."""
    if algorithm == RSA:
        return [("n", point), ("e", b"\x01\x00\x01")]
    bits = len(point) * 8
    below_p = [
        bytes([part[0] & 0x7F or 1]) + part[1:]
        for part in (_derived(point + c, len(point)) for c in (b"g", b"y"))
    ]
    if algorithm == ELGAMAL:
        return [("p", point), ("g", below_p[0]), ("y", below_p[1])]
    q = _derived(point + b"q", (256 if bits > 2047 else 224 if bits > 1024 else 160) // 8)
    return [("p", point), ("q", bytes([q[0] | 0x80]) + q[1:]), ("g", below_p[0]), ("y", below_p[1])]


def _packet_body(algorithm: int, created: int, point: bytes, oid: bytes | None = None) -> bytes:
    """A v4 public-key packet body: version, creation time, algorithm, then for a curve its OID and the
    point as an MPI (0x40 prefix: a native 25519 point, 263 bits), and for ECDH the KDF parameters
    (SHA-256, AES-128); for RSA, DSA and Elgamal their MPIs in RFC 4880's order."""
    head = bytes([4]) + struct.pack(">I", created) + bytes([algorithm])
    if oid is None and algorithm in (EDDSA, ECDH):
        oid = ED25519_OID if algorithm == EDDSA else CV25519_OID
    if oid is None:
        return head + b"".join(_mpi(value) for _, value in public_mpis(algorithm, point))
    native = oid in (ED25519_OID, CV25519_OID)
    body = head + oid + (struct.pack(">H", 263) + b"\x40" + point if native else _mpi(point))
    if algorithm == ECDH:
        body += bytes([3, 1, 8, 7])
    return body


def fingerprint(algorithm: int, created: int, point: bytes, oid: bytes | None = None) -> str:
    """RFC 4880 12.2: SHA-1 over 0x99, the two-byte length and the public-key packet body."""
    body = _packet_body(algorithm, created, point, oid)
    return hashlib.sha1(b"\x99" + struct.pack(">H", len(body)) + body).hexdigest().upper()


def kind(name: str, usage: str = "sign") -> tuple[int, bytes | None, int]:
    """(algorithm, curve OID or None, bytes of public material) of a key gpg lists as `name`: ed25519,
    cv25519, nistp384, brainpoolP256r1, rsa3072, dsa2048, elg2048 ... (an encryption key on a NIST or
    Brainpool curve is ECDH)."""
    if name in CURVES:
        algorithm, oid, size = CURVES[name]
        return (ECDH if usage == "encrypt" and algorithm == ECDSA else algorithm), oid, size
    family, bits = name[:3], int(name[3:])
    return {"rsa": RSA, "dsa": DSA, "elg": ELGAMAL}[family], None, bits // 8


def keygrip(point: bytes) -> str:
    return hashlib.sha1(b"\x40" + point).hexdigest().upper()


def new_key(
    rng,
    uid: str,
    created: int,
    years: int = DEFAULT_YEARS,
    algo: str = "ed25519",
    sub_algo: str | None = "cv25519",
    lifetime: int | None = None,
    protected: bool = False,
) -> dict:
    """A primary signing key [SC] with an encryption subkey [E] (none when `sub_algo` is None): by default
    Ed25519 and Curve25519, as gpg 2.4 makes them. `lifetime` in seconds (0: never expires) overrides
    `years`; `protected`: the secret parts are under a passphrase."""
    if lifetime is None:
        lifetime = years * 365 * DAY  # parse_expire_string: a year is 365 days
    expires = created + lifetime if lifetime else 0
    key = {"uid": uid, "created": created, "expires": expires, "point": _material(rng, algo).hex()}
    if algo != "ed25519":
        key["algo"] = algo
    if sub_algo is None:
        key["sub_algo"] = None
    else:
        key.update(sub_point=_material(rng, sub_algo).hex(), sub_expires=expires)
        if sub_algo != "cv25519":
            key["sub_algo"] = sub_algo
    if protected:
        key["protected"] = True
    return key


def _material(rng, name: str) -> bytes:
    """Random public material of the right size: a point (uncompressed: 0x04 first) or a modulus whose top
    bit is set, so that its MPI has the key's size."""
    _, oid, size = kind(name)
    data = rng.randbytes(size)
    if oid is not None and name not in ("ed25519", "cv25519"):
        return b"\x04" + data[1:]
    return data if oid is not None else bytes([data[0] | 0x80]) + data[1:]


def algo(key: dict) -> str:
    return key.get("algo", "ed25519")


def sub_algo(key: dict) -> str | None:
    return key.get("sub_algo", "cv25519")


def key_fingerprint(key: dict) -> str:
    algorithm, oid, _ = kind(algo(key))
    return fingerprint(algorithm, key["created"], bytes.fromhex(key["point"]), oid)


def sub_fingerprint(key: dict) -> str:
    algorithm, oid, _ = kind(sub_algo(key), "encrypt")
    return fingerprint(algorithm, key["created"], bytes.fromhex(key["sub_point"]), oid)


def grips(key: dict) -> list[str]:
    points = [key["point"]] + ([key["sub_point"]] if sub_algo(key) else [])
    return [keygrip(bytes.fromhex(point)) for point in points]


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
    name = algo(key) if grip_index == 0 else sub_algo(key)
    curves = {"ed25519": "(curve Ed25519)(flags eddsa)", "cv25519": "(curve Curve25519)(flags djb-tweak)"}
    curves.update(nistp384="(curve NIST P-384)", brainpoolP256r1="(curve brainpoolP256r1)")
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(key["created"]))
    secret = rng.randbytes(32).hex().upper()
    if name in curves:
        prefix = "40" if name in ("ed25519", "cv25519") else ""
        material = f"(ecc {curves[name]}(q #{prefix}{point.upper()}#)"
    else:  # libgcrypt writes a positive MPI whose top bit is set with a leading zero byte
        algorithm = kind(name)[0]
        values = "".join(
            f"({letter} #{'00' if value[0] & 0x80 else ''}{value.hex().upper()}#)"
            for letter, value in public_mpis(algorithm, bytes.fromhex(point))
        )
        material = f"({'elg' if algorithm == ELGAMAL else name[:3]} {values}"
    if key.get("protected"):  # gpg-agent's OCB-protected form: the secret is encrypted under the passphrase
        return (
            f"Created: {stamp}\nKey: (protected-private-key {material}(protected openpgp-s2k3-ocb-aes "
            f'((sha1 #{rng.randbytes(8).hex().upper()}# "43860992")#{rng.randbytes(12).hex().upper()}#)'
            f"#{secret}#)))\n"
        )
    # the secret integer: d for a curve or RSA, x for DSA and Elgamal (libgcrypt's names)
    letter = "x" if name.startswith(("dsa", "elg")) else "d"
    return f"Created: {stamp}\nKey: {('(private-key ' + material)}({letter} #{secret}#)))\n"


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
