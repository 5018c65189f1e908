"""The cloud lab's workstation, and how it (or an instance) reaches the cloud's instances.

The workstation sits outside the cloud, behind its office's NAT (public address OFFICE_IP): it reaches an
instance only through a floating IP, and only where a security group rule lets OFFICE_IP in; the
instances' fixed addresses are on the cloud's private networks, which do not route to it (a connection
there times out, as a dropped SYN does). An instance reaches another on its own network by its fixed
address, under the same rules, from its fixed address.
"""

from __future__ import annotations

from simulator.filesystem import FsError
from simulator.keys import ssh_keypair

OFFICE_IP = "198.51.100.7"  # TEST-NET-2: where the learner's connections come from, as the cloud sees them
AUTH_URL = "http://controller/identity"
CLOUD_NAME = "guestlab"
CLOUDS_YAML = f"""clouds:
  {CLOUD_NAME}:
    auth:
      auth_url: {AUTH_URL}
      username: learner
      password: cloud-lab-secret
      project_name: learner
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
"""


def prepare(world) -> None:
    """The workstation as the learner finds it: the client configured (clouds.yaml and OS_CLOUD, as a
    ~/.bashrc export would give), and an SSH key pair of their own to give the cloud."""
    machine = world.machine
    account = machine.users["learner"]
    uid, gid, home = account["uid"], account["gid"], account["home"]
    fs = machine.fs
    fs.add_dir(f"{home}/.config", mode=0o755, uid=uid, gid=gid)
    fs.add_dir(f"{home}/.config/openstack", mode=0o700, uid=uid, gid=gid)
    fs.add_file(f"{home}/.config/openstack/clouds.yaml", CLOUDS_YAML, mode=0o600, uid=uid, gid=gid)
    fs.add_dir(f"{home}/.ssh", mode=0o700, uid=uid, gid=gid)
    private, public = ssh_keypair(machine.rng(), "ed25519", f"learner@{machine.hostname}")
    fs.add_file(f"{home}/.ssh/id_ed25519", private, mode=0o600, uid=uid, gid=gid)
    fs.add_file(f"{home}/.ssh/id_ed25519.pub", public, mode=0o644, uid=uid, gid=gid)
    world.shell.env["OS_CLOUD"] = CLOUD_NAME


def instance_of(world, machine) -> dict | None:
    """The cloud's instance running on this machine, if it is one."""
    cloud = getattr(world, "cloud", None)
    if cloud is None:
        return None
    name = next((n for n, m in world.machines.items() if m is machine), None)
    return next((i for i in cloud.list("instances") if i["machine"] == name), None)


def route(world, client, host: str, protocol: str, port: int | None) -> tuple[str, object] | str | None:
    """Where a connection from `client` to `host` ends: (machine name, machine); "timeout" when the cloud
    drops it (no rule, a fixed address from outside, the instance not running); None when `host` is not
    the cloud's (the world's own network decides)."""
    cloud = getattr(world, "cloud", None)
    if cloud is None:
        return None
    target = cloud.instance_at(host)
    if target is None:
        public = cloud.find("networks", "public")
        subnet = cloud.subnet_of(public)
        if subnet and host in subnet.get("used", []):
            return "timeout"  # a floating IP held by no instance: nothing answers
        return None
    source = instance_of(world, client)
    if source is not None and source["id"] == target["id"]:
        return target["machine"], client  # its own address: delivered locally, no security group between
    if source is None:
        if host != target.get("floating_ip"):
            return "timeout"  # private addresses do not route from outside the cloud
        origin = OFFICE_IP
    else:
        same_network = source["network"] == target["network"]
        if host == target["fixed_ip"] and not same_network:
            return "timeout"
        origin = source["fixed_ip"]
    if not cloud.allows(target, protocol, port, origin):
        return "timeout"
    machine = cloud.machine(target)
    return (target["machine"], machine) if machine is not None else "timeout"


def authorized_key(client, home: str, target, user: str, identity: str | None = None) -> str | None:
    """The authorized_keys line on the target that accepts one of the client's public keys
    (~/.ssh/id_*.pub, or -i FILE's .pub), None when none does: the cloud images take no passwords."""
    account = target.users.get(user)
    if account is None:
        return None
    try:
        allowed = target.fs.read(f"{account['home']}/.ssh/authorized_keys")
    except FsError:  # no file, or unreadable: no key is authorized
        return None
    names = [identity] if identity else [f"{home}/.ssh/id_{kind}" for kind in ("rsa", "ecdsa", "ed25519")]
    for name in names:
        try:
            fields = client.fs.read(name + ".pub").split()
        except FsError:  # no such key
            continue
        for line in allowed.splitlines():
            if len(fields) >= 2 and fields[1] in line.split():  # a line with options still names its key
                return line
    return None


def forced_message(line: str) -> str | None:
    """What a key's command="..." option prints instead of a shell: cloud-init's refusal for root."""
    if not line.startswith("no-port-forwarding") or 'command="' not in line:
        return None
    command = line.split('command="', 1)[1].rsplit('" ', 1)[0]
    said = command.split("echo '", 1)[1].split("';", 1)[0] if "echo '" in command else ""
    return said.replace('\\"', '"')
