"""One boot of a cloud instance as cloud-init runs it: its four stages and their modules, each module at its
frequency, what they leave on disk and in the logs, and the status they end in.

Modelled on cloud-init 24.3 on Ubuntu 24.04 (cmd/main.py, config/modules.py, helpers.py FileSemaphores,
config/cloud.cfg.tmpl's module lists, the cc_*.py modules named below). A module runs `always`, once per
instance (a semaphore in /var/lib/cloud/instances/ID/sem/) or `once` ever (in /var/lib/cloud/sem/, which
an image keeps until `cloud-init clean`): a new instance-id is a first boot, the same one a reboot.
Commands (bootcmd, runcmd, #! scripts, apt) run as root in the simulator; their output goes to
/var/log/cloud-init-output.log, as the stock `output: {all: '| tee -a ...'}` sends it.

An instance launched from an image of an instance that was not cleaned (default manual_cache_clean:
false) sees a new instance-id, so every per-instance module runs again: a new host name from the
metadata (set_hostname), new SSH host keys (cc_ssh deletes the image's, ssh_deletekeys defaults to true),
the new key pair appended to authorized_keys. What it does not undo stays: /etc/machine-id (cloud-init
never writes it; only `cloud-init clean --machine-id` empties it), the old key pairs in authorized_keys,
the users, packages and files the first instance's user-data made, the old instances/ID directory,
the logs (appended to), and the `once` semaphores, so per-once scripts never run on the copies.
"""

from __future__ import annotations

import base64
import re
import shlex
import time

import yaml

from simulator import cloudconfig
from simulator.filesystem import FsError
from simulator.keys import KEY_NAMES, fingerprint, randomart, ssh_keypair

ALWAYS, INSTANCE, ONCE = "always", "once-per-instance", "once"
BASE = "/var/lib/cloud"
# What cloud-init makes under BASE at every start (cloudinit/stages.py, Init._initial_subdirs, 24.3).
CLOUD_DIRS = (
    "scripts",
    "scripts/per-instance",
    "scripts/per-once",
    "scripts/per-boot",
    "scripts/vendor",
    "seed",
    "instances",
    "handlers",
    "sem",
    "data",
)
HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
MAX_LOG = 256 << 10  # each log keeps its last 256 KiB (the real ones grow; a lab's state must not)
MODULE_PATH = "/usr/lib/python3/dist-packages/cloudinit/config/cc_{}.py"

# (stage, its modules with their frequencies), in Ubuntu's cloud.cfg order; modules without effect here
# are left out of the lists (they run and do nothing without their keys).
STAGES = (
    (
        "init",
        (
            ("seed_random", INSTANCE),
            ("bootcmd", ALWAYS),
            ("write_files", INSTANCE),
            ("growpart", ALWAYS),
            ("resizefs", ALWAYS),
            ("mounts", INSTANCE),
            ("set_hostname", INSTANCE),
            ("update_hostname", ALWAYS),
            ("update_etc_hosts", ALWAYS),
            ("users_groups", INSTANCE),
            ("ssh", INSTANCE),
            ("set_passwords", INSTANCE),
        ),
    ),
    (
        "modules-config",
        (("locale", INSTANCE), ("timezone", INSTANCE), ("runcmd", INSTANCE)),
    ),
    (
        "modules-final",
        (
            ("package_update_upgrade_install", INSTANCE),
            ("write_files_deferred", INSTANCE),
            ("scripts_per_once", ONCE),
            ("scripts_per_boot", ALWAYS),
            ("scripts_per_instance", INSTANCE),
            ("scripts_user", INSTANCE),
            ("ssh_authkey_fingerprints", INSTANCE),
            ("final_message", ALWAYS),
        ),
    ),
)

# The image's default user (cloud.cfg system_info.default_user, per distribution's cloud images).
DEFAULT_USERS = (
    ("debian", "debian"),
    ("rocky", "rocky"),
    ("alma", "almalinux"),
    ("fedora", "fedora"),
    ("centos", "cloud-user"),
)
# system_info.default_user.groups of each distribution's cloud.cfg (config/cloud.cfg.tmpl).
DEFAULT_GROUPS = {
    "ubuntu": ("adm", "cdrom", "dip", "lxd", "sudo"),
    "debian": ("adm", "audio", "cdrom", "dialout", "dip", "floppy", "netdev", "plugdev", "sudo", "video"),
    "rhel": ("adm", "systemd-journal", "wheel"),
}
ROOT_OPTIONS = (
    "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command=\"echo 'Please login as the user "
    '\\"{user}\\" rather than the user \\"root\\".\';echo;sleep 10;exit 142" '
)


def default_user(seed: dict) -> str:
    """The image's default user as the cloud tells it, else guessed from the image's name."""
    if seed.get("default-user"):
        return seed["default-user"]
    name = (seed.get("image") or "").lower()
    return next((user for key, user in DEFAULT_USERS if key in name), "ubuntu")


class Boot:
    """One run of all four stages; `log` and `output` are appended to the two log files at the end."""

    def __init__(self, machine, seed: dict, detail: str, version: str):
        self.machine, self.seed, self.detail, self.version = machine, seed, detail, version
        self.fs = machine.fs
        self.iid = seed["instance-id"]
        self.instance = f"{BASE}/instances/{self.iid}"
        self.at = machine.now() - machine.uptime() + 6.0  # cloud-init-local starts ~6 s into the boot
        self.log: list[str] = []
        self.output: list[str] = []
        self.stages: dict[str, dict] = {}
        self.stage = ""
        self.config: dict = {}

    # -- the log, as cloud-init's logging writes it --------------------------------------------------
    def _stamp(self, fmt: str = "%a, %d %b %Y %H:%M:%S +0000") -> str:
        return time.strftime(fmt, time.gmtime(self.at))

    def say(self, source: str, level: str, message: str) -> None:
        millis = int((self.at % 1) * 1000)
        line = f"{self._stamp('%Y-%m-%d %H:%M:%S')},{millis:03d} - {source}[{level}]: {message}\n"
        self.log.append(line)
        if level == "WARNING":
            # 05_logging.cfg's consoleHandler: WARNING and above, in the same format, to stderr, which
            # the stock output: {all: '| tee -a ...'} puts in cloud-init-output.log and on the console.
            self.output.append(line)
            bucket = self.stages[self.stage]["recoverable_errors"].setdefault("WARNING", [])
            bucket.append(message)
        self.at += 0.013

    def up(self) -> str:
        return f"{self.at - (self.machine.now() - self.machine.uptime()):.2f}"

    # -- running it --------------------------------------------------------------------------------
    def run(self) -> None:
        previous = self._read(f"{BASE}/data/instance-id")
        first = previous != self.iid
        for stage in ("init-local", "init", "modules-config", "modules-final"):
            self.stage = stage
            self.stages[stage] = {"errors": [], "recoverable_errors": {}, "start": self.at, "finished": None}
            mode = {"modules-config": "modules:config", "modules-final": "modules:final"}.get(stage, stage)
            banner = (
                f"Cloud-init v. {self.version} running '{mode}' at {self._stamp()}. Up {self.up()} seconds."
            )
            self.say("util.py", "DEBUG", banner)
            self.output.append(banner + "\n")
            if stage == "init-local":
                self._local(previous, first)
            elif stage == "init":
                self._network(first)
            if stage != "init-local":
                self._modules(stage)
            self.at += 1.5
            self.stages[stage]["finished"] = self.at
        self._finish()

    def _read(self, path: str) -> str | None:
        try:
            return self.fs.read(path).strip()
        except FsError:
            return None

    def _local(self, previous: str | None, first: bool) -> None:
        self.say("main.py", "INFO", "PID [1] started cloud-init 'init-local'.")
        if previous is None:
            check = "no cache found"
        elif first:
            check = f"cache invalid in datasource: {self.detail}"
        else:
            check = f"restored from checked cache: {self.detail}"
        self.say("handlers.py", "DEBUG", f"finish: init-local/check-cache: SUCCESS: {check}")
        self.say("stages.py", "INFO", f"Loaded datasource {self.detail}")

    def _network(self, first: bool) -> None:
        """The init stage's own work: the instance's directory, the user-data split into its parts."""
        fs = self.fs
        if first:
            previous = self._read(f"{BASE}/data/instance-id")
            fs.add_file(f"{BASE}/data/previous-instance-id", (previous or self.iid) + "\n")
            fs.add_file(f"{BASE}/data/instance-id", self.iid + "\n")
            self._consume(self.seed.get("user-data") or "")
        if fs.lexists(f"{BASE}/instance"):
            fs.remove(f"{BASE}/instance")
        fs.add_symlink(f"{BASE}/instance", self.instance)
        for directory in ("handlers", "scripts", "sem"):
            fs.add_dir(f"{self.instance}/{directory}")
        for directory in CLOUD_DIRS:
            fs.add_dir(f"{BASE}/{directory}")
        fs.add_file(f"{self.instance}/datasource", f"{self.detail.split()[0]}: {self.detail}\n")
        text = self._read_raw(f"{self.instance}/cloud-config.txt")
        self.config = cloudconfig.load(text)[0] if text else {}
        self._validate()

    def _read_raw(self, path: str) -> str:
        try:
            return self.fs.read(path)
        except FsError:
            return ""

    def _consume(self, user_data: str) -> None:
        """user-data.txt as given; each part to its handler (handlers/cloud_config.py, shell_script.py):
        cloud-config parts merged into cloud-config.txt, scripts to scripts/part-NNN."""
        fs, inst = self.fs, self.instance
        fs.add_file(f"{inst}/user-data.txt", user_data, mode=0o600)
        fs.add_file(f"{inst}/user-data.txt.i", user_data and _mime_wrapped(user_data), mode=0o600)
        fs.add_file(f"{inst}/vendor-data.txt", "", mode=0o600)
        fs.add_file(f"{inst}/obj.pkl", "", mode=0o400)
        configs, names = [], []
        for number, (kind, payload) in enumerate(cloudconfig.parts(user_data) if user_data else [], 1):
            name = f"part-{number:03d}"
            if kind == "text/cloud-config":
                config, warnings = cloudconfig.load(payload)
                for warning in warnings:
                    self.say("util.py", "WARNING", warning)
                if config:
                    configs.append(payload.split("\n", 1)[-1])
                    names.append(name)
            elif kind in ("text/x-shellscript", "text/cloud-boothook"):
                fs.add_file(f"{inst}/scripts/{name}", payload, mode=0o700)
            elif payload:
                first = payload.split("\n", 1)[0][:24]
                label = (
                    "non-multipart (text/x-not-multipart)"
                    if kind == "text/plain"
                    else f"unknown content-type ({kind})"
                )
                self.say("__init__.py", "WARNING", f"Unhandled {label} userdata: '{first}...'")
        text = ""
        if configs:  # the handler merges the parts: one document, each part's keys over the last's
            merged: dict = {}
            for body in configs:
                merged.update(cloudconfig.load("#cloud-config\n" + body)[0])
            header = f"#cloud-config\n# from {len(names)} files\n" + "".join(f"# {n}\n" for n in names)
            text = (
                header
                + "\n---\n"
                + (configs[0] if len(configs) == 1 else yaml.safe_dump(merged, sort_keys=False))
            )
        fs.add_file(f"{inst}/cloud-config.txt", text, mode=0o600)

    def _validate(self) -> None:
        """Every boot, the init stage checks cloud-config.txt against the schema (cmd/main.py main_init)."""
        if self.config and cloudconfig.problems(self.config):
            self.say(
                "schema.py",
                "WARNING",
                "cloud-config failed schema validation! You may run 'sudo cloud-init schema --system' to "
                "check the details.",
            )

    def _modules(self, stage: str) -> None:
        modules = dict(STAGES)[stage]
        ran = failures = 0
        for name, frequency in modules:
            semaphore = self._semaphore(name, frequency)
            if semaphore and self.fs.exists(semaphore):
                self.say("helpers.py", "DEBUG", f"config-{name} already ran (freq={frequency})")
                continue
            mod = f"<module 'cloudinit.config.cc_{name}' from '{MODULE_PATH.format(name)}'>"
            self.say("modules.py", "DEBUG", f"Running module {name} ({mod}) with frequency {frequency}")
            ran += 1
            if semaphore:
                self.fs.add_file(semaphore, f"{700 + ran}: {self.at:.6f}\n")
            try:
                error = getattr(self, f"_cc_{name}", lambda: None)()
            except Exception as failure:  # noqa: BLE001 - modules.py catches whatever a module raises
                error = f"{type(failure).__name__}({str(failure)!r})"
            if error:
                failures += 1
                self.say("modules.py", "WARNING", f"Running module {name} ({mod}) failed")
                self.stages[stage]["errors"].append(f"('{name}', {error})")
            self.at += 0.05
        self.say("main.py", "DEBUG", f"Ran {ran} modules with {failures} failures")

    def _semaphore(self, name: str, frequency: str) -> str | None:
        if frequency == INSTANCE:
            return f"{self.instance}/sem/config_{name}"
        if frequency == ONCE:
            return f"{BASE}/sem/config_{name}.once"
        return None

    def _finish(self) -> None:
        from simulator.cloudinit import instance_data, json_dumps

        fs, inst = self.fs, self.instance
        final = (
            f"Cloud-init v. {self.version} finished at {self._stamp()}. Datasource {self.detail}.  "
            f"Up {self.up()} seconds"
        )
        self.output.append(final + "\n")
        fs.add_file(f"{inst}/boot-finished", f"{self.up()} - {self._stamp()} - v. {self.version}\n")
        errors = [e for stage in self.stages.values() for e in stage["errors"]]
        fs.add_file(
            "/run/cloud-init/status.json",
            json_dumps({"v1": {"datasource": self.detail, **self.stages, "stage": None}}),
        )
        fs.add_file(
            "/run/cloud-init/result.json", json_dumps({"v1": {"datasource": self.detail, "errors": errors}})
        )
        fs.add_file("/run/cloud-init/enabled", "")
        data = instance_data(self.machine)
        fs.add_file("/run/cloud-init/instance-data.json", json_dumps(data))
        fs.add_file("/run/cloud-init/instance-data-sensitive.json", json_dumps(data), mode=0o600)
        fs.add_file("/run/cloud-init/combined-cloud-config.json", json_dumps(self.config), mode=0o600)
        if not fs.lexists(f"{BASE}/data/status.json"):
            fs.add_symlink(f"{BASE}/data/status.json", "../../../../run/cloud-init/status.json")
            fs.add_symlink(f"{BASE}/data/result.json", "../../../../run/cloud-init/result.json")
        for path, lines in (
            ("/var/log/cloud-init.log", self.log),
            ("/var/log/cloud-init-output.log", self.output),
        ):
            text = self._read_raw(path) + "".join(lines)
            fs.add_file(path, text[-MAX_LOG:], mode=0o640, gid=4)

    # -- running commands as root, their output to cloud-init-output.log --------------------------
    def _sh(self, text: str) -> int:
        from simulator.shell import Shell

        result = Shell.for_user(self.machine, "root").run(self.machine, text)
        self.output.append(result.stdout + result.stderr)
        return result.status

    # -- the modules ------------------------------------------------------------------------------
    def _cc_bootcmd(self):
        commands = self.config.get("bootcmd")
        if isinstance(commands, list) and commands:
            self._sh("\n".join(_command_line(c) for c in commands))

    def _cc_write_files(self, deferred: bool = False):
        for item in self.config.get("write_files") or []:
            if not isinstance(item, dict) or "path" not in item or bool(item.get("defer")) != deferred:
                continue
            content = str(item.get("content", ""))
            if item.get("encoding") in ("b64", "base64"):
                content = base64.b64decode(content).decode(errors="replace")
            mode = int(str(item.get("permissions", "0644")), 8)
            path = str(item["path"])
            if not path.startswith("/"):
                raise ValueError(f"write_files path must be absolute: {path}")
            self.fs.add_dir(path.rsplit("/", 1)[0] or "/")
            self.fs.write(path, content, append=bool(item.get("append")), mode=mode)

    def _cc_write_files_deferred(self):
        self._cc_write_files(deferred=True)

    def _cc_mounts(self):
        entries = self.config.get("mounts")
        if not isinstance(entries, list):
            return
        lines = []
        for entry in entries:
            if not isinstance(entry, list) or len(entry) < 2 or not str(entry[1]).startswith("/"):
                continue
            fields = [str(f) for f in entry] + ["auto", "defaults,nofail", "0", "2"][len(entry) - 2 :]
            fields[3] += ",comment=cloudconfig"
            lines.append("\t".join(fields[:6]) + "\n")
            self.fs.add_dir(fields[1])
        if lines:
            self.fs.add_file("/etc/fstab", self._read_raw("/etc/fstab") + "".join(lines))
            self._sh("mount -a")

    def _hostname(self) -> str:
        return str(self.config.get("hostname") or self.seed.get("local-hostname") or "ubuntu").split(".")[0]

    def _cc_set_hostname(self):
        if self.config.get("preserve_hostname"):
            return
        name = self._hostname()
        fqdn = str(self.config.get("fqdn") or name)
        if not HOSTNAME.fullmatch(name):  # hostnamectl refuses it (distros.set_hostname)
            raise RuntimeError(f"Failed to set the hostname to {fqdn} ({name})")
        self.fs.add_file("/etc/hostname", name + "\n")
        self.fs.add_file(f"{BASE}/data/set-hostname", f'{{\n "fqdn": "{fqdn}",\n "hostname": "{name}"\n}}')
        self.machine.hostname = name

    def _cc_update_hostname(self):
        if not self.config.get("preserve_hostname"):
            self.machine.hostname = self._read_raw("/etc/hostname").strip() or self.machine.hostname

    def _cc_update_etc_hosts(self):
        if self.config.get("manage_etc_hosts") in (True, "localhost"):
            name = self._hostname()
            fqdn = str(self.config.get("fqdn") or name)
            self.fs.add_file("/etc/hosts", f"127.0.1.1 {fqdn} {name}\n127.0.0.1 localhost\n")

    def _cc_users_groups(self):
        users = self.config.get("users", ["default"])
        if isinstance(users, str):
            users = [u.strip() for u in users.split(",")]
        if not isinstance(users, list):
            users = ["default"]
        for entry in users:
            if entry == "default":
                name = default_user(self.seed)
                family = {"ubuntu": "ubuntu", "debian": "debian"}.get(name, "rhel")
                self._add_user(name, list(DEFAULT_GROUPS[family]), "/bin/bash", "ALL=(ALL) NOPASSWD:ALL")
            elif isinstance(entry, dict) and entry.get("name"):
                groups = entry.get("groups", [])
                groups = [g.strip() for g in groups.split(",")] if isinstance(groups, str) else list(groups)
                self._add_user(
                    str(entry["name"]), groups, str(entry.get("shell", "/bin/sh")), entry.get("sudo")
                )
                keys = entry.get("ssh_authorized_keys") or []
                if isinstance(keys, list):
                    self._authorize(str(entry["name"]), [str(k) for k in keys])

    def _add_user(self, name: str, groups: list[str], shell: str, sudo) -> None:
        self._add_account(name, groups, shell)
        if sudo:
            rule = sudo if isinstance(sudo, str) else "ALL=(ALL) NOPASSWD:ALL"
            path = "/etc/sudoers.d/90-cloud-init-users"
            old = (
                self._read_raw(path)
                or "# Created by cloud-init v. " + self.version + " on " + self._stamp() + "\n\n"
            )
            self.fs.add_file(path, old + f"# User rules for {name}\n{name} {rule}\n\n", mode=0o440)

    def _add_account(self, name: str, groups: list[str], shell: str) -> None:
        """distros.create_user: the listed groups made first where missing (groupadd), then useradd: the
        next free uid from 1000, a private group, those groups, a home from /etc/skel, a locked password."""
        users = self.machine.users
        if name in users:
            return
        rows = [line.split(":") for line in self._read_raw("/etc/group").splitlines()]
        rows = [fields for fields in rows if len(fields) == 4]
        taken = {int(fields[2]) for fields in rows if fields[2].isdigit()}

        def free(start: int, used: set[int]) -> int:
            while start in used:
                start += 1
            return start

        for group in groups:
            if not any(fields[0] == group for fields in rows):
                gid = free(1000, taken)
                taken.add(gid)
                rows.append([group, "x", str(gid), ""])
                self.say("__init__.py", "DEBUG", f"created group '{group}' for user '{name}'")
        uid = free(1000, {u["uid"] for u in users.values()})
        gid = uid if uid not in taken else free(1000, taken)
        for fields in rows:
            if fields[0] in groups:
                fields[3] = ",".join([m for m in fields[3].split(",") if m] + [name])
        rows.append([name, "x", str(gid), ""])
        self.fs.add_file("/etc/group", "".join(":".join(fields) + "\n" for fields in rows))
        home = f"/home/{name}"
        entry = f"{name}:x:{uid}:{gid}::{home}:{shell}\n"
        self.fs.add_file("/etc/passwd", self._read_raw("/etc/passwd") + entry)
        shadow = self._read_raw("/etc/shadow") + f"{name}:!:{int(self.machine.now() // 86400)}:0:99999:7:::\n"
        self.fs.add_file("/etc/shadow", shadow, mode=0o640, gid=42)
        self.fs.add_dir(home, mode=0o750, uid=uid, gid=gid)
        for skel in (".bashrc", ".profile", ".bash_logout"):
            text = self._read_raw(f"/etc/skel/{skel}")
            if text:
                self.fs.add_file(f"{home}/{skel}", text, uid=uid, gid=gid)

    def _authorize(self, user: str, keys: list[str], options: str = "") -> None:
        account = self.machine.users.get(user)
        if account is None or not keys:
            return
        home = account["home"]
        self.fs.add_dir(f"{home}/.ssh", mode=0o700, uid=account["uid"], gid=account["gid"])
        path = f"{home}/.ssh/authorized_keys"
        old = self._read_raw(path)
        added = "".join(options + k.strip() + "\n" for k in keys if k.strip() and k.strip() not in old)
        self.fs.add_file(path, old + added, mode=0o600, uid=account["uid"], gid=account["gid"])

    def _cc_ssh(self):
        """cc_ssh: delete the image's host keys (ssh_deletekeys, default true), make new ones, authorize
        the instance's public keys for the default user and, behind a refusal, for root (disable_root)."""
        if self.config.get("ssh_deletekeys", True):
            for kind in KEY_NAMES:
                for suffix in ("", ".pub"):
                    path = f"/etc/ssh/ssh_host_{kind}_key{suffix}"
                    if self.fs.lexists(path):
                        self.fs.remove(path)
        for kind in self.config.get("ssh_genkeytypes") or list(KEY_NAMES):
            if kind in KEY_NAMES and not self.fs.exists(f"/etc/ssh/ssh_host_{kind}_key"):
                private, public = ssh_keypair(self.machine.rng(), kind, f"root@{self._hostname()}")
                path = f"/etc/ssh/ssh_host_{kind}_key"
                self.fs.add_file(path, private, mode=0o600)
                self.fs.add_file(f"{path}.pub", public, mode=0o644)
                if not self.config.get("ssh_quiet_keygen"):  # ssh-keygen's own words, uncaptured
                    blob = base64.b64decode(public.split()[1])
                    self.output.append(
                        f"Generating public/private {kind} key pair.\n"
                        f"Your identification has been saved in {path}\n"
                        f"Your public key has been saved in {path}.pub\n"
                        f"The key fingerprint is:\n{fingerprint(blob)} root@{self._hostname()}\n"
                        f"The key's randomart image is:\n{randomart(blob)}\n"
                    )
        keys = [str(k) for k in self.seed.get("public-keys") or []]
        extra = self.config.get("ssh_authorized_keys")
        keys += [str(k) for k in extra] if isinstance(extra, list) else []
        user = default_user(self.seed)
        self._authorize(user, keys)
        if self.config.get("disable_root", True):
            self._authorize("root", keys, ROOT_OPTIONS.format(user=user))
        else:
            self._authorize("root", keys)

    def _cc_set_passwords(self):
        pwauth = self.config.get("ssh_pwauth")
        if pwauth is None:
            return
        value = "yes" if pwauth in (True, "yes", "true") else "no"
        self.fs.add_file(
            "/etc/ssh/sshd_config.d/50-cloud-init.conf", f"PasswordAuthentication {value}\n", mode=0o600
        )

    def _cc_locale(self):
        locale = self.config.get("locale")
        if isinstance(locale, str):
            self.fs.add_file("/etc/default/locale", f"LANG={locale}\n")

    def _cc_timezone(self):
        zone = self.config.get("timezone")
        if isinstance(zone, str) and zone:
            self.fs.add_file("/etc/timezone", zone + "\n")
            if self.fs.lexists("/etc/localtime"):
                self.fs.remove("/etc/localtime")
            self.fs.add_symlink("/etc/localtime", f"/usr/share/zoneinfo/{zone}")

    def _cc_runcmd(self):
        """cc_runcmd writes the script; scripts_user runs it in the final stage."""
        commands = self.config.get("runcmd")
        if isinstance(commands, list) and commands:
            script = "#!/bin/sh\n" + "".join(_command_line(c) + "\n" for c in commands)
            self.fs.add_file(f"{self.instance}/scripts/runcmd", script, mode=0o700)

    def _cc_package_update_upgrade_install(self):
        """apt installs what the archive has and hands back what it has not; on Ubuntu those are tried as
        snaps (distros/__init__.py install_packages, package_management/apt.py and snap.py); what neither
        installs fails the module with PackageInstallerError."""
        from simulator.archive import ARCHIVE

        packages = self.config.get("packages")
        wanted = [str(p) for p in packages] if isinstance(packages, list) else []
        if self.config.get("package_update") or self.config.get("package_upgrade") or wanted:
            self._sh("apt-get --quiet update")
        if not wanted:
            return None
        unavailable = [p for p in wanted if p not in ARCHIVE]
        if unavailable:
            self.say(
                "apt.py",
                "DEBUG",
                f"The following packages were not found by APT so APT will not attempt to install them: "
                f"{unavailable}",
            )
        available = [p for p in wanted if p in ARCHIVE]
        line = "apt-get --option=Dpkg::Options::=--force-confold --assume-yes --quiet install "
        if available:
            self._sh(line + " ".join(shlex.quote(p) for p in available))
        if not unavailable:
            return None
        tail = "See associated package manager logs for more details."
        self.say("__init__.py", "INFO", f"Failed to install the following packages: {unavailable}. {tail}")
        for name in unavailable:
            self.say("snap.py", "INFO", f"Failed to 'snap install {name}'!")
        module = "cc_package_update_upgrade_install.py"
        self.say(module, "WARNING", f"Failure when attempting to install packages: {wanted}")
        self.say(module, "WARNING", "1 failed with exceptions, re-raising the last one")
        return (
            f'PackageInstallerError("Failed to install the following packages: {set(unavailable)}. {tail}")'
        )

    def _run_parts(self, directory: str, module: str, label: str):
        names = sorted(self.fs.listdir(directory)) if self.fs.is_dir(directory) else []
        failed = []
        for name in names:
            if self._sh(f"{directory}/{name}") != 0:
                failed.append(name)
        if failed:
            self.say(
                "cc_" + module + ".py", "WARNING", f"Failed to run module {module} ({label} in {directory})"
            )
            return (
                f"RuntimeError('Runparts: {len(failed)} failures ({','.join(failed)}) in "
                f"{len(names)} attempted commands')"
            )
        return None

    def _cc_scripts_per_once(self):
        return self._run_parts(f"{BASE}/scripts/per-once", "scripts_per_once", "per-once")

    def _cc_scripts_per_boot(self):
        return self._run_parts(f"{BASE}/scripts/per-boot", "scripts_per_boot", "per-boot")

    def _cc_scripts_per_instance(self):
        return self._run_parts(f"{BASE}/scripts/per-instance", "scripts_per_instance", "per-instance")

    def _cc_scripts_user(self):
        return self._run_parts(f"{self.instance}/scripts", "scripts_user", "scripts")

    def _cc_final_message(self):
        message = self.config.get("final_message")
        if isinstance(message, str):
            self.output.append(message.replace("$UPTIME", self.up()).replace("$VERSION", self.version) + "\n")


def _command_line(command) -> str:
    """A runcmd/bootcmd entry as a shell line: a string as it is, a list quoted word by word."""
    if isinstance(command, list):
        return " ".join(shlex.quote(str(word)) for word in command)
    return str(command)


def _mime_wrapped(user_data: str) -> str:
    """user-data.txt.i: the processed user-data as one MIME part (a shortened copy of the real one)."""
    kind = cloudconfig.part_type(user_data)
    return (
        'Content-Type: multipart/mixed; boundary="===============0000000000000000000=="\n'
        "MIME-Version: 1.0\n\n"
        f'--===============0000000000000000000==\nContent-Type: {kind}; charset="us-ascii"\n'
        "MIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\nContent-Disposition: attachment; "
        f'filename="part-001"\n\n{user_data}\n--===============0000000000000000000==--\n'
    )
