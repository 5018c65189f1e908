"""openstack: the unified OpenStack client over the learner's cloud (simulator/cloud), as
python-openstackclient 6.6 (Ubuntu 24.04, OpenStack 2024.1) prints it through cliff (simulator/cliff.py),
with openstacksdk's errors.

The client finds its cloud as openstacksdk does: `--os-cloud NAME` or $OS_CLOUD, looked up in
~/.config/openstack/clouds.yaml or /etc/openstack/clouds.yaml; without either it has no auth URL. Names or
IDs are accepted wherever a resource is named. What the API refuses comes back as openstacksdk words it:
`ConflictException: 409: Client Error for url: URL, MESSAGE`.
"""

from __future__ import annotations

from simulator.commands import Context, command
from simulator.osc import compute, network, volume
from simulator.osc.args import Failure
from simulator.osc.client import Client, find_config

COMMANDS = {
    ("server", "create"): compute.server_create,
    ("server", "list"): compute.server_list,
    ("server", "show"): compute.server_show,
    ("server", "start"): compute.server_action("start", "start"),
    ("server", "stop"): compute.server_action("stop", "stop"),
    ("server", "reboot"): compute.server_action("reboot", "reboot"),
    ("server", "delete"): compute.server_delete,
    ("server", "add", "volume"): compute.server_add_volume,
    ("server", "add", "floating", "ip"): compute.server_add_floating_ip,
    ("server", "add", "security", "group"): compute.server_group(add=True),
    ("server", "remove", "security", "group"): compute.server_group(add=False),
    ("server", "remove", "volume"): compute.server_remove_volume,
    ("server", "remove", "floating", "ip"): compute.server_remove_floating_ip,
    ("server", "image", "create"): compute.server_image_create,
    ("console", "log", "show"): compute.console_log_show,
    ("image", "list"): compute.image_list,
    ("image", "show"): compute.image_show,
    ("image", "delete"): compute.image_delete,
    ("flavor", "list"): compute.flavor_list,
    ("keypair", "create"): compute.keypair_create,
    ("keypair", "list"): compute.keypair_list,
    ("keypair", "delete"): compute.keypair_delete,
    ("volume", "create"): volume.volume_create,
    ("volume", "list"): volume.volume_list,
    ("volume", "show"): volume.volume_show,
    ("volume", "delete"): volume.volume_delete,
    ("network", "create"): network.network_create,
    ("network", "list"): network.network_list,
    ("network", "show"): network.network_show,
    ("network", "delete"): network.network_delete,
    ("subnet", "create"): network.subnet_create,
    ("subnet", "list"): network.subnet_list,
    ("subnet", "show"): network.subnet_show,
    ("security", "group", "create"): network.security_group_create,
    ("security", "group", "list"): network.security_group_list,
    ("security", "group", "show"): network.security_group_show,
    ("security", "group", "delete"): network.security_group_delete,
    ("security", "group", "rule", "create"): network.security_group_rule_create,
    ("security", "group", "rule", "list"): network.security_group_rule_list,
    ("security", "group", "rule", "delete"): network.security_group_rule_delete,
    ("floating", "ip", "create"): network.floating_ip_create,
    ("floating", "ip", "list"): network.floating_ip_list,
    ("floating", "ip", "delete"): network.floating_ip_delete,
}
HELP = """usage: openstack [--version] [-v | -q] [--log-file LOG_FILE] [-h] [--debug]
                 [--os-cloud <cloud-config-name>]
                 [--os-region-name <auth-region-name>]

Command-line interface to the OpenStack APIs

Commands:
"""
# What `openstack help` lists for each command (its _description in python-openstackclient).
DESCRIPTIONS = {
    ("console", "log", "show"): "Show server's console output",
    ("flavor", "list"): "List flavors",
    ("floating", "ip", "create"): "Create floating IP",
    ("floating", "ip", "delete"): "Delete floating IP(s)",
    ("floating", "ip", "list"): "List floating IP(s)",
    ("image", "delete"): "Delete image(s)",
    ("image", "list"): "List available images",
    ("image", "show"): "Display image details",
    ("keypair", "create"): "Create new public or private key for server ssh access",
    ("keypair", "delete"): "Delete public or private key(s)",
    ("keypair", "list"): "List key fingerprints",
    ("network", "create"): "Create new network",
    ("network", "delete"): "Delete network(s)",
    ("network", "list"): "List networks",
    ("network", "show"): "Show network details",
    ("security", "group", "create"): "Create a new security group",
    ("security", "group", "delete"): "Delete security group(s)",
    ("security", "group", "list"): "List security groups",
    ("security", "group", "rule", "create"): "Create a new security group rule",
    ("security", "group", "rule", "delete"): "Delete security group rule(s)",
    ("security", "group", "rule", "list"): "List security group rules",
    ("security", "group", "show"): "Display security group details",
    ("server", "add", "floating", "ip"): "Add floating IP address to server",
    ("server", "add", "security", "group"): "Add security group to server",
    ("server", "add", "volume"): "Add volume to server",
    ("server", "create"): "Create a new server",
    ("server", "delete"): "Delete server(s)",
    ("server", "image", "create"): "Create a new server disk image from an existing server",
    ("server", "list"): "List servers",
    ("server", "reboot"): "Perform a hard or soft server reboot",
    ("server", "remove", "floating", "ip"): "Remove floating IP address from server",
    ("server", "remove", "security", "group"): "Remove security group from server",
    ("server", "remove", "volume"): "Remove volume from server",
    ("server", "show"): "Show server details",
    ("server", "start"): "Start server(s).",
    ("server", "stop"): "Stop server(s).",
    ("subnet", "create"): "Create a subnet",
    ("subnet", "list"): "List subnets",
    ("subnet", "show"): "Display subnet details",
    ("volume", "create"): "Create new volume",
    ("volume", "delete"): "Delete volume(s)",
    ("volume", "list"): "List volumes",
    ("volume", "show"): "Display volume details",
}


@command(
    "openstack",
    man="""
NAME
       openstack - the OpenStack command-line client (python-openstackclient 6.6)

SYNOPSIS
       openstack [--os-cloud NAME] OBJECT ACTION [OPTIONS] [ARGS]

DESCRIPTION
       Drives the learner's cloud: the same one the Cloud page shows. The cloud comes from
       --os-cloud or $OS_CLOUD, looked up in ~/.config/openstack/clouds.yaml.

       server create NAME --image IMG --flavor FLV [--network NET] [--security-group SG]...
                     [--key-name KEY] [--user-data FILE] [--wait]
       server list | show | start | stop | reboot | delete SERVER
       server add volume SERVER VOLUME      server add floating ip SERVER ADDRESS
       server add security group SERVER GROUP   (and server remove ... of each)
       console log show SERVER              the instance's serial console: boot and cloud-init
       server image create --name NAME SERVER     (a template from an instance)
       image list | show | delete           flavor list
       keypair create --public-key FILE NAME      keypair list | delete
       volume create --size GB NAME         volume list | show | delete
       network create | list | show | delete
       subnet create --network NET --subnet-range CIDR NAME      subnet list | show
       security group create | list | show | delete
       security group rule create --protocol tcp --dst-port 22 [--remote-ip CIDR] GROUP
       security group rule list [GROUP] | delete RULE
       floating ip create public            floating ip list | delete

       Output: -f table (default), json, value, yaml, shell (one resource) or csv (lists);
       -c COLUMN (repeatable) keeps only those columns: openstack server show web -f value -c status
""",
)
def openstack(ctx: Context, argv: list[str]) -> int:
    words = argv[1:]
    cloud_name = None
    while words and words[0].startswith("--os-"):
        name, eq, value = words.pop(0).partition("=")
        if not eq:
            value = words.pop(0) if words else ""
        if name == "--os-cloud":
            cloud_name = value
    if not words or words[0] in ("-h", "--help", "help"):
        ctx.out(
            HELP
            + "".join(f"  {' '.join(words):<33} {text}\n" for words, text in sorted(DESCRIPTIONS.items()))
        )
        return 0
    if words[0] == "--version":
        ctx.out("openstack 6.6.0\n")
        return 0
    match = None
    for size in (4, 3, 2):
        if tuple(words[:size]) in COMMANDS:
            match = tuple(words[:size])
            break
    if match is None:
        typed = " ".join(w for w in words[:3] if not w.startswith("-"))
        ctx.err(f"openstack: '{typed}' is not an openstack command. See 'openstack --help'.\n")
        return 2
    ctx.prog = "openstack " + " ".join(match)
    world = getattr(getattr(ctx.machine, "network", None), "world", None)
    cloud = getattr(world, "cloud", None)
    try:
        config = find_config(ctx, cloud_name)
        if cloud is None:
            url = config.get("auth", {}).get("auth_url", "http://controller/identity")
            host = url.split("://")[-1].split("/")[0]
            raise Failure(
                f"Failed to discover available identity versions when contacting {url}. "
                "Attempting to parse version from URL.\n"
                f"Could not find versioned identity endpoints when attempting to authenticate. "
                "Please check that your auth_url is correct. Unable to establish connection to "
                f"{url}: HTTPConnectionPool(host='{host}', port=80): Max retries "
                "exceeded\n"
            )
        return COMMANDS[match](Client(ctx, cloud, config), ctx, words[len(match) :])
    except Failure as failure:
        ctx.err(str(failure))
        return failure.status
