"""ip (iproute2 6.1, Ubuntu 24.04): links, addresses and routes of the machine's NICs.

Addresses come from DHCP through systemd-networkd (netplan on cloud images), hence `metric 100`, `dynamic`
and `proto dhcp`; Docker's eth0 is a veth with a static address.
"""

from __future__ import annotations

import ipaddress
import random
import re

from simulator import lan, packages, units
from simulator.commands import Context, command
from simulator.commands.options import UsageError, parse
from simulator.filesystem import FsError

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


def link_local(mac: str) -> str:
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
    virbr0 = lan.bridge(machine)
    if virbr0 is not None:  # libvirt's default network: its bridge, then a tap per running guest
        up = virbr0["carrier"]
        links.append(
            {
                "index": len(links) + 1,
                "name": virbr0["name"],
                "label": virbr0["name"],
                "flags": "BROADCAST,MULTICAST,UP,LOWER_UP" if up else "NO-CARRIER,BROADCAST,MULTICAST,UP",
                "mtu": 1500,
                "qdisc": "noqueue",
                "state": "UP" if up else "DOWN",
                "qlen": " qlen 1000",
                "mac": virbr0["mac"],
                "kind": "ether",
                "brd": "ff:ff:ff:ff:ff:ff",
                "nic": virbr0,
            }
        )
        for tap in lan.taps(machine):
            links.append(
                {
                    "index": len(links) + 1 + tap["vnet"],
                    "name": tap["name"],
                    "label": tap["name"],
                    "flags": "BROADCAST,MULTICAST,UP,LOWER_UP",
                    "mtu": 1500,
                    "qdisc": "noqueue",
                    "master": tap["master"],
                    "state": "UNKNOWN",
                    "qlen": " qlen 1000",
                    "mac": tap["mac"],
                    "kind": "ether",
                    "brd": "ff:ff:ff:ff:ff:ff",
                    "tap": tap,
                }
            )
    return links


def _link_lines(link: dict, mode: bool) -> list[str]:
    mode_text = " mode DEFAULT" if mode else ""
    tail = " link-netnsid 0" if "@" in link["label"] else ""
    qdisc = link["qdisc"] + (f" master {link['master']}" if "master" in link else "")
    return [
        f"{link['index']}: {link['label']}: <{link['flags']}> mtu {link['mtu']} qdisc {qdisc} "
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
    if "tap" in link:  # a tap carries no address of its own, only its link-local one
        return _link_local_lines(link["mac"]) if family in ("", "6") else []
    if family in ("", "4"):
        if nic is None:
            lines += ["    inet 127.0.0.1/8 scope host lo\n"]
        elif not nic.get("unaddressed"):
            net = ipaddress.ip_interface(f"{nic['ipv4']}/{nic['prefix']}")
            extra = " metric 100" if nic["dhcp"] else ""
            dynamic = " dynamic" if nic["dhcp"] else ""
            lines.append(
                f"    inet {nic['ipv4']}/{nic['prefix']}{extra} brd {net.network.broadcast_address} "
                f"scope global{dynamic} {nic['name']}\n"
            )
        if nic is None or not nic.get("unaddressed"):
            left = LEASE - int(machine.uptime()) % LEASE
            dhcp = nic and nic["dhcp"]
            lft = f"{left}sec preferred_lft {left}sec" if dhcp else "forever preferred_lft forever"
            lines.append(f"       valid_lft {lft}\n")
        for address in nic.get("added", []) if nic else ():
            # added by hand (`ip addr add`, no `brd +`): no broadcast address; a second one in a network
            # the interface already has is its secondary
            secondary = " secondary" if _in_networks(address, held_addresses(nic, before=address)) else ""
            lines.append(f"    inet {address} scope global{secondary} {nic['name']}\n")
            lines.append("       valid_lft forever preferred_lft forever\n")
    if nic and nic.get("bridge"):  # libvirt turns IPv6 off on a network that has no IPv6 address
        return lines
    if family in ("", "6") and not (nic and nic.get("down")):  # the kernel drops IPv6 addresses on down
        if nic is None:
            lines += ["    inet6 ::1/128 scope host noprefixroute \n"]
            lines += ["       valid_lft forever preferred_lft forever\n"]
        else:
            lines += _link_local_lines(nic["mac"])
    return lines


def _link_local_lines(mac: str) -> list[str]:
    return [f"    inet6 {link_local(mac)} scope link \n", "       valid_lft forever preferred_lft forever\n"]


def _routes(machine) -> list[str]:
    lines = []
    for nic in lan.links(machine):
        if nic.get("down"):  # a link set down loses its routes
            continue
        for address in nic.get("added", []):  # each network added by hand gets its kernel route
            if not _in_networks(address, held_addresses(nic, before=address)):
                interface = ipaddress.ip_interface(address)
                lines.append(
                    f"{interface.network} dev {nic['name']} proto kernel scope link src {interface.ip} \n"
                )
        if nic.get("unaddressed"):  # its own address deleted: the routes from it went with it
            if not nic["dhcp"] and not nic.get("bridge"):
                static = " proto static" if nic.get("static") else ""
                lines.append(f"default via {nic['gateway']} dev {nic['name']}{static} \n")
            continue
        net = ipaddress.ip_interface(f"{nic['ipv4']}/{nic['prefix']}").network
        if nic.get("bridge"):  # no guest running: no carrier, and the route says so
            linkdown = "" if nic["carrier"] else " linkdown"
            lines.append(f"{net} dev {nic['name']} proto kernel scope link src {nic['ipv4']}{linkdown} \n")
        elif nic["dhcp"]:
            lines += [
                f"default via {nic['gateway']} dev {nic['name']} proto dhcp src {nic['ipv4']} metric 100 \n",
                f"{net} dev {nic['name']} proto kernel scope link src {nic['ipv4']} metric 100 \n",
                f"{nic['gateway']} dev {nic['name']} proto dhcp scope link src {nic['ipv4']} metric 100 \n",
            ]
        else:
            static = " proto static" if nic.get("static") else ""  # a route networkd set from netplan
            lines += [
                f"default via {nic['gateway']} dev {nic['name']}{static} \n",
                f"{net} dev {nic['name']} proto kernel scope link src {nic['ipv4']} \n",
            ]
    return lines


def gateway_mac(machine, nic: dict) -> str:
    """The MAC of the NIC's gateway: the host's bridge (a libvirt host's virbr0 when the lab has that host;
    docker0, another hypervisor's bridge, fixed by the scenario's seed)."""
    host = lan.gateway_host(machine)
    virbr0 = lan.bridge(host) if host is not None else None
    if virbr0 is not None and virbr0["ipv4"] == nic["gateway"]:
        return virbr0["mac"]
    rng = random.Random(f"{machine.spec['seed']}/gateway/{nic['gateway']}")
    prefix = nic["mac"][:8] if machine.kind == "vm" else "02:42:ac"
    return prefix + "".join(f":{rng.randrange(256):02x}" for _ in range(3))


def _neighbours(machine, family: str) -> list[str]:
    """The ARP cache (print_neigh, iproute2 6.1): the gateway of each link that is up, then the neighbours
    the machine has talked to (simulator/lan.py), each with the MAC that answered last."""
    if family == "6":
        return []
    lines, gateways = [], set()
    for nic in machine.nics:
        if nic.get("down"):
            continue
        # confirmed by traffic (a ping) in the last 30 s it is REACHABLE; idle entries go STALE
        learned = (nic.get("neighbours") or {}).get(nic["gateway"], [None, -100])[1]
        fresh = machine.clock - max(nic.get("neighbour_seen", -100), learned) < lan.FRESH_SECONDS
        state = "REACHABLE" if fresh else "STALE"
        lines.append(f"{nic['gateway']} dev {nic['name']} lladdr {gateway_mac(machine, nic)} {state} \n")
        gateways.add((nic["gateway"], nic["name"]))
    for address, name, mac, fresh in lan.entries(machine):
        if (address, name) in gateways:
            continue
        if not mac:  # probed in vain: no lladdr left to show
            lines.append(f"{address} dev {name} FAILED \n")
        else:
            lines.append(f"{address} dev {name} lladdr {mac} {'REACHABLE' if fresh else 'STALE'} \n")
    return lines


def _brief(machine, links: list[dict], obj: str, family: str) -> list[str]:
    lines = []
    for link in links:
        if obj == "link":
            lines.append(f"{link['label']:<16} {link['state']:<14} {link['mac']} <{link['flags']}> \n")
            continue
        nic = link.get("nic")
        addresses = []
        if "tap" in link:
            addresses = [link_local(link["mac"])] if family in ("", "6") else []
        elif family in ("", "4"):
            addresses += held_addresses(nic) if nic else ["127.0.0.1/8"]
        if family in ("", "6") and "tap" not in link and not (nic and (nic.get("down") or nic.get("bridge"))):
            addresses.append(link_local(nic["mac"]) if nic else "::1/128")
        if family and not addresses:
            continue  # as in the long listing: no address of the family asked for, not listed
        lines.append(f"{link['label']:<16} {link['state']:<14} " + "".join(a + " " for a in addresses) + "\n")
    return lines


def held_addresses(nic: dict, before: str | None = None) -> list[str]:
    """The interface's IPv4 addresses as ADDRESS/PREFIX, in the order the kernel lists them (its own, then
    those added by hand), up to `before`."""
    held = [] if nic.get("unaddressed") else [f"{nic['ipv4']}/{nic['prefix']}"]
    for address in nic.get("added", []):
        if address == before:
            break
        held.append(address)
    return held


def _addresses_of(nic: dict) -> set[str]:
    return {address.split("/")[0] for address in held_addresses(nic)}


def _in_networks(address: str, held: list[str]) -> bool:
    network = ipaddress.ip_interface(address).network
    return any(ipaddress.ip_interface(other).network == network for other in held)


def _address_verb(word: str) -> str | None:
    """do_ipaddr() of iproute2 6.1 takes any prefix of add, delete and flush ("a", "del", "f")."""
    return next((verb for verb in ("add", "delete", "flush") if verb.startswith(word)), None)


def _change_addresses(ctx: Context, verb: str, args: list[str]) -> int:
    """ip address add/del ADDRESS[/PREFIX] dev NAME and ip address flush dev NAME, modelled on iproute2 6.1
    (ipaddr_modify, ipaddr_flush) and Linux 6.8's answers (inet_rtm_newaddr/deladdr extack messages).
    What it changes is lost at the next boot, when systemd-networkd configures the link from netplan."""
    local = dev = None
    words = list(args)
    while words:
        word = words.pop(0)
        if word in ("dev", "brd", "broadcast", "label", "scope", "local", "to") and not words:
            return _fail(ctx, 'Command line is not complete. Try option "help"')
        if word == "dev":
            dev = words.pop(0)
        elif word in ("brd", "broadcast", "label", "scope"):
            words.pop(0)
        elif verb == "flush" and word == "to":
            words.pop(0)
        elif local is not None or verb == "flush":
            duplicate = "dev" if verb == "flush" else "local"
            return _fail(ctx, f'Error: either "{duplicate}" is duplicate, or "{word}" is a garbage.')
        else:
            local = words.pop(0) if word == "local" else word
            if not _valid_address(local):  # get_prefix() exits at once, while the words are read
                return _fail(ctx, f'Error: any valid prefix is expected rather than "{local}".', 1)
    if dev is None:  # ip's do_cmd() turns the handler's -1 into status 1
        if verb == "flush":
            return _fail(ctx, "Flush requires arguments.", 1)
        return _fail(ctx, 'Not enough information: "dev" argument is required.', 1)
    nic = next((n for n in ctx.machine.nics if n["name"] == dev), None)
    if nic is None:
        return _fail(ctx, f'Cannot find device "{dev}"', 1)
    if not ctx.is_root:
        return _fail(ctx, "RTNETLINK answers: Operation not permitted", 2)
    if verb == "flush":
        _remember_configuration(nic)
        nic["added"], nic["unaddressed"] = [], True
        return 0
    if local is None:
        return _fail(ctx, "RTNETLINK answers: Invalid argument", 2)  # the kernel's answer to no address
    address = str(ipaddress.ip_interface(local if "/" in local else local + "/32"))
    held = held_addresses(nic)
    if verb == "add":
        if any(other.split("/")[0] == address.split("/")[0] for other in held):
            return _fail(ctx, "Error: ipv4: Address already assigned.", 2)
        _remember_configuration(nic)
        nic.setdefault("added", []).append(address)
        return 0
    # delete: an address given without its prefix length matches any (with iproute2's warning)
    if "/" not in local:  # ipaddr_modify's warning for an IPv4 delete without a prefix length
        ctx.err(
            "Warning: Executing wildcard deletion to stay compatible with old scripts.\n"
            f"         Explicitly specify the prefix length ({local}/32) to avoid this warning.\n"
            "         This special behaviour is likely to disappear in further releases,\n"
            "         fix your scripts!\n"
        )
    found = next(
        (other for other in held if other == address or ("/" not in local and other.split("/")[0] == local)),
        None,
    )
    if found is None:
        return _fail(ctx, "Error: ipv4: Address not found.", 2)
    _remember_configuration(nic)
    if found in nic.get("added", []):
        nic["added"].remove(found)
    else:
        nic["unaddressed"] = True
    return 0


def _valid_address(text: str) -> bool:
    try:
        return ipaddress.ip_interface(text).version == 4
    except ValueError:
        return False


def _remember_configuration(nic: dict) -> None:
    """What networkd set, so that the next boot puts it back (Machine.boot)."""
    nic.setdefault("configured", [nic["ipv4"], nic["prefix"]])


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
    # Docker's default capabilities leave out CAP_NET_ADMIN: even its root may not change a link
    if not ctx.is_root or ctx.machine.spec["platform"] == "docker":
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
  ip addr add 192.168.122.60/24 dev NAME   add an address (root; lost at reboot, as are del and flush)
  ip addr del 192.168.122.50/24 dev NAME   remove one      ip addr flush dev NAME   remove them all
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
        elif option in ("-help", "--help"):  # iproute2 reads --help as -help: usage(), as for no object
            args = []
            break
        elif option not in ("-c", "-color", "--color=never", "-d", "-details"):
            ctx.err(f'Option "{option}" is unknown, try "ip -help".\n')
            return 255
    if not args or args[0] == "help":
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
    if obj == "address" and rest and _address_verb(rest[0]):
        return _change_addresses(ctx, _address_verb(rest[0]), rest[1:])
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
        addresses = _addresses(machine, link, family) if obj == "address" else []
        if obj == "address" and family and not addresses:
            continue  # one family asked for: a link without an address of it is not listed
        out += lines[:1] if obj == "address" and family else lines
        if stats and obj == "link":
            out += _stats_lines(machine, link)
        out += addresses
    ctx.out("".join(out))
    return 0


@command(
    "networkctl",
    man="""
networkctl - query the status of network links (systemd 255)

  networkctl              the same as networkctl list
  networkctl list         every link: IDX LINK TYPE OPERATIONAL SETUP, as systemd-networkd sees it
  --no-legend             without the header and the "N links listed." line
  sudo networkctl renew IFACE        ask the DHCP server to renew the lease now (not at T1)
  sudo networkctl reconfigure IFACE  start the link's configuration over (a new DHCP DISCOVER)
  sudo networkctl reload             read the .network files again
SETUP "configured" means systemd-networkd set the link up from a .network file (netplan writes them
from /etc/netplan/*.yaml); "unmanaged" means no configuration matched it (the loopback, here).
""",
)
def networkctl(ctx: Context, argv: list[str]) -> int:
    if (
        ctx.machine.spec["platform"] == "docker"
    ):  # systemd is installed there, but no D-Bus runs (networkctl.c)
        ctx.err("Failed to connect to system bus: No such file or directory\n")
        return 1
    args = [a for a in argv[1:] if a not in ("--no-pager", "-a", "--all")]
    legend = "--no-legend" not in args
    args = [a for a in args if a != "--no-legend"]
    if args[:1] == ["status"]:
        return _networkctl_status(ctx, args[1:])
    if args[:1] in (["renew"], ["reconfigure"], ["forcerenew"], ["reload"]):
        return _networkctl_method(ctx, args[0], args[1:])
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


# networkctl.c (255): link_bus_simple_method's words when a call fails, by verb
METHOD_ERRORS = {
    "renew": "Failed to renew dynamic configuration of interface",
    "forcerenew": "Failed to forcibly renew dynamic configuration of interface",
    "reconfigure": "Failed to reconfigure network interface",
}


def _networkctl_method(ctx: Context, verb: str, names: list[str]) -> int:
    """renew, forcerenew, reconfigure IFACE...; reload (no argument): silent when they succeed. A renewal
    asks the DHCP server now (simulator/dhcp.py through libvirt's dnsmasq); reconfigure starts the client
    over; reload reads the .network files again, which netplan has already written here."""
    if verb == "reload":
        if names:
            ctx.err("Too many arguments.\n")
            return 1
    elif not names:
        ctx.err("Too few arguments.\n")
        return 1
    if not ctx.is_root:  # polkit's answer over a session with no agent (UNVERIFIED: exact bus text)
        target = f"{METHOD_ERRORS[verb]} {names[0]}" if names else "Failed to reload network settings"
        ctx.err(f"{target}: Interactive authentication required.\n")
        return 1
    known = {link["name"] for link in _interfaces(ctx.machine)}
    for name in names:  # rtnl_resolve_interface_or_warn, every name before any call
        if name not in known:
            ctx.err(f'Failed to resolve interface "{name}": No such device\n')
            return 1
    network = getattr(ctx.machine, "network", None)
    for name in names:
        if network is not None and ctx.machine.nics and ctx.machine.nics[0]["name"] == name:
            network.renew_lease(ctx.machine, restart=verb == "reconfigure")
    return 0


# The sockets an Ubuntu 24.04 server listens on: sshd behind systemd's ssh.socket (Backlog 4096, both
# families, IPv6-only), systemd-resolved's stub on 127.0.0.53%lo and 127.0.0.54 (TCP and UDP), and
# systemd-networkd's DHCPv4 client on port 68 of each leased address.
RESOLVED_PID, NETWORKD_PID, SSHD_PID = 412, 598, 1051
SERVICES = {22: "ssh", 53: "domain", 68: "bootpc"}


def _sockets(machine) -> list[dict]:
    """(protocol, family, state, recv-q, send-q, local, interface, port, peer, users) of each socket."""
    if machine.spec["platform"] == "docker":
        return []
    resolved = '("systemd-resolve",pid=412,fd=13)'
    udp = [
        dict(proto="udp", v6=False, state="UNCONN", q=(0, 0), addr="127.0.0.54", iface="", port=53,
             users='("systemd-resolve",pid=412,fd=14)'),
        dict(proto="udp", v6=False, state="UNCONN", q=(0, 0), addr="127.0.0.53", iface="lo", port=53,
             users=resolved),
    ]  # fmt: skip
    for nic in machine.nics:
        if nic["dhcp"] and not nic.get("down"):
            udp.append(
                dict(proto="udp", v6=False, state="UNCONN", q=(0, 0), addr=nic["ipv4"], iface=nic["name"],
                     port=68, users='("systemd-network",pid=598,fd=21)')
            )  # fmt: skip
    tcp = [
        dict(proto="tcp", v6=False, state="LISTEN", q=(0, 4096), addr="127.0.0.54", iface="", port=53,
             users='("systemd-resolve",pid=412,fd=15)'),
        dict(proto="tcp", v6=False, state="LISTEN", q=(0, 4096), addr="127.0.0.53", iface="lo", port=53,
             users='("systemd-resolve",pid=412,fd=16)'),
    ]  # fmt: skip
    return udp + tcp + _ssh_listeners(machine)


def _ssh_listeners(machine) -> list[dict]:
    """Port 22, held by ssh.socket's systemd and by the sshd it started, who keeps the descriptors it was
    given when the socket is stopped: nobody listens once both are stopped."""
    if "ssh" not in packages.installed_services(machine):
        return []
    holders = [
        (f'("sshd",pid={SSHD_PID},fd={{}})', 3) if units.active(machine, "ssh") else None,
        ('("systemd",pid=1,fd={})', 89) if units.active(machine, "ssh.socket") else None,
    ]
    holders = [holder for holder in holders if holder]
    if not holders:
        return []
    return [
        dict(proto="tcp", v6=v6, state="LISTEN", q=(0, 4096), addr="[::]" if v6 else "0.0.0.0", iface="",
             port=22, users=",".join(user.format(fd + v6) for user, fd in holders))
        for v6 in (False, True)
    ]  # fmt: skip


def _ss_render(rows: list[list[str]], disabled: set[int], width: int | None) -> str:
    """render() of ss (iproute2 6.1): each column as wide as its widest token (plus its left delimiter,
    but the first); on a terminal the spare width is shared out among the columns; right-aligned
    address columns, and a line ends after its last column (so empty cells leave trailing spaces)."""
    columns = [("left", ""), ("left", " "), ("left", " "), ("left", " "), ("right", " "), ("left", ""),
               ("right", " "), ("left", ""), ("left", ""), ("left", "")]  # fmt: skip
    shown = [i for i in range(len(columns)) if i not in disabled]
    widths = {}
    first = True
    for i in shown:
        longest = max(len(row[i]) for row in rows)
        widths[i] = longest + len(columns[i][1]) if longest and not first else longest
        if widths[i]:
            first = False
    if width is not None:  # render_calc_width's second pass: fill each screen line, wrap what overflows
        used = [i for i in shown if widths[i]]
        group: list[int] = []
        length = 0
        for n, i in enumerate(used):
            group.append(i)
            length += widths[i]
            last = n == len(used) - 1
            if not last and length < width:
                continue
            if length == width:
                group, length = [], 0
                continue
            if length > width:
                length -= widths[i]
                group.pop()
            spacing, rem = divmod(width - length, len(group)) if group else (0, 0)
            for j in reversed(group):
                widths[j] += spacing + (1 if rem else 0)
                rem = max(rem - 1, 0)
            group, length = ([i], widths[i]) if length + widths[i] > width and i not in group else ([], 0)
    lines = []
    for row in rows:
        line = ""
        started = False
        for i in shown:
            align, delim = columns[i]
            printed = len(delim) if started else 0
            text = delim if started else ""
            started = True
            cell = row[i]
            if align == "right":
                text += " " * max(widths[i] - len(cell) - printed, 0) + cell
            else:
                text += cell + " " * max(widths[i] - printed - len(cell), 0)
            line += text
        lines.append(line + "\n")
    return "".join(lines)


SS_LONG = {
    "tcp": "t",
    "udp": "u",
    "listening": "l",
    "all": "a",
    "numeric": "n",
    "processes": "p",
    "summary": "s",
    "ipv4": "4",
    "ipv6": "6",
    "resolve": "r",
    "no-header": "H",
}


@command(
    "ss",
    man="""
ss - another utility to investigate sockets (iproute2 6.1)

  ss -tln           listening TCP sockets, numeric (sshd on port 22, systemd-resolved's stub on 53)
  ss -tulnp         TCP and UDP, with the process owning each socket (root sees them all)
  ss -s             summary counts
""",
)
def ss(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "tulanps46rHe", SS_LONG)
    except UsageError as error:
        ctx.err(f"ss: {error}\n")
        return 255
    sockets = _sockets(ctx.machine)
    if "s" in opts:
        return _ss_summary(ctx, sockets)
    protocols = {p for p, key in (("tcp", "t"), ("udp", "u")) if key in opts} or {"tcp", "udp"}
    if "l" in opts:
        states = {"LISTEN", "UNCONN"}
    elif "a" in opts:
        states = {"LISTEN", "UNCONN", "ESTAB"}
    else:  # SS_CONN: every state but LISTEN and UNCONN
        states = {"ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSE-WAIT"}
    family = {"4": False, "6": True}.get(opts.last_of("4", "6") or "")
    chosen = [
        s
        for s in sockets
        if s["proto"] in protocols and s["state"] in states and (family is None or s["v6"] == family)
    ]
    header = [
        "Netid",
        "State",
        "Recv-Q",
        "Send-Q",
        "Local Address:",
        "Port",
        "Peer Address:",
        "Port",
        "Process",
        "",
    ]
    rows = [header] if "H" not in opts else []
    for s in chosen:
        port = str(s["port"]) if "n" in opts else SERVICES.get(s["port"], str(s["port"]))
        local = s["addr"] + (f"%{s['iface']}" if s["iface"] else "") + ":"
        peer = ("[::]" if s["v6"] else "0.0.0.0") + ":"
        users = f" users:({s['users']})" if "p" in opts and ctx.is_root else ""
        rows.append(
            [s["proto"], s["state"], str(s["q"][0]), str(s["q"][1]), local, port, peer, "*", users, ""]
        )
    disabled = set()
    if len(protocols) == 1:
        disabled.add(0)
    if len(states) == 1:
        disabled.add(1)
    if rows:
        ctx.out(_ss_render(rows, disabled, 80 if getattr(ctx, "tty", False) else None))
    return 0


def _ss_summary(ctx: Context, sockets: list[dict]) -> int:
    """print_summary(): socket counts from /proc/net/sockstat (the total adds the machine's other sockets)."""
    tcp4 = sum(1 for s in sockets if s["proto"] == "tcp" and not s["v6"])
    tcp6 = sum(1 for s in sockets if s["proto"] == "tcp" and s["v6"])
    udp4 = sum(1 for s in sockets if s["proto"] == "udp" and not s["v6"])
    udp6 = sum(1 for s in sockets if s["proto"] == "udp" and s["v6"])
    ctx.out(
        f"Total: {120 + len(sockets)}\n"
        f"TCP:   {tcp4 + tcp6} (estab 0, closed 0, orphaned 0, timewait 0)\n\n"
        "Transport Total     IP        IPv6\n"
        f"RAW\t  {0:<9d} {0:<9d} {0:<9d}\n"
        f"UDP\t  {udp4 + udp6:<9d} {udp4:<9d} {udp6:<9d}\n"
        f"TCP\t  {tcp4 + tcp6:<9d} {tcp4:<9d} {tcp6:<9d}\n"
        f"INET\t  {len(sockets):<9d} {tcp4 + udp4:<9d} {tcp6 + udp6:<9d}\n"
        f"FRAG\t  {0:<9d} {0:<9d} {0:<9d}\n\n"
    )
    return 0


def resolve_host(machine, name: str) -> str | None:
    """An IPv4 address, or the first /etc/hosts entry naming `name` (there is no DNS server to ask)."""
    if lan.is_ipv4(name):
        return name
    try:
        hosts = machine.fs.read("/etc/hosts")
    except FsError:
        hosts = ""
    for line in hosts.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) > 1 and name in fields[1:] and ":" not in fields[0]:
            return fields[0]
    return None


def _reachable(machine, address: str) -> str:
    """ "local" (loopback or this machine's own address), "gateway", "host" (another machine of the lab on
    a link), "neighbour" (an unused address on a link: ARP gets no answer) or "far" (through the gateway,
    into a network the simulator does not have)."""
    ip = ipaddress.IPv4Address(address)
    links = lan.links(machine)
    if ip.is_loopback or any(address in _addresses_of(nic) for nic in links):
        return "local"
    for nic in links:
        if nic.get("down"):
            continue
        if address == nic["gateway"]:
            return "gateway"
        if ip in ipaddress.ip_interface(f"{nic['ipv4']}/{nic['prefix']}").network:
            return "host" if lan.answering(machine, address) else "neighbour"
    return "far"


def _rtt_text(usec: int) -> str:
    """iputils' reply time: three decimals under 1 ms, fewer as it grows."""
    if usec >= 100000 - 50:
        return f"{(usec + 500) // 1000}"
    if usec >= 10000 - 5:
        return f"{(usec + 50) // 1000}.{(usec + 50) % 1000 // 100}"
    if usec >= 1000:
        return f"{(usec + 5) // 1000}.{(usec + 5) % 1000 // 10:02d}"
    return f"{usec // 1000}.{usec % 1000:03d}"


def _ms(usec: int) -> str:
    return f"{usec // 1000}.{usec % 1000:03d}"


@command(
    "ping",
    man="""
ping - send ICMP ECHO_REQUEST to network hosts (iputils 20240117)

  ping -c 3 192.168.122.1   three echo requests to the gateway, then the statistics
  ping -c 1 localhost       names come from /etc/hosts (this simulated world has no DNS server)
Without -c it goes on until interrupted (Ctrl-C). An address on the local network that nobody holds
answers "Destination Host Unreachable"; beyond the gateway, nothing answers: 100% packet loss.
""",
)
def ping(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "c:i:W:w:qn46s:t:", {})
    except UsageError as error:
        ctx.err(f"ping: {error}\n")
        return 2
    if not operands:
        ctx.err("ping: usage error: Destination address required\n")
        return 1
    count = None
    if "c" in opts:
        text = opts.get("c")
        if not (text.isascii() and text.isdigit()):
            ctx.err(f"ping: invalid argument: '{text}'\n")
            return 1
        count = int(text)
        if not 1 <= count <= 9223372036854775807:
            ctx.err(f"ping: invalid argument: '{text}': out of range: 1 <= value <= 9223372036854775807\n")
            return 1
    if count is None and (opts.get("w") or "").isdigit():  # -w DEADLINE: one probe a second until then
        count = max(int(opts.get("w")), 1)
    machine = ctx.machine
    target = operands[-1]
    address = resolve_host(machine, target)
    if address is None:
        ctx.err(f"ping: {target}: Temporary failure in name resolution\n")
        return 2
    shown = address if target == address or "n" in opts else f"{target} ({address})"
    ctx.out(f"PING {target} ({address}) 56(84) bytes of data.\n")
    kind = _reachable(machine, address)
    on_link = lan.link_for(machine, address) if kind != "local" else None
    source = (on_link or next((nic for nic in machine.nics if not nic.get("down")), {})).get("ipv4", "")
    rng = machine.rng()
    base = {"local": 25, "gateway": 280, "host": 400}.get(kind, 0)
    # Two machines on one address (a clone) both answer: the second reply is a duplicate (DUP!).
    answers = len(lan.resolve(machine, address)) if kind == "host" else 1
    times, sent, errors, duplicates = [], 0, 0, 0
    while count is None or sent < count:
        ctx.tick(1000)  # a second per probe: without -c the line's budget ends it, as Ctrl-C would
        sent += 1
        if kind in ("local", "gateway", "host"):
            first = base + rng.randrange(base // 2 + 1)
            for answer in range(answers):
                usec = first + answer * (37 + rng.randrange(40))  # a duplicate arrives after the first
                if answer:
                    duplicates += 1
                else:
                    times.append(usec)
                if "q" not in opts:
                    dup = " (DUP!)" if answer else ""
                    ctx.out(f"64 bytes from {shown}: icmp_seq={sent} ttl=64 time={_rtt_text(usec)} ms{dup}\n")
        elif kind == "neighbour":
            errors += 1
            if "q" not in opts:
                ctx.out(f"From {source} icmp_seq={sent} Destination Host Unreachable\n")
    machine.tick(sent - 1)
    if kind == "neighbour":
        lan.resolve(machine, address)  # ARP asked in vain: an entry the kernel held is FAILED now
    if kind == "gateway":
        lan.resolve(machine, address)  # a libvirt guest's gateway is its host, which learns the guest
        for nic in machine.nics:
            if nic["gateway"] == address:
                nic["neighbour_seen"] = machine.clock
    elapsed = (sent - 1) * 1000 + (3 * sent if times else 20 + sent * 12)
    received = len(times)
    loss = f"{100 - received * 100 // sent if received else 100}%"
    ctx.out(f"\n--- {target} ping statistics ---\n{sent} packets transmitted, {received} received")
    ctx.out(f", +{duplicates} duplicates" if duplicates else "")
    ctx.out(f", +{errors} errors" if errors else "")
    ctx.out(f", {loss} packet loss, time {elapsed}ms\n")
    if times:
        average = sum(times) // received
        deviation = int((sum(t * t for t in times) / received - (sum(times) / received) ** 2) ** 0.5)
        ctx.out(
            f"rtt min/avg/max/mdev = {_ms(min(times))}/{_ms(average)}/{_ms(max(times))}/{_ms(deviation)} ms\n"
        )
        return 0
    if errors:
        ctx.out(f"pipe {min(sent, 4)}\n")
    return 1


# The kernel driver behind each platform's NIC, as networkctl status (udev's ID_NET_DRIVER) names it.
NET_DRIVERS = {"kvm": "virtio_net", "vmware": "vmxnet3", "oracle": "e1000", "microsoft": "hv_netvsc"}
NET_DRIVERS |= {"xen": "vif", "intel": "e1000e", "amd": "igb", "lxc": "veth", "docker": "veth"}


def _status_table(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in rows)
    lines = []
    for label, value in rows:
        lines.append(f"{label + ':' if label else '':>{width + 1}} {value}")
    return lines


def _networkctl_status(ctx: Context, names: list[str]) -> int:
    """networkctl status (systemd 255): the system's summary, or one link's details. The journal lines
    it appends are left out here."""
    from simulator.commands.devices import pci_devices

    machine = ctx.machine
    nics = machine.nics
    if not names:
        rows = [("State", "routable" if any(not n.get("down") for n in nics) else "carrier")]
        rows.append(("Online state", "online" if any(not n.get("down") for n in nics) else "offline"))
        up = [n for n in nics if not n.get("down")]
        addresses = [f"{a} on {n['name']}" for n in up for a in _networkd_ipv4(n)]
        addresses += [f"{link_local(n['mac']).split('/')[0]} on {n['name']}" for n in up]
        rows += [("Address" if i == 0 else "", a) for i, a in enumerate(addresses)]
        rows += [("Gateway", f"{n['gateway']} on {n['name']}") for n in nics if not n.get("down")][:1]
        rows += [("DNS", n["gateway"]) for n in nics if n["dhcp"] and not n.get("down")][:1]
        lines = _status_table(rows)  # the first column of the table holds the dot, on the first row only
        ctx.out("\n".join(["● " + lines[0], *("  " + line for line in lines[1:])]) + "\n")
        return 0
    status = 0
    for name in names:
        link = next((link for link in _interfaces(machine) if link["name"] == name), None)
        if link is None:
            ctx.err(f'Interface "{name}" not found.\n')
            status = 1
            continue
        ctx.out("\n".join(_link_status(machine, link, pci_devices(machine))) + "\n")
    return status


def _networkd_ipv4(nic: dict) -> list[str]:
    """The link's IPv4 addresses as networkctl 255 lists them, its own and those added by hand (foreign to
    networkd) alike: local_addresses() orders them by family, scope and then the address's bytes."""
    return sorted(
        (a.split("/")[0] for a in held_addresses(nic)), key=lambda a: ipaddress.ip_address(a).packed
    )


def _link_status(machine, link: dict, devices) -> list[str]:
    nic = link.get("nic")
    if nic is None:
        rows = [("Link File", "n/a"), ("Network File", "n/a"), ("State", "carrier (unmanaged)")]
        rows += [("Online state", "unknown"), ("Type", "loopback"), ("MTU", "65536"), ("QDisc", "noqueue")]
        rows += [("Address", "127.0.0.1"), ("", "::1")]
        return [f"● {link['index']}: lo", *("  " + line for line in _status_table(rows))]
    down = nic.get("down")
    key = machine.spec["platform"] if machine.kind != "metal" else machine.cpu.vendor
    card = next((d for d in devices if d.class_name in ("Ethernet controller",)), None)
    rows = [
        ("Link File", "/usr/lib/systemd/network/99-default.link"),
        ("Network File", f"/run/systemd/network/10-netplan-{nic.get('hwname', nic['name'])}.network"),
        ("State", "off (configured)" if down else "routable (configured)"),
        ("Online state", "offline" if down else "online"),
        ("Type", "ether"),
    ]
    if card:
        rows += [("Path", f"pci-0000:{card.slot}"), ("Driver", NET_DRIVERS.get(key, ""))]
        rows += [("Vendor", card.vendor), ("Model", card.device)]
    else:
        rows.append(("Driver", NET_DRIVERS.get(key, "")))
    rows += [("Hardware Address", nic["mac"]), ("MTU", f"{link['mtu']} (min: 68, max: 65535)")]
    rows += [("QDisc", link["qdisc"]), ("IPv6 Address Generation Mode", "eui64")]
    if not down:
        via = f" (DHCP4 via {nic['gateway']})" if nic["dhcp"] else ""
        held = [
            a + (via if a == nic["ipv4"] and not nic.get("unaddressed") else "") for a in _networkd_ipv4(nic)
        ]
        held.append(link_local(nic["mac"]).split("/")[0])
        rows += [("Address" if i == 0 else "", address) for i, address in enumerate(held)]
        rows += [("Gateway", nic["gateway"])]
        if nic["dhcp"]:
            rows.append(("DNS", nic["gateway"]))
    rows += [("Activation Policy", "up"), ("Required For Online", "yes")]
    return [f"● {link['index']}: {nic['name']}", *("  " + line for line in _status_table(rows))]
