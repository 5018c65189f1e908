"""arping, iputils 20240117 (Ubuntu 24.04's iputils-arping): ARP requests on the lab's shared network.

Modelled on iputils' arping.c. A probe is sent each second (-c COUNT of them, else until interrupted); the
first is broadcast, and once someone answers the next go unicast to the MAC that answered last, so only it
replies again. With two machines on one address, the broadcast probe gets two replies, from two MACs.
-D (duplicate address detection) sends from 0.0.0.0 and stops at the first reply: exit 1 when someone
else holds the address, 0 when nobody does. Without -D the exit status is 0 when anyone answered.
-U and -A (unsolicited: gratuitous ARP) send from the target address itself, expect no reply, exit 0,
and update the entry every neighbour already has for it (after a MAC change). Who answers, and the
neighbour entries both ends learn, are simulator/lan.py's.
"""

from __future__ import annotations

from simulator import lan
from simulator.commands import Context, command
from simulator.commands.network import resolve_host
from simulator.commands.options import UsageError, parse

USAGE = """
Usage:
  arping [options] <destination>

Options:
  -f            quit on first reply
  -q            be quiet
  -b            keep on broadcasting, do not unicast
  -D            duplicate address detection mode
  -U            unsolicited ARP mode, update your neighbours
  -A            ARP answer mode, update your neighbours
  -V            print version and exit
  -c <count>    how many packets to send
  -w <timeout>  how long to wait for a reply
  -i <interval> set interval between packets (default: 1 second)
  -I <device>   which ethernet device to use
  -s <source>   source IP address
  <destination> DNS name or IP address

For more details see arping(8).
"""
INT_MAX = 2**31 - 1


def _number(ctx: Context, text: str, low: int) -> int | None:
    """iputils' strtol_or_err: a decimal in [low, INT_MAX], else its message (exit 1)."""
    if not (text.isascii() and text.lstrip("-").isdigit()):
        ctx.err(f"arping: invalid argument: '{text}'\n")
        return None
    if not low <= int(text) <= INT_MAX:
        ctx.err(f"arping: invalid argument: '{text}': out of range: {low} <= value <= {INT_MAX}\n")
        return None
    return int(text)


def _elapsed(usecs: int) -> str:
    """recv_pack's " %ld.%03ldms": the milliseconds rounded, then the microseconds less that plus 500."""
    msecs = (usecs + 500) // 1000
    return f"{msecs}.{usecs - (msecs * 1000 - 500):03d}ms"


def _device(ctx: Context, name: str | None, address: str, dad: bool) -> dict | int:
    """check_device: the named link (it must exist, be up and do ARP), else the one the route takes."""
    links = lan.links(ctx.machine)
    if name is None:
        link = lan.link_for(ctx.machine, address) or next((x for x in links if not x.get("down")), None)
        if link is None:
            ctx.err("arping: Suitable device could not be determined. Please, use option -I.\n")
            return 2
        return link
    if name == "lo":
        ctx.out('Interface "lo" is not ARPable\n')
        return 0 if dad else 2
    link = next((x for x in links if x["name"] == name), None)
    if link is None:
        ctx.err(f"arping: Device {name} not available.\n")
        return 2
    if link.get("down"):
        ctx.out(f'Interface "{name}" is down\n')
        return 2
    return link


@command(
    "arping",
    man="""
NAME
       arping - send ARP REQUEST to a neighbour host

SYNOPSIS
       arping [-AbDfhqUV] [-c count] [-w deadline] [-i interval] [-s source] [-I interface] destination

DESCRIPTION
       Ping destination on the device interface by ARP packets, using source address source.

       -D     Duplicate address detection mode (DAD): exit status 0 if DAD succeeded, i.e. no replies
              were received; 1 if someone else holds the address.
       -c count
              Stop after sending count ARP REQUEST packets.
       -I interface
              Name of the network device where to send ARP REQUEST packets.
       -f     Finish after the first reply confirming that the target is alive.
       -q     Quiet output. Nothing is displayed.
""",
)
def arping(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "h?bfDUAqc:w:i:s:I:V", {})
    except UsageError as error:
        ctx.err(f"arping: {error}\n{USAGE}")
        return 2
    if "V" in opts:
        ctx.out("arping from iputils 20240117\n")
        return 0
    if "h" in opts or "?" in opts or len(operands) != 1:
        ctx.err(USAGE)
        return 2
    count = -1
    if "c" in opts:
        count = _number(ctx, opts.get("c"), 1)
        if count is None:
            return 1
    for key in ("w", "i"):
        if key in opts and _number(ctx, opts.get(key), 0) is None:
            return 1
    if "w" in opts and count == -1:  # a deadline of N seconds sends a probe a second until then
        count = max(int(opts.get("w")), 1)
    dad, quiet = "D" in opts, "q" in opts
    unsolicited = not dad and ("U" in opts or "A" in opts)
    quit_on_reply = dad or "f" in opts
    target = operands[0]
    address = resolve_host(ctx.machine, target)
    if address is None:
        ctx.err(f"arping: {target}: Temporary failure in name resolution\n")
        return 2
    link = _device(ctx, opts.get("I"), address, dad)
    if isinstance(link, int):
        return link
    source = "0.0.0.0" if dad else opts.get("s") or (address if unsolicited else link.get("ipv4", ""))
    if not quiet:
        ctx.out(f"ARPING {address} from {source} {link['name']}\n")
    on_link = lan.link_for(ctx.machine, address) is link
    rng = ctx.machine.rng()
    sent = broadcasts = received = 0
    unicast_to = None  # the MAC that answered last, once someone has
    while count < 0 or sent < count:
        ctx.tick(1000)  # a second per probe: without -c the line's budget ends it, as Ctrl-C would
        sent += 1
        broadcasts += unicast_to is None
        if unsolicited:  # an announcement: nobody replies, the neighbours update what they hold
            lan.announce(ctx.machine, link, address)
            continue
        macs = lan.resolve(ctx.machine, address, kernel=False, dad=dad) if on_link else []
        if unicast_to is not None and "b" not in opts:
            macs = [mac for mac in macs if mac == unicast_to]
        delay = 400 + rng.randrange(500)
        for mac in macs:
            received += 1
            delay += rng.randrange(40, 120)
            if not quiet:
                ctx.out(f"Unicast reply from {address} [{mac.upper()}]  {_elapsed(delay)}\n")
            unicast_to = mac
            if quit_on_reply:
                break
        if macs and quit_on_reply:
            break
    ctx.machine.tick(max(sent - 1, 0))
    if not quiet:
        ctx.out(f"Sent {sent} probes ({broadcasts} broadcast(s))\nReceived {received} response(s)\n")
    if dad:
        return 1 if received else 0
    return 0 if received or unsolicited else 1
