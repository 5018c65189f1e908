"""ssh, the OpenSSH 9.6 client, between the machines of one world (the lab's network).

The handler checks what the client checks (the name resolves, port 22 answers, the host key against
~/.ssh/known_hosts) and prints what ssh prints; opening the session, or asking the learner whether to
trust a new host key, is the world's (ctx.effects["ssh"]): the terminal then attaches to the other
machine, and `exit` there comes back with "Connection to HOST closed.".

known_hosts lines are hashed, as Ubuntu's /etc/ssh/ssh_config asks (HashKnownHosts yes):
|1|base64(salt)|base64(HMAC-SHA1(salt, host)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from simulator import cloudlab, lan
from simulator.commands import Context, command
from simulator.filesystem import FsError
from simulator.keys import KEY_LABELS, fingerprint, parse_key

USAGE = """\
usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]
           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]
           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]
           [-J destination] [-L address] [-l login_name] [-m mac_spec]
           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]
           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]
           destination [command [argument ...]]
"""
FLAGS = set("46AaCfGgKkMNnqsTtVvXxYy")
WITH_VALUE = set("BbcDEeFIiJLlmOoPpRSWw")
HOST_KEY_ORDER = ("ed25519", "ecdsa", "rsa")  # the client's HostKeyAlgorithms preference (OpenSSH 9.6)
CHANGED = """\
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the {label} key sent by the remote host is
{fingerprint}.
Please contact your system administrator.
Add correct host key in {path} to get rid of this message.
Offending {label} key in {path}:{line}
  remove with:
  ssh-keygen -f '{path}' -R '{host}'
Host key for {host} has changed and you have requested strict checking.
Host key verification failed.
"""


def host_key(machine) -> tuple[str, str] | None:
    """The host key the server offers first: (public key line without comment, type name)."""
    for kind in HOST_KEY_ORDER:
        try:
            parsed = parse_key(machine.fs.read(f"/etc/ssh/ssh_host_{kind}_key.pub"))
        except FsError:
            continue
        if parsed:
            blob, _, name = parsed
            return f"{name} {base64.b64encode(blob).decode()}", name
    return None


def hashed_name(host: str, salt: bytes) -> str:
    digest = hmac.new(salt, host.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def names_host(field: str, host: str) -> bool:
    """Whether a known_hosts host field (a hashed name or a comma-separated list) names `host`."""
    if field.startswith("|1|"):
        parts = field.split("|")
        try:
            salt = base64.b64decode(parts[2])
        except (IndexError, ValueError):
            return False
        return hmac.compare_digest(hashed_name(host, salt), field)
    return host in field.split(",")


def known_entry(ctx: Context, path: str, host: str, key_type: str) -> tuple[str, int] | None:
    """The key known_hosts holds for host (same key type), and its line number."""
    try:
        text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
    except FsError:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if len(fields) >= 3 and fields[1] == key_type and names_host(fields[0], host):
            return f"{fields[1]} {fields[2]}", number
    return None


def other_names(ctx: Context, path: str, host: str, key: str) -> str:
    """other_hostkeys_message (sshconnect.c): the known_hosts lines that hold this very key under other
    names, at most 8 of them; a hashed name shows as "[hashed name]"."""
    try:
        text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
    except FsError:
        text = ""
    home = ctx.env.get("HOME", "")
    shown = "~" + path[len(home) :] if home and path.startswith(home + "/") else path
    names = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if len(fields) >= 3 and f"{fields[1]} {fields[2]}" == key and not names_host(fields[0], host):
            name = "[hashed name]" if fields[0].startswith("|1|") else fields[0]
            names.append(f"    {shown}:{number}: {name}\n")
    if not names:
        return "This key is not known by any other names.\n"
    more = f"    ({len(names) - 8} additional names omitted)\n" if len(names) > 8 else ""
    return "This host key is known by the following other names/addresses:\n" + "".join(names[:8]) + more


def add_known_host(machine, user: str, host: str, key: str) -> None:
    """Append a hashed entry to the user's known_hosts, creating ~/.ssh (0700) as ssh does."""
    info = machine.users.get(user, {"home": "/root", "uid": 0, "gid": 0})
    home, uid = info["home"], info["uid"]
    fs = machine.fs
    if not fs.is_dir(f"{home}/.ssh"):
        fs.mkdir(f"{home}/.ssh", uid=uid, mode=0o700)
    salt = machine.rng().randbytes(20)
    fs.write(
        f"{home}/.ssh/known_hosts", f"{hashed_name(host, salt)} {key}\n", uid=uid, append=True, mode=0o644
    )


@command(
    "ssh",
    man="""
NAME
       ssh - OpenSSH remote login client

SYNOPSIS
       ssh [-p PORT] [-l USER] [-o OPTION] [USER@]HOST [COMMAND]

DESCRIPTION
       Log in to HOST (a machine of this lab, by name or address) and work there; `exit` comes back.
       With COMMAND, run it there and come back. The first time, ssh shows the host key's fingerprint
       and asks whether to trust it; the answer is kept in ~/.ssh/known_hosts. A host whose key has
       changed since (a clone, keys regenerated) is refused until `ssh-keygen -R HOST` forgets it.
       -o StrictHostKeyChecking=accept-new trusts a new host without asking.
""",
)
def ssh(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    user, port, strict, quiet, identity = ctx.user, "22", "ask", False, None
    while args and args[0].startswith("-") and len(args[0]) > 1:
        option = args.pop(0)
        letters = option[1:]
        while letters:
            letter, letters = letters[0], letters[1:]
            if letter in FLAGS:
                quiet = quiet or letter == "q"
                continue
            if letter not in WITH_VALUE:
                ctx.err(f"ssh: illegal option -- {letter}\n{USAGE}")
                return 255
            value = letters or (args.pop(0) if args else None)
            letters = ""
            if value is None:
                ctx.err(f"ssh: option requires an argument -- {letter}\n{USAGE}")
                return 255
            if letter == "l":
                user = value
            elif letter == "i":
                identity = value
            elif letter == "p":
                port = value
            elif letter == "o" and value.lower().startswith("stricthostkeychecking"):
                strict = (
                    value.split("=", 1)[-1].strip().lower() if "=" in value else value.split()[-1].lower()
                )
    if not args:
        ctx.err(USAGE)
        return 255
    destination, remote_command = args[0], " ".join(args[1:])
    if "@" in destination:
        user, destination = destination.rsplit("@", 1)
    network = getattr(ctx.machine, "network", None)
    world = getattr(network, "world", None)
    number = int(port) if port.isascii() and port.isdigit() else 22
    routed = cloudlab.route(world, ctx.machine, destination, "tcp", number)
    if routed == "timeout":
        ctx.err(f"ssh: connect to host {destination} port {port}: Connection timed out\n")
        return 255
    found = routed or (network.find(destination) if network is not None else None)
    if found is None and lan.is_ipv4(destination):
        # An address needs no lookup: nobody answers ARP for it on a link (EHOSTUNREACH after ARP gives
        # up), or the packets go to the gateway and nothing comes back (connect() times out).
        reason = "No route to host" if lan.link_for(ctx.machine, destination) else "Connection timed out"
        ctx.err(f"ssh: connect to host {destination} port {port}: {reason}\n")
        return 255
    if found is None:
        ctx.err(f"ssh: Could not resolve hostname {destination.lower()}: Name or service not known\n")
        return 255
    name, target = found
    answer = network.sshd_answer(name) if port == "22" else "refused"
    if answer == "reset":  # kex.c kex_exchange_identification, then packet.c sshpkt_vfatal (OpenSSH 9.6)
        address = destination if routed or lan.is_ipv4(destination) else network.address(name)
        address = "127.0.0.1" if destination == "localhost" else address  # Ubuntu's /etc/hosts
        ctx.err(
            "kex_exchange_identification: read: Connection reset by peer\n"
            f"Connection reset by {address} port {port}\n"
        )
        return 255
    offered = host_key(target) if answer == "accepted" else None
    if offered is None:
        ctx.err(f"ssh: connect to host {destination} port {port}: Connection refused\n")
        return 255
    key, key_type = offered
    label = KEY_LABELS.get(key_type, key_type)
    path = f"{ctx.env.get('HOME', '/root')}/.ssh/known_hosts"
    known = known_entry(ctx, path, destination, key_type)
    blob = base64.b64decode(key.split()[1])
    request = {"machine": name, "user": user, "host": destination, "command": remote_command, "key": key}
    if known is not None and known[0] != key:
        ctx.err(
            CHANGED.format(
                label=label, fingerprint=fingerprint(blob), path=path, line=known[1], host=destination
            )
        )
        return 255
    if known is None:
        if strict in ("yes", "true"):
            ctx.err(
                f"No {label} host key is known for {destination} and you have requested strict checking.\n"
            )
            ctx.err("Host key verification failed.\n")
            return 255
        request["new"] = True
        # where ssh connected: the address given, or the one the name resolved to
        address = destination if routed or lan.is_ipv4(destination) else network.address(name)
        request["fingerprint"] = fingerprint(blob)
        request["question"] = (
            f"The authenticity of host '{destination} ({address})' can't be established.\n"
            f"{label} key fingerprint is {fingerprint(blob)}.\n" + other_names(ctx, path, destination, key)
        )
        if strict in ("no", "off", "accept-new"):
            request.pop("question")
    key_line = routed and cloudlab.authorized_key(
        ctx.machine, ctx.env.get("HOME", "/root"), target, user, identity
    )
    if target.users.get(user) is None or (routed and not key_line):  # cloud images take keys only
        ctx.err(f"{user}@{destination}: Permission denied (publickey).\n")
        return 255
    refusal = cloudlab.forced_message(key_line) if key_line else None
    if refusal is not None:  # the key's forced command runs instead: echo, sleep 10, exit 142
        ctx.out(refusal + "\n\n")
        if not remote_command:
            ctx.err(f"Connection to {destination} closed.\n")
        return 142
    ctx.effects["ssh"] = request
    return 0
