"""The client's cloud (openstacksdk's clouds.yaml lookup, the service endpoints and their errors) and its
output through cliff's formatters, fitted to the terminal."""

from __future__ import annotations

import hashlib
import time

import yaml

from simulator import cliff
from simulator.cloud import NotFound
from simulator.commands import Context
from simulator.filesystem import DEFAULT_EPOCH, FsError
from simulator.osc.args import Args, Failure

CLOUDS_YAML = ("~/.config/openstack/clouds.yaml", "/etc/openstack/clouds.yaml")
PROJECT_ID = "f4c3b1a2e5d64f7a8b9c0d1e2f3a4b5c"
USER_ID = "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b"


# -- the cloud and its endpoints -----------------------------------------------------------------------
class Client:
    def __init__(self, ctx: Context, cloud, config: dict):
        self.ctx, self.cloud, self.config = ctx, cloud, config
        auth_url = config.get("auth", {}).get("auth_url", "http://controller/identity")
        self.base = auth_url.split("/identity")[0].rstrip("/")
        self.host = self.base.split("://", 1)[-1].split("/")[0].split(":")[0]

    def url(self, service: str, path: str) -> str:
        roots = {
            "compute": f"{self.base}/compute/v2.1",
            "network": f"http://{self.host}:9696/networking/v2.0",
            "volume": f"{self.base}/volume/v3/{PROJECT_ID}",
            "image": f"{self.base}/image/v2",
        }
        return roots[service] + path

    def http_error(self, code: int, service: str, path: str, message: str) -> Failure:
        names = {400: "BadRequestException", 403: "ForbiddenException", 404: "NotFoundException"}
        names |= {409: "ConflictException", 413: "HttpException"}
        label = {400: "Client Error", 403: "Client Error", 404: "Client Error", 409: "Client Error"}
        return Failure(
            f"{names.get(code, 'HttpException')}: {code}: {label.get(code, 'Client Error')} for url: "
            f"{self.url(service, path)}, {message}\n"
        )

    def find(self, kind: str, ref: str, sdk_name: str) -> dict:
        try:
            return self.cloud.find(kind, ref)
        except NotFound:
            raise Failure(f"No {sdk_name} found for {ref}\n") from None


def find_config(ctx: Context, args_cloud: str | None) -> dict:
    """openstacksdk's config: the named cloud of clouds.yaml, or the OS_* variables."""
    name = args_cloud or ctx.env.get("OS_CLOUD")
    if not name:
        if ctx.env.get("OS_AUTH_URL"):
            return {"auth": {"auth_url": ctx.env["OS_AUTH_URL"]}}
        raise Failure("Missing value auth-url required for auth plugin password\n")
    home = ctx.env.get("HOME", "/root")
    for path in CLOUDS_YAML:
        path = path.replace("~", home, 1)
        try:
            text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
        except FsError:
            continue
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            raise Failure(f"Cannot load configuration file {path}\n") from None
        clouds = data.get("clouds") if isinstance(data, dict) else None
        if isinstance(clouds, dict) and isinstance(clouds.get(name), dict):
            return clouds[name]
    raise Failure(f"Cloud {name} was not found.\n")


def timestamp(seconds: int | None) -> str:
    if seconds is None:
        return "None"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(DEFAULT_EPOCH + seconds))


def micro(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000", time.gmtime(DEFAULT_EPOCH + seconds))


def md5(public_key: str) -> str:
    """Nova's key pair fingerprint (nova/crypto.py): MD5 of the key blob, colon-separated."""
    import base64

    blob = base64.b64decode(public_key.split()[1])
    return ":".join(f"{b:02x}" for b in hashlib.md5(blob).digest())


def delete_each(ctx: Context, refs: list[str], noun: str, delete) -> int:
    """`openstack NOUN delete A B ...`: `delete(ref)` for each; one that fails (Failure) is said on stderr
    and the rest still go, as python-openstackclient's delete commands do. Returns how many failed."""
    failed = 0
    for ref in refs:
        try:
            delete(ref)
        except Failure as error:
            ctx.err(f"Failed to delete {noun} with name or ID '{ref}': {str(error).strip()}\n")
            failed += 1
    return failed


TERMINAL_WIDTH = 80  # the lab terminal's columns, as ls lays out its names for


def fit(ctx: Context, args: Args) -> int:
    """The width cliff fits tables to: --max-width, else the terminal's when stdout is one (or
    --fit-width, or CLIFF_FIT_WIDTH=1), else none."""
    value = args.get("--max-width") or ctx.env.get("CLIFF_MAX_TERM_WIDTH", "0")
    if value.lstrip("-").isdigit() and int(value) > 0:
        return int(value)
    fit = args.has("--fit-width") or ctx.env.get("CLIFF_FIT_WIDTH", "0") == "1"
    return TERMINAL_WIDTH if getattr(ctx, "tty", False) or fit else 0


def output_list(ctx: Context, args: Args, names: list[str], rows: list[list]) -> int:
    fmt = args.get("--format", "table")
    if fmt not in cliff.LIST_FORMATS:
        raise Failure(
            f"{ctx.prog}: error: argument -f/--format: invalid choice: '{fmt}' "
            f"(choose from {', '.join(repr(f) for f in cliff.LIST_FORMATS)})\n",
            2,
        )
    try:
        names, rows = cliff.select(names, rows, args.all("--column"))
    except cliff.ColumnError as error:
        raise Failure(f"{error}\n") from None
    if fmt == "table" and not rows and args.has("--print-empty"):
        ctx.out(cliff.table(names, [], ["c"] * len(names)))
        return 0
    ctx.out(cliff.emit_list(fmt, names, rows, args.has("--noindent"), fit(ctx, args)))
    return 0


def output_one(ctx: Context, args: Args, data: dict) -> int:
    fmt = args.get("--format", "table")
    if fmt not in cliff.SHOW_FORMATS:
        raise Failure(
            f"{ctx.prog}: error: argument -f/--format: invalid choice: '{fmt}' "
            f"(choose from {', '.join(repr(f) for f in cliff.SHOW_FORMATS)})\n",
            2,
        )
    names, values = list(data), list(data.values())
    try:
        names, rows = cliff.select(names, [values], args.all("--column"))
    except cliff.ColumnError as error:
        raise Failure(f"{error}\n") from None
    ctx.out(
        cliff.emit_one(fmt, names, rows[0], args.has("--noindent"), args.get("--prefix", ""), fit(ctx, args))
    )
    return 0
