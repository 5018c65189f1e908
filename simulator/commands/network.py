"""ip (iproute2 6.1, Ubuntu 24.04): links, addresses and routes of the machine's NICs.

Addresses come from DHCP through systemd-networkd (netplan on cloud images), hence `metric 100`, `dynamic`
and `proto dhcp`; Docker's eth0 is a veth with a static address.
"""

from __future__ import annotations

import ipaddress
import random
import re

from simulator.commands import Context, command

OBJECTS = {
    "link": ("l", "li", "lin", "link"),
    "address": ("a", "ad", "add", "addr", "addre", "addres", "address"),
    "route": ("r", "ro", "rou", "rout", "route"),
    "neighbour": (
        "n",
        "ne",
        "nei",
        "neig",
        "neigh",
        "neighb",
        "neighbo",
        "neighbor",
        "neighbou",
        "neighbour",
    ),
}
MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")
LEASE = 3600


def _link_local(mac: str) -> str:
    octets = [int(x, 16) for x in mac.split(":")]
    octets[0] ^= 2
    eui = octets[:3] + [0xFF, 0xFE] + octets[3:]
    groups = [f"{eui[i] << 8 | eui[i + 1]:x}" for i in range(0, 8, 2)]
    return "fe80::" + ":".join(groups) + "/64"


def _interfaces(machine) -> list[dict]:
    veth = machine.kind == "container"
    links = [
        {
            "index": 1,
            "name": "lo",
            "label": "lo",
            "flags": "LOOPBACK,UP,LOWER_UP",
            "mtu": 65536,
            "qdisc": "noqueue",
            "state": "UNKNOWN",
            "qlen": " qlen 1000",
            "mac": "00:00:00:00:00:00",
            "kind": "loopback",
            "brd": "00:00:00:00:00:00",
        }
    ]
    for n, nic in enumerate(machine.nics, start=2):
        down = nic.get("down", False)
        links.append(
            {
                "index": n,
                "name": nic["name"],
                "label": nic["name"] + ("@if7" if veth else ""),
                "flags": "BROADCAST,MULTICAST" if down else "BROADCAST,MULTICAST,UP,LOWER_UP",
                "mtu": nic.get("mtu", 1500),
                "qdisc": "noqueue" if veth else "fq_codel",
                "state": "DOWN" if down else "UP",
                "qlen": "" if veth else " qlen 1000",
                "mac": nic["mac"],
                "kind": "ether",
                "brd": "ff:ff:ff:ff:ff:ff",
                "nic": nic,
            }
        )
    return links


def _link_lines(link: dict, mode: bool) -> list[str]:
    mode_text = " mode DEFAULT" if mode else ""
    tail = " link-netnsid 0" if "@" in link["label"] else ""
    return [
        f"{link['index']}: {link['label']}: <{link['flags']}> mtu {link['mtu']} qdisc {link['qdisc']} "
        f"state {link['state']}{mode_text} group default{link['qlen']}\n",
        f"    link/{link['kind']} {link['mac']} brd {link['brd']}{tail}\n",
    ]


def _counters(machine, link: dict) -> tuple[list[int], list[int]]:
    """RX (bytes packets errors dropped missed mcast) and TX (bytes packets errors dropped carrier
    collsns) counters, growing with the uptime; the loopback receives exactly what it sends."""
    up = int(machine.uptime())
    if "nic" not in link:
        packets = 120 + up // 10
        return [packets * 84, packets, 0, 0, 0, 0], [packets * 84, packets, 0, 0, 0, 0]
    rx, tx = 1800 + up * 3, 950 + up * 2
    return [rx * 1174, rx, 0, 0, 0, 0], [tx * 163, tx, 0, 0, 0, 0]


def _stats_lines(machine, link: dict) -> list[str]:
    """print_stats64() in iproute2 6.1 ip/ipaddress.c: columns start as wide as "*X errors:", "packets",
    "errors", "dropped", "heartbt", "overrun", "compressed" and grow to fit the numbers; each number is
    printed "%*llu " (so a line ends in a space) and each heading ends in an empty compressed column."""
    rx, tx = _counters(machine, link)
    cols = [len("*X errors:"), len("packets"), len("errors"), len("dropped"), len("heartbt"), len("overrun")]
    for values in (rx, tx):
        cols = [max(width, len(str(value))) for width, value in zip(cols, values, strict=True)]
    compressed = " " * len("compressed")

    def heading(label: str, names: tuple[str, ...]) -> str:
        cells = [f"{'bytes':>{cols[0] - 4}}"] + [f"{n:>{w}}" for n, w in zip(names, cols[1:], strict=True)]
        return f"    {label}: " + " ".join(cells) + f" {compressed}\n"

    def numbers(values: list[int]) -> str:
        return "    " + "".join(f"{v:>{w}} " for v, w in zip(values, cols, strict=True)) + "\n"

    return [
        heading("RX", ("packets", "errors", "dropped", "missed", "mcast")),
        numbers(rx),
        heading("TX", ("packets", "errors", "dropped", "carrier", "collsns")),
        numbers(tx),
    ]


def _addresses(machine, link: dict, family: str) -> list[str]:
    lines = []
    nic = link.get("nic")
    if family in ("", "4"):
        if nic is None:
            lines += ["    inet 127.0.0.1/8 scope host lo\n"]
        else:
            net = ipaddress.ip_interface(f"{nic['ipv4']}/{nic['prefix']}")
            extra = " metric 100" if nic["dhcp"] else ""
            dynamic = " dynamic" if nic["dhcp"] else ""
            lines.append(
                f"    inet {nic['ipv4']}/{nic['prefix']}{extra} brd {net.network.broadcast_address} "
                f"scope global{dynamic} {nic['name']}\n"
            )
        left = LEASE - int(machine.uptime()) % LEASE
        lft = f"{left}sec preferred_lft {left}sec" if nic and nic["dhcp"] else "forever preferred_lft forever"
        lines.append(f"       valid_lft {lft}\n")
    if family in ("", "6") and not (nic and nic.get("down")):  # the kernel drops IPv6 addresses on down
        address = (
            "::1/128 scope host noprefixroute" if nic is None else f"{_link_local(nic['mac'])} scope link"
        )
        lines += [f"    inet6 {address} \n", "       valid_lft forever preferred_lft forever\n"]
    return lines


def _routes(machine) -> list[str]:
    lines = []
    for nic in machine.nics:
        if nic.get("down"):  # a link set down loses its routes
            continue
        net = ipaddress.ip_interface(f"{nic['ipv4']}/{nic['prefix']}").network
        if nic["dhcp"]:
            lines += [
                f"default via {nic['gateway']} dev {nic['name']} proto dhcp src {nic['ipv4']} metric 100 \n",
                f"{net} dev {nic['name']} proto kernel scope link src {nic['ipv4']} metric 100 \n",
                f"{nic['gateway']} dev {nic['name']} proto dhcp scope link src {nic['ipv4']} metric 100 \n",
            ]
        else:
            lines += [
                f"default via {nic['gateway']} dev {nic['name']} \n",
                f"{net} dev {nic['name']} proto kernel scope link src {nic['ipv4']} \n",
            ]
    return lines


def gateway_mac(machine, nic: dict) -> str:
    """The MAC of the NIC's gateway: the host's bridge (virbr0, docker0...), fixed by the scenario's seed."""
    rng = random.Random(f"{machine.spec['seed']}/gateway/{nic['gateway']}")
    prefix = nic["mac"][:8] if machine.kind == "vm" else "02:42:ac"
    return prefix + "".join(f":{rng.randrange(256):02x}" for _ in range(3))


def _neighbours(machine, family: str) -> list[str]:
    """The ARP cache: the gateway each configured link has talked to (print_neigh, iproute2 6.1)."""
    if family == "6":
        return []
    return [
        f"{nic['gateway']} dev {nic['name']} lladdr {gateway_mac(machine, nic)} REACHABLE \n"
        for nic in machine.nics
        if not nic.get("down")
    ]


def _brief(machine, links: list[dict], obj: str, family: str) -> list[str]:
    lines = []
    for link in links:
        if obj == "link":
            lines.append(f"{link['label']:<16} {link['state']:<14} {link['mac']} <{link['flags']}> \n")
            continue
        nic = link.get("nic")
        addresses = []
        if family in ("", "4"):
            addresses.append(f"{nic['ipv4']}/{nic['prefix']}" if nic else "127.0.0.1/8")
        if family in ("", "6") and not (nic and nic.get("down")):
            addresses.append(_link_local(nic["mac"]) if nic else "::1/128")
        lines.append(f"{link['label']:<16} {link['state']:<14} " + "".join(a + " " for a in addresses) + "\n")
    return lines


IFNAME = re.compile(r"[^/:\s]{1,15}")


def _fail(ctx: Context, message: str, status: int = 255) -> int:
    ctx.err(message + "\n")
    return status


def _set_link(ctx: Context, args: list[str]) -> int:
    """iplink_modify() of iproute2 6.1: parse every word first (usage errors exit 255), then find the
    device (exit 1), then the kernel's answer (RTNETLINK answers: ..., exit 2)."""
    dev = name = address = None
    mtu = updown = None
    words = list(args)
    while words:
        word = words.pop(0)
        if word in ("up", "down"):
            updown = word
            continue
        if word in ("name", "address", "addr", "mtu", "dev") or "address".startswith(word) and len(word) > 1:
            if not words:
                return _fail(ctx, 'Command line is not complete. Try option "help"')
            value = words.pop(0)
            if word == "name":
                if name is not None:
                    return _fail(ctx, f'Error: duplicate "name": "{value}" is the second value.')
                if not IFNAME.fullmatch(value) or value in (".", ".."):
                    return _fail(ctx, f'Error: argument "{value}" is wrong: "name" not a valid ifname')
                name = value
                continue
            if word == "mtu":
                if mtu is not None:
                    return _fail(ctx, f'Error: duplicate "mtu": "{value}" is the second value.')
                if not re.fullmatch(r"-?\d+", value) or not -(2**31) <= int(value) < 2**31:
                    return _fail(ctx, f'Error: argument "{value}" is wrong: Invalid "mtu" value\n')
                mtu = int(value)
                continue
            if word != "dev":
                if not MAC.fullmatch(value):
                    return _fail(ctx, f'"{value}" is invalid lladdr.', 1)
                address = value.lower()
                continue
            word = value
        if dev is not None:
            return _fail(ctx, f'Error: either "dev" is duplicate, or "{word}" is a garbage.')
        if not IFNAME.fullmatch(word):
            return _fail(ctx, f'Error: argument "{word}" is wrong: "dev" not a valid ifname')
        dev = word
    dev = dev or name
    if dev is None:
        return _fail(ctx, 'Not enough information: "dev" argument is required.')
    links = {link["name"]: link for link in _interfaces(ctx.machine)}
    if dev not in links:
        return _fail(ctx, f'Cannot find device "{dev}"', 1)
    if not ctx.is_root:
        return _fail(ctx, "RTNETLINK answers: Operation not permitted", 2)
    nic = links[dev].get("nic")
    if nic is None:  # the loopback: its settings are not modelled, and it keeps them
        return 0
    return _apply_link_change(ctx, nic, name, address, mtu, updown)


def _apply_link_change(ctx: Context, nic: dict, name, address, mtu, updown) -> int:
    """One RTM_NEWLINK: the kernel refuses it whole, or applies it; reboot restores what udev and
    networkd set (hwmac, hwname)."""
    if mtu is not None and mtu < 68:
        return _fail(ctx, "Error: mtu less than device minimum.", 2)
    if mtu is not None and mtu > 65535:
        return _fail(ctx, "Error: mtu greater than device maximum.", 2)
    if name is not None and name != nic["name"]:
        if any(other["name"] == name for other in ctx.machine.nics) or name == "lo":
            return _fail(ctx, "RTNETLINK answers: File exists", 2)
        if not nic.get("down") and updown != "down":
            return _fail(ctx, "RTNETLINK answers: Device or resource busy", 2)
        ctx.machine.rename_nic(nic, name)
    if address is not None:
        nic.setdefault("hwmac", nic["mac"])
        nic["mac"] = address
    if mtu is not None:
        nic["mtu"] = mtu
    if updown == "down":
        nic["down"] = True
    elif updown == "up":
        nic.pop("down", None)
    return 0


@command(
    "ip",
    man="""
ip - show / manipulate routing, network devices, interfaces (iproute2)

  ip link (ip l)      interfaces and their MAC addresses (link/ether ...)
  ip addr (ip a)      addresses: inet (IPv4) and inet6
  ip route (ip r)     routing table, default gateway
  -4 / -6 one family   -br brief one-line output   ip a show dev NAME   ip -s link  RX/TX counters
  ip neigh            the ARP cache (the gateway's MAC)
  ip link set dev NAME address 52:54:00:xx:xx:xx   change a MAC (root; lost at reboot)
  ip link set dev NAME down | up | mtu N | name NEW (rename only while down)
The MAC's first three bytes (OUI) betray the hypervisor: 52:54:00 KVM/QEMU, 08:00:27 VirtualBox,
00:0c:29 / 00:50:56 VMware, 00:15:5d Hyper-V, 00:16:3e Xen.
""",
)
def ip(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    args = argv[1:]
    family, brief, stats = "", False, False
    while args and args[0].startswith("-"):
        option = args.pop(0)
        if option in ("-4", "-6"):
            family = option[1]
        elif option in ("-s", "-stats", "-statistics") and not stats:
            stats = True
        elif option in ("-br", "-brief", "--brief"):
            brief = True
        elif option not in ("-c", "-color", "--color=never", "-d", "-details"):
            ctx.err(f'Option "{option}" is unknown, try "ip -help".\n')
            return 255
    if not args:
        ctx.err(
            "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
            "where  OBJECT := { address | link | route | neighbor | netns | rule }\n"
        )
        return 255
    obj = next((name for name, abbrevs in OBJECTS.items() if args[0] in abbrevs), None)
    if obj is None:
        ctx.err(f'Object "{args[0]}" is unknown, try "ip help".\n')
        return 1
    rest = args[1:]
    if obj == "link" and rest[:1] == ["set"]:
        return _set_link(ctx, rest[1:])
    if rest and rest[0] in ("show", "list", "ls", "sh", "s", "lst"):
        rest = rest[1:]
    elif rest:
        ctx.err(f'Command "{rest[0]}" is unknown, try "ip {obj.replace("neighbour", "neigh")} help".\n')
        return 255
    device = rest[1] if rest[:1] == ["dev"] and len(rest) > 1 else rest[0] if rest else ""
    if obj == "route":
        ctx.out("".join(_routes(machine)) if family != "6" else "")
        return 0
    if obj == "neighbour":
        lines = _neighbours(machine, family)
        if device:  # a listing filtered by device does not repeat it
            lines = [line.replace(f" dev {device} ", " ") for line in lines if f" dev {device} " in line]
        ctx.out("".join(lines))
        return 0
    links = _interfaces(machine)
    if device:
        links = [link for link in links if link["name"] == device]
        if not links:
            ctx.err(f'Device "{device}" does not exist.\n')
            return 1
    if brief:
        ctx.out("".join(_brief(machine, links, obj, family)))
        return 0
    out = []
    for link in links:
        lines = _link_lines(link, obj == "link")
        out += lines[:1] if obj == "address" and family else lines
        if stats and obj == "link":
            out += _stats_lines(machine, link)
        if obj == "address":
            out += _addresses(machine, link, family)
    ctx.out("".join(out))
    return 0


@command(
    "networkctl",
    man="""
networkctl - query the status of network links (systemd 255)

  networkctl              the same as networkctl list
  networkctl list         every link: IDX LINK TYPE OPERATIONAL SETUP, as systemd-networkd sees it
  --no-legend             without the header and the "N links listed." line
SETUP "configured" means systemd-networkd set the link up from a .network file (netplan writes them
from /etc/netplan/*.yaml); "unmanaged" means no configuration matched it (the loopback, here).
""",
)
def networkctl(ctx: Context, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a not in ("--no-pager", "-a", "--all")]
    legend = "--no-legend" not in args
    args = [a for a in args if a != "--no-legend"]
    if args not in ([], ["list"]):
        ctx.err(f"Unknown command verb '{args[0]}'.\n")
        return 1
    # networkctl-list.c: table_new("idx", "link", "type", "operational", "setup"), headers upper-cased,
    # IDX right-aligned at least 3 wide, one space between columns, the last column not padded
    # (format-table.c drops its trailing blanks); then "\n%i links listed.\n".
    rows = [["IDX", "LINK", "TYPE", "OPERATIONAL", "SETUP"]] if legend else []
    for link in _interfaces(ctx.machine):
        loopback = link["kind"] == "loopback"
        rows.append(
            [
                str(link["index"]),
                link["name"],
                link["kind"],
                "carrier" if loopback else "off" if link["state"] == "DOWN" else "routable",
                "unmanaged" if loopback else "configured",
            ]
        )
    widths = [max(3, *(len(r[0]) for r in rows))] + [max(len(r[i]) for r in rows) for i in range(1, 4)]
    for row in rows:
        cells = [row[0].rjust(widths[0])] + [row[i].ljust(widths[i]) for i in range(1, 4)] + [row[4]]
        ctx.out(" ".join(cells) + "\n")
    if legend:
        ctx.out(f"\n{len(rows) - 1} links listed.\n")
    return 0
