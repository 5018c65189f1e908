"""The virtualization manager panel of a lab whose machine is a KVM host: its guests, and buttons that run
on the host what an administrator would type (virsh, virt-clone), plus OVA export and import.

Each button is a lab action (lab_store.act): the world is saved as after a command, and the line runs as
root on the host in a shell of its own, so the terminal's history and state stay the learner's.
"""

import posixpath
import shlex

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for

from simulator import installer, libvirt
from simulator.appliance import MAC_POLICIES, ApplianceError, export_domain, import_domain
from simulator.ovf import MAX_OVA_BYTES, NAME_BYTES, NAME_MAX
from web import lab_store
from web.db import get_db
from web.downloads import attachment
from web.labs import owned_lab, scenario_or_404
from web.render import is_partial, render
from web.security import csrf

bp = Blueprint("machines", __name__, url_prefix="/labs")

MAX_NAME = NAME_MAX  # a new guest's name, as the forms ask for it: the rule an OVA's VM name follows
MAX_DOMAIN = 1024  # a guest's name the terminal may have given it, longer
# What an OVA download is sent as: VirtualBox registers *.ova as application/x-virtualbox-ova, and
# freedesktop's shared-mime-info lists that name as an alias of its application/ovf (a tar underneath).
OVA_TYPE = "application/x-virtualbox-ova"
# How far the host's clock moves each time the panel, following an install, asks again (every 2 s): the
# simulated installer's 300 s take some 20 s to watch. Tests may set INSTALL_POLL_SECONDS to go faster.
POLL_SECONDS = 30
# An upload is the OVA plus the form around it (boundaries, the token, the name): a little over 8 MiB.
MAX_UPLOAD = MAX_OVA_BYTES + 64 * 1024
TOO_LARGE = (
    "This would make the lab's machines larger than 512 KiB: delete a guest first "
    "(Delete… in its row, or sudo virsh undefine NAME --remove-all-storage)."
)


def _host_lab(scenario_id: str) -> tuple[dict, dict]:
    """The scenario and the owner's lab, for a scenario whose machine hosts KVM guests (else 404)."""
    scenario = scenario_or_404(scenario_id)
    if not scenario.get("guests"):
        abort(404)
    return scenario, owned_lab(scenario_id)


def _domain_field() -> str:
    name = request.form.get("domain", "")
    if not name or len(name) > MAX_DOMAIN:
        abort(404)
    return name


def _shown(line: str, result) -> str:
    """What the panel's status says: the line root ran, then its output as a terminal leaves it (a progress
    meter's carriage returns resolved, the empty line virsh ends with dropped)."""
    output = "".join(text for _, text in result.chunks)  # as written: stdout and stderr interleaved
    lines = [text.rsplit("\r", 1)[-1] for text in output.split("\n")]
    return "\n".join([f"# {line}", *lines]).rstrip()


def _run(scenario_id: str, line: str):
    return _act(scenario_id, lambda world: [line])


def _respond(scenario, view, message: str, refused: bool = False):
    """The panel's reply to an action: `view` comes from lab_store.act with grade_before."""
    if not is_partial():
        flash(message)
        return redirect(url_for("labs.show", scenario_id=scenario["id"], _anchor="machines"), 303)
    return render(
        "labs/lab.html",
        "labs/_machines_reply.html",
        scenario=scenario,
        world=view,
        grade=view.grade,
        grade_changed=view.grade != view.grade_before,
        machines=view.machines,
        message=message,
        refused=refused,
        only_tasks=set(),
    )


def _domain_argument(name: str) -> str:
    """The domain as virsh's argument: after `--` when it looks like an option."""
    return f"-- {shlex.quote(name)}" if name.startswith("-") else shlex.quote(name)


def _named(option: str, name: str) -> str:
    """An option and a guest's name for virt-clone or virt-install (argparse): joined by `=` when the name
    looks like an option, which argparse would not take as the value."""
    return f"{option}={shlex.quote(name)}" if name.startswith("-") else f"{option} {shlex.quote(name)}"


@bp.get("/<scenario_id>/machines")
def panel(scenario_id):
    scenario, lab = _host_lab(scenario_id)
    if not is_partial():
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor="machines"), 303)
    return render(
        "labs/lab.html",
        "labs/_machine_list.html",
        machines=libvirt.overview(lab_store.load_world(lab).machine),
        scenario=scenario,
    )


@bp.post("/<scenario_id>/machines/start")
def start(scenario_id):
    return _run(scenario_id, f"virsh start {_domain_argument(_domain_field())}")


@bp.post("/<scenario_id>/machines/shutdown")
def shutdown(scenario_id):
    return _run(scenario_id, f"virsh shutdown {_domain_argument(_domain_field())}")


class Refused(Exception):
    """A form the world cannot take as it stands: its message says why; nothing is saved."""


def _terminal_free(world) -> None:
    """The panel waits while a program in the terminal waits for an answer (lab_store.terminal_busy)."""
    busy = lab_store.terminal_busy(world)
    if busy:
        raise Refused(busy)


def _name_field(world, field: str = "name") -> str:
    """A new guest's name: ovf.name_problem's rule, so that every guest made here can be exported (1 to 64
    characters, no '/' as libvirt refuses it, no control character), neither a guest's name nor that of an
    image already in the images directory (a linked clone's overlay must not overwrite it)."""
    name = request.form.get(field, "").strip()
    if not name or len(name) > MAX_NAME:
        raise Refused(f"Give the new guest a name of 1 to {MAX_NAME} characters.")
    if "/" in name:
        raise Refused("A guest's name cannot contain '/'.")
    if not name.isprintable():  # a newline libvirt refuses; a NUL or a bidi control no terminal shows
        raise Refused("A guest's name cannot contain control characters (a newline, a tab...).")
    if len(name.encode()) > NAME_BYTES:  # its OVA's NAME-disk1.vmdk must fit a tar header's 100 bytes
        raise Refused(
            f"A guest's name takes at most {NAME_BYTES} bytes in UTF-8 (fewer characters when they are "
            "not ASCII), so that it can be exported as an OVA."
        )
    if name in libvirt.domains(world.machine):
        raise Refused(f"A guest named {name} exists already: choose another name.")
    if world.machine.fs.exists(f"{libvirt.IMAGES}/{name}.qcow2"):
        raise Refused(f"{libvirt.IMAGES}/{name}.qcow2 exists already: choose another name.")
    return name


def _choice(field: str, allowed: tuple[str, ...], label: str) -> str:
    value = request.form.get(field, allowed[0])
    if value not in allowed:
        raise Refused(f"{label}: choose one of {', '.join(allowed)}.")
    return value


def _number(field: str, low: int, high: int, label: str) -> int:
    text = request.form.get(field, "").strip()
    if not text.isdecimal() or not low <= int(text) <= high:
        raise Refused(f"{label}: give a whole number from {low} to {high}.")
    return int(text)


def _existing(world, name: str) -> dict:
    domain = libvirt.domains(world.machine).get(name)
    if domain is None:
        abort(404)
    return domain


def _clone_lines(world, source: str, name: str, kind: str, mac: str) -> list[str]:
    """What virt-clone is told, as virt-manager and VirtualBox offer it: a full copy of the disk or a
    linked clone (a qcow2 overlay whose backing file is the source's disk), the MAC new or kept."""
    domain = _existing(world, source)
    mac_options = f" --mac {domain['mac']} --check mac_in_use=off" if mac == "keep" else ""
    virt_clone = f"virt-clone {_named('--original', source)} {_named('--name', name)}"
    if kind == "full":
        return [f"{virt_clone} --auto-clone{mac_options}"]
    if domain["state"] != "shut off":
        raise Refused(
            f"{source} is running: shut it down first (a linked clone's backing file must not change)."
        )
    overlay = shlex.quote(f"{libvirt.IMAGES}/{name}.qcow2")
    return [
        f"qemu-img create -f qcow2 -F qcow2 -b {shlex.quote(domain['disk'])} {overlay}",
        f"{virt_clone} --file {overlay} --preserve-data{mac_options}",
    ]


def _act(scenario_id: str, plan, done: str = "", then=None):
    """Run a form's lines as root on the host, one after the other while they succeed; `plan(world)`
    returns them, or raises Refused before anything is changed. `done` ends the status, and `then(world)`
    follows when every line succeeded."""
    scenario, lab = _host_lab(scenario_id)

    def apply(world):
        _terminal_free(world)
        listed = _listing(world)
        shown, succeeded = [], True
        for line in plan(world):
            result = world.run_as_root(line)
            shown.append(_shown(line, result))
            if result.status != 0:
                succeeded = False
                break
        if succeeded and then is not None:
            then(world)
        if not lab_store.fits(world):
            raise Refused(TOO_LARGE)
        message = "\n".join([*shown, done] if done and succeeded else shown)
        if not succeeded and _listing(world) == listed:
            raise Refused(message)  # refused by the tool itself: its words, and the lab kept as it was
        return message, succeeded

    try:
        (message, succeeded), view = lab_store.act(get_db(), lab, apply, grade_before=True)
    except Refused as refusal:
        return _refuse(scenario_id, str(refusal))
    return _respond(scenario, view, message, refused=not succeeded)


def _listing(world) -> list[dict]:
    """The guest list as a refusal could change it: an install's progress moves with the clock anyway."""
    return [{**guest, "installing": None} for guest in libvirt.overview(world.machine)]


@bp.post("/<scenario_id>/machines/clone")
def clone(scenario_id):
    """virt-clone as virt-manager runs it: full or linked, the MAC generated (virt-clone's default) or the
    source's kept, as VirtualBox offers."""
    source = _domain_field()

    def plan(world):
        name = _name_field(world)
        kind = _choice("kind", ("full", "linked"), "Clone")
        mac = _choice("mac", ("generate", "keep"), "MAC address")
        return _clone_lines(world, source, name, kind, mac)

    return _act(scenario_id, plan)


@bp.post("/<scenario_id>/machines/template")
def template(scenario_id):
    """Make a shut off guest a template: libvirt has no such thing, so the manager marks the domain with a
    metadata element of its own (virsh metadata), and from then on deploys guests from it, never starts it."""
    name = _domain_field()

    def plan(world):
        domain = _existing(world, name)
        if libvirt.is_template(domain):
            raise Refused(f"{name} is a template already.")
        if domain["state"] != "shut off":
            raise Refused(f"{name} is running: shut it down before making it a template.")
        mark = f"virsh metadata {_domain_argument(name)} {libvirt.TEMPLATE_URI} --key {libvirt.TEMPLATE_KEY}"
        return [f"{mark} --set '<template/>' --config"]

    return _act(scenario_id, plan, f"{name} is a template now: it will not start; deploy guests from it.")


@bp.post("/<scenario_id>/machines/delete")
def delete(scenario_id):
    """virt-manager's Delete with its storage: the domain undefined and its disk removed. A running guest
    must be shut down first; a disk that backs a linked clone stays until the clone is gone."""
    name = _domain_field()

    def plan(world):
        domain = _existing(world, name)
        if domain["state"] != "shut off":
            raise Refused(f"{name} is running: shut it down before deleting it.")
        for other, other_domain in libvirt.domains(world.machine).items():
            backing = libvirt.backing_of(world.machine, other_domain)  # as written: maybe relative
            actual = posixpath.normpath(posixpath.join(posixpath.dirname(other_domain["disk"]), backing))
            if backing and actual == domain["disk"]:
                raise Refused(
                    f"{name}'s disk is the backing file of {other}, a linked clone: delete it first."
                )
        return [f"virsh undefine {_domain_argument(name)} --remove-all-storage"]

    return _act(scenario_id, plan)


@bp.post("/<scenario_id>/machines/deploy")
def deploy(scenario_id):
    """A new guest from a template: a clone of it (full or linked, with a MAC of its own), without the
    template's mark that virt-clone copied with the rest of its XML, started."""
    source = _domain_field()

    def plan(world):
        if not libvirt.is_template(_existing(world, source)):
            raise Refused(f"{source} is not a template: convert it first, or clone it.")
        name = _name_field(world)
        kind = _choice("kind", ("full", "linked"), "Clone")
        unmark = f"virsh metadata {_domain_argument(name)} {libvirt.TEMPLATE_URI} --remove --config"
        return [
            *_clone_lines(world, source, name, kind, "generate"),
            unmark,
            f"virsh start {_domain_argument(name)}",
        ]

    return _act(scenario_id, plan)


@bp.post("/<scenario_id>/machines/create")
def create(scenario_id):
    """virt-install from an ISO of the images directory, as virt-manager's New VM wizard runs it; with the
    guest drivers and tools the OS is named (libosinfo: virtio devices, the guest agent's channel), without
    them it is "generic" (emulated devices). Like virt-manager, the panel does not wait: it follows the
    install (see progress) and starts the guest again from its disk once the installer has finished."""

    def plan(world):
        name = _name_field(world)
        vcpus = _number("vcpus", 1, world.machine.spec["cpus"] * 4, "vCPUs")
        memory = _number("memory", 512, world.machine.spec["memory_mb"] // 2, "Memory (MiB)")
        disk = _number("disk", 4, 200, "Disk (GiB)")
        network = _choice("network", (libvirt.NETWORK["name"],), "Network")
        medium = request.form.get("medium", "")
        if medium not in libvirt.media(world.machine):
            raise Refused(f"Install medium: choose one of the ISO images in {libvirt.IMAGES}.")
        os_name = "ubuntu24.04" if request.form.get("drivers") else "generic"
        return [
            f"virt-install {_named('--name', name)} --vcpus {vcpus} --memory {memory} --disk size={disk} "
            f"--network network={network} --cdrom {shlex.quote(medium)} --os-variant {os_name} "
            "--noautoconsole"
        ]

    def follow(world):
        installer.watch(world.machine, request.form["name"].strip())

    done = "The installer runs: this panel follows it, then starts the guest from its disk."
    return _act(scenario_id, plan, done, then=follow)


@bp.post("/<scenario_id>/machines/progress")
def progress(scenario_id):
    """Time passes while the panel follows an install: the host's clock moves on, and the installs whose
    time has come end. Answers with the progress, the guest list with it once an install has ended."""
    scenario, lab = _host_lab(scenario_id)
    seconds = current_app.config.get("INSTALL_POLL_SECONDS", POLL_SECONDS)

    def wait(world):
        if not any(libvirt.installing(domain) for domain in libvirt.domains(world.machine).values()):
            return []  # a page left open after the install: nothing to wait for
        if lab_store.terminal_busy(world):
            return []  # the clock stands still while the terminal waits for an answer (dialogue.py)
        world.machine.tick(seconds)
        return world.advance()

    finished, view = lab_store.act(get_db(), lab, wait)
    if not is_partial():
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor="machines"), 303)
    news = [_finished(guest) for guest in view.machines if guest["name"] in finished]
    titles = install_titles(view.machines)
    if titles != request.form.get("announced", ""):
        news.append(titles)
    return render(
        "labs/lab.html",
        "labs/_machine_progress.html",
        scenario=scenario,
        machines=view.machines,
        finished=finished,
        news=" ".join(text for text in news if text),
    )


def _finished(guest: dict) -> str:
    if guest["state"] == "running":
        return f"{guest['name']}: Installation complete! It runs from its disk now."
    return f"{guest['name']}: Installation complete! The installer powered it off: start it."


@bp.app_template_filter("install_titles")
def install_titles(machines: list[dict]) -> str:
    """What the panel announces of the installs under way: each one's installer screen title. The poll
    sends back what was last announced, so that a title is announced once, not at every poll."""
    return "; ".join(f"{g['name']}: {g['installing']['title']}." for g in machines if g["installing"])


def _refuse(scenario_id: str, message: str):
    """A form that could not be used: the status says why, at once (an alert: the focus stays on the form
    the learner used, where they were), nothing changed (422)."""
    if not is_partial():
        flash(message)
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor="machines"), 303)
    page = render("labs/lab.html", "labs/_machines_status.html", message=message, refused=True)
    return page, 422, {"HX-Retarget": "#machines-status", "HX-Reswap": "innerHTML"}


@bp.get("/<scenario_id>/machines/export")
def export(scenario_id):
    """NAME.ova of a shut off guest, built from its domain; only the lab's owner reaches it."""
    _, lab = _host_lab(scenario_id)
    name = request.args.get("domain", "")
    world = lab_store.load_world(lab)
    if name not in libvirt.domains(world.machine):
        abort(404)
    try:
        data = export_domain(world.machine, name)
    except ApplianceError as error:
        return _refuse(scenario_id, str(error))
    return attachment(data, OVA_TYPE, f"{name}.ova")


@bp.post("/<scenario_id>/machines/import")
@csrf.exempt
def import_ova(scenario_id):
    """Define a shut off guest from an uploaded OVA. The body may be larger than the site's usual 1 MiB, so
    the limit is raised here, before CSRF protection reads the form."""
    request.max_content_length = MAX_UPLOAD
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    scenario, lab = _host_lab(scenario_id)
    upload = request.files.get("ova")
    if upload is None or not upload.filename:
        return _refuse(scenario_id, "Choose an .ova file to import.")
    data = upload.stream.read(MAX_OVA_BYTES + 1)
    name = request.form.get("name", "").strip()[: MAX_NAME + 1]
    mac = request.form.get("mac", "keep")
    if mac not in MAC_POLICIES:
        return _refuse(scenario_id, f"MAC address: choose one of {', '.join(MAC_POLICIES)}.")

    def apply(world):
        # A refusal raises out of the action: lab_store.act then saves nothing.
        _terminal_free(world)
        imported = import_domain(world.machine, data, name, mac)
        if not lab_store.fits(world):
            raise ApplianceError(TOO_LARGE)
        return imported.message(upload.filename[:100])

    try:
        message, view = lab_store.act(get_db(), lab, apply, grade_before=True)
    except (ApplianceError, Refused) as error:
        return _refuse(scenario_id, str(error))
    return _respond(scenario, view, message)
