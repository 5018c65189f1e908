"""Cloud: the IaaS console over the learner's own cloud (simulator/cloud), kept in their `cloud-lab` lab.

Every page reads the cloud from the owner's lab, so a learner only ever reaches their own; every change is
a lab action (lab_store.act): the cloud and its machines are saved with the lab, and an action the model
refuses (CloudError) saves nothing and comes back as a 422 with the form, its values and the reason.
"""

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from markupsafe import escape

from simulator.cloud import API_STATUS, Cloud, CloudError, balancing, objects, scaling
from simulator.cloud.firewall import describe
from simulator.scenarios import list_scenarios
from web import lab_store
from web.auth import current_owner
from web.db import get_db
from web.downloads import attachment
from web.labs import scenario_or_404
from web.render import is_partial, render

bp = Blueprint("cloud", __name__, url_prefix="/cloud")

CLOUD_SCENARIO = "cloud-lab"
SECTIONS = {
    "instances": "Instances",
    "volumes": "Volumes",
    "networks": "Networks",
    "security-groups": "Security groups",
    "floating-ips": "Floating IPs",
    "key-pairs": "Key pairs",
    "images": "Images",
    "object-storage": "Object storage",
    "load-balancers": "Load balancers",
    "autoscaling": "Autoscaling",
}
MAX_FIELD = 4096  # a name, CIDR or key: longer is refused by the model with its own message
MAX_USER_DATA = 32 * 1024  # the model refuses over 16 KiB with a clear message; this bounds the request
QUOTA_LABELS = {
    "cores": "vCPUs",
    "ram": "RAM (MB)",
    "gigabytes": "Volume storage (GB)",
    "key_pairs": "Key pairs",
    "floating_ips": "Floating IPs",
    "security_group_rules": "Security group rules",
    "images": "Images you made",
}
TOO_LARGE = (
    "Your cloud would outgrow the 512 KiB a lab keeps: delete an instance, an image you made or some objects "
    "first."
)
POLL_SECONDS = 5  # how far the cloud's clock moves each time a page waiting on a transition asks again


@bp.app_template_filter("rule_text")
def rule_text(rule: dict) -> str:
    return describe(rule)


@bp.app_template_filter("api_status")
def api_status(status: str) -> str:
    return API_STATUS.get(status, status.upper())


def _available() -> bool:
    return any(s["id"] == CLOUD_SCENARIO for s in list_scenarios())


def _lab() -> dict | None:
    return lab_store.find_lab(get_db(), g.user.id, CLOUD_SCENARIO) if g.user else None


def _owned_lab() -> dict:
    lab = _lab()
    if lab is None:
        abort(404)
    return lab


def _cloud_of(world) -> Cloud:
    """The world's cloud, made on first use when its scenario did not make one."""
    if world.cloud is None:
        world.cloud = Cloud.new(world)
    return world.cloud


def _field(name: str, limit: int = MAX_FIELD) -> str:
    return request.form.get(name, "")[:limit]


@bp.get("/")
def index():
    if not _available():
        return render(
            "coming.html",
            "_coming.html",
            title="Cloud",
            blurb="An IaaS console: instances, images, block storage, networking and cloud-init.",
        )
    lab = _lab()
    if lab is None or lab_store.load_world(lab).cloud is None:
        return render("cloud/intro.html", "cloud/_intro.html")
    return _page("overview")


@bp.post("/start")
def start():
    """Open the learner's cloud: their cloud-lab lab, made on first start, with its cloud."""
    scenario_or_404(CLOUD_SCENARIO)
    owner = current_owner()
    lab = lab_store.start_lab(get_db(), owner.id, CLOUD_SCENARIO)
    lab_store.act(get_db(), lab, _cloud_of)
    return redirect(url_for("cloud.section", name="instances"), 303)


def _context(world, section: str) -> dict:
    cloud = world.cloud
    images = cloud.images()
    return {
        "section": section,
        "sections": SECTIONS,
        "quota": cloud.quota(),
        "quota_labels": QUOTA_LABELS,
        "instances": cloud.list("instances"),
        "volumes": cloud.list("volumes"),
        "snapshots": cloud.list("snapshots"),
        "networks": cloud.list("networks"),
        "subnets": cloud.state["subnets"],
        "security_groups": cloud.list("security_groups"),
        "floating_ips": cloud.list("floating_ips"),
        "keypairs": cloud.list("keypairs"),
        "images": images,
        "flavors": cloud.flavors(),
        "pending": any(i.get("until") is not None for i in cloud.list("instances")),
        "options": _options(cloud, images),
        "buckets": objects.buckets(cloud),
        "object_url": lambda bucket, key="": objects.url(cloud, bucket, key),
        "balancers": [{**lb, "rows": balancing.members(cloud, lb)} for lb in balancing.balancers(cloud)],
        "scaling_groups": scaling.groups(cloud),
    }


def _options(cloud, images: list[dict]) -> dict:
    """(value, text) pairs for the forms' menus."""
    live = cloud.list("instances")
    return {
        "images": [
            (i["name"], f"{i['name']}: {i['distro']}" + (" (your image)" if "machine" in i else ""))
            for i in images
        ],
        "flavors": [
            (f["name"], f"{f['name']} ({f['vcpus']} vCPU, {f['ram']} MB RAM, {f['disk']} GB disk)")
            for f in cloud.flavors()
        ],
        "networks": [(n["name"], n["name"]) for n in cloud.list("networks") if not n.get("external")],
        "keypairs": [("", "No key pair")]
        + [(k["name"], f"{k['name']} ({k['type']})") for k in cloud.list("keypairs")],
        "instances": [(i["id"], i["name"]) for i in live if i["status"] in ("active", "shutoff")],
        "free_volumes": [
            (v["id"], f"{v['name']} ({v['size']} GB)")
            for v in cloud.list("volumes")
            if v["status"] == "available"
        ],
        "free_ips": [(f["id"], f["address"]) for f in cloud.list("floating_ips") if not f["instance"]],
        "snapshots": [("", "None: an empty volume")]
        + [(s["id"], f"{s['name']} ({s['size']} GB)") for s in cloud.list("snapshots")],
    }


def _page(section: str, status: int = 200, **extra):
    """A section of the console: the whole page, or (htmx) the section alone."""
    lab = _owned_lab()
    world = lab_store.load_world(lab)
    if world.cloud is None:
        return redirect(url_for("cloud.index"), 303)
    context = {**_context(world, section), **extra}
    context.setdefault("errors", {})
    context.setdefault("form", {})
    template = "overview" if section == "overview" else section.replace("-", "_")
    return render("cloud/page.html", f"cloud/_{template}.html", **context), status


@bp.get("/<name>")
def section(name):
    if name not in SECTIONS:
        abort(404)
    return _page(name)


def _applied(world, action):
    """`action(cloud)` on the world's cloud, refused while the terminal waits for an answer
    (lab_store.terminal_busy)."""
    busy = lab_store.terminal_busy(world)
    if busy:
        raise CloudError(busy)
    cloud = _cloud_of(world)
    cloud.advance()
    return action(cloud)


def _act(section: str, action, done, fields: bool = False):
    """Apply `action(cloud)` as a lab action and answer with the section (_answered). The reason of a
    refusal goes beside the field at fault for the section's forms with `fields`, else above them all."""
    return _answered(
        _owned_lab(),
        action,
        done,
        url_for("cloud.section", name=section),
        lambda status=200, **extra: _page(section, status, **extra),
        fields,
    )


def _answered(lab: dict, action, done, back: str, show, fields: bool):
    """Apply `action(cloud)` as a lab action; answer with `show(status, **extra)` and `done(value)` as its
    status, or with `show`, the form as typed and the reason when the cloud refused (422, nothing saved).
    A request that is not htmx is sent `back` with the message flashed."""

    def apply(world):
        return _applied(world, action)

    try:
        value, _ = lab_store.act(get_db(), lab, apply, too_large=CloudError(TOO_LARGE))
    except CloudError as error:
        if not is_partial():
            flash(str(error))
            return redirect(back, 303)
        return _refused(
            lambda errors: show(422, errors=errors, form=request.form, failed=request.endpoint),
            str(error),
            (error.field if fields else "") or "form",
        )
    message = done(value) if callable(done) else done
    if not is_partial():
        flash(message)
        return redirect(back, 303)
    return show(message=message)


def _refused(show, reason: str, field: str):
    """`show(errors)`: the page with the form as typed and the reason beside its field; or above the forms
    when the page has no form with that field (the resource it names is gone, or that form is not shown
    in its state: an image is made of a running instance, a second autoscaling group is not offered)."""
    page = show({field: reason})
    if field == "form" or not isinstance(page, tuple) or escape(reason) in page[0]:
        return page
    return show({"form": reason})


# Instances
@bp.post("/instances/launch")
def launch():
    groups = [g_[:MAX_FIELD] for g_ in request.form.getlist("security_groups")][:10]
    user_data = request.form.get("user_data", "")[:MAX_USER_DATA].replace("\r\n", "\n")
    return _act(
        "instances",
        lambda cloud: cloud.launch(
            _field("name"),
            _field("image"),
            _field("flavor"),
            _field("network"),
            groups,
            _field("key_name"),
            user_data if user_data.strip() else None,
        ),
        lambda instance: f"Instance {instance['name']} is building on {instance['fixed_ip']}.",
        fields=True,
    )


@bp.post("/instances/progress")
def progress():
    """Time passes while a page waits on an instance that is building or rebooting; an instance deleted
    meanwhile (from another tab) leaves its page for the list of instances."""
    lab = _owned_lab()
    where = request.form.get("instance", "")

    def wait(world):
        cloud = _cloud_of(world)
        # The clock stands still while the terminal waits for an answer.
        if not lab_store.terminal_busy(world):
            world.machine.tick(POLL_SECONDS)
            cloud.advance()
        found = cloud.state["instances"].get(where)
        return found is not None and found["status"] != "deleted"

    shown, _ = lab_store.act(get_db(), lab, wait)
    if shown:
        return instance(where)
    section = request.form.get("section", "")
    return _page(section if section in SECTIONS else "instances")


_ACTIONS = {
    "start": ("start", "is starting"),
    "stop": ("stop", "is shut off"),
    "reboot": ("reboot", "is rebooting"),
    "terminate": ("terminate", "was deleted; its volumes are kept"),
}


@bp.post("/instances/<instance_id>/<verb>")
def instance_action(instance_id, verb):
    if verb not in _ACTIONS:
        abort(404)
    method, said = _ACTIONS[verb]
    back = "instances" if verb == "terminate" or request.form.get("from") != "detail" else "instance"

    def do(cloud):
        target = cloud.find("instances", instance_id)
        getattr(cloud, method)(target["id"])
        return target

    if back == "instance":
        return _instance_act(instance_id, do, lambda i: f"Instance {i['name']} {said}.")
    return _act("instances", do, lambda i: f"Instance {i['name']} {said}.")


@bp.get("/instances/<instance_id>")
def instance(instance_id, status: int = 200, **extra):
    lab = _owned_lab()
    world = lab_store.load_world(lab)
    found = _live_instance(world, instance_id)
    context = {**_context(world, "instances"), "instance": found, "errors": {}, "form": {}, **extra}
    context["console_log"] = world.cloud.console_log(instance_id)
    context["attached"] = [world.cloud.state["volumes"][v] for v in found["volumes"]]
    machine, _ = world.current
    context["terminal_open"] = machine is world.cloud.machine(found)
    if context["terminal_open"]:
        context.update(lab_store.lab_context(get_db(), scenario_or_404(CLOUD_SCENARIO), lab))
    return render("cloud/instance.html", "cloud/_instance.html", **context), status


def _live_instance(world, instance_id: str) -> dict:
    """An instance of this cloud that is not deleted, by its id (its page's address); else a 404."""
    found = world.cloud.state["instances"].get(instance_id) if world.cloud is not None else None
    if found is None or found["status"] == "deleted":
        abort(404)
    return found


def _instance_act(instance_id: str, action, done):
    """An action of an instance's page: a 404 for an instance that page cannot show (another learner's)."""
    lab = _owned_lab()
    _live_instance(lab_store.load_world(lab), instance_id)
    return _answered(
        lab,
        action,
        done,
        url_for("cloud.instance", instance_id=instance_id),
        lambda status=200, **extra: instance(instance_id, status, **extra),
        fields=True,
    )


@bp.post("/instances/<instance_id>/terminal")
def terminal(instance_id):
    """The lab's terminal attaches to the instance's console (a full page: the terminal comes with it)."""
    lab = _owned_lab()
    try:
        lab_store.act(get_db(), lab, lambda world: _cloud_of(world).open_console(instance_id))
    except CloudError as error:
        flash(str(error))
        return redirect(url_for("cloud.instance", instance_id=instance_id), 303)
    return redirect(url_for("cloud.instance", instance_id=instance_id, _anchor="command-line"), 303)


@bp.post("/instances/<instance_id>/image")
def make_image(instance_id):
    return _instance_act(
        instance_id,
        lambda cloud: cloud.create_image(instance_id, _field("name")),
        lambda image: f"Image {image['name']} was made from this instance.",
    )


@bp.post("/instances/<instance_id>/attach")
def attach(instance_id):
    return _instance_act(
        instance_id,
        lambda cloud: cloud.attach_volume(_field("volume"), instance_id),
        lambda volume: f"Volume {volume['name']} is attached as {volume['device']}.",
    )


@bp.post("/instances/<instance_id>/floating-ip")
def associate(instance_id):
    def do(cloud):
        ref = _field("floating_ip")
        if ref == "new":
            ref = cloud.allocate_floating_ip()["id"]
        return cloud.associate_floating_ip(ref, instance_id)

    return _instance_act(
        instance_id, do, lambda ip: f"Floating IP {ip['address']} now reaches this instance."
    )


@bp.post("/instances/<instance_id>/groups/<verb>")
def instance_group(instance_id, verb):
    if verb not in ("add", "remove"):
        abort(404)
    method = "add_security_group" if verb == "add" else "remove_security_group"
    said = "now applies to" if verb == "add" else "no longer applies to"
    return _instance_act(
        instance_id,
        lambda cloud: getattr(cloud, method)(instance_id, _field("group")),
        lambda group: f"Security group {group['name']} {said} this instance.",
    )


# Volumes
@bp.post("/volumes/create")
def create_volume():
    return _act(
        "volumes",
        lambda cloud: cloud.create_volume(_field("name"), _field("size"), _field("snapshot")),
        lambda volume: f"Volume {volume['name']} ({volume['size']} GB) is available.",
        fields=True,
    )


@bp.post("/volumes/<volume_id>/<verb>")
def volume_action(volume_id, verb):
    actions = {
        "attach": (lambda c: c.attach_volume(volume_id, _field("instance")), "is attached as {device}"),
        "detach": (lambda c: c.detach_volume(volume_id), "was detached; its data stays on it"),
        "extend": (lambda c: c.extend_volume(volume_id, _field("size")), "now has {size} GB"),
        "snapshot": (lambda c: c.create_snapshot(volume_id, _field("name")), "was snapshotted"),
    }
    if verb == "delete":
        return _act(
            "volumes",
            lambda c: _deleted(c, "volumes", volume_id, c.delete_volume),
            "Volume {} was deleted.".format,
        )
    if verb not in actions:
        abort(404)
    action, said = actions[verb]

    def do(cloud):
        name = cloud.find("volumes", volume_id)["name"]
        value = action(cloud)
        volume = cloud.find("volumes", volume_id)
        return {"name": name, "device": volume["device"], "size": volume["size"], "value": value}

    return _act("volumes", do, lambda v: f"Volume {v['name']} " + said.format(**v) + ".")


def _deleted(cloud, kind: str, ref: str, delete) -> str:
    """Delete a resource; its name, for the status line."""
    record = cloud.find(kind, ref)
    delete(record["id"])
    return record.get("name") or record["id"]


@bp.post("/snapshots/<snapshot_id>/delete")
def delete_snapshot(snapshot_id):
    return _act(
        "volumes",
        lambda c: _deleted(c, "snapshots", snapshot_id, c.delete_snapshot),
        "Snapshot {} was deleted.".format,
    )


# Networks
@bp.post("/networks/create")
def create_network():
    def do(cloud):
        network = cloud.create_network(_field("name"))
        if _field("cidr").strip():
            cloud.create_subnet(
                network["id"],
                _field("subnet_name") or f"{network['name']}-subnet",
                _field("cidr"),
                _field("gateway"),
                _field("pool_start"),
                _field("pool_end"),
            )
        return network

    return _act("networks", do, lambda n: f"Network {n['name']} was created.", fields=True)


@bp.post("/networks/<network_id>/subnet")
def create_subnet(network_id):
    return _act(
        "networks",
        lambda c: c.create_subnet(
            network_id,
            _field("subnet_name"),
            _field("cidr"),
            _field("gateway"),
            _field("pool_start"),
            _field("pool_end"),
        ),
        lambda s: f"Subnet {s['name']} ({s['cidr']}) was created.",
        fields=True,
    )


@bp.post("/networks/<network_id>/delete")
def delete_network(network_id):
    return _act(
        "networks",
        lambda c: _deleted(c, "networks", network_id, c.delete_network),
        "Network {} was deleted.".format,
    )


# Security groups
@bp.post("/security-groups/create")
def create_group():
    return _act(
        "security-groups",
        lambda c: c.create_security_group(_field("name"), _field("description")),
        lambda group: f"Security group {group['name']} was created: it lets nothing in until you add rules.",
        fields=True,
    )


@bp.post("/security-groups/<group_id>/rule")
def add_rule(group_id):
    return _act(
        "security-groups",
        lambda c: c.add_rule(
            group_id, _field("protocol"), _field("port_min"), _field("port_max"), _field("remote")
        ),
        lambda rule: f"Rule added: {describe(rule)}.",
        fields=True,
    )


@bp.post("/security-groups/<group_id>/delete")
def delete_group(group_id):
    return _act(
        "security-groups",
        lambda c: _deleted(c, "security_groups", group_id, c.delete_security_group),
        "Security group {} was deleted.".format,
    )


@bp.post("/rules/<rule_id>/delete")
def delete_rule(rule_id):
    return _act("security-groups", lambda c: c.delete_rule(rule_id), "The rule was deleted.")


# Floating IPs
@bp.post("/floating-ips/allocate")
def allocate():
    return _act(
        "floating-ips",
        lambda c: c.allocate_floating_ip(),
        lambda ip: f"Floating IP {ip['address']} is yours.",
    )


@bp.post("/floating-ips/<ip_id>/<verb>")
def floating_action(ip_id, verb):
    if verb == "associate":
        return _act(
            "floating-ips",
            lambda c: c.associate_floating_ip(ip_id, _field("instance")),
            lambda ip: f"Floating IP {ip['address']} is associated.",
        )
    if verb == "disassociate":
        return _act(
            "floating-ips",
            lambda c: c.disassociate_floating_ip(ip_id),
            lambda ip: f"Floating IP {ip['address']} is free.",
        )
    if verb == "release":
        return _act(
            "floating-ips",
            lambda c: _deleted(c, "floating_ips", ip_id, c.release_floating_ip),
            "Floating IP {} was released.".format,
        )
    abort(404)


# Key pairs
@bp.post("/key-pairs/import")
def import_keypair():
    return _act(
        "key-pairs",
        lambda c: c.create_keypair(_field("name"), _field("public_key", 16384)),
        lambda k: f"Key pair {k['name']} was imported ({k['fingerprint']}).",
        fields=True,
    )


@bp.post("/key-pairs/delete")
def delete_keypair():
    return _act(
        "key-pairs",
        lambda c: _deleted(c, "keypairs", _field("name"), c.delete_keypair),
        "Key pair {} was deleted.".format,
    )


# Images
@bp.post("/images/<image_id>/delete")
def delete_image(image_id):
    def do(cloud):
        name = cloud.image(image_id)["name"]
        cloud.delete_image(image_id)
        return name

    return _act("images", do, "Image {} was deleted.".format)


# Object storage
@bp.post("/object-storage/create")
def create_bucket():
    return _act(
        "object-storage",
        lambda c: objects.create_bucket(c, _field("bucket"), request.form.get("public") == "on"),
        lambda b: f"Bucket {b['name']} was created ({'public' if b['public'] else 'private'}).",
        fields=True,
    )


@bp.post("/object-storage/<bucket>/upload")
def upload(bucket):
    """An object from a file the browser sends (multipart); its name is the file's unless one is given."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _act("object-storage", lambda c: _refuse("Choose a file to upload.", "file"), "", fields=True)
    data = sent.stream.read(objects.MAX_OBJECT_BYTES + 1)
    key = _field("key", 300).strip() or sent.filename
    return _act(
        "object-storage",
        lambda c: objects.put_object(c, bucket, key, data, sent.mimetype or ""),
        lambda o: f"Object {o['key']} ({o['size']} bytes) was stored in {bucket}.",
        fields=True,
    )


def _refuse(message: str, field: str):
    raise CloudError(message, field)


@bp.post("/object-storage/<bucket>/<verb>")
def bucket_action(bucket, verb):
    if verb == "public":
        public = request.form.get("public") == "on"
        return _act(
            "object-storage",
            lambda c: objects.set_public(c, bucket, public),
            f"Bucket {bucket} is now {'public: anyone can read its objects' if public else 'private'}.",
        )
    if verb == "delete":
        return _act(
            "object-storage", lambda c: objects.delete_bucket(c, bucket), f"Bucket {bucket} was deleted."
        )
    if verb == "delete-object":
        key = _field("key", 300)
        return _act(
            "object-storage", lambda c: objects.delete_object(c, bucket, key), f"Object {key} was deleted."
        )
    abort(404)


@bp.get("/object-storage/<bucket>/objects/<path:key>")
def download(bucket, key):
    """The object as an attachment (never shown inline: its bytes are the learner's, of any type)."""
    world = lab_store.load_world(_owned_lab())
    if world.cloud is None:
        abort(404)
    try:
        data, _ = objects.get_object(world.cloud, bucket, key)
    except CloudError:
        abort(404)
    return attachment(data, "application/octet-stream", key.rsplit("/", 1)[-1])


# Load balancers
@bp.post("/load-balancers/create")
def create_balancer():
    return _act(
        "load-balancers",
        lambda c: balancing.create(c, _field("name"), _field("network") or "private", _field("port") or "80"),
        lambda lb: f"Load balancer {lb['name']} listens on {lb['vip']}:{lb['port']}.",
        fields=True,
    )


@bp.post("/load-balancers/<lb_id>/<verb>")
def balancer_action(lb_id, verb):
    if verb == "member":
        return _act(
            "load-balancers",
            lambda c: balancing.add_member(c, lb_id, _field("instance")),
            lambda i: f"Instance {i['name']} is now a member.",
        )
    if verb == "remove":
        return _act(
            "load-balancers",
            lambda c: balancing.remove_member(c, lb_id, _field("instance")),
            "The member was removed.",
        )
    if verb == "send":
        return _act("load-balancers", lambda c: balancing.send(c, lb_id, _field("count") or "10"), _sent)
    if verb == "delete":
        return _act("load-balancers", lambda c: balancing.delete(c, lb_id), "The load balancer was deleted.")
    abort(404)


def _sent(answers: list[dict]) -> str:
    served = {}
    for answer in answers:
        label = answer["instance"] or "503 Service Unavailable"
        served[label] = served.get(label, 0) + 1
    spread = ", ".join(f"{name}: {count}" for name, count in served.items())
    return f"{len(answers)} requests sent. Answered by {spread}."


# Autoscaling
@bp.post("/autoscaling/create")
def create_scaling_group():
    return _act(
        "autoscaling",
        lambda c: scaling.create(
            c,
            _field("name"),
            _field("image"),
            _field("flavor"),
            _field("min"),
            _field("desired"),
            _field("max"),
            _field("target") or "60",
            _field("load_balancer"),
        ),
        lambda g_: f"Group {g_['name']} launched {len(g_['instances'])} instance(s).",
        fields=True,
    )


@bp.post("/autoscaling/<group_id>/<verb>")
def scaling_action(group_id, verb):
    if verb == "load":
        return _act(
            "autoscaling", lambda c: scaling.set_load(c, group_id, _field("load")), _scaled, fields=True
        )
    if verb == "delete":
        return _act(
            "autoscaling", lambda c: scaling.delete(c, group_id), "The group and its instances were deleted."
        )
    abort(404)


def _scaled(group: dict) -> str:
    if group["note"]:
        return group["note"]
    count = len(group["instances"])
    return f"Load {group['load']}%: the group wants {group['desired']} instance(s) and has {count}."
