"""Checks of a KVM host's guests as a whole: a template made properly, and the guests deployed from it
colliding on nothing (host names, machine-ids, MACs, addresses, SSH host keys).

Each judges the state the host and its guests are in, whatever made it (the host page's buttons, virsh and
virt-clone in the terminal, virt-sysprep or a generalization by hand inside the guest), and says what it
looked at and what it found. Registered in simulator.checks' registry when simulator.checks loads.
"""

from __future__ import annotations

from simulator import libvirt
from simulator.checks import check
from simulator.filesystem import FsError
from simulator.keys import KEY_NAMES, MACHINE_ID, host_key_fingerprints


def _read(machine, path: str) -> str | None:
    try:
        return machine.fs.read(path).strip()
    except FsError:
        return None


def _guest(world, name: str):
    domain = libvirt.domains(world.machine).get(name)
    return (domain, world.machines.get(domain["machine"])) if domain else (None, None)


@check("template-made", "The guest is a template: it is shut off and is never started")
def template_made(world, params, answer):
    domain, _ = _guest(world, params["domain"])
    if domain is None:
        return False, f"virsh list --all on the host shows no domain {params['domain']}."
    if not libvirt.is_template(domain):
        return False, f"{params['domain']} is a guest ({domain['state']}), not a template yet."
    return True, f"{params['domain']} is a template."


@check("template-generalized", "The template holds no identity of its own: no machine-id, no SSH host keys")
def template_generalized(world, params, answer):
    domain, guest = _guest(world, params["domain"])
    if guest is None:
        return False, f"virsh list --all on the host shows no domain {params['domain']}."
    problems = []
    machine_id = _read(guest, "/etc/machine-id")
    if machine_id and machine_id != "uninitialized":  # empty, missing or "uninitialized": made at boot
        problems.append(f"/etc/machine-id still holds {machine_id}")
    dbus = _read(guest, "/var/lib/dbus/machine-id")
    own_file = guest.fs.resolve("/var/lib/dbus/machine-id") != "/etc/machine-id"  # not a symlink to it
    if dbus and MACHINE_ID.fullmatch(dbus) and own_file:
        problems.append(f"/var/lib/dbus/machine-id holds {dbus} (systemd would take it as the new id)")
    keys = sorted(name for name in guest.fs.listdir("/etc/ssh") if name.startswith("ssh_host_"))
    if keys:
        problems.append("/etc/ssh still holds " + ", ".join(keys))
    if problems:
        return False, "Looked inside the template's disk: " + "; ".join(problems) + "."
    return True, "Looked inside the template's disk: no machine-id, no D-Bus id, no SSH host keys."


def deployed(world, source: str) -> list[tuple[str, object]]:
    """(name, guest machine) of the running guests cloned from `source` (a template, or any guest), in
    `virsh list` order."""
    found = []
    for name, domain in libvirt.listed(world.machine):
        if domain.get("origin") == source and domain["state"] == "running":
            found.append((name, world.machines[domain["machine"]]))
    return found


def _enough(world, params) -> tuple[list, str]:
    """The guests to compare: those cloned from params["source"] (at least params["count"] running), and
    with params["include_source"] the source itself, running beside them."""
    source = params["source"]
    guests = deployed(world, source)
    count = params.get("count", 3)
    if len(guests) < count:
        names = ", ".join(name for name, _ in guests) or "none"
        wanted = f"{count} running guests" if count > 1 else "A running guest"
        return [], f"{wanted} cloned from {source} {'are' if count > 1 else 'is'} needed; found {names}."
    if params.get("include_source"):
        domain, machine = _guest(world, source)
        if domain is None or domain["state"] != "running":
            return [], f"{source} must be running beside its clones to compare them; it is not."
        guests = [(source, machine), *guests]
    return guests, ""


@check("deployed-guests", "Guests cloned from the template are running")
def deployed_guests(world, params, answer):
    guests, missing = _enough(world, params)
    if missing:
        return False, missing
    return True, f"Running, cloned from {params['source']}: {', '.join(name for name, _ in guests)}."


def _distinct(world, params, what: str, value) -> tuple[bool, str]:
    """Pass when every deployed guest has a value of its own (and one at all); say who shares what.
    `value(guest)` is one string, or a list of them (the fingerprints of its keys), empty when missing."""
    guests, missing = _enough(world, params)
    if missing:
        return False, missing
    seen: dict[str, list[str]] = {}
    problems = []
    for name, guest in guests:
        found = value(guest)
        if not found:
            problems.append(f"{name} has no {what}")
        for item in found if isinstance(found, list) else [found]:
            seen.setdefault(item, []).append(name)
    problems += [
        f"{' and '.join(names)} share {item}" for item, names in seen.items() if item and len(names) > 1
    ]
    if problems:
        return False, f"Looked at the {what} of each guest: " + "; ".join(problems) + "."
    return True, f"Looked at the {what} of {', '.join(name for name, _ in guests)}: each its own."


def _hostname(guest) -> str:
    static = _read(guest, "/etc/hostname") or ""
    return static if static == guest.hostname else ""  # a transient name only is not a host name


@check("distinct-hostnames", "Each guest has a host name of its own, now and after a reboot")
def distinct_hostnames(world, params, answer):
    return _distinct(world, params, "host name", _hostname)


@check("distinct-machine-ids", "Each guest has a machine-id of its own")
def distinct_machine_ids(world, params, answer):
    return _distinct(world, params, "machine-id", lambda guest: guest.machine_id())


@check("distinct-macs", "Each guest has a MAC address of its own")
def distinct_macs(world, params, answer):
    return _distinct(world, params, "MAC address", lambda guest: guest.nics[0]["mac"])


@check("distinct-addresses", "Each guest has an IP address of its own")
def distinct_addresses(world, params, answer):
    return _distinct(world, params, "IP address", lambda guest: guest.nics[0].get("ipv4", ""))


def _host_keys(guest) -> list[str]:
    keys = host_key_fingerprints(guest.fs)
    return [keys[kind] for kind in KEY_NAMES if kind in keys] if len(keys) == len(KEY_NAMES) else []


@check("distinct-host-keys", "Each guest has SSH host keys of its own, of every type")
def distinct_host_keys(world, params, answer):
    return _distinct(world, params, "SSH host keys", _host_keys)
