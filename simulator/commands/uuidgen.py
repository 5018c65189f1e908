"""uuidgen as util-linux 2.39.3 makes UUIDs, from the machine's seeded generator and clock so that the same
scenario, seed and commands give the same ids (as simulator/keys.py makes machine-ids). The wording of
the usage errors follows misc-utils/uuidgen.c from memory, unverified."""

from __future__ import annotations

import uuid

from simulator.commands import Context, command
from simulator.commands.options import Options, gnu

GREGORIAN_OFFSET = 0x01B21DD213814000  # 100-ns intervals from 1582-10-15 to the Unix epoch
NAMESPACES = {"@dns": uuid.NAMESPACE_DNS, "@url": uuid.NAMESPACE_URL, "@oid": uuid.NAMESPACE_OID}
NAMESPACES["@x500"] = uuid.NAMESPACE_X500
TRY_HELP = "Try 'uuidgen --help' for more information.\n"


@command(
    "uuidgen",
    man="""
NAME
       uuidgen - create a new UUID value

SYNOPSIS
       uuidgen [options]

DESCRIPTION
       Print a new universally unique identifier, random (version 4) by default.
       -r, --random   a random UUID (version 4)
       -t, --time     a time-based UUID (version 1) from the clock and this machine's MAC address
       -m, --md5 / -s, --sha1   a name-based UUID (version 3 / 5) of --namespace NS and --name NAME;
                      NS is a UUID or @dns, @url, @oid, @x500
       Example: uuidgen; uuidgen --sha1 --namespace @dns --name example.com
""",
)
@gnu(
    "rtmsn:N:",
    {"random": "r", "time": "t", "md5": "m", "sha1": "s", "namespace=": "n", "name=": "N"},
    version="from util-linux 2.39.3",
)
def uuidgen(ctx: Context, opts: Options, operands: list[str]) -> int:
    if operands:
        ctx.err(f"uuidgen: unexpected non-option argument '{operands[0]}'\n{TRY_HELP}")
        return 1
    kind = opts.last_of("r", "t", "m", "s")
    if kind in ("m", "s"):
        return _named(ctx, opts, kind)
    if "n" in opts or "N" in opts:
        ctx.err(f"uuidgen: --namespace and --name require --md5 or --sha1\n{TRY_HELP}")
        return 1
    rng = ctx.machine.rng()
    if kind == "t":
        ctx.out(f"{_time_uuid(ctx, rng)}\n")
    else:
        ctx.out(f"{uuid.UUID(int=rng.getrandbits(128), version=4)}\n")
    return 0


def _time_uuid(ctx: Context, rng) -> uuid.UUID:
    stamp = ctx.machine.now() * 10_000_000 + GREGORIAN_OFFSET + rng.randrange(10_000_000)
    clock_seq = rng.getrandbits(14)
    nics = getattr(ctx.machine, "nics", [])
    node = int(nics[0]["mac"].replace(":", ""), 16) if nics else rng.getrandbits(48) | 1 << 40
    return uuid.UUID(
        fields=(
            stamp & 0xFFFFFFFF,
            (stamp >> 32) & 0xFFFF,
            0x1000 | (stamp >> 48) & 0x0FFF,
            0x80 | clock_seq >> 8,
            clock_seq & 0xFF,
            node,
        )
    )


def _named(ctx: Context, opts: Options, kind: str) -> int:
    namespace, name = opts.get("n"), opts.get("N")
    if namespace is None or name is None:
        ctx.err(f"uuidgen: --md5 or --sha1 requires --namespace and --name options\n{TRY_HELP}")
        return 1
    try:
        space = NAMESPACES.get(namespace) or uuid.UUID(namespace)
    except ValueError:
        ctx.err(f"uuidgen: failed to parse namespace: {namespace}\n")
        return 1
    hasher = uuid.uuid3 if kind == "m" else uuid.uuid5
    ctx.out(f"{hasher(space, name)}\n")
    return 0
