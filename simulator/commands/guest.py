"""What a guest (or a would-be KVM host) tells about itself: cloud-init, kvm-ok, nproc, arch.

Modelled on cloud-init 24.4 (cloudinit/cmd/status.py), Ubuntu cpu-checker 0.7 (the kvm-ok script),
and coreutils 9.4 (nproc, arch).
"""

from __future__ import annotations

import json

from simulator import cloudconfig, cloudinit
from simulator.commands import MAN_PAGES, Context, command
from simulator.filesystem import FsError
from simulator.procfs import cpu_count


def _cloud_init_status(ctx: Context, args: list[str]) -> int:
    machine = ctx.machine
    long = "--long" in args or "-l" in args
    wait = "--wait" in args or "-w" in args
    fmt = "tabular"
    for i, arg in enumerate(args):
        if arg == "--format" and i + 1 < len(args):
            fmt = args[i + 1]
        elif arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
    if fmt not in ("tabular", "json", "yaml"):
        ctx.err(
            "usage: /usr/bin/cloud-init status [-h] [--format {json,tabular,yaml}] [-l] [-w]\n"
            f"/usr/bin/cloud-init status: error: argument --format: invalid choice: '{fmt}' "
            "(choose from 'json', 'tabular', 'yaml')\n"
        )
        return 2
    report = cloudinit.status_report(machine)
    status, extended = report["status"], report["extended_status"]
    code = (
        1
        if status == "error" or extended.startswith("error")
        else 2
        if extended.startswith("degraded")
        else 0
    )
    if fmt == "tabular":
        prefix = "\n" if wait else ""
        ctx.out(f"{prefix}status: {status}\n")
        if long:
            errors = "".join(f"\n\t- {e}" for e in report["errors"]) or " []"
            recoverable = (
                "".join(
                    f"\n{kind}:" + "".join(f"\n\t- {m.replace(chr(10), ' ')}" for m in messages)
                    for kind, messages in report["recoverable_errors"].items()
                )
                or " {}"
            )
            ctx.out(
                f"extended_status: {extended}\nboot_status_code: enabled-by-generator\n"
                f"last_update: {report['last_update']}\ndetail: {report['detail']}\nerrors:{errors}\n"
                f"recoverable_errors:{recoverable}\n"
            )
        return code
    ctx.out(json.dumps(report, indent=2, sort_keys=True, separators=(",", ": ")) + "\n")
    return code


# The top-level keys of /run/cloud-init/instance-data.json (cloud-init docs, cli.rst: query --list-keys).
QUERY_KEYS = (
    "_beta_keys",
    "availability_zone",
    "base64_encoded_keys",
    "cloud_name",
    "ds",
    "instance_id",
    "local_hostname",
    "platform",
    "public_ssh_keys",
    "region",
    "sensitive_keys",
    "subplatform",
    "sys_info",
    "v1",
    "variant",
    "vendordata",
)


def _user_supplied(ctx: Context) -> dict:
    """What query.py adds to instance-data: the user-data, vendor-data and merged config as read by root,
    redacted for anyone else (sources.REDACT_SENSITIVE_VALUE)."""
    files = {
        "userdata": "/var/lib/cloud/instance/user-data.txt",
        "vendordata": "/var/lib/cloud/instance/vendor-data.txt",
        "combined_cloud_config": "/run/cloud-init/combined-cloud-config.json",
    }
    if not ctx.is_root:
        return {key: f"<redacted for non-root user> file:{path}" for key, path in files.items()}
    found: dict = {}
    for key, path in files.items():
        try:
            text = ctx.machine.fs.read(path)
        except FsError:
            text = None
        if key == "combined_cloud_config":
            found[key] = json.loads(text) if text else None
        else:
            found[key] = text if text is not None else ""
    return found


def _cloud_init_query(ctx: Context, args: list[str]) -> int:
    """cloud-init query (cmd/query.py): a string as it is, anything else as util.json_dumps writes it."""
    data = {**cloudinit.instance_data(ctx.machine), **_user_supplied(ctx)}
    flags = {a for a in args if a.startswith("-")}
    unknown = flags - {"-a", "--all", "--list-keys"}
    if unknown:
        return _argparse_error(ctx, f"unrecognized arguments: {' '.join(sorted(unknown))}")
    names = [a for a in args if not a.startswith("-")]
    if len(names) > 1:
        return _argparse_error(ctx, f"unrecognized arguments: {' '.join(names[1:])}")
    if not names and not flags:
        ctx.err("Expected one of the options: --all, --format, --list-keys or varname\n")
        return 1
    value: object = data
    if names:
        for part in names[0].split("."):
            if not isinstance(value, dict) or part not in value:
                ctx.err(f"Undefined instance-data key '{names[0]}'\n")
                return 1
            value = value[part]
    if "--list-keys" in flags:
        if not isinstance(value, dict):
            ctx.err(f"--list-keys provided but '{names[0]}' is not a dict\n")
            return 1
        ctx.out("\n".join(sorted(value)) + "\n")
        return 0
    ctx.out((value if isinstance(value, str) else cloudinit.json_dumps(value).rstrip("\n")) + "\n")
    return 0


SUBCOMMANDS = ("init", "modules", "single", "query", "features", "analyze", "devel", "collect-logs", "clean")
USAGE = (
    "usage: /usr/bin/cloud-init [-h] [--version] [--debug] [--force] [--all-stages]\n"
    "                           {init,modules,single,query,features,analyze,devel,collect-logs,"
    "clean,status,schema} ...\n"
)


CLEAN_USAGE = (
    "usage: /usr/bin/cloud-init clean [-h] [-l] [--machine-id] [-r] [-s]\n"
    "                                 [-c {all,ssh_config,network} [{all,ssh_config,network} ...]]\n"
)


def _argparse_error(ctx: Context, message: str, sub: str = "") -> int:
    """argparse's exit: the parser that found the error prints its usage (a subcommand's own for a bad
    value; the main parser collects unrecognized arguments)."""
    usage = CLEAN_USAGE if sub == "clean" else USAGE
    ctx.err(f"{usage}/usr/bin/cloud-init{' ' + sub if sub else ''}: error: {message}\n")
    return 2


CLEAN_FLAGS = {
    "--logs": "logs",
    "-l": "logs",
    "--machine-id": "machine-id",
    "--reboot": "reboot",
    "-r": "reboot",
}
CLEAN_FLAGS |= {"--seed": "seed", "-s": "seed"}
CONFIG_TYPES = ("all", "ssh_config", "network")
GENERATED_CONFIGS = {
    "network": ("/etc/netplan/50-cloud-init.yaml", "/etc/systemd/network/10-cloud-init-eth0.network"),
    "ssh_config": ("/etc/ssh/sshd_config.d/50-cloud-init.conf",),
}


def _clean_options(ctx: Context, args: list[str]) -> tuple[set[str], set[str]] | int:
    """argparse as cmd/clean.py declares it: flags (unique prefixes of the long ones) and -c TYPE..."""
    chosen, configs = set(), set()
    words = list(args)
    while words:
        word = words.pop(0)
        if word in ("-c", "--configs") or (word.startswith("--con") and "--configs".startswith(word)):
            if not words or words[0].startswith("-"):
                return _argparse_error(ctx, "argument -c/--configs: expected at least one argument", "clean")
            while words and not words[0].startswith("-"):
                value = words.pop(0)
                if value not in CONFIG_TYPES:
                    choices = ", ".join(f"'{c}'" for c in CONFIG_TYPES)
                    message = f"argument -c/--configs: invalid choice: '{value}' (choose from {choices})"
                    return _argparse_error(ctx, message, "clean")
                configs.add(value)
            continue
        matches = {key for flag, key in CLEAN_FLAGS.items() if flag == word}
        if not matches and word.startswith("--") and len(word) > 2:
            matches = {key for flag, key in CLEAN_FLAGS.items() if flag.startswith(word)}
        if len(matches) != 1:
            return _argparse_error(ctx, f"unrecognized arguments: {word}")
        chosen |= matches
    return chosen, configs


def _cloud_init_clean(ctx: Context, args: list[str]) -> int:
    """cloud-init clean (cmd/clean.py, 24.3): remove /var/lib/cloud but its seed (unless -s), the logs
    (-l), generated configs (-c); --machine-id writes 'uninitialized' so systemd makes a new id at the
    next boot; -r reboots. Silent when it succeeds."""
    parsed = _clean_options(ctx, args)
    if isinstance(parsed, int):
        return parsed
    chosen, configs = parsed
    fs = ctx.machine.fs
    removals = []
    if "logs" in chosen:
        removals += ["/var/log/cloud-init.log", "/var/log/cloud-init-output.log"]
    for kind, paths in GENERATED_CONFIGS.items():
        if configs & {"all", kind}:
            removals += list(paths)
    for path in removals:
        if not fs.lexists(path):
            continue
        try:
            fs.remove(path, uid=ctx.uid)
        except FsError as e:
            ctx.err(f"PermissionError: [Errno 13] {e.message}: '{path}'\n")  # an uncaught OSError's last line
            return 1
    base = "/var/lib/cloud"
    entries = sorted(fs.listdir(base)) if fs.is_dir(base) else []
    for name in entries:
        if name == "seed" and "seed" not in chosen:
            continue
        path = f"{base}/{name}"
        try:
            fs.remove(path, uid=ctx.uid, recursive=True)
        except FsError as e:
            ctx.err(f"Error:\nCould not remove {path}: [Errno 13] {e.message}: '{path}'\n")
            return 1
    if "machine-id" in chosen:
        try:
            fs.write("/etc/machine-id", "uninitialized\n", uid=ctx.uid, mode=0o444)
        except FsError as e:
            ctx.err(f"PermissionError: [Errno 13] {e.message}: '/etc/machine-id'\n")
            return 1
    if "reboot" in chosen:
        from simulator.commands.power import act_now

        return act_now(ctx, "reboot")
    return 0


def _cloud_init_schema(ctx: Context, args: list[str]) -> int:
    """cloud-init schema (config/schema.py handle_schema_args, 24.3): --system checks the instance's
    processed user-data (root only), -c FILE a file of one's own; errors on stderr, exit 1."""
    system = "--system" in args
    path = None
    for i, arg in enumerate(args):
        if arg in ("-c", "--config-file") and i + 1 < len(args):
            path = args[i + 1]
        elif arg.startswith("--config-file="):
            path = arg.split("=", 1)[1]
    if system == (path is not None):
        ctx.err("Error: Expected one of --config-file or --system arguments\n")
        return 1
    fs = ctx.machine.fs
    if system:
        if not ctx.is_root:
            ctx.err("Error: Unable to read system userdata or vendordata as non-root user. Try using sudo.\n")
            return 1
        instance = f"/var/lib/cloud/instances/{cloudinit.instance_id(ctx.machine)}"
        path = f"{instance}/cloud-config.txt"
        if fs.is_file(path) and not fs.read(path) and fs.is_file(f"{instance}/user-data.txt"):
            if fs.read(f"{instance}/user-data.txt"):
                path = f"{instance}/user-data.txt"  # ignored raw user-data: report on it
    try:
        text = fs.read(path, ctx.cwd, ctx.uid)
    except FsError:
        ctx.err(f"Error: Config file {path} does not exist")
        return 1
    if not text:
        ctx.out(f"Empty 'cloud-config' found at {path}. Nothing to validate.\n")
        return 0
    label = "user-data"
    found: list[str] = []
    if not text.startswith("#cloud-config"):
        if system:
            return 0  # a script or another part type: not cloud-config, nothing to check
        found.append(f'format-l1.c1: File {path} needs to begin with "#cloud-config"')
    else:
        config, warnings = cloudconfig.load(text)
        if warnings and "Invalid format at line" in warnings[0]:
            where = warnings[0].split("Invalid format at line ", 1)[1]
            line, column = where.split(":", 1)[0].split(" column ")
            problem = warnings[0].split(': "', 1)[1].rstrip('"')
            found.append(f"format-l{line}.c{column}: File {path} is not valid YAML. {problem}")
        elif warnings:
            ctx.out(f"Invalid {label}\n")
            ctx.err(f"Error: cloud-config {path} is not a YAML dict.\n")
            ctx.err(f"Error: Invalid schema: {label}\n")
            return 1
        else:
            found = cloudconfig.problems(config)
    if found:
        ctx.out(f"Invalid {label} {path}\n")
        ctx.err(f"Error: {cloudconfig.schema_error_text(found)}\n\nError: Invalid schema: {label}\n")
        return 1
    ctx.out(f"Valid schema {path if not system else label}\n")
    return 0


@command(
    "cloud-init",
    man="""
cloud-init - the tool behind a cloud image's first-boot configuration

  cloud-init status [--long] [--wait] [--format json]   has it finished? (done / running / error /
                                                        disabled); --long adds the datasource
  cloud-init query --list-keys        the instance-data keys (query -a: all of them, as JSON)
  cloud-init query v1.cloud_name      one of them (dotted path): ds, instance_id, local_hostname...
  cloud-init clean [--logs] [--machine-id] [--seed] [--reboot] [-c all|network|ssh_config]
                                      forget this instance (root), so the next boot is a first boot:
                                      the way to prepare a template before cloning it
  cloud-init schema --system          is the instance's user-data valid cloud-config? (root)
  cloud-init schema -c FILE           the same for a file of your own, before launching with it
  cloud-init --version                /usr/bin/cloud-init and the package version

Installed on Ubuntu cloud images and server installs; a bare-metal desktop may not have it.
""",
)
def cloud_init(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0] in ("--version", "-v", "--vers", "--versi", "--versio"):
        ctx.out(f"/usr/bin/cloud-init {cloudinit.VERSION}\n")
        return 0
    handlers = {"status": _cloud_init_status, "query": _cloud_init_query, "clean": _cloud_init_clean}
    handlers["schema"] = _cloud_init_schema
    if args and args[0] in handlers:
        return handlers[args[0]](ctx, args[1:])
    if not args:
        return _argparse_error(ctx, "the following arguments are required: subcommand")
    if args[0].startswith("-"):
        return _argparse_error(ctx, f"unrecognized arguments: {args[0]}")
    if args[0] in SUBCOMMANDS:
        ctx.err(f"cloud-init {args[0]}: this stage runs at boot; the simulator does not run it by hand\n")
        return 1
    choices = ", ".join(f"'{c}'" for c in (*SUBCOMMANDS, "status", "schema"))
    return _argparse_error(ctx, f"argument subcommand: invalid choice: '{args[0]}' (choose from {choices})")


@command(
    "kvm-ok",
    man="""
kvm-ok - check whether this CPU can run KVM-accelerated VMs (Ubuntu package cpu-checker)

Looks for vmx/svm on the first "flags" line of /proc/cpuinfo, then for /dev/kvm; as root it also reads
the firmware's lock bit (MSR) to tell "disabled by your BIOS". Exit 0: KVM acceleration can be used.
""",
)
def kvm_ok(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    program = argv[0] if "/" in argv[0] else "/usr/sbin/kvm-ok"
    flags = machine.cpu_flags()
    virt = next((f for f in ("vmx", "svm") if f in flags), "")

    def assert_root() -> int | None:
        if not ctx.is_root:
            ctx.out(f"INFO: For more detailed results, you should run this as root\nHINT:   sudo {program}\n")
            return 1
        return None

    if not virt:
        ctx.out("INFO: Your CPU does not support KVM extensions\n")
        if assert_root():
            return 1
        ctx.out("KVM acceleration can NOT be used\n")
        return 1
    if machine.fs.exists("/dev/kvm"):
        ctx.out("INFO: /dev/kvm exists\nKVM acceleration can be used\n")
        return 0
    brand = "intel" if virt == "vmx" else "amd"
    ctx.out(f"INFO: /dev/kvm does not exist\nHINT:   sudo modprobe kvm_{brand}\n")
    if assert_root():
        return 1
    ctx.out("INFO: Your CPU supports KVM extensions\n")
    if not machine.virt_enabled and machine.kind == "metal":
        ctx.out(
            f"INFO: KVM ({virt}) is disabled by your BIOS\n"
            "HINT: Enter your BIOS setup and enable Virtualization Technology (VT),\n"
            "      and then hard poweroff/poweron your system\n"
            "KVM acceleration can NOT be used\n"
        )
        return 1
    ctx.out("KVM acceleration can be used\n")
    return 0


@command("nproc", man="nproc - print the number of processing units available\n")
def nproc(ctx: Context, argv: list[str]) -> int:
    if argv[1:2] == ["--help"]:  # the man page, as every tool's --help here (options.gnu)
        ctx.out(MAN_PAGES["nproc"])
        return 0
    if len(argv) > 1 and argv[1] not in ("--all",):
        ctx.err(f"nproc: extra operand '{argv[1]}'\nTry 'nproc --help' for more information.\n")
        return 1
    ctx.out(f"{cpu_count(ctx.machine)}\n")
    return 0


@command("arch", man="arch - print machine hardware name (same as uname -m)\n")
def arch(ctx: Context, argv: list[str]) -> int:
    if len(argv) > 1:
        ctx.err(f"arch: extra operand '{argv[1]}'\nTry 'arch --help' for more information.\n")
        return 1
    ctx.out("x86_64\n")
    return 0


@command(
    "cloud-id",
    man="""
cloud-id - report the canonical cloud-id for this instance (cloud-init 24.3)

  cloud-id        nocloud, aws, azure, gce, lxd, none...: the datasource cloud-init found
  cloud-id -l     with the region (None when the cloud has no regions)
  cloud-id -j     all of instance-data's v1 keys as JSON (deprecated: cloud-init query v1)
""",
)
def cloud_id(ctx: Context, argv: list[str]) -> int:
    """cmd/cloud_id.py: reads the world-readable /run/cloud-init/instance-data.json."""
    args = argv[1:]
    path = "/run/cloud-init/instance-data.json"
    for flag in ("-i", "--instance-data"):
        if flag in args[:-1]:
            path = args[args.index(flag) + 1]
    unknown = [
        a
        for a in args
        if a.startswith("-") and a not in ("-j", "--json", "-l", "--long", "-i", "--instance-data")
    ]
    if unknown:
        ctx.err(
            "usage: cloud-id [-h] [-j] [-l] [-i INSTANCE_DATA]\n"
            f"cloud-id: error: unrecognized arguments: {' '.join(unknown)}\n"
        )
        return 2
    try:
        data = json.loads(ctx.machine.fs.read(path, ctx.cwd, ctx.uid))
    except FsError:
        ctx.err(f"Error:\nFile not found '{path}'. Provide a path to instance data json file")
        ctx.err(" using --instance-data\n")
        return 1
    except ValueError as error:
        ctx.err(f"Error:\nFile '{path}' is not valid json. {error}\n")
        return 1
    v1 = data.get("v1", {})
    name = v1.get("cloud_name", "unknown")
    if "-j" in args or "--json" in args:
        ctx.err("DEPRECATED: Use: cloud-init query v1\n")
        ctx.out(json.dumps({**v1, "cloud_id": name}, indent=1, sort_keys=True, separators=(",", ": ")) + "\n")
    elif "-l" in args or "--long" in args:
        ctx.out(f"{name}\t{v1.get('region', 'unknown')}\n")
    else:
        ctx.out(f"{name}\n")
    return 0
