"""What installing or removing a package does to a machine, and the dpkg database that follows from it.

A machine's dpkg database is derived, never stored per file: the image's package set follows from the
machine's spec (`image_packages`), and the machine keeps only what apt or dpkg changed since
(`machine.package_changes`, name -> state). `install` and `remove` are the one way files, commands, services
and modules come and go, used alike when layout.py builds an image (`lay_down`) and when apt or dpkg run.
The catalog itself is archive.py.
"""

from __future__ import annotations

import functools

from simulator import cloudinit, manual, units
from simulator.archive import (
    ARCHIVE,
    BASE,
    COURSE,
    DATABASE_BASE,
    DOCKER_LACKS,
    EXTRA_SUGGESTIONS,
    GUEST_TOOLS,
    SERVICE_PLATFORMS,
    SOCKET_ACTIVATED,
    SOCKET_WANTS,
    SOURCES,
    STATIC_UNITS,
    TARGET_WANTS,
    UNIT_WANTS,
    Package,
    wants_link,
)
from simulator.filesystem import FsError, Node
from simulator.keys import KEY_LABELS, KEY_NAMES, fingerprint, key_bits, parse_key, ssh_keypair


def standard_image() -> set[str]:
    """The packages of the server and cloud images (what most machines share, so base_tree holds them)."""
    return {p.name for p in BASE} | COURSE


def image_packages(spec: dict) -> set[str]:
    """What a fresh image of this platform holds; a scenario adds more (`packages:`), as cpu-checker."""
    platform = spec.get("platform", "kvm")
    names = standard_image()
    if platform == "docker":
        names -= DOCKER_LACKS
    elif platform == "metal":
        names.discard("cloud-init")  # hosts installed from the server ISO: cloud-init disabled, then purged
    if platform in GUEST_TOOLS and spec.get("guest_tools", True):  # installed without them: absent
        names.add(GUEST_TOOLS[platform])
    if spec.get("cloud"):
        names.add("curl")  # Ubuntu's cloud images carry curl (the metadata service is read with it)
    for name in spec.get("packages", ()):
        names |= closure(name)
    return names


def closure(name: str) -> set[str]:
    """A package and every package it depends on, in the archive."""
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in found or current not in ARCHIVE:
            continue
        found.add(current)
        todo.extend(ARCHIVE[current].depends_names)
    return found


def status(machine) -> dict[str, str]:
    """dpkg's view: name -> "ii" (installed), "rc" (removed, conffiles left) or "pn" (purged)."""
    states = {name: "ii" for name in image_packages(machine.spec)}
    for name, state in machine.package_changes.items():
        states[name] = "ii" if state == "auto" else state
    return dict(sorted(states.items()))


def installed(machine) -> set[str]:
    return {name for name, state in status(machine).items() if state == "ii"}


def is_installed(machine, name: str) -> bool:
    state = machine.package_changes.get(name)
    if state is not None:
        return state in ("ii", "auto")
    return name in image_packages(machine.spec)


def running_services(machine) -> list[str]:
    """The services of the installed packages that run here: systemd runs none in an application container,
    a guest agent only on its own hypervisor, and none that systemctl stopped (simulator/units.py)."""
    if machine.spec["platform"] == "docker":
        return []
    return [
        unit
        for unit in installed_services(machine)
        if service_runs(machine, unit) and units.active(machine, unit)
    ]


def installed_services(machine) -> list[str]:
    return sorted(unit for name in installed(machine) if name in ARCHIVE for unit in ARCHIVE[name].services)


def service_runs(machine, unit: str) -> bool:
    """Whether an installed unit starts here: a guest agent only on its own hypervisor."""
    wanted = SERVICE_PLATFORMS.get(unit)
    return wanted is None or wanted == machine.spec["platform"]


def suggestions() -> dict[str, str]:
    """command -> package, for Ubuntu's command-not-found handler."""
    found = dict(EXTRA_SUGGESTIONS)
    for package in ARCHIVE.values():
        for program in package.programs:
            found.setdefault(program, package.name)
    return found


@functools.cache
def base_tree(with_modules: bool, module_paths: tuple[str, ...]) -> dict[str, Node]:
    """The shared files of the standard image's packages (and the kernel's module files).

    Never modify these nodes: filesystems hold copies.
    """
    from simulator.filesystem import FileSystem

    fs = FileSystem()
    for name in sorted(standard_image()):
        for path in ARCHIVE[name].shared_paths():
            fs.add_file(path, mode=_mode(path))
    for path in manual.shared_paths():
        fs.add_file(path)
    if with_modules:
        for path in module_paths:
            fs.add_file(path, mode=0o644)
    return {path: node for path, node in fs.nodes.items() if path != "/"}


def _mode(path: str) -> int:
    return 0o755 if path.startswith(("/usr/bin/", "/usr/sbin/", "/usr/lib/openssh/")) else 0o644


def lay_down(machine) -> None:
    """Make the base tree (the standard image's files) into this image: drop the files of the standard
    packages it lacks, add those of the packages it has besides, then run their first-boot effects."""
    fs = machine.fs
    fs.add_file(*SOURCES)
    wanted = image_packages(machine.spec)
    for name in sorted(standard_image() - wanted):
        for path in files(ARCHIVE[name]):
            if path in fs.nodes and not _shared(path, wanted):
                fs.discard(path)
    for name in sorted(wanted):
        if name in standard_image():  # the shared files are there; add this machine's own
            _unpack(machine, ARCHIVE[name])
            _enable(machine, ARCHIVE[name])
        else:
            install(machine, name)  # as apt would: files, then the postinst's effects
    if "cloud-init" in wanted and not machine.spec.get("cloud"):
        cloudinit.first_boot(machine)  # a cloud instance's first boot comes later, with its seed


def unpack_image_extras(machine) -> None:
    """The files of the image's packages beyond the standard set, where they are missing (a state saved
    before those packages' files were laid down)."""
    for name in sorted(image_packages(machine.spec) - standard_image()):
        _unpack(machine, ARCHIVE[name])


def _shared(path: str, names: set[str]) -> bool:
    return any(path in files(ARCHIVE[name]) for name in names if name in ARCHIVE)


def files(package: Package) -> list[str]:
    """What the package puts on disk: its paths in the archive and the manual pages it brings."""
    return [*package.paths(), *manual.package_paths(package.name)]


def program_path(name: str) -> str | None:
    """Where the archive installs a program (/usr/bin or /usr/sbin), whether or not it is installed here."""
    return next((p.programs[name] for p in ARCHIVE.values() if name in p.programs), None)


def _unpack(machine, package: Package) -> None:
    fs = machine.fs
    contents = dict(package.conffiles + package.configs)
    for path in files(package):
        if path in contents:
            if not fs.lexists(path):
                fs.add_file(path, contents[path])
        elif not fs.lexists(path):
            fs.add_file(path, _unit_text(package, path), mode=_mode(path))


def _unit_text(package: Package, path: str) -> str:
    if path.startswith("/usr/lib/systemd/system/") and path.endswith(".service"):
        return f"[Unit]\nDescription={package.summary}\n\n[Install]\nWantedBy=multi-user.target\n"
    return ""


def install(machine, name: str, auto: bool = False) -> list[str]:
    """Unpack and configure one package (its dependencies already installed); what its postinst prints."""
    package = ARCHIVE[name]
    _unpack(machine, package)
    machine.package_changes[name] = "auto" if auto else "ii"
    if name in image_packages(machine.spec) and not auto:
        del machine.package_changes[name]
    lines = []
    if name == "openssh-server":
        lines += create_host_keys(machine)
    if name == "libvirt-daemon-system":
        _add_libvirt_group(machine)
    lines += _enable(machine, package)
    if machine.kind != "container":
        for module in package.modules:
            if module not in machine.modules:
                machine.load_with_dependencies(module)
    return lines


def _add_libvirt_group(machine) -> None:
    """Ubuntu's libvirt-daemon-system postinst: a system group libvirt (the system socket's group),
    with every member of group sudo in it (addgroup --system takes the first free gid from 100)."""
    try:
        text = machine.fs.read("/etc/group")
    except FsError:
        return
    entries = [line.split(":") for line in text.splitlines()]
    if any(fields[0] == "libvirt" for fields in entries):
        return
    used = {int(fields[2]) for fields in entries if len(fields) == 4 and fields[2].isdigit()}
    gid = next(n for n in range(100, 1000) if n not in used)
    sudoers = next((fields[3] for fields in entries if len(fields) == 4 and fields[0] == "sudo"), "")
    machine.fs.write("/etc/group", f"libvirt:x:{gid}:{sudoers}\n", append=True)


def _enable(machine, package: Package) -> list[str]:
    """deb-systemd-helper enable: the unit's link in multi-user.target.wants, whatever it finds at start."""
    lines = []
    for unit in package.services:
        name = SOCKET_ACTIVATED.get(unit, f"{unit}.service")
        link = wants_link(unit)
        if unit not in STATIC_UNITS and not machine.fs.lexists(link):
            target = f"/usr/lib/systemd/system/{name}"
            machine.fs.add_symlink(link, target)
            lines.append(f"Created symlink {link} \u2192 {target}.")
    return lines


def boot_modules(machine) -> list[str]:
    """The modules the installed packages' services load when they start at boot."""
    return [m for n in sorted(installed(machine)) if n in ARCHIVE for m in ARCHIVE[n].modules]


def remove(machine, name: str, purge: bool = False) -> None:
    """Remove a package's files (and, with `purge`, its conffiles)."""
    package = ARCHIVE[name]
    fs = machine.fs
    keep = dict(package.conffiles + package.configs) if not purge else {}
    others = installed(machine) - {name}
    for path in files(package):
        if path not in keep and path in fs.nodes and not _shared(path, others):
            fs.discard(path)
    # dpkg purges at once what leaves nothing behind: no conffiles and no postrm (units bring one)
    state = "pn" if purge or not (package.conffiles or package.configs or package.services) else "rc"
    machine.package_changes[name] = state
    if purge:
        purge_config(machine, name)


def purge_config(machine, name: str) -> None:
    """dpkg --purge of a removed package: its conffiles go, and dpkg keeps only the name. openssh-server's
    postrm also deletes the host keys its postinst made (so a purge and a new install give new keys)."""
    for path, _ in ARCHIVE[name].conffiles + ARCHIVE[name].configs:
        machine.fs.discard(path)
    for unit in ARCHIVE[name].services:  # deb-systemd-helper purge: the enablement links go too
        machine.fs.discard(f"{TARGET_WANTS.get(unit, UNIT_WANTS)}/{unit}.service")
        if unit in SOCKET_ACTIVATED:
            machine.fs.discard(f"{SOCKET_WANTS}/{SOCKET_ACTIVATED[unit]}")
    if name == "openssh-server":
        for kind in KEY_NAMES:
            machine.fs.discard(f"/etc/ssh/ssh_host_{kind}_key")
            machine.fs.discard(f"/etc/ssh/ssh_host_{kind}_key.pub")
    machine.package_changes[name] = "pn"


def create_host_keys(machine) -> list[str]:
    """openssh-server's postinst (create_keys): each missing host key, announced and fingerprinted."""
    fs = machine.fs
    lines = []
    for kind in KEY_NAMES:
        path = f"/etc/ssh/ssh_host_{kind}_key"
        if fs.lexists(path):
            continue
        private, public = ssh_keypair(machine.rng(), kind, f"root@{machine.hostname}")
        fs.add_file(path, private, mode=0o600)
        fs.add_file(f"{path}.pub", public, mode=0o644)
        blob, comment, key_type = parse_key(public)
        lines.append(f"Creating SSH2 {kind.upper()} key; this may take some time ...")
        lines.append(f"{key_bits(blob)} {fingerprint(blob)} {comment} ({KEY_LABELS[key_type]})")
    return lines


def database_size(machine) -> int:
    """The count in "(Reading database ... N files and directories currently installed.)"."""
    return DATABASE_BASE + sum(len(ARCHIVE[n].listing()) - 1 for n in installed(machine) if n in ARCHIVE)
