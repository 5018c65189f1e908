"""Neutron through the client: networks, subnets, security groups and their rules, floating IPs."""

from __future__ import annotations

import random
import uuid

from simulator import cliff
from simulator.cliff import Column
from simulator.cloud import CloudError, Conflict, QuotaExceeded
from simulator.commands import Context
from simulator.osc.args import FORMAT_OPTIONS, Failure, parse
from simulator.osc.client import PROJECT_ID, Client, delete_each, output_list, output_one, timestamp


# -- networking -------------------------------------------------------------------------------------------
def _network_detail(client: Client, network: dict) -> dict:
    subnets = list(network["subnets"])
    return {
        "admin_state_up": Column("UP", True),
        "availability_zone_hints": Column("", []),
        "availability_zones": Column("", []),
        "created_at": timestamp(network["created"]),
        "description": "",
        "id": network["id"],
        "mtu": 1442,
        "name": network["name"],
        "port_security_enabled": True,
        "project_id": PROJECT_ID,
        "provider:network_type": None,
        "router:external": Column(
            "External" if network.get("external") else "Internal", bool(network.get("external"))
        ),
        "shared": False,
        "status": "ACTIVE",
        "subnets": Column(", ".join(sorted(subnets)), subnets),
        "updated_at": timestamp(network["created"]),
    }


def network_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--description": "value", **FORMAT_OPTIONS}, ["<name>"])
    try:
        network = client.cloud.create_network(args.positionals[0])
    except CloudError as error:
        raise client.http_error(
            409 if isinstance(error, Conflict) else 400, "network", "/networks", str(error)
        ) from None
    return output_one(ctx, args, _network_detail(client, network))


def network_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(
        ctx.prog, argv, {"--external": "flag", "--internal": "flag", "--long": "flag", **FORMAT_OPTIONS}, []
    )
    rows = []
    for network in sorted(client.cloud.list("networks"), key=lambda n: n["id"]):
        if args.has("--external") and not network.get("external"):
            continue
        if args.has("--internal") and network.get("external"):
            continue
        subnets = list(network["subnets"])
        rows.append([network["id"], network["name"], Column(", ".join(sorted(subnets)), subnets)])
    return output_list(ctx, args, ["ID", "Name", "Subnets"], rows)


def network_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<network>"])
    return output_one(
        ctx, args, _network_detail(client, client.find("networks", args.positionals[0], "Network"))
    )


def network_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<network>", "[<network> ...]"])

    def delete(ref: str) -> None:
        network = client.find("networks", ref, "Network")
        try:
            client.cloud.delete_network(network["id"])
        except CloudError:
            raise Failure(
                "ConflictException: 409: Client Error for url: "
                f"{client.url('network', '/networks/' + network['id'])}, "
                f"Unable to complete operation on network {network['id']}. There are one or more ports "
                "still in use on the network."
            ) from None

    failed = delete_each(ctx, args.positionals, "network", delete)
    if failed:
        raise Failure(f"{failed} of {len(args.positionals)} networks failed to delete.\n")
    return 0


def _subnet_detail(client: Client, subnet: dict) -> dict:
    start, end = subnet["pool"]
    return {
        "allocation_pools": Column(f"{start}-{end}", [{"start": start, "end": end}]),
        "cidr": subnet["cidr"],
        "created_at": timestamp(subnet["created"]),
        "description": "",
        "dns_nameservers": Column("", []),
        "enable_dhcp": True,
        "gateway_ip": subnet.get("gateway"),
        "host_routes": Column("", []),
        "id": subnet["id"],
        "ip_version": 4,
        "name": subnet["name"],
        "network_id": subnet["network"],
        "project_id": PROJECT_ID,
        "updated_at": timestamp(subnet["created"]),
    }


SUBNET_CREATE = {
    "--network": "value",
    "--subnet-range": "value",
    "--gateway": "value",
    "--allocation-pool": "append",
    "--dhcp": "flag",
    "--no-dhcp": "flag",
    "--dns-nameserver": "append",
    **FORMAT_OPTIONS,
}


def subnet_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, SUBNET_CREATE, ["<name>"], ("--network",))
    network = client.find("networks", args.get("--network"), "Network")
    cidr = args.get("--subnet-range")
    if cidr is None:
        raise Failure("Must specify --subnet-range or --subnet-pool\n")
    start = end = ""
    for pool in args.all("--allocation-pool"):
        fields = dict(part.split("=", 1) for part in pool.split(",") if "=" in part)
        start, end = fields.get("start", ""), fields.get("end", "")
    gateway = args.get("--gateway", "")
    try:
        subnet = client.cloud.create_subnet(
            network["id"], args.positionals[0], cidr, "" if gateway == "auto" else gateway, start, end
        )
    except Conflict as error:
        if error.field != "cidr":
            raise client.http_error(409, "network", "/subnets", str(error)) from None
        message = (  # Neutron's words for an overlap
            f"Invalid input for operation: Requested subnet with cidr: {cidr} for network: "
            f"{network['id']} overlaps with another subnet."
        )
        raise client.http_error(400, "network", "/subnets", message) from None
    except CloudError as error:
        message = str(error)
        if error.field == "cidr":
            message = f"Invalid input for cidr. Reason: '{cidr}' is not a valid IP subnet."
        raise client.http_error(400, "network", "/subnets", message) from None
    return output_one(ctx, args, _subnet_detail(client, subnet))


def subnet_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--network": "value", "--long": "flag", **FORMAT_OPTIONS}, [])
    subnets = sorted(client.cloud.list("subnets"), key=lambda s: s["id"])
    if args.has("--network"):
        network = client.find("networks", args.get("--network"), "Network")
        subnets = [s for s in subnets if s["network"] == network["id"]]
    rows = [[s["id"], s["name"], s["network"], s["cidr"]] for s in subnets]
    return output_list(ctx, args, ["ID", "Name", "Network", "Subnet"], rows)


def subnet_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<subnet>"])
    return output_one(
        ctx, args, _subnet_detail(client, client.find("subnets", args.positionals[0], "Subnet"))
    )


def _rule_row(rule: dict, group: dict) -> dict:
    protocol = None if rule["protocol"] == "any" else rule["protocol"]
    ports = ""
    if rule.get("port_min") is not None:
        ports = f"{rule['port_min']}:{rule['port_max']}"
    return {
        "id": rule["id"],
        "protocol": protocol,
        "ethertype": "IPv4",
        "range": rule.get("remote") or "0.0.0.0/0" if not rule.get("remote_group") else None,
        "ports": ports,
        "direction": rule.get("direction", "ingress"),
        "remote_group": rule.get("remote_group"),
        "group": group["id"],
    }


def _group_detail(client: Client, group: dict) -> dict:
    rules = []
    for rule in group["rules"]:
        row = _rule_row(rule, group)
        item = {"direction": row["direction"], "ethertype": "IPv4", "id": row["id"]}
        if row["protocol"]:
            item["protocol"] = row["protocol"]
        if rule.get("port_min") is not None:
            item["port_range_max"] = rule["port_max"]
            item["port_range_min"] = rule["port_min"]
        if row["remote_group"]:
            item["remote_group_id"] = row["remote_group"]
        elif rule.get("remote"):
            item["remote_ip_prefix"] = rule["remote"]
        rules.append(item)
    return {
        "created_at": timestamp(group["created"]),
        "description": group["description"],
        "id": group["id"],
        "name": group["name"],
        "project_id": PROJECT_ID,
        "revision_number": len(group["rules"]),
        "rules": Column(cliff.format_list_of_dicts(rules), rules),
        "stateful": True,
        "tags": Column("", []),
        "updated_at": timestamp(group["created"]),
    }


def security_group_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--description": "value", **FORMAT_OPTIONS}, ["<name>"])
    try:
        group = client.cloud.create_security_group(args.positionals[0], args.get("--description", ""))
    except CloudError as error:
        raise client.http_error(
            409 if isinstance(error, Conflict) else 400, "network", "/security-groups", str(error)
        ) from None
    return output_one(ctx, args, _group_detail(client, group))


def security_group_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, [])
    rows = [
        [g["id"], g["name"], g["description"], PROJECT_ID, Column("", [])]
        for g in sorted(client.cloud.list("security_groups"), key=lambda g: g["id"])
    ]
    return output_list(ctx, args, ["ID", "Name", "Description", "Project", "Tags"], rows)


def security_group_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<group>"])
    group = client.find("security_groups", args.positionals[0], "SecurityGroup")
    return output_one(ctx, args, _group_detail(client, group))


def security_group_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<group>", "[<group> ...]"])
    for ref in args.positionals:
        group = client.find("security_groups", ref, "SecurityGroup")
        try:
            client.cloud.delete_security_group(group["id"])
        except CloudError as error:
            raise client.http_error(409, "network", f"/security-groups/{group['id']}", str(error)) from None
    return 0


RULE_CREATE = {
    "--protocol": "value",
    "--dst-port": "value",
    "--remote-ip": "value",
    "--ingress": "flag",
    "--egress": "flag",
    "--ethertype": "value",
    "--description": "value",
    **FORMAT_OPTIONS,
}


def security_group_rule_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, RULE_CREATE, ["<group>"])
    group = client.find("security_groups", args.positionals[0], "SecurityGroup")
    protocol = (args.get("--protocol") or "tcp").lower()
    low = high = None
    ports = args.get("--dst-port")
    if ports:
        low, _, high = ports.partition(":")
        high = high or low
    if protocol == "icmp" and ports:
        raise Failure("Argument --dst-port not allowed with arguments --protocol icmp\n")
    try:
        rule = client.cloud.add_rule(group["id"], protocol, low, high, args.get("--remote-ip", "0.0.0.0/0"))
    except CloudError as error:
        code = 409 if isinstance(error, Conflict) else 400
        raise client.http_error(code, "network", "/security-group-rules", str(error)) from None
    row = _rule_row(rule, group)
    return output_one(
        ctx,
        args,
        {
            "created_at": timestamp(client.cloud.now()),
            "description": "",
            "direction": row["direction"],
            "ether_type": "IPv4",
            "id": rule["id"],
            "name": None,
            "port_range_max": rule.get("port_max"),
            "port_range_min": rule.get("port_min"),
            "project_id": PROJECT_ID,
            "protocol": row["protocol"],
            "remote_address_group_id": None,
            "remote_group_id": None,
            "remote_ip_prefix": rule.get("remote"),
            "revision_number": 0,
            "security_group_id": group["id"],
            "tags": Column("", []),
            "updated_at": timestamp(client.cloud.now()),
        },
    )


def security_group_rule_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(
        ctx.prog,
        argv,
        {"--ingress": "flag", "--egress": "flag", "--long": "flag", **FORMAT_OPTIONS},
        ["[<group>]"],
    )
    names = [
        "ID",
        "IP Protocol",
        "Ethertype",
        "IP Range",
        "Port Range",
        "Direction",
        "Remote Security Group",
        "Remote Address Group",
    ]
    groups = client.cloud.list("security_groups")
    if args.positionals:
        groups = [client.find("security_groups", args.positionals[0], "SecurityGroup")]
    else:
        names.append("Security Group")
    rows = []
    for group in groups:
        for rule in group["rules"]:
            row = _rule_row(rule, group)
            if (
                args.has("--ingress")
                and row["direction"] != "ingress"
                or args.has("--egress")
                and row["direction"] != "egress"
            ):
                continue
            values = [
                row["id"],
                row["protocol"],
                "IPv4",
                row["range"],
                row["ports"],
                row["direction"],
                row["remote_group"],
                None,
            ]
            if not args.positionals:
                values.append(group["id"])
            rows.append(values)
    rows.sort(key=lambda r: r[0])
    return output_list(ctx, args, names, rows)


def security_group_rule_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<rule>", "[<rule> ...]"])
    for ref in args.positionals:
        try:
            client.cloud.delete_rule(ref)
        except CloudError:
            raise Failure(f"No SecurityGroupRule found for {ref}\n") from None
    return 0


def _floating_row(client: Client, floating: dict) -> list:
    instance = client.cloud.state["instances"].get(floating["instance"] or "")
    fixed = instance["fixed_ip"] if instance else None
    port = (
        str(uuid.UUID(int=random.Random(f"port/{instance['id']}").getrandbits(128), version=4))
        if instance
        else None
    )
    public = client.cloud.find("networks", "public")["id"]
    return [floating["id"], floating["address"], fixed, port, public, PROJECT_ID]


def floating_ip_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(
        ctx.prog, argv, {"--port": "value", "--floating-ip-address": "value", **FORMAT_OPTIONS}, ["<network>"]
    )
    network = client.find("networks", args.positionals[0], "Network")
    if not network.get("external"):
        raise client.http_error(
            400,
            "network",
            "/floatingips",
            f"Bad floatingip request: Network {network['id']} is not a valid external network.",
        )
    try:
        floating = client.cloud.allocate_floating_ip()
    except QuotaExceeded:
        limit = client.cloud.state["quotas"]["floating_ips"]
        raise client.http_error(
            409, "network", "/floatingips", f"Quota exceeded for resources: ['floatingip']. Limit {limit}."
        ) from None
    row = _floating_row(client, floating)
    return output_one(
        ctx,
        args,
        {
            "created_at": timestamp(floating["created"]),
            "description": "",
            "dns_domain": None,
            "dns_name": None,
            "fixed_ip_address": row[2],
            "floating_ip_address": floating["address"],
            "floating_network_id": row[4],
            "id": floating["id"],
            "name": floating["address"],
            "port_details": None,
            "port_id": row[3],
            "project_id": PROJECT_ID,
            "qos_policy_id": None,
            "revision_number": 0,
            "router_id": None,
            "status": "DOWN",
            "subnet_id": None,
            "tags": Column("", []),
            "updated_at": timestamp(floating["created"]),
        },
    )


def floating_ip_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--long": "flag", **FORMAT_OPTIONS}, [])
    rows = [
        _floating_row(client, f) for f in sorted(client.cloud.list("floating_ips"), key=lambda f: f["id"])
    ]
    names = ["ID", "Floating IP Address", "Fixed IP Address", "Port", "Floating Network", "Project"]
    return output_list(ctx, args, names, rows)


def floating_ip_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<floating-ip>", "[<floating-ip> ...]"])
    for ref in args.positionals:
        floating = next(
            (f for f in client.cloud.list("floating_ips") if ref in (f["address"], f["id"])), None
        )
        if floating is None:
            raise Failure(f"No FloatingIP found for {ref}\n")
        client.cloud.release_floating_ip(floating["id"])
    return 0
