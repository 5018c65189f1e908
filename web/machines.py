"""The virtualization manager panel of a lab whose machine is a KVM host: its guests, and buttons that run
on the host what an administrator would type (virsh, virt-clone), plus OVA export and import.

Each button is a lab action (lab_store.act): the world is saved as after a command, and the line runs as
root on the host in a shell of its own, so the terminal's history and state stay the learner's.
"""

import shlex

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for

from simulator import libvirt
from simulator.appliance import ApplianceError, export_domain, import_domain
from simulator.ovf import MAX_OVA_BYTES
from web import lab_store
from web.db import get_db
from web.labs import owned_lab, scenario_or_404
from web.render import is_partial, render
from web.security import csrf

bp = Blueprint("machines", __name__, url_prefix="/labs")

MAX_NAME = 64  # a new guest's name, as the forms ask for it
MAX_DOMAIN = 1024  # a guest's name the terminal may have given it, longer
# What an OVA download is sent as: VirtualBox registers *.ova as application/x-virtualbox-ova, and
# freedesktop's shared-mime-info lists that name as an alias of its application/ovf (a tar underneath).
OVA_TYPE = "application/x-virtualbox-ova"
# An upload is the OVA plus the form around it (boundaries, the token, the name): a little over 8 MiB.
MAX_UPLOAD = MAX_OVA_BYTES + 64 * 1024


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
    scenario, lab = _host_lab(scenario_id)

    def apply(world):
        before = world.grade()
        return _shown(line, world.run_as_root(line)), before

    (message, before), view = lab_store.act(get_db(), lab["id"], apply)
    return _respond(scenario, view, message, before)


def _respond(scenario, view, message: str, before: dict):
    if not is_partial():
        flash(message)
        return redirect(url_for("labs.show", scenario_id=scenario["id"], _anchor="machines"), 303)
    return render(
        "labs/lab.html",
        "labs/_machines_reply.html",
        scenario=scenario,
        world=view,
        grade=view.grade,
        grade_changed=view.grade != before,
        machines=view.machines,
        message=message,
        only_tasks=set(),
    )


def _domain_argument(name: str) -> str:
    """The domain as virsh's argument: after `--` when it looks like an option."""
    return f"-- {shlex.quote(name)}" if name.startswith("-") else shlex.quote(name)


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


@bp.post("/<scenario_id>/machines/clone")
def clone(scenario_id):
    """virt-clone as virt-manager runs it: a full copy, its disk named after it, a new random MAC."""
    source = _domain_field()
    name = request.form.get("name", "").strip()
    if not name or len(name) > MAX_NAME:
        _host_lab(scenario_id)
        return _refuse(scenario_id, f"Give the clone a name of 1 to {MAX_NAME} characters.")
    line = f"virt-clone --original {shlex.quote(source)} --name {shlex.quote(name)} --auto-clone"
    return _run(scenario_id, line)


def _refuse(scenario_id: str, message: str):
    """A form that could not be used: the status says why, nothing changed (422)."""
    if not is_partial():
        flash(message)
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor="machines"), 303)
    page = render("labs/lab.html", "labs/_machines_status.html", message=message)
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
    return Response(
        data,
        mimetype=OVA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.ova"'},
    )


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

    def apply(world):
        # A refusal raises out of the action: lab_store.act then saves nothing.
        before = world.grade()
        defined = import_domain(world.machine, data, name)
        return f"Domain '{defined}' defined from {upload.filename[:100]}", before

    try:
        (message, before), view = lab_store.act(get_db(), lab["id"], apply)
    except ApplianceError as error:
        return _refuse(scenario_id, str(error))
    return _respond(scenario, view, message, before)
