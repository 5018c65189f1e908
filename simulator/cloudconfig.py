"""User-data as cloud-init reads it: which format it is, and a #cloud-config checked against the schema.

Modelled on cloud-init 24.3: the part types of doc/rtd/reference/config-format-headers.rst (handled here:
#cloud-config, #! scripts, #cloud-boothook; the others are recognised and logged as unhandled), the YAML
loading of util.load_yaml, and the validation of config/schema.py against
schemas/schema-cloud-config-v1.json, whose top level admits only the keys below (additionalProperties:
false). The types of the keys the simulator applies are checked as jsonschema words its errors.
"""

from __future__ import annotations

import email

import yaml

# Every top-level key of schema-cloud-config-v1.json (cloud-init 24.3).
KNOWN_KEYS = frozenset(
    """allow_public_ssh_keys ansible apk_repos apt apt_pipelining apt_reboot_if_required apt_update
    apt_upgrade authkey_hash autoinstall bootcmd byobu_by_default ca-certs ca_certs chef chpasswd
    cloud_config_modules cloud_final_modules cloud_init_modules create_hostname_file device_aliases
    disable_ec2_metadata
    disable_root disable_root_opts disk_setup drivers fan final_message fqdn fs_setup groups growpart
    grub-dpkg grub_dpkg hostname keyboard landscape launch-index locale locale_configfile lxd manage_etc_hosts
    manage_resolv_conf mcollective merge_how merge_type mount_default_fields mounts no_ssh_fingerprints ntp
    output package_reboot_if_required package_update package_upgrade packages password phone_home power_state
    prefer_fqdn_over_hostname preserve_hostname puppet random_seed reporting resize_rootfs resolv_conf
    rh_subscription rpi rsyslog runcmd salt_minion snap spacewalk ssh ssh_authorized_keys ssh_deletekeys
    ssh_fp_console_blacklist ssh_genkeytypes ssh_import_id ssh_key_console_blacklist ssh_keys
    ssh_publish_hostkeys ssh_pwauth ssh_quiet_keygen swap system_info timezone ubuntu_advantage ubuntu_pro
    updates user users vendor_data wireguard write_files yum_repo_dir yum_repos zypper""".split()
)

# The JSON types the schema gives the keys the simulator applies (several where it allows a oneOf).
TYPES = {
    "hostname": ("string",),
    "fqdn": ("string",),
    "preserve_hostname": ("boolean",),
    "create_hostname_file": ("boolean",),
    "prefer_fqdn_over_hostname": ("boolean",),
    "packages": ("array",),
    "package_update": ("boolean",),
    "package_upgrade": ("boolean",),
    "package_reboot_if_required": ("boolean",),
    "runcmd": ("array",),
    "bootcmd": ("array",),
    "write_files": ("array",),
    "users": ("array", "string", "object"),
    "ssh_authorized_keys": ("array",),
    "ssh_deletekeys": ("boolean",),
    "ssh_genkeytypes": ("array",),
    "ssh_pwauth": ("boolean", "string"),
    "disable_root": ("boolean",),
    "mounts": ("array",),
    "timezone": ("string",),
    "final_message": ("string",),
}
PY_TYPES = {"string": str, "boolean": bool, "array": list, "object": dict}

# The first line of each part type (handlers/__init__.py INCLUSION_TYPES_MAP, 24.3).
HEADERS = {
    "#cloud-config": "text/cloud-config",
    "#!": "text/x-shellscript",
    "#cloud-boothook": "text/cloud-boothook",
    "#include": "text/x-include-url",
    "#include-once": "text/x-include-once-url",
    "#cloud-config-archive": "text/cloud-config-archive",
    "#part-handler": "text/part-handler",
    "## template: jinja": "text/jinja2",
}


def part_type(user_data: str) -> str:
    """The MIME type cloud-init gives user-data by its first line; text/plain when none matches."""
    if user_data.startswith("Content-Type: multipart/"):
        return "multipart/mixed"
    first = user_data.split("\n", 1)[0].rstrip("\r")
    for header in sorted(HEADERS, key=len, reverse=True):
        if first.startswith(header):
            return HEADERS[header]
    return "text/plain"


def parts(user_data: str) -> list[tuple[str, str]]:
    """(MIME type, payload) of each part: a MIME multipart message's parts (as `cloud-init devel make-mime`
    writes them), each typed by its Content-Type or, for text/plain or x-not-multipart, its first line."""
    if part_type(user_data) != "multipart/mixed":
        return [(part_type(user_data), user_data)]
    message = email.message_from_string(user_data)
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        text = payload.decode(errors="replace") if isinstance(payload, bytes) else str(part.get_payload())
        kind = part.get_content_type()
        if kind in ("text/plain", "text/x-not-multipart"):
            kind = part_type(text)
        found.append((kind, text))
    return found


def load(text: str) -> tuple[dict, list[str]]:
    """util.load_yaml: the config (empty when it is not a YAML mapping) and the warnings logged."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        if mark is None:
            return {}, [f"Failed loading yaml blob. {error}"]
        where = f"line {mark.line + 1} column {mark.column + 1}"
        return {}, [f'Failed loading yaml blob. Invalid format at {where}: "{error}"']
    if loaded is None:
        return {}, []
    if not isinstance(loaded, dict):
        name = type(loaded).__name__
        message = f"Yaml load allows (<class 'dict'>,) root types, but got {name} instead"
        return {}, [f"Failed loading yaml blob. {message}"]
    return loaded, []


def _json_repr(value) -> str:
    """A value as jsonschema's messages show it (Python's repr)."""
    return repr(value)


def problems(config: dict) -> list[str]:
    """Schema errors as `path: message`, sorted as SchemaValidationError sorts them."""
    found = set()
    for key, value in config.items():
        key = str(key)
        if key not in KNOWN_KEYS:
            found.add(f"{key}: Additional properties are not allowed ('{key}' was unexpected)")
            continue
        wanted = TYPES.get(key)
        if wanted is None:
            continue
        ok = any(
            isinstance(value, PY_TYPES[t]) and not (t != "boolean" and isinstance(value, bool))
            for t in wanted
        )
        if not ok:
            if len(wanted) == 1:
                found.add(f"{key}: {_json_repr(value)} is not of type '{wanted[0]}'")
            else:
                found.add(f"{key}: {_json_repr(value)} is not valid under any of the given schemas")
        elif key == "write_files":
            for n, item in enumerate(value):
                if not isinstance(item, dict):
                    found.add(f"write_files.{n}: {_json_repr(item)} is not of type 'object'")
                elif "path" not in item:
                    found.add(f"write_files.{n}: 'path' is a required property")
    return sorted(found)


def schema_error_text(found: list[str]) -> str:
    """SchemaValidationError's message."""
    return "Cloud config schema errors: " + ", ".join(found)
