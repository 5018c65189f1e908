"""curl (8.5.0, Ubuntu 24.04) over the lab's network: a cloud instance's metadata service at
169.254.169.254, and the web servers (nginx) of the world's machines.

The metadata service answers as Nova's (nova/api/metadata/base.py, 2024.1): the OpenStack tree under
/openstack (meta_data.json, user_data) and the EC2-compatible one under /latest/meta-data/, listings one
name a line without a final newline, a directory's name ending in '/', missing paths a webob 404 page.
Connections follow the cloud's rules (simulator/cloudlab.py): a dropped SYN ends, after the kernel's
retries (about 130 s), as curl's error 28. Only http:// is spoken.
"""

from __future__ import annotations

import json
import time

from simulator import cloudinit, cloudlab, packages
from simulator.commands import Context, command
from simulator.filesystem import DEFAULT_EPOCH, FsError

METADATA = "169.254.169.254"
EC2_VERSIONS = "1.0 2007-01-19 2007-03-01 2007-08-29 2007-10-10 2007-12-15 2008-02-01 2008-09-01 2009-04-04"
OPENSTACK_VERSIONS = "2012-08-10 2013-04-04 2013-10-17 2015-10-15 2016-06-30 2016-10-06 2017-02-22 2018-08-27"
OPENSTACK_VERSIONS += " 2020-10-14"
NOVA_404 = (
    "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n"
    "  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>"
)
NGINX = "nginx/1.24.0 (Ubuntu)"
NGINX_404 = (
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    "<center><h1>404 Not Found</h1></center>\r\n"
    f"<hr><center>{NGINX}</center>\r\n</body>\r\n</html>\r\n"
)
CONNECT_TIMEOUT_MS = 134_208  # Linux's 6 SYN retries with exponential backoff, as curl reports them
FLAGS = {"-s": "silent", "--silent": "silent", "-S": "show-error", "--show-error": "show-error"}
FLAGS |= {
    "-f": "fail",
    "--fail": "fail",
    "-i": "include",
    "--include": "include",
    "-I": "head",
    "--head": "head",
}
FLAGS |= {
    "-L": "location",
    "--location": "location",
    "-v": "verbose",
    "--verbose": "verbose",
    "-k": "insecure",
}
VALUES = {"-o": "output", "--output": "output", "-H": "header", "--header": "header", "-X": "request"}
VALUES |= {"-m": "max-time", "--max-time": "max-time", "--connect-timeout": "connect-timeout"}


TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n"


class Response:
    def __init__(self, status: int, body: str, kind: str = "text/plain; charset=UTF-8", server: str = ""):
        self.status, self.body, self.kind, self.server = status, body, kind, server


def metadata(machine, path: str) -> Response:
    """Nova's metadata service for the instance this machine is."""
    seed = dict(cloudinit.seed_of(machine))
    world = getattr(getattr(machine, "network", None), "world", None)
    instance = cloudlab.instance_of(world, machine)
    if instance is not None:  # the service answers from the cloud's state now, not as it was at boot
        seed["public-ipv4"] = instance.get("floating_ip") or ""
        seed["ec2-id"] = "i-" + instance["machine"].rsplit("-", 1)[-1]  # Nova's i-%08x of the instance row
    path = "/" + path.strip("/")
    trailing = path != "/" and path.endswith("/")
    parts = [p for p in path.split("/") if p]
    if not parts:
        return Response(200, "\n".join([*EC2_VERSIONS.split(), "latest"]))
    if parts[0] == "openstack":
        if len(parts) == 1:
            return Response(200, "\n".join([*OPENSTACK_VERSIONS.split(), "latest"]))
        if parts[1] in ("latest", *OPENSTACK_VERSIONS.split()):
            if len(parts) == 2:
                names = ["meta_data.json", "password", "vendor_data.json", "network_data.json"]
                names += ["vendor_data2.json"] + (["user_data"] if seed.get("user-data") else [])
                return Response(200, "\n".join(names))
            if parts[2:] == ["meta_data.json"]:
                return Response(200, json.dumps(cloudinit.meta_data(seed)), "application/json")
            if parts[2:] == ["user_data"] and seed.get("user-data"):
                return Response(200, seed["user-data"], "text/plain")
            if parts[2:] in (["vendor_data.json"], ["vendor_data2.json"]):
                return Response(200, "{}", "application/json")
            if parts[2:] == ["password"]:
                return Response(200, "")
            if parts[2:] == ["network_data.json"]:
                return Response(200, json.dumps(_network_data(machine, seed)), "application/json")
        return Response(404, NOVA_404, "text/html; charset=UTF-8")
    if parts[0] in ("latest", *EC2_VERSIONS.split()):
        if len(parts) == 1:
            return Response(200, "meta-data/\nuser-data" if seed.get("user-data") else "meta-data/")
        if parts[1] == "user-data" and len(parts) == 2 and seed.get("user-data"):
            return Response(200, seed["user-data"])
        if parts[1] == "meta-data":
            node = cloudinit.ec2_meta_data(machine, seed)
            for name in parts[2:]:
                if name == "0=" or (isinstance(node, dict) and "public-keys" in path and "=" in name):
                    name = name.split("=")[0]
                if not isinstance(node, dict) or name not in node:
                    return Response(404, NOVA_404, "text/html; charset=UTF-8")
                node = node[name]
            if isinstance(node, dict):
                if parts[2:] == ["public-keys"]:
                    return Response(200, "\n".join(f"{k}={seed.get('key-name') or 'key'}" for k in node))
                return Response(
                    200, "\n".join(k + "/" if isinstance(v, dict) else k for k, v in sorted(node.items()))
                )
            if trailing:
                return Response(404, NOVA_404, "text/html; charset=UTF-8")
            return Response(200, str(node))
    return Response(404, NOVA_404, "text/html; charset=UTF-8")


def _network_data(machine, seed: dict) -> dict:
    """Nova's network_data.json: the instance's port as a link, DHCP on it (Neutron's OVN/OVS port)."""
    nic = machine.nics[0]
    port = "tap" + seed["instance-id"].replace("-", "")[:11]
    return {
        "links": [
            {
                "id": port,
                "vif_id": seed["instance-id"],
                "type": "ovs",
                "mtu": 1442,
                "ethernet_mac_address": nic["mac"],
            }
        ],
        "networks": [
            {"id": "network0", "type": "ipv4_dhcp", "link": port, "network_id": seed.get("network-id", "")}
        ],
        "services": [],
    }


def web(machine, path: str) -> Response | None:
    """nginx's default site: /var/www/html, its index.html or Ubuntu's index.nginx-debian.html."""
    if "nginx" not in packages.running_services(machine):
        return None
    root = "/var/www/html"
    target = root + "/" + path.strip("/")
    if machine.fs.is_dir(target):
        for index in ("index.html", "index.htm", "index.nginx-debian.html"):
            if machine.fs.is_file(f"{target.rstrip('/')}/{index}"):
                target = f"{target.rstrip('/')}/{index}"
                break
    try:
        return Response(200, machine.fs.read(target), "text/html", NGINX)
    except FsError:
        return Response(404, NGINX_404, "text/html", NGINX)


REASONS = {200: "OK", 404: "Not Found"}


def _headers(response: Response, now: int) -> str:
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now))
    lines = [f"HTTP/1.1 {response.status} {REASONS[response.status]}"]
    if response.server:
        lines.append(f"Server: {response.server}")
    lines += [
        f"Date: {date}",
        f"Content-Type: {response.kind}",
        f"Content-Length: {len(response.body.encode())}",
    ]
    lines.append("Connection: keep-alive" if response.server else "Connection: close")
    return "\r\n".join(lines) + "\r\n\r\n"


def _unreachable(host: str, port: int) -> str:
    return (
        f"Failed to connect to {host} port {port} after {CONNECT_TIMEOUT_MS} ms: Couldn't connect to server"
    )


def _progress(size: int) -> str:
    """The progress meter curl prints on stderr when the body goes to a file: one finished transfer."""
    speed = f"{size * 2 // 1000}k" if size >= 1000 else str(size * 2)
    return (
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
        "                                 Dload  Upload   Total   Spent    Left  Speed\n"
        f"\r100 {size:>5}  100 {size:>5}    0     0  {speed:>5}      0 "
        f"--:--:-- --:--:-- --:--:-- {speed:>5}\n"
    )


def _split_url(url: str) -> tuple[str, str, int, str] | None:
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "http", url
    host, _, path = rest.partition("/")
    port = 443 if scheme == "https" else 80
    if ":" in host:
        host, _, number = host.partition(":")
        if not number.isdigit():
            return None
        port = int(number)
    return scheme.lower(), host, port, "/" + path


@command(
    "curl",
    man="""
NAME
       curl - transfer a URL (curl 8.5.0)

SYNOPSIS
       curl [-s] [-S] [-f] [-i] [-I] [-o FILE] URL...

DESCRIPTION
       Fetch a URL over HTTP from the machines of this lab: a web server's pages, or, inside a cloud
       instance, the metadata service at http://169.254.169.254/ (OpenStack's /openstack/latest/...,
       EC2's /latest/meta-data/...).
       -s silent (no progress or errors; add -S for errors), -f fail on an HTTP error (exit 22),
       -i show the response headers, -I headers only, -o FILE write the body to FILE.
""",
)
def curl(ctx: Context, argv: list[str]) -> int:
    opts: set[str] = set()
    values: dict[str, str] = {}
    urls: list[str] = []
    words = argv[1:]
    while words:
        word = words.pop(0)
        if word in FLAGS:
            opts.add(FLAGS[word])
        elif word in VALUES:
            if not words:
                ctx.err(f"curl: option {word}: requires parameter\n{TRY}")
                return 2
            values[VALUES[word]] = words.pop(0)
        elif word.startswith("-") and len(word) > 1 and all(f"-{c}" in FLAGS for c in word[1:]):
            opts |= {FLAGS[f"-{c}"] for c in word[1:]}
        elif word.startswith("-") and len(word) > 1:
            ctx.err(f"curl: option {word}: is unknown\n{TRY}")
            return 2
        else:
            urls.append(word)
    if not urls:
        ctx.err(f"curl: no URL specified\n{TRY}")
        return 2
    quiet_errors = "silent" in opts and "show-error" not in opts
    status = 0
    for url in urls:
        status = _fetch(ctx, url, opts, values, quiet_errors)
    return status


def _fetch(ctx: Context, url: str, opts: set[str], values: dict[str, str], quiet: bool) -> int:
    def fail(code: int, message: str) -> int:
        if not quiet:
            ctx.err(f"curl: ({code}) {message}\n")
        return code

    parts = _split_url(url)
    if parts is None:
        return fail(3, "URL rejected: Port number was not a decimal number between 0 and 65535")
    scheme, host, port, path = parts
    if scheme not in ("http", "https"):
        return fail(1, f'Protocol "{scheme}" not supported')
    if not host:
        return fail(3, "URL rejected: No host part in the URL")
    machine = ctx.machine
    response: Response | None
    if host == METADATA:
        if cloudinit.seed_of(machine) is None or port != 80:
            return fail(28, _unreachable(host, port))
        response = metadata(machine, path)
    else:
        network = getattr(machine, "network", None)
        world = getattr(network, "world", None)
        routed = cloudlab.route(world, machine, host, "tcp", port)
        if routed == "timeout":
            return fail(28, _unreachable(host, port))
        found = routed or (network.find(host) if network is not None else None)
        if found is None:
            return fail(6, f"Could not resolve host: {host}")
        target = found[1]
        response = web(target, path) if port == 80 and scheme == "http" else None
        if response is None:
            return fail(7, f"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server")
    if "fail" in opts and response.status >= 400:
        return fail(22, f"The requested URL returned error: {response.status}")
    head = _headers(response, DEFAULT_EPOCH + machine.clock)
    if "head" in opts:
        body = head
    else:
        body = (head if "include" in opts else "") + response.body
    if "output" in values:
        try:
            machine.fs.write(values["output"], body, ctx.cwd, ctx.uid)
        except FsError as error:
            return fail(
                23, f"Failure writing output to destination, passed {len(body)} returned 0 ({error.message})"
            )
        if "silent" not in opts:
            ctx.err(_progress(len(body.encode())))
        return 0
    ctx.out(body)
    return 0
