"""virsh, libvirt 10.0's shell (Ubuntu 24.04's libvirt-clients), over the domains of simulator/libvirt.py.

Which hypervisor virsh talks to: `-c URI`, else $LIBVIRT_DEFAULT_URI, else qemu:///system for root and
qemu:///session for anyone else (Ubuntu leaves uri_default commented out in /etc/libvirt/libvirt.conf).
The learner's session daemon holds no guests, so `virsh list --all` shows an empty table until `sudo virsh`
or `virsh -c qemu:///system`; the system socket (root:libvirt 0770) lets in members of group libvirt, which
libvirt-daemon-system's postinst gives every member of group sudo.

Every command's output ends with an empty line (vshCommandRun's vshPrintExtra "\\n"), which -q drops;
tables are vshTable's: a space before each cell, columns two spaces apart, a line of dashes under the
header. Messages are libvirt 10.0's (tools/virsh-domain.c, virsh-domain-monitor.c, virsh-network.c).
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree

from simulator import installer, lan, libvirt, libxml2, packages
from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.network import link_local
from simulator.filesystem import FsError

SOCKET = "/var/run/libvirt/libvirt-sock"
WELCOME = """\
Welcome to virsh, the virtualization interactive terminal.

Type:  'help' for help with commands
       'quit' to quit

"""
NOT_RUNNING = "Requested operation is not valid: domain is not running"


class VirshError(Exception):
    """A command failed: each line is printed as "error: LINE" (one vshError each), then the `detail`
    that libvirt's last message carried on further lines, as it is."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def table(header: list[str], rows: list[list[str]], quiet: bool = False) -> str:
    """vshTablePrint: every cell after a space, columns padded to their widest cell plus two spaces;
    -q drops the header and its dashes, and the header's widths with them."""
    counted = rows if quiet else [header, *rows]
    widths = [max((len(row[i]) for row in counted), default=0) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [f" {cell}" + " " * (widths[i] - len(cell) + 2) for i, cell in enumerate(row[:-1])]
        return "".join(cells) + f" {row[-1]}\n"

    body = "".join(line(row) for row in rows)
    return body if quiet else line(header) + "-" * sum(w + 3 for w in widths) + "\n" + body


class Connection:
    """The hypervisor a URI reaches: the host's system libvirtd, or the user's empty session daemon."""

    def __init__(self, host, uri: str):
        self.host = host
        self.system = uri == "qemu:///system"

    @property
    def domains(self) -> dict[str, dict]:
        return libvirt.domains(self.host) if self.system else {}

    def lookup(self, name: str) -> tuple[str, dict]:
        """virshLookupDomainBy: an id, then a UUID, then a name."""
        for domain_name, domain in self.domains.items():
            if name == str(domain["id"]) or name.lower() == domain["uuid"] or name == domain_name:
                return domain_name, domain
        raise VirshError(f"failed to get domain '{name}'")

    def guest(self, domain: dict):
        return self.host.network.machine(domain["machine"])


def connect(ctx: Context, uri: str | None) -> Connection:
    if uri is None:
        uri = ctx.env.get("LIBVIRT_DEFAULT_URI") or ("qemu:///system" if ctx.is_root else "qemu:///session")
    if uri not in ("qemu:///system", "qemu:///session"):
        raise VirshError(f"failed to connect to the hypervisor\nno connection driver available for {uri}")
    if not libvirt.runs_libvirtd(ctx.machine):
        socket = SOCKET if uri == "qemu:///system" else f"/run/user/{ctx.uid}/libvirt/libvirt-sock"
        raise VirshError(
            "failed to connect to the hypervisor\n"
            f"Failed to connect socket to '{socket}': No such file or directory"
        )
    if uri == "qemu:///system" and not ctx.is_root and ctx.user not in _libvirt_members(ctx.machine):
        raise VirshError(
            f"failed to connect to the hypervisor\nFailed to connect socket to '{SOCKET}': Permission denied"
        )
    return Connection(ctx.machine, uri)


def _libvirt_members(machine) -> list[str]:
    try:
        text = machine.fs.read("/etc/group")
    except FsError:
        return []
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) == 4 and fields[0] == "libvirt":
            return fields[3].split(",")
    return []


# Each command: its options that take no value, those that take one, and its positional options in order.
COMMANDS = {
    "list": ({"all", "inactive", "name", "state-running", "state-shutoff", "uuid"}, set(), []),
    "start": (set(), set(), ["domain"]),
    "shutdown": (set(), set(), ["domain"]),
    "destroy": (set(), set(), ["domain"]),
    "reboot": (set(), set(), ["domain"]),
    "undefine": ({"remove-all-storage", "nvram"}, set(), ["domain"]),
    "dominfo": (set(), set(), ["domain"]),
    "domstate": ({"reason"}, set(), ["domain"]),
    "domiflist": ({"inactive"}, set(), ["domain"]),
    "domifaddr": ({"full"}, {"interface", "source"}, ["domain"]),
    "domblklist": ({"inactive", "details"}, set(), ["domain"]),
    "dumpxml": ({"inactive", "security-info", "update-cpu", "migratable"}, set(), ["domain"]),
    "console": ({"force", "safe"}, {"devname"}, ["domain"]),
    "attach-disk": (
        {"persistent", "config", "live", "current"},
        {"driver", "subdriver", "targetbus", "mode", "cache", "type"},
        ["domain", "source", "target"],
    ),
    "detach-disk": ({"persistent", "config", "live", "current"}, set(), ["domain", "target"]),
    "metadata": ({"config", "live", "current", "remove"}, {"key", "set"}, ["domain", "uri"]),
    "net-list": ({"all", "inactive", "name"}, set(), []),
    "net-dhcp-leases": (set(), {"mac"}, ["network"]),
}


def _parse(name: str, args: list[str]) -> dict:
    flags, valued, positional = COMMANDS[name]
    found: dict = {}
    todo = list(positional)
    data_only = False  # after "--", every argument is data
    while args:
        arg = args.pop(0)
        if arg == "--" and not data_only:
            data_only = True
            continue
        if arg.startswith("--") and len(arg) > 2 and not data_only:
            key, _, value = arg[2:].partition("=")
            if key in flags and not value:
                found[key] = True
                continue
            if key in valued or key in positional:
                if not value:
                    if not args:
                        raise VirshError(f"expected syntax: --{key} <string>")
                    value = args.pop(0)
                found[key] = value
                if key in todo:
                    todo.remove(key)
                continue
            raise VirshError(f"command '{name}' doesn't support option --{key}")
        if not todo:
            raise VirshError(f"unexpected data '{arg}'")
        found[todo.pop(0)] = arg
    for key in todo:
        raise VirshError(f"command '{name}' requires <{key}> option")
    return found


@command(
    "virsh",
    man="""
NAME
       virsh - management user interface

SYNOPSIS
       virsh [-c URI] [-q] COMMAND [ARG]...

DESCRIPTION
       Manage libvirt's guest domains. Without -c, root talks to qemu:///system (the host's guests)
       and other users to their own qemu:///session, which holds none: use sudo virsh, or
       virsh -c qemu:///system as a member of group libvirt.

       list [--all] [--name] [--state-running|--state-shutoff]
       start, shutdown, reboot, destroy, undefine DOMAIN
       dominfo, domstate, domiflist, domblklist, dumpxml DOMAIN
       domifaddr DOMAIN [--source lease|arp|agent]   the guest's addresses (agent: from inside)
       console DOMAIN       attach the terminal to the guest's serial console (exit comes back)
       attach-disk DOMAIN SOURCE TARGET [--subdriver qcow2] [--persistent]
                            plug an image in as disk TARGET (vdb); without --subdriver it is read
                            as raw (libvirt never guesses a format)
       detach-disk DOMAIN TARGET
       metadata DOMAIN URI [--key KEY --set XML | --remove]   a custom metadata element
       net-list, net-dhcp-leases NETWORK
""",
)
def virsh(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    uri, quiet = None, False
    while args and args[0].startswith("-"):
        option = args.pop(0)
        if option in ("-c", "--connect"):
            if not args:
                ctx.err(f"virsh: option requires an argument -- '{option.lstrip('-')[0]}'\n")
                return 1
            uri = args.pop(0)
        elif option.startswith("--connect="):
            uri = option.split("=", 1)[1]
        elif option in ("-q", "--quiet"):
            quiet = True
        elif option in ("-v", "--version"):
            ctx.out("10.0.0\n")
            return 0
        elif option in ("-h", "--help"):  # the man page, as every tool's --help here (options.gnu)
            ctx.out(MAN_PAGES["virsh"])
            return 0
        else:
            ctx.err(
                f"virsh: unrecognized option '{option}'\n"
                if option.startswith("--")
                else f"virsh: invalid option -- '{option[1:2]}'\n"
            )
            ctx.err("error: unsupported configuration: Unknown option\n")
            return 1
    if not args:
        ctx.out(WELCOME)
        return 0
    name, args = args[0], args[1:]
    ctx.tick(len(args) + len(libvirt.domains(ctx.machine)))  # options read, domains looked at
    status = 0
    try:
        if name not in COMMANDS:
            raise VirshError(f"unknown command: '{name}'")
        options = _parse(name, args)
        options["quiet"] = quiet
        connection = connect(ctx, uri)
        RUN[name](ctx, connection, options)
        if name == "console":
            return 0
    except VirshError as error:
        ctx.err("".join(f"error: {line}\n" for line in str(error).splitlines()) + error.detail)
        status = 1
    if not quiet:
        ctx.out("\n")
    return status


def _list(ctx: Context, connection: Connection, options: dict) -> None:
    wanted = {"running"}
    if options.get("all"):
        wanted = {"running", "shut off"}
    if options.get("inactive"):
        wanted = {"shut off"}
    if options.get("state-running") or options.get("state-shutoff"):
        wanted = {
            s for s, key in (("running", "state-running"), ("shut off", "state-shutoff")) if options.get(key)
        }
    listed = libvirt.listed(connection.host) if connection.system else []
    found = [(name, d) for name, d in listed if d["state"] in wanted]
    if options.get("name") or options.get("uuid"):
        for name, domain in found:
            fields = [domain["uuid"]] if options.get("uuid") else []
            ctx.out(" ".join(fields + ([name] if options.get("name") else [])) + "\n")
        return
    rows = [[str(d["id"]) if d["id"] else "-", name, d["state"]] for name, d in found]
    ctx.out(table(["Id", "Name", "State"], rows, options["quiet"]))


def _domain(connection: Connection, options: dict) -> tuple[str, dict]:
    return connection.lookup(options["domain"])


def _start(ctx: Context, connection: Connection, options: dict) -> None:
    name, domain = _domain(connection, options)
    if domain["state"] == "running":
        raise VirshError(f"Domain '{name}' is already active")
    if not ctx.machine.fs.exists(domain["disk"]):
        raise VirshError(
            f"Failed to start domain '{name}'\n"
            f"Cannot access storage file '{domain['disk']}': No such file or directory"
        )
    if libvirt.is_template(domain):  # the host page's mark (a metadata element): GuestLab's refusal
        raise VirshError(
            f"Failed to start domain '{name}'\nRequested operation is not valid: "
            f"domain '{name}' is a template: deploy a guest from it instead"
        )
    if libvirt.holder(ctx.machine, domain["disk"]) is not None:
        raise VirshError(
            f"Failed to start domain '{name}'\ninternal error: qemu unexpectedly closed the monitor: "
            f'Failed to get "write" lock\nIs another process using the image [{domain["disk"]}]?'
        )
    libvirt.start(ctx.machine, name, connection.guest(domain))
    ctx.out(f"Domain '{name}' started\n")


def _stopper(verb: str, done: str, clean: bool):
    def stop(ctx: Context, connection: Connection, options: dict) -> None:
        name, domain = _domain(connection, options)
        if domain["state"] != "running":
            raise VirshError(f"Failed to {verb} domain '{name}'\n{NOT_RUNNING}")
        libvirt.stop(ctx.machine, name, clean)
        ctx.out(f"Domain '{name}' {done}\n")

    return stop


def _reboot(ctx: Context, connection: Connection, options: dict) -> None:
    name, domain = _domain(connection, options)
    if domain["state"] != "running":
        raise VirshError(f"Failed to reboot domain '{name}'\n{NOT_RUNNING}")
    if libvirt.installing(domain):  # the install-time definition: on_reboot=destroy
        libvirt.stop(ctx.machine, name, clean=False)
    elif libvirt.system_up(domain):
        connection.guest(domain).reboot()
    ctx.out(f"Domain '{name}' is being rebooted\n")


def _undefine(ctx: Context, connection: Connection, options: dict) -> None:
    """A running domain stays up, transient, until it stops; the disk stays unless asked."""
    name, domain = _domain(connection, options)
    if options.get("remove-all-storage") and ctx.machine.fs.exists(domain["disk"]):
        ctx.machine.fs.remove(domain["disk"])
        ctx.out(f"Domain '{name}' has been undefined\nVolume 'vda'({domain['disk']}) removed.\n")
    else:
        ctx.out(f"Domain '{name}' has been undefined\n")
    if domain["state"] == "running":
        domain["persistent"] = False
    else:
        libvirt.forget(ctx.machine, name)


def _dominfo(ctx: Context, connection: Connection, options: dict) -> None:
    name, domain = _domain(connection, options)
    running = domain["state"] == "running"
    lines = [
        ("Id:", str(domain["id"]) if running else "-"),
        ("Name:", name),
        ("UUID:", domain["uuid"]),
        ("OS Type:", "hvm"),
        ("State:", domain["state"]),
        ("CPU(s):", str(domain["vcpus"])),
    ]
    if running:
        lines.append(("CPU time:", f"{_cpu_seconds(ctx.machine, domain):.1f}s"))
    lines += [
        ("Max memory:", f"{domain['memory_kib']} KiB"),
        ("Used memory:", f"{domain['memory_kib']} KiB"),
        ("Persistent:", "yes" if domain["persistent"] else "no"),
        ("Autostart:", "disable"),
        ("Managed save:", "no"),
        ("Security model:", "apparmor"),
        ("Security DOI:", "0"),
    ]
    if running:
        lines.append(("Security label:", f"libvirt-{domain['uuid']} (enforcing)"))
    ctx.out("".join(f"{label:<15} {value}\n" for label, value in lines))


def _cpu_seconds(host, domain: dict) -> float:
    """A guest's CPU time: about 9 s to boot, then a little while idle."""
    return 9.2 * domain["vcpus"] / 2 + (host.clock - domain.get("started", host.clock)) * 0.04


def _domstate(ctx: Context, connection: Connection, options: dict) -> None:
    _, domain = _domain(connection, options)
    reason = {"running": "booted", "shut off": "shutdown"}[domain["state"]]
    ctx.out(f"{domain['state']} ({reason})\n" if options.get("reason") else f"{domain['state']}\n")


def _domiflist(ctx: Context, connection: Connection, options: dict) -> None:
    _, domain = _domain(connection, options)
    interface = f"vnet{domain['vnet']}" if domain["state"] == "running" else "-"
    model = "virtio" if domain.get("virtio", True) else "e1000e"  # as its XML's <model type=...>
    row = [interface, "network", domain["network"], model, domain["mac"]]
    ctx.out(table(["Interface", "Type", "Source", "Model", "MAC"], [row], options["quiet"]))


def _domifaddr(ctx: Context, connection: Connection, options: dict) -> None:
    """cmdDomIfAddr (libvirt 10.0): the addresses dnsmasq leased to the domain's MAC (lease), the host's
    neighbour table (arp, no prefix known), or what the guest agent reports from inside (agent: the
    guest's own interface names; needs the agent's virtio channel and qemu-guest-agent running)."""
    source = options.get("source") or "lease"
    if source not in ("lease", "agent", "arp"):
        raise VirshError(f"Unknown data source '{source}'")
    _, domain = _domain(connection, options)
    failed = "Failed to query for interfaces addresses"
    if domain["state"] != "running":
        raise VirshError(f"{failed}\n{NOT_RUNNING}")
    vnet, mac, rows = f"vnet{domain['vnet']}", domain["mac"], []
    if source == "lease":
        rows = [(vnet, mac, f"{lease['ip']}/{libvirt.NETWORK['prefix']}") for _, lease in _leases(ctx, mac)]
    elif source == "arp":
        entries = lan.entries(ctx.machine)
        rows = [(vnet, mac, f"{address}/0") for address, _, held, _ in entries if held and held == mac]
    else:
        guest = connection.guest(domain)
        if not domain.get("virtio", True):
            raise VirshError(f"{failed}\nargument unsupported: QEMU guest agent is not configured")
        if not libvirt.system_up(domain) or "qemu-guest-agent" not in packages.running_services(guest):
            raise VirshError("Guest agent is not responding: QEMU guest agent is not connected")
        rows = [("lo", "00:00:00:00:00:00", "127.0.0.1/8"), ("lo", "00:00:00:00:00:00", "::1/128")]
        for nic in guest.nics:
            own = [f"{nic['ipv4']}/{nic.get('prefix', 24)}"] if nic.get("ipv4") else []
            rows += [(nic["name"], nic["mac"], address) for address in [*own, link_local(nic["mac"])]]
    wanted = options.get("interface")
    lines, previous = [" Name       MAC address          Protocol     Address", "-" * 79], ""
    for name, shown_mac, address in rows:
        if wanted and name != wanted:
            continue
        protocol = "ipv6" if ":" in address.split("/")[0] else "ipv4"
        repeated = name == previous and not options.get("full")  # an interface's name shown once
        previous = name
        name, shown_mac = ("-", "-") if repeated else (name, shown_mac)
        lines.append(f" {name:<10} {shown_mac:<17}    {protocol:<12} {address}")
    ctx.out("\n".join(lines) + "\n")


def _leases(ctx: Context, mac: str) -> list[tuple[str, dict]]:
    return [(client, lease) for client, lease in libvirt.active_leases(ctx.machine) if lease["mac"] == mac]


def _domblklist(ctx: Context, connection: Connection, options: dict) -> None:
    _, domain = _domain(connection, options)
    boot = "vda" if domain.get("virtio", True) else "sda"
    disks = [(boot, domain["disk"])] + [(d["target"], d["source"]) for d in domain.get("attached", [])]
    if options.get("details"):
        rows = [["file", "disk", target, source] for target, source in disks]
        ctx.out(table(["Type", "Device", "Target", "Source"], rows, options["quiet"]))
    else:
        ctx.out(table(["Target", "Source"], [list(disk) for disk in disks], options["quiet"]))


def _dumpxml(ctx: Context, connection: Connection, options: dict) -> None:
    name, domain = _domain(connection, options)
    shown = dict(domain, state="shut off") if options.get("inactive") else domain
    ctx.out(libvirt.domain_xml(name, shown))


# the learner pressed no ^], so the terminal says why it is back on the host
BACK_AS_AFTER_ESCAPE = (
    "guestlab: nothing on {name}'s console waits for you to type: the terminal is back here.\n"
)


def _console(ctx: Context, connection: Connection, options: dict) -> None:
    name, domain = _domain(connection, options)
    if domain["state"] != "running":
        raise VirshError("The domain is not running")
    ctx.out(f"Connected to domain '{name}'\nEscape character is ^] (Ctrl + ])\n")
    if libvirt.installing(domain):  # the installer's screen so far; the terminal comes back as after ^]
        ctx.out(installer.console(ctx.machine, connection.guest(domain), domain))
        ctx.err(BACK_AS_AFTER_ESCAPE.format(name=name))
    elif domain.get("unbootable"):
        ctx.out(installer.NO_BOOT)
        ctx.err(BACK_AS_AFTER_ESCAPE.format(name=name))
    elif connection.guest(domain).stopped:  # halted: the domain runs, its serial console stays silent
        ctx.err(f"guestlab: {name} is halted, so nothing answers on its console: the terminal stays here.\n")
    else:
        ctx.effects["console"] = {"machine": domain["machine"], "domain": name}


TARGET = re.compile(r"vd[b-z]")


def _attach_disk(ctx: Context, connection: Connection, options: dict) -> None:
    """A virtio disk plugged into a running guest (and kept in its definition with --persistent/--config);
    QEMU's image locking refuses an image a running guest has open (libvirt 10.0, QEMU 8.2): file-posix's
    raw_check_lock_bytes fails, and its hint ("Is another process using the image") stays behind, as QMP's
    qmp_error_response sends only the error's text, which qemuMonitorJSONCheckErrorFull wraps. A qcow2
    node takes write access to its file as blockdev-add opens it (bdrv_default_perms_for_storage); a raw
    one only passes on what its device asks (raw_child_perm), so device_add meets the lock."""
    name, domain = _domain(connection, options)
    source, target = options["source"], options["target"]
    live = domain["state"] == "running"
    if not live and not (options.get("config") or options.get("persistent")):
        raise VirshError(f"Failed to attach disk\n{NOT_RUNNING}")
    if not ctx.machine.fs.is_file(source):
        raise VirshError(
            f"Failed to attach disk\nCannot access storage file '{source}': No such file or directory"
        )
    taken = {"vda" if domain.get("virtio", True) else "sda"} | {
        d["target"] for d in domain.get("attached", [])
    }
    if target in taken:
        raise VirshError(f"Failed to attach disk\noperation failed: target {target} already exists")
    if not TARGET.fullmatch(target):
        raise VirshError(
            f"Failed to attach disk\nunsupported configuration: disk target {target} is not valid"
        )
    driver_type = options.get("subdriver") or "raw"
    owner = libvirt.disk_owner(ctx.machine, source)
    if owner is not None and connection.domains[owner]["state"] == "running":
        qmp = "blockdev-add" if driver_type == "qcow2" else "device_add"
        raise VirshError(
            f"Failed to attach disk\ninternal error: unable to execute QEMU command '{qmp}': "
            'Failed to get "write" lock'
        )
    persistent = bool(options.get("config") or options.get("persistent"))
    libvirt.attach_disk(
        ctx.machine, domain, connection.guest(domain), source, target, persistent, driver_type
    )
    ctx.out("Disk attached successfully\n")


def _detach_disk(ctx: Context, connection: Connection, options: dict) -> None:
    name, domain = _domain(connection, options)
    if options["target"] not in {d["target"] for d in domain.get("attached", [])}:
        raise VirshError(
            f"Failed to detach disk\nNo disk found whose source path or target is {options['target']}"
        )
    libvirt.detach_disk(domain, connection.guest(domain), options["target"])
    ctx.out("Disk detached successfully\n")


def _metadata(ctx: Context, connection: Connection, options: dict) -> None:
    """A custom metadata element under a namespace URI (cmdMetadata): printed, set (libvirt prefixes it
    with --key) or removed. XML that is not well-formed is refused as virDomainDefSetMetadata's parse
    under the name "(metadata_xml)" reports it (libvirt 10.0, simulator/libxml2.py)."""
    _, domain = _domain(connection, options)
    uri, held = options["uri"], domain.get("metadata", {})
    if options.get("set") is not None:
        key = options.get("key")
        if not key:
            raise VirshError("namespace key is required when modifying metadata")
        fault = libxml2.error(options["set"], "(metadata_xml)")
        if fault is not None:
            first, _, rest = fault.partition("\n")
            raise VirshError(first, detail=rest + "\n")
        try:
            element = defusedxml.ElementTree.fromstring(options["set"])
        except (ET.ParseError, defusedxml.DefusedXmlException):
            raise VirshError(
                "guestlab: the metadata declares a DTD or entities, which it does not read"
            ) from None
        element.tag = element.tag.rsplit("}", 1)[-1]
        libvirt.set_metadata(domain, uri, key, element)
        ctx.out("Metadata modified\n")
        return
    if uri not in held:
        raise VirshError("metadata not found: Requested metadata element is not present")
    if options.get("remove"):
        del held[uri]
        if not held:
            del domain["metadata"]
        ctx.out("Metadata removed\n")
        return
    key = held[uri]["key"]
    ctx.out(
        held[uri]["xml"]
        .replace(f"xmlns:{key}=", "xmlns=")
        .replace(f"<{key}:", "<")
        .replace(f"</{key}:", "</")
        + "\n"
    )


def _net_list(ctx: Context, connection: Connection, options: dict) -> None:
    rows = [[libvirt.NETWORK["name"], "active", "yes", "yes"]] if connection.system else []
    if options.get("name"):
        ctx.out("".join(f"{row[0]}\n" for row in rows))
        return
    ctx.out(table(["Name", "State", "Autostart", "Persistent"], rows, options["quiet"]))


def _net_dhcp_leases(ctx: Context, connection: Connection, options: dict) -> None:
    network = options["network"]
    if not connection.system or network not in (libvirt.NETWORK["name"], libvirt.NETWORK["uuid"]):
        raise VirshError(
            f"failed to get network '{network}'\nNetwork not found: no network with matching name '{network}'"
        )
    rows = []
    leases = sorted(libvirt.active_leases(ctx.machine), key=lambda item: item[1]["mac"])
    for client, lease in leases:
        if options.get("mac") and options["mac"].lower() != lease["mac"]:
            continue
        expiry = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(lease["expiry"]))
        prefix = libvirt.NETWORK["prefix"]
        rows.append(
            [expiry, lease["mac"], "ipv4", f"{lease['ip']}/{prefix}", lease["hostname"] or "-", client]
        )
    ctx.out(
        table(
            ["Expiry Time", "MAC address", "Protocol", "IP address", "Hostname", "Client ID or DUID"],
            rows,
            options["quiet"],
        )
    )


RUN = {
    "list": _list,
    "start": _start,
    "shutdown": _stopper("shutdown", "is being shutdown", clean=True),
    "destroy": _stopper("destroy", "destroyed", clean=False),
    "reboot": _reboot,
    "undefine": _undefine,
    "dominfo": _dominfo,
    "domstate": _domstate,
    "domiflist": _domiflist,
    "domifaddr": _domifaddr,
    "domblklist": _domblklist,
    "dumpxml": _dumpxml,
    "console": _console,
    "attach-disk": _attach_disk,
    "detach-disk": _detach_disk,
    "metadata": _metadata,
    "net-list": _net_list,
    "net-dhcp-leases": _net_dhcp_leases,
}
