"""Cinder through the client: volumes."""

from __future__ import annotations

from simulator import cliff
from simulator.cliff import Column
from simulator.cloud import CloudError, NotFound, QuotaExceeded
from simulator.commands import Context
from simulator.osc.args import FORMAT_OPTIONS, Failure, parse, usage
from simulator.osc.client import USER_ID, Client, delete_each, micro, output_list, output_one


# -- volumes -------------------------------------------------------------------------------------------
def _volume_detail(client: Client, volume: dict) -> dict:
    attachments = []
    if volume["attached_to"]:
        instance = client.cloud.state["instances"][volume["attached_to"]]
        attachments = [
            {
                "attachment_id": volume["id"],
                "device": volume["device"],
                "host_name": None,
                "id": volume["id"],
                "server_id": instance["id"],
                "volume_id": volume["id"],
            }
        ]
    return {
        "attachments": Column(cliff.format_list_of_dicts(attachments), attachments),
        "availability_zone": "nova",
        "bootable": "false",
        "consistencygroup_id": None,
        "created_at": micro(volume["created"]),
        "description": None,
        "encrypted": False,
        "id": volume["id"],
        "multiattach": False,
        "name": volume["name"],
        "properties": Column("", {}),
        "replication_status": None,
        "size": volume["size"],
        "snapshot_id": volume.get("snapshot"),
        "source_volid": None,
        "status": volume["status"],
        "type": "lvmdriver-1",
        "updated_at": micro(volume["created"]),
        "user_id": USER_ID,
    }


def volume_create(client: Client, ctx: Context, argv: list[str]) -> int:
    options = {
        "--size": "value",
        "--snapshot": "value",
        "--description": "value",
        "--type": "value",
        **FORMAT_OPTIONS,
    }
    args = parse(ctx.prog, argv, options, ["<name>"])
    if not args.has("--size") and not args.has("--snapshot"):
        raise Failure("--size is a required option if snapshot or source volume are not specified.\n")
    size = args.get("--size")
    if size is not None and not size.strip().lstrip("-").isdigit():
        raise Failure(
            usage(ctx.prog, options, ["<name>"], ())
            + f"{ctx.prog}: error: argument --size: invalid int value: '{size}'\n",
            2,
        )
    try:
        volume = client.cloud.create_volume(args.positionals[0], size, args.get("--snapshot") or "")
    except QuotaExceeded as error:
        raise client.http_error(
            413, "volume", "/volumes", f"VolumeSizeExceedsAvailableQuota: {error}"
        ) from None
    except CloudError as error:
        raise client.http_error(400, "volume", "/volumes", f"Invalid input received: {error}") from None
    return output_one(ctx, args, _volume_detail(client, volume))


def volume_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--long": "flag", **FORMAT_OPTIONS}, [])
    rows = []
    for volume in sorted(client.cloud.list("volumes"), key=lambda v: v["created"], reverse=True):
        attached = ""
        if volume["attached_to"]:
            server = client.cloud.state["instances"][volume["attached_to"]]["name"]
            attached = f"Attached to {server} on {volume['device']} "
        rows.append([volume["id"], volume["name"], volume["status"], volume["size"], attached])
    return output_list(ctx, args, ["ID", "Name", "Status", "Size", "Attached to"], rows)


def _find_volume(client: Client, ref: str) -> dict:
    try:
        return client.cloud.find("volumes", ref)
    except NotFound:
        raise Failure(f"No volume with a name or ID of '{ref}' exists.\n") from None


def volume_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<volume>"])
    return output_one(ctx, args, _volume_detail(client, _find_volume(client, args.positionals[0])))


def volume_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--force": "flag", "--purge": "flag"}, ["<volume>", "[<volume> ...]"])

    def delete(ref: str) -> None:
        volume = _find_volume(client, ref)
        try:
            client.cloud.delete_volume(volume["id"])
        except CloudError:
            raise Failure(
                "Invalid volume: Volume status must be available or error or error_restoring or "
                "error_extending or error_managing and must not be migrating, attached, belong to a group, "
                "have snapshots, awaiting a transfer, or be disassociated from snapshots after volume "
                "transfer. "
                "(HTTP 400)"
            ) from None

    failed = delete_each(ctx, args.positionals, "volume", delete)
    if failed:
        raise Failure(f"{failed} of {len(args.positionals)} volumes failed to delete.\n")
    return 0
