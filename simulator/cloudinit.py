"""cloud-init's state on a machine: its datasource, what its first boot left on disk, its instance data.

Modelled on cloud-init 24.3 (cloudinit/cmd/main.py, helpers.Paths, net/netplan.py); the commands that read
this state (cloud-init, cloud-id) live in simulator/commands/.
"""

from __future__ import annotations

import json
import time

from simulator import cloudboot, layout, units
from simulator.filesystem import FsError

# cloud-init's datasource per platform, as the scenarios' machines were deployed: the hosting providers
# (KVM, Xen) seed a NoCloud datasource; VMs installed from the ISO run with DataSourceNone; LXD has its own.
DATASOURCES = {
    "kvm": "DataSourceNoCloud [seed=/dev/sr0][dsmode=net]",
    "xen": "DataSourceNoCloud [seed=/dev/sr0][dsmode=net]",
    "oracle": "DataSourceNone",
    "vmware": "DataSourceNone",
    "microsoft": "DataSourceNone",
    # Plain LXC seeds cloud-init through NoCloud files in the container (no LXD, no /dev/lxd/sock).
    "lxc": "DataSourceNoCloud [seed=/var/lib/cloud/seed/nocloud-net][dsmode=net]",
}
CLOUD_NAMES = {
    "DataSourceNoCloud": "nocloud",
    "DataSourceNone": "none",
    "DataSourceLXD": "lxd",
    "DataSourceOpenStackLocal": "openstack",
}
# An OpenStack instance: found in the local stage from the metadata service, network config version 2.
OPENSTACK = "DataSourceOpenStackLocal [net,ver=2]"


def finished(machine) -> int:
    """cloud-init's last event: the end of its final stage, a few seconds before the first prompt."""
    return int(machine.now() - machine.uptime() + 28)


VERSION = "24.3.1-0ubuntu0~24.04.2"


def stages(machine) -> dict:
    """start/finished of each boot stage (seconds since the epoch), as status.json records them."""
    end = finished(machine)
    table = {
        name: {"errors": [], "finished": end - 20 + 5 * n + 0.5, "recoverable_errors": {}, "start": 0}
        for n, name in enumerate(("init-local", "init", "modules-config", "modules-final"))
    }
    for n, stage in enumerate(table.values()):
        stage["start"] = stage["finished"] - 2.0 + 0.25 * n
    return table


def json_dumps(data) -> str:
    """cloud-init's util.json_dumps: one-space indent, sorted keys."""
    return json.dumps(data, indent=1, sort_keys=True, separators=(",", ": ")) + "\n"


def instance_id(machine) -> str:
    try:
        return machine.fs.read("/var/lib/cloud/data/instance-id").strip()
    except FsError:
        cloud = CLOUD_NAMES[DATASOURCES[machine.spec["platform"]].split()[0]]
        return "iid-" + machine.hostname if cloud != "none" else "iid-datasource-none"


def netplan_yaml(machine) -> str:
    """/etc/netplan/50-cloud-init.yaml on a 24.04 cloud image.

    cloud-init 24.3 (cloudinit/net/__init__.py generate_fallback_config) falls back to DHCP on the first
    NIC, matched by MAC and renamed to its own name, and hands it to netplan's Python API
    (net/netplan.py netplan_api_write_yaml_file). netplan 1.0's emitter (src/netplan.c) rewrites it: key
    order match, dhcp4, dhcp6, set-name; strings double-quoted, booleans plain; libyaml's 2-space indent;
    cloud-init's header comment is not kept. The file comes from mkstemp: mode 0600.
    """
    nic = machine.nics[0]
    return (
        f"network:\n  version: 2\n  ethernets:\n    {nic['name']}:\n      match:\n"
        f'        macaddress: "{nic["mac"]}"\n      dhcp4: true\n      dhcp6: true\n'
        f'      set-name: "{nic["name"]}"\n'
    )


def first_boot(machine) -> None:
    """What cloud-init leaves after the first boot (doc/rtd/reference/... internal_files, helpers.Paths):
    /var/lib/cloud/instance -> instances/<instance-id>, data/, the logs, and /run/cloud-init.

    data/status.json and data/result.json are relative symlinks to /run/cloud-init (cmd/main.py
    status_wrapper). Contents are shortened: the real logs run to thousands of lines.
    """
    fs = machine.fs
    if machine.spec["platform"] in layout.CLOUD_IMAGES:
        fs.add_file("/etc/netplan/50-cloud-init.yaml", netplan_yaml(machine), mode=0o600)
    detail = DATASOURCES[machine.spec["platform"]]
    cloud = CLOUD_NAMES[detail.split()[0]]
    iid = "iid-" + machine.hostname if cloud != "none" else "iid-datasource-none"
    base = "/var/lib/cloud"
    times = stages(machine)
    done = finished(machine)
    boot = machine.now() - machine.uptime()

    def stamp(at: float, fmt: str = "%a, %d %b %Y %H:%M:%S +0000") -> str:
        return time.strftime(fmt, time.gmtime(at))

    def up(at: float) -> str:
        return f"{at - boot:.2f}"

    if cloud == "nocloud":
        user_data = (
            f"#cloud-config\nhostname: {machine.hostname}\nusers:\n  - default\n  - name: learner\n"
            "    sudo: ALL=(ALL) NOPASSWD:ALL\n    shell: /bin/bash\nssh_pwauth: false\n"
        )
    elif cloud == "lxd":
        user_data = "#cloud-config\n{}\n"
    else:
        user_data = ""
    config = user_data.split("\n", 1)[1] if user_data else ""
    instance = f"{base}/instances/{iid}"
    fs.add_file(f"{instance}/user-data.txt", user_data, mode=0o600)
    fs.add_file(f"{instance}/user-data.txt.i", "", mode=0o600)
    fs.add_file(f"{instance}/vendor-data.txt", "", mode=0o600)
    fs.add_file(
        f"{instance}/cloud-config.txt",
        "#cloud-config\n# from 1 files\n# part-001\n\n---\n" + config if config else "",
        mode=0o600,
    )
    fs.add_file(f"{instance}/datasource", f"{detail.split()[0]}: {detail}\n")
    fs.add_file(f"{instance}/obj.pkl", "", mode=0o400)
    fs.add_file(f"{instance}/boot-finished", f"{up(done)} - {stamp(done)} - v. {VERSION}\n")
    for module in (
        "config_growpart",
        "config_keys_to_console",
        "config_locale",
        "config_scripts_user",
        "config_set_hostname",
        "config_ssh",
        "config_users_groups",
        "consume_data",
    ):
        fs.add_file(f"{instance}/sem/{module}", f"702: {done - 10:.6f}\n")
    for directory in ("handlers", "scripts"):
        fs.add_dir(f"{instance}/{directory}")
    fs.add_symlink(f"{base}/instance", instance)
    for directory in cloudboot.CLOUD_DIRS:
        fs.add_dir(f"{base}/{directory}")
    fs.add_file(f"{base}/data/instance-id", iid + "\n")
    fs.add_file(f"{base}/data/previous-instance-id", iid + "\n")
    fs.add_file(f"{base}/data/python-version", '"3.12"')
    fs.add_symlink(f"{base}/data/status.json", "../../../../run/cloud-init/status.json")
    fs.add_symlink(f"{base}/data/result.json", "../../../../run/cloud-init/result.json")
    fs.add_file(
        "/run/cloud-init/status.json",
        json_dumps({"v1": {"datasource": detail, **times, "stage": None}}),
    )
    fs.add_file("/run/cloud-init/result.json", json_dumps({"v1": {"datasource": detail, "errors": []}}))
    fs.add_file("/run/cloud-init/instance-data.json", json_dumps(instance_data(machine, iid)))
    fs.add_file(
        "/run/cloud-init/instance-data-sensitive.json", json_dumps(instance_data(machine, iid)), mode=0o600
    )
    fs.add_file("/run/cloud-init/combined-cloud-config.json", json_dumps({}), mode=0o600)
    fs.add_file("/run/cloud-init/enabled", "")
    log, output = [], []
    for name, stage in times.items():
        mode = name.replace("-config", ":config").replace("-final", ":final")
        head = f"Cloud-init v. {VERSION} running '{mode}'"
        line = f"{head} at {stamp(stage['start'])}. Up {up(stage['start'])} seconds."
        ts = stamp(stage["start"], "%Y-%m-%d %H:%M:%S") + ",104"
        log.append(f"{ts} - util.py[DEBUG]: {line}\n")
        output.append(line + "\n")
        if name == "init-local":
            log.append(f"{ts} - main.py[INFO]: PID [1] started cloud-init 'init-local'.\n")
        if name == "init":
            log.append(
                f"{ts} - handlers.py[DEBUG]: finish: init-network/check-cache: SUCCESS: no cache found\n"
            )
            log.append(f"{ts} - stages.py[INFO]: Loaded datasource {detail}\n")
    final = f"Cloud-init v. {VERSION} finished at {stamp(done)}. Datasource {detail}.  Up {up(done)} seconds"
    ts = stamp(done, "%Y-%m-%d %H:%M:%S") + ",318"
    log.append(f"{ts} - util.py[DEBUG]: {final}\n")
    output.append(final + "\n")
    fs.add_file("/var/log/cloud-init.log", "".join(log), mode=0o640, gid=4)
    fs.add_file("/var/log/cloud-init-output.log", "".join(output), mode=0o640, gid=4)


EXPERIMENTAL_TEXT = (
    "EXPERIMENTAL: The structure and format of content scoped under the 'ds'"
    " key may change in subsequent releases of cloud-init."
)


def instance_data(machine, iid: str = "") -> dict:
    """instance-data.json (sources/__init__.py get_data, 24.3): the v1 keys, also at the top level."""
    seed = seed_of(machine)
    if seed:
        return _openstack_instance_data(machine, seed)
    detail = DATASOURCES[machine.spec["platform"]]
    cloud = CLOUD_NAMES[detail.split()[0]]
    iid = iid or instance_id(machine)
    v1 = {
        "_beta_keys": ["subplatform"],
        "availability_zone": None,
        "cloud_name": cloud,
        "instance_id": iid,
        "local_hostname": machine.hostname,
        "platform": cloud,
        "public_ssh_keys": [],
        "region": None,
        "subplatform": detail.split(" ", 1)[1].strip("[]").split("][")[0] if " " in detail else "config",
    }
    meta_data = {"instance-id": iid, "local-hostname": machine.hostname} if cloud != "none" else {}
    return {
        **v1,
        "base64_encoded_keys": [],
        "ds": {"_doc": EXPERIMENTAL_TEXT, "meta_data": meta_data},
        "sensitive_keys": ["merged_cfg", "security-credentials"],
        "v1": v1,
        "variant": "ubuntu",
        "vendordata": "",
    }


def _openstack_instance_data(machine, seed: dict) -> dict:
    """DataSourceOpenStack's instance data: the metadata service's meta_data.json under ds."""
    v1 = {
        "_beta_keys": ["subplatform"],
        "availability_zone": seed.get("availability-zone"),
        "cloud_name": "openstack",
        "instance_id": seed["instance-id"],
        "local_hostname": seed.get("local-hostname"),
        "platform": "openstack",
        "public_ssh_keys": list(seed.get("public-keys") or []),
        "region": seed.get("region"),
        "subplatform": "metadata (http://169.254.169.254)",
    }
    return {
        **v1,
        "base64_encoded_keys": [],
        "ds": {
            "_doc": EXPERIMENTAL_TEXT,
            "ec2_metadata": ec2_meta_data(machine, seed),
            "meta_data": meta_data(seed),
        },
        "sensitive_keys": ["merged_cfg", "security-credentials"],
        "v1": v1,
        "variant": "ubuntu",
        "vendordata": "",
    }


def meta_data(seed: dict) -> dict:
    """Nova's openstack/latest/meta_data.json for the instance."""
    keys = list(seed.get("public-keys") or [])
    key_name = seed.get("key-name") or ("key" if keys else None)
    data = {
        "uuid": seed["instance-id"],
        "public_keys": {key_name: keys[0]} if keys else {},
        "keys": [{"name": key_name, "type": "ssh", "data": keys[0]}] if keys else [],
        "hostname": seed.get("local-hostname"),
        "name": seed.get("local-hostname"),
        "launch_index": 0,
        "availability_zone": seed.get("availability-zone"),
        "random_seed": "",
        "project_id": seed.get("project-id", ""),
        "devices": [],
    }
    return data


def ec2_meta_data(machine, seed: dict) -> dict:
    """Nova's EC2-compatible metadata tree (latest/meta-data/)."""
    address = next((nic.get("ipv4") for nic in machine.nics if nic.get("ipv4")), "")
    keys = list(seed.get("public-keys") or [])
    return {
        "ami-id": "ami-00000001",
        "ami-launch-index": "0",
        "hostname": f"{seed.get('local-hostname')}.novalocal",
        "instance-id": seed.get("ec2-id", "i-00000001"),
        "instance-type": seed.get("flavor", ""),
        "local-hostname": f"{seed.get('local-hostname')}.novalocal",
        "local-ipv4": address,
        "placement": {"availability-zone": seed.get("availability-zone")},
        "public-hostname": f"{seed.get('local-hostname')}.novalocal",
        "public-ipv4": seed.get("public-ipv4", ""),
        "public-keys": {"0": {"openssh-key": keys[0] + "\n"}} if keys else {},
        "reservation-id": "r-00000001",
        "security-groups": seed.get("security-groups", "default"),
    }


def boot(machine, seed: dict) -> None:
    """The cloud's hook: an instance booted with this seed from the metadata service.

    `seed` is what the OpenStack metadata service serves: {"instance-id", "local-hostname", "user-data"
    (str or None), "public-keys": [str], "region", "availability-zone", "image", "flavor"}. cloud-init
    compares the instance-id with /var/lib/cloud/data/instance-id: a new one is a first boot (per-instance
    modules run), the same one a reboot (only the `always` modules run). Disabled by
    /etc/cloud/cloud-init.disabled, as ds-identify is.
    """
    machine.hypervisor["cloud_seed"] = dict(seed)
    if (
        machine.fs.exists("/etc/cloud/cloud-init.disabled")
        or machine.hypervisor.get("cloud_boot") == machine.boot_id
    ):
        return  # disabled, or already run in this boot (a reboot from inside the guest runs it too)
    machine.hypervisor["cloud_boot"] = machine.boot_id
    cloudboot.Boot(machine, seed, OPENSTACK, VERSION).run()
    units.start_checked(machine)  # ssh.service starts after cloud-init, with the host keys it made


def seed_of(machine) -> dict | None:
    """What the metadata service serves this machine: a cloud instance's seed, None elsewhere."""
    return machine.hypervisor.get("cloud_seed")


def datasource(machine) -> str:
    """status --long's detail: OpenStack's for a cloud instance, else the platform's deployment."""
    return OPENSTACK if seed_of(machine) else DATASOURCES[machine.spec["platform"]]


def status_report(machine) -> dict:
    """What `cloud-init status` makes of /run/cloud-init/status.json (cmd/status.py get_status_details):
    errors make it `error`, recoverable errors (logged warnings) `degraded done`."""
    detail = datasource(machine)
    if seed_of(machine):
        try:
            v1 = json.loads(machine.fs.read("/run/cloud-init/status.json"))["v1"]
        except (FsError, ValueError, KeyError):
            v1 = {}
        times = {name: v for name, v in v1.items() if isinstance(v, dict)}
        events = [t for stage in times.values() for t in (stage.get("start"), stage.get("finished")) if t]
        latest = max(events) if events else None
    else:
        times, latest = stages(machine), finished(machine)
    errors = [e for stage in times.values() for e in stage.get("errors", [])]
    recoverable: dict[str, list[str]] = {}
    for stage in times.values():
        for kind, messages in stage.get("recoverable_errors", {}).items():
            recoverable.setdefault(kind, []).extend(messages)
    running = "done" if latest else "not started"
    if errors:
        status, extended = "error", f"error - {running}"
    elif recoverable:
        status, extended = running, f"degraded {running}"
    else:
        status = extended = running
    return {
        "datasource": detail.split()[0].lower().replace("datasource", ""),
        "boot_status_code": "enabled-by-generator",
        "status": status,
        "extended_status": extended,
        "detail": detail,
        "errors": errors,
        "recoverable_errors": recoverable,
        "last_update": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(latest)) if latest else "",
        **times,
        "stage": None,
    }
