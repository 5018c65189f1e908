"""The cloned-guest lab: a disk copy of web01 beside it, every identifier shared, and the ways to fix each.

Each check has at least two valid fixes that pass and the tempting wrong ones that do not, typed as a
learner would type them at the clone's terminal.
"""

import json
import re
import subprocess
import sys

import pytest

from simulator import Result, cloning, pgp, scenarios
from simulator.keys import host_key_fingerprints
from simulator.world import World


@pytest.fixture
def world():
    return World.new("cloned-guest")


def verdicts(world: World) -> dict[str, dict]:
    return {check["id"]: check for check in world.grade()["checks"]}


def verdict(world: World, check_id: str) -> tuple[bool, float]:
    check = verdicts(world)[check_id]
    return check["passed"], round(check["points"] / check["max_points"], 2)


def run(world: World, *lines: str) -> None:
    for line in lines:
        world.run(line)


def source_fingerprint(world: World) -> str:
    return sorted(pgp.secret_fingerprints(world.source.fs, "/root/.gnupg"))[0]


def test_the_clone_shares_every_identifier_with_its_running_source(world):
    clone, source = world.machine, world.source
    assert cloning.identity(clone) == cloning.identity(source)
    assert clone.fs.read("/var/lib/cloud/data/instance-id") == source.fs.read(
        "/var/lib/cloud/data/instance-id"
    )
    assert clone.fs.read("/etc/fstab") == source.fs.read("/etc/fstab")
    assert f"UUID={clone.disks[1]['parts'][0]['uuid']} /srv ext4" in clone.fs.read("/etc/fstab")
    netplan = clone.fs.read("/etc/netplan/50-cloud-init.yaml")
    assert f'macaddress: "{source.nics[0]["mac"]}"' in netplan and '- "192.168.122.50/24"' in netplan
    assert clone.product_uuid != source.product_uuid  # the domain is new, its disks are not
    assert world.run("hostname").stdout == "web01\n"
    listed = world.run("sudo gpg --list-secret-keys").stdout
    assert f"      {source_fingerprint(world)}\n" in listed
    assert "uid           [ultimate] web01 (host signing key) <root@web01.shop.example>\n" in listed


# Network tools a learner knows from LPIC-1: the lab's text may send them only to those the clone has.
NETWORK_TOOLS = ("arping", "arp", "ifconfig", "ip", "ping", "ss", "netstat", "nmcli", "netplan", "route")


def test_the_tasks_name_only_network_tools_the_clone_has(world):
    # The network task sent learners to arping, which Ubuntu 24.04 server does not install.
    tasks = scenarios.load_scenario("cloned-guest")["tasks"]
    text = " ".join(task["instructions"] + " ".join(task["hints"]) for task in tasks)
    for tool in NETWORK_TOOLS:
        if re.search(rf"(?<![\w/.-]){tool}(?![\w/.-])", text):
            assert world.run(f"command -v {tool}").status == 0, tool


def test_every_identity_check_fails_at_the_start_and_names_what_it_found(world):
    found = verdicts(world)
    assert list(found) == [
        "hostname",
        "machine-id",
        "dbus-machine-id",
        "ssh-host-keys",
        "pgp-key",
        "mac-address",
        "ip-address",
        "filesystem-uuid",
        "boots",
        "no-collateral",
    ]
    for check_id in list(found)[:9]:
        assert not found[check_id]["passed"] and found[check_id]["points"] == 0, check_id
    assert not found["boots"]["passed"] and "not been rebooted" in found["boots"]["detail"]
    assert found["no-collateral"]["passed"]
    assert found["machine-id"]["detail"] == (
        f"Looked at /etc/machine-id: {world.machine.machine_id()}, still the source's ID."
    )


# hostname


def test_hostnamectl_and_hosts_edited_pass(world):
    warned = world.run("sudo hostnamectl set-hostname web02 && sudo true")
    assert warned.stderr == "sudo: unable to resolve host web02: Name or service not known\n"
    assert verdict(world, "hostname") == (False, 0.5)
    assert "sudo warns" in verdicts(world)["hostname"]["detail"]
    run(world, "sudo sed -i 's/^127.0.1.1 .*/127.0.1.1 web02/' /etc/hosts")
    assert world.run("sudo true").stderr == ""
    assert verdict(world, "hostname") == (True, 1.0)


def test_etc_hostname_and_hosts_edited_then_a_reboot_pass(world):
    run(world, "echo web02 | sudo tee /etc/hostname", "sudo sed -i 's/web01/web02/' /etc/hosts")
    assert verdict(world, "hostname") == (False, 0.5)  # the running name is still web01
    run(world, "sudo reboot")
    assert world.run("hostname").stdout == "web02\n"
    assert verdict(world, "hostname") == (True, 1.0)


def test_the_name_on_the_localhost_line_also_resolves(world):
    run(
        world,
        "sudo hostnamectl set-hostname web02",
        "sudo sed -i 's/^127.0.0.1 localhost/& web02/' /etc/hosts",
    )
    assert world.run("sudo true").stderr == ""
    assert verdict(world, "hostname") == (True, 1.0)


def test_a_transient_hostname_is_refused(world):
    run(world, "sudo hostname web02", "sudo sed -i 's/web01/web02/' /etc/hosts")
    passed, share = verdict(world, "hostname")
    assert (passed, share) == (False, 0.0)
    assert "transient" in verdicts(world)["hostname"]["detail"]


# machine-id and the D-Bus machine id


def test_rm_and_systemd_machine_id_setup_pass_both_checks(world):
    old = world.machine.machine_id()
    result = world.run("sudo rm /etc/machine-id && sudo systemd-machine-id-setup")
    assert result.stderr == "Initializing machine ID from VM UUID.\n"
    assert world.machine.machine_id() not in ("", old)
    assert verdict(world, "machine-id") == (True, 1.0)
    assert verdict(world, "dbus-machine-id") == (True, 1.0)


@pytest.mark.parametrize("empty", [": | sudo tee /etc/machine-id", "sudo truncate -s 0 /etc/machine-id"])
def test_an_empty_machine_id_passes_only_after_a_reboot(world, empty):
    run(world, empty)
    assert verdict(world, "machine-id") == (False, 0.0)
    assert "empty" in verdicts(world)["machine-id"]["detail"]
    run(world, "sudo reboot")
    assert verdict(world, "machine-id") == (True, 1.0)
    assert verdict(world, "dbus-machine-id") == (True, 1.0)


def test_dbus_uuidgen_ensure_copies_the_new_id_into_a_separate_dbus_file(world):
    run(
        world,
        "sudo rm -f /etc/machine-id /var/lib/dbus/machine-id",
        "sudo dbus-uuidgen --ensure=/etc/machine-id",
    )
    assert verdict(world, "machine-id") == (True, 1.0)
    assert verdict(world, "dbus-machine-id") == (False, 0.0)
    run(world, "sudo dbus-uuidgen --ensure")
    assert world.machine.fs.read("/var/lib/dbus/machine-id") == world.machine.fs.read("/etc/machine-id")
    assert verdict(world, "dbus-machine-id") == (True, 1.0)


def test_a_dbus_copy_of_the_old_id_comes_back_at_boot(world):
    """systemd takes the D-Bus id first when /etc/machine-id is empty: a stale copy wins at the reboot."""
    old = world.machine.machine_id()
    run(world, f"sudo rm /var/lib/dbus/machine-id && echo {old} | sudo tee /var/lib/dbus/machine-id")
    run(world, "sudo cp /dev/null /etc/machine-id", "sudo reboot")
    assert world.machine.machine_id() == old
    assert verdict(world, "machine-id") == (False, 0.0)


# SSH host keys


def test_rm_and_ssh_keygen_A_pass(world):
    assert world.run("sudo rm /etc/ssh/ssh_host_* && sudo ssh-keygen -A").stdout == (
        "ssh-keygen: generating new host keys: RSA ECDSA ED25519 \n"
    )
    assert verdict(world, "ssh-host-keys") == (True, 1.0)


def test_rm_and_dpkg_reconfigure_openssh_server_pass(world):
    run(world, "sudo rm /etc/ssh/ssh_host_*", "sudo dpkg-reconfigure openssh-server")
    assert verdict(world, "ssh-host-keys") == (True, 1.0)
    assert host_key_fingerprints(world.machine.fs) != host_key_fingerprints(world.source.fs)


def test_deleting_only_the_pub_files_is_refused(world):
    run(world, "sudo rm /etc/ssh/ssh_host_*_key.pub", "sudo ssh-keygen -A")
    assert verdict(world, "ssh-host-keys") == (False, 0.0)
    assert "ed25519: still the source's key" in verdicts(world)["ssh-host-keys"]["detail"]


def test_a_reboot_does_not_bring_deleted_host_keys_back(world):
    """Ubuntu's ssh.service does not run ssh-keygen -A (unlike Fedora's sshd-keygen); only cloud-init's
    ssh module makes keys, once per instance."""
    run(world, "sudo rm /etc/ssh/ssh_host_*", "sudo reboot")
    assert world.run("ls /etc/ssh").stdout.count("ssh_host_") == 0
    assert verdict(world, "ssh-host-keys") == (False, 0.0)
    assert verdict(world, "boots") == (False, 0.0)
    assert "no hostkeys available" in verdicts(world)["boots"]["detail"]


def test_one_type_renewed_earns_a_third(world):
    run(world, "sudo rm /etc/ssh/ssh_host_ed25519_key*", "sudo ssh-keygen -A")
    assert verdict(world, "ssh-host-keys") == (False, 0.33)


def test_a_pub_file_that_does_not_match_its_private_key_is_refused(world):
    run(world, "sudo rm /etc/ssh/ssh_host_*", "sudo ssh-keygen -A")
    run(world, "sudo cp /etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_ed25519_key.pub")
    assert verdict(world, "ssh-host-keys") == (False, 0.67)
    assert "does not match the private key" in verdicts(world)["ssh-host-keys"]["detail"]


# the host's OpenPGP key


def test_batch_delete_and_quick_generate_key_pass(world):
    fpr = source_fingerprint(world)
    deleted = world.run(f"sudo gpg --batch --yes --delete-secret-and-public-key {fpr}")
    assert deleted.status == 0 and deleted.stdout == ""
    assert verdict(world, "pgp-key") == (False, 0.5)
    made = world.run(
        "sudo gpg --batch --quick-generate-key 'web02 (host signing key) <root@web02.shop.example>'"
    )
    assert made.status == 0 and "public and secret key created and signed.\n\npub   ed25519 " in made.stdout
    assert verdict(world, "pgp-key") == (True, 1.0)
    listed = world.run("sudo gpg -K").stdout
    assert "web02 (host signing key)" in listed and fpr not in listed


def test_the_first_listing_after_a_new_key_checks_the_trustdb(world):
    assert world.run("sudo gpg -k").stderr == ""
    run(world, "sudo gpg --batch --quick-generate-key 'web02 <root@web02>'")
    assert world.run("sudo gpg -k").stderr == (
        "gpg: checking the trustdb\n"
        "gpg: marginals needed: 3  completes needed: 1  trust model: pgp\n"
        "gpg: depth: 0  valid:   2  signed:   0  trust: 0-, 0q, 0n, 0m, 0f, 2u\n"
        "gpg: next trustdb check due at 2027-10-28\n"
    )
    assert world.run("sudo gpg -k").stderr == ""


def test_the_first_listing_in_a_new_home_makes_the_trustdb(world):
    assert world.run("gpg --list-keys").stderr == (
        "gpg: directory '/home/learner/.gnupg' created\n"
        "gpg: keybox '/home/learner/.gnupg/pubring.kbx' created\n"
        "gpg: /home/learner/.gnupg/trustdb.gpg: trustdb created\n"
    )
    assert world.run("gpg --list-keys") == Result("", "", 0)


def test_a_second_key_for_one_user_id_is_made_only_when_asked_for(world):
    uid = "'web01 (host signing key) <root@web01.shop.example>'"
    refused = world.run(f"sudo gpg --batch --quick-generate-key {uid}")
    assert refused.status == 2 and refused.stdout == ""
    assert (
        refused.stderr
        == 'gpg: A key for "web01 (host signing key) <root@web01.shop.example>" already exists\n'
    )
    made = world.run(f"sudo gpg --batch --yes --quick-generate-key {uid}")
    assert made.status == 0 and made.stderr.startswith('gpg: A key for "web01 (host signing key)')
    assert "gpg: creating anyway\n" in made.stderr


def test_a_new_gnupg_home_passes(world):
    run(world, "sudo rm -r /root/.gnupg", "sudo gpg --quick-gen-key 'web02 <root@web02>'", "y", "")
    assert world.prompt == "<Yes, protection is not needed>  <Enter new passphrase> "
    assert world.run("").stdout.startswith("We need to generate")  # Enter: no protection, as confirmed
    assert verdict(world, "pgp-key") == (True, 1.0)


def test_a_new_key_beside_the_source_secret_key_earns_half(world):
    run(world, "sudo gpg --quick-generate-key 'web02 <root@web02>'", "", "web02-secret", "web02-secret")
    assert verdict(world, "pgp-key") == (False, 0.5)


def test_gpg_refuses_to_delete_a_public_key_whose_secret_key_is_here(world):
    fpr = source_fingerprint(world)
    result = world.run(f"sudo gpg --batch --yes --delete-keys {fpr}")
    assert result.status == 2
    assert result.stderr == (
        f'gpg: there is a secret key for public key "{fpr}"!\n'
        'gpg: use option "--delete-secret-keys" to delete it first.\n'
    )


def test_gpg_batch_mode_wants_the_fingerprint_to_delete_a_secret_key(world):
    result = world.run("sudo gpg --batch --yes --delete-secret-and-public-key web01")
    assert result.status == 2
    assert result.stderr == (
        "gpg: can't do this in batch mode\ngpg: (unless you specify the key by fingerprint)\n"
    )
    assert verdict(world, "pgp-key") == (False, 0.0)


def test_gpg_asks_before_deleting_and_enter_keeps_the_key(world):
    fpr = source_fingerprint(world)
    result = world.run(f"sudo gpg --delete-secret-and-public-key {fpr}")
    assert result.stdout.startswith("gpg (GnuPG) 2.4.4; Copyright (C) 2024 g10 Code GmbH\n")
    assert f"sec  ed25519/{fpr[-16:]} " in result.stdout
    assert world.prompt == "Delete this key from the keyring? (y/N) "
    assert world.run("") == Result("", "", 0)  # Enter: the default, no
    assert verdict(world, "pgp-key") == (False, 0.0)


def test_gpg_deletes_both_parts_when_each_question_is_answered_yes(world):
    fpr = source_fingerprint(world)
    run(world, f"sudo gpg --delete-secret-and-public-key {fpr}", "y")
    assert world.prompt == "This is a secret key! - really delete? (y/N) "
    run(world, "yes")
    assert world.prompt == "<Delete key>  <No> "  # gpg-agent's pinentry, for the key, then its subkey
    run(world, "", "", "y")
    run(world, "sudo gpg --quick-generate-key 'web02 <root@web02>'", "y", "web02-secret", "web02-secret")
    assert verdict(world, "pgp-key") == (True, 1.0)


def test_the_agent_asks_before_deleting_each_secret_part_and_no_keeps_it(world):
    fpr = source_fingerprint(world)
    run(world, f"sudo gpg --delete-secret-and-public-key {fpr}", "y")
    shown = "".join(text for _, text in world.run("y").chunks)
    assert shown == (
        "Do you really want to permanently delete the OpenPGP secret key:\n"
        '"web01 (host signing key) <root@web01.shop.example>"\n'
        f"255-bit EDDSA key, ID {fpr[-16:]},\ncreated 2024-10-28.\n?\n"
    )
    shown = "".join(text for _, text in world.run("No").chunks)
    assert shown.startswith("gpg: deleting secret key failed: Not confirmed\n")
    assert "the OpenPGP secret subkey key:" in shown and f"(main key ID {fpr[-16:]}).\n?\n" in shown
    result = world.run("n")
    assert result.status == 2 and result.stderr == (
        f"gpg: deleting secret subkey failed: Not confirmed\ngpg: {fpr}: delete key failed: Not confirmed\n"
    )
    assert verdict(world, "pgp-key") == (False, 0.0)  # both refused: the source's key is all still there
    run(world, f"sudo gpg --delete-secret-and-public-key {fpr}", "y", "y")
    assert world.run("\x03").stderr == (
        "gpg: deleting secret key failed: Operation cancelled\n"
        f"gpg: {fpr}: delete key failed: Operation cancelled\n"
    )
    assert verdict(world, "pgp-key") == (False, 0.0)


def test_a_dsa_key_packet_carries_p_q_g_y_as_rfc_4880_lists_them():
    p = bytes([0x80]) + bytes(255)  # a 2048-bit prime's size: gen_dsa pairs it with a 256-bit q
    names, values = zip(*pgp.public_mpis(pgp.DSA, p), strict=True)
    assert names == ("p", "q", "g", "y") and [len(v) for v in values] == [256, 32, 256, 256]
    body = pgp._packet_body(pgp.DSA, 0, p)
    assert body[:6] == bytes([4, 0, 0, 0, 0, pgp.DSA]) and body[6:8] == (2048).to_bytes(2, "big")
    assert len(body) == 6 + 4 * 2 + 256 + 32 + 256 + 256
    assert [n for n, _ in pgp.public_mpis(pgp.ELGAMAL, p)] == ["p", "g", "y"]


def test_the_fingerprint_is_a_real_v4_fingerprint_of_the_key_packet():
    point = bytes(range(32))
    # SHA-1 over 0x99, length, version 4, time 0, EdDSA, the Ed25519 OID and the point as a 263-bit MPI
    assert pgp.fingerprint(pgp.EDDSA, 0, point) == pgp.fingerprint(pgp.EDDSA, 0, point)
    assert len(pgp.fingerprint(pgp.EDDSA, 0, point)) == 40
    assert pgp.fingerprint(pgp.EDDSA, 0, point) != pgp.fingerprint(pgp.EDDSA, 1, point)


# MAC and IP address


NETPLAN = "/etc/netplan/50-cloud-init.yaml"
SET_MAC = (
    f"sudo sed -i 's/^      addresses:/      macaddress: \"52:54:00:12:34:56\"\\n      addresses:/' {NETPLAN}"
)
SET_IP = f"sudo sed -i 's/192.168.122.50/192.168.122.51/' {NETPLAN}"


def test_netplan_macaddress_and_address_applied_pass(world):
    run(world, SET_MAC, SET_IP)
    assert verdict(world, "mac-address") == (False, 0.5)  # written, not yet applied
    assert verdict(world, "ip-address") == (False, 0.5)
    run(world, "sudo netplan apply")
    assert "52:54:00:12:34:56" in world.run("ip -br link").stdout
    assert "192.168.122.51/24" in world.run("ip -br addr").stdout
    assert verdict(world, "mac-address") == (True, 1.0)
    assert verdict(world, "ip-address") == (True, 1.0)


def test_netplan_edited_then_a_reboot_pass(world):
    run(world, SET_MAC, SET_IP, "sudo reboot")
    assert world.machine.nics[0]["mac"] == "52:54:00:12:34:56"
    assert world.machine.nics[0]["ipv4"] == "192.168.122.51"
    assert verdict(world, "mac-address") == (True, 1.0)
    assert verdict(world, "ip-address") == (True, 1.0)


def test_ip_link_set_address_alone_is_lost_at_reboot(world):
    run(world, "sudo ip link set dev enp1s0 address 52:54:00:12:34:56")
    assert verdict(world, "mac-address") == (False, 0.5)
    assert "after a reboot" in verdicts(world)["mac-address"]["detail"]
    run(world, "sudo reboot")
    assert world.machine.nics[0]["mac"] == world.source.nics[0]["mac"]
    assert verdict(world, "mac-address") == (False, 0.0)


def test_ip_link_set_address_and_netplan_pass(world):
    run(world, "sudo ip link set dev enp1s0 address 52:54:00:12:34:56", SET_MAC)
    assert verdict(world, "mac-address") == (True, 1.0)


def test_netplan_refuses_a_mistyped_mac_address_and_changes_nothing(world):
    run(world, SET_MAC.replace("52:54:00:12:34:56", "52:54:00:12:34"))
    result = world.run("sudo netplan apply")
    assert result.status == 78, "apply exits os.EX_CONFIG when its generator fails (netplan 1.0 apply.py)"
    assert result.stderr == (
        f"{NETPLAN}:7:19: Error in network definition: Invalid MAC address '52:54:00:12:34', must be "
        "XX:XX:XX:XX:XX:XX or XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX:XX\n"
        '      macaddress: "52:54:00:12:34"\n'
        "                  ^\n"
    )
    assert world.machine.nics[0]["mac"] == world.source.nics[0]["mac"]


def test_an_address_outside_the_network_is_refused(world):
    run(world, f"sudo sed -i 's/192.168.122.50/10.9.8.7/' {NETPLAN}", "sudo netplan apply")
    assert verdict(world, "ip-address") == (False, 0.0)
    assert "not a host address of 192.168.122.0/24" in verdicts(world)["ip-address"]["detail"]


# filesystem UUIDs, fstab and the boot


FIX_EXT4 = ("sudo umount /srv", "sudo e2fsck -f /dev/vdb1", "sudo tune2fs -U random /dev/vdb1")
FIX_XFS = ("sudo umount /var/backups", "sudo xfs_admin -U generate /dev/vdc1")
FIX_UUID = FIX_EXT4 + FIX_XFS
FSTAB = (
    'sudo sed -i "s|^UUID=[^ ]* {target} |UUID=$(sudo blkid -s UUID -o value {device}) {target} |" /etc/fstab'
)
FIX_FSTAB = (
    FSTAB.format(target="/srv", device="/dev/vdb1"),
    FSTAB.format(target="/var/backups", device="/dev/vdc1"),
)


def test_tune2fs_xfs_admin_then_fstab_then_mount_pass(world):
    run(world, *FIX_EXT4)
    assert verdict(world, "filesystem-uuid") == (False, 0.25)  # vdb1 half done, vdc1 not begun
    run(world, FIX_FSTAB[0], "sudo mount -a")
    assert "/dev/vdb1" in world.run("findmnt -n -o SOURCE /srv").stdout
    assert verdict(world, "filesystem-uuid") == (False, 0.5)
    run(world, *FIX_XFS, FIX_FSTAB[1])
    assert verdict(world, "filesystem-uuid") == (False, 0.75)  # not mounted again yet
    run(world, "sudo mount /var/backups")
    assert verdict(world, "filesystem-uuid") == (True, 1.0)
    run(world, "sudo reboot")
    assert verdict(world, "boots") == (True, 1.0)
    assert verdict(world, "filesystem-uuid") == (True, 1.0)


HINT = (
    "mount: (hint) your fstab has been modified, but systemd still uses\n"
    "       the old version; use 'systemctl daemon-reload' to reload.\n"
)


def test_mount_names_the_fstab_uuid_it_cannot_find_as_util_linux_does(world):
    ext4, xfs = (world.machine.disks[n]["parts"][0]["uuid"] for n in (1, 2))  # as fstab names them
    run(world, *FIX_UUID)
    assert world.run("sudo mount /srv") == Result("", f"mount: /srv: can't find UUID={ext4}.\n", 1)
    assert world.run("sudo mount -a").status == 32  # none mounted
    run(world, FIX_FSTAB[0])
    assert world.run("sudo mount -a") == Result(  # /srv mounted, /var/backups not: "some succeeded"
        HINT, f"mount: /var/backups: can't find UUID={xfs}.\n", 64
    )


def test_mount_hints_at_daemon_reload_after_fstab_changed_until_it_is_done(world):
    run(world, "sudo umount /srv")
    assert world.run("sudo mount -a") == Result("", "", 0)  # fstab as systemd read it at boot
    run(world, "sudo umount /srv", "sudo sed -i 's/defaults 0 2/defaults,noatime 0 2/' /etc/fstab")
    assert world.run("sudo mount -a") == Result(HINT, "", 0)
    assert world.run("sudo mount -a") == Result("", "", 0)  # nothing left to mount: no hint
    assert world.run("systemctl daemon-reload") == Result(
        "", "Failed to reload daemon: Interactive authentication required.\n", 1
    )
    run(world, "sudo umount /srv", "sudo systemctl daemon-reload")
    assert world.run("sudo mount /srv") == Result("", "", 0)
    run(world, "sudo umount /srv", "sudo sed -i 's/noatime/relatime/' /etc/fstab", "sudo reboot")
    assert world.run("sudo umount /srv && sudo mount -a") == Result("", "", 0)  # a boot reads it too


def test_mount_names_an_fstab_line_it_cannot_parse_and_goes_on(world):
    run(
        world,
        "sudo umount /srv",
        "echo /dev/vdb1 /srv | sudo tee -a /etc/fstab",
        "echo x y z 0 q | sudo tee -a /etc/fstab",
    )
    lines = world.run("wc -l < /etc/fstab").stdout.strip()
    errors = f"mount: /etc/fstab: parse error at line {int(lines) - 1} -- ignored\n"
    errors += f"mount: /etc/fstab: parse error at line {lines} -- ignored\n"
    assert world.run("sudo mount -a") == Result(HINT, errors, 0)
    assert world.run("findmnt -n -o SOURCE /srv").stdout == "/dev/vdb1\n"
    assert world.run("sudo mount /var/backups").stderr == (
        errors + "mount: /var/backups: /dev/vdc1 already mounted on /var/backups.\n"
    )
    run(world, "sudo reboot")
    assert verdict(world, "boots") == (True, 1.0)  # the fstab generator ignores them too


def test_umount_and_mount_follow_each_other(world):
    assert world.run("sudo umount /srv /srv").stderr == "umount: /srv: not mounted.\n"
    assert world.run("umount /var/backups").stderr == "umount: /var/backups: must be superuser to unmount.\n"
    assert world.run("cd /var/backups && sudo umount /var/backups").stderr == (
        "umount: /var/backups: target is busy.\n"
    )
    assert world.run("cd && sudo mount /dev/vdb1 && findmnt -n -o SOURCE /srv").stdout == "/dev/vdb1\n"
    assert world.run("sudo mount /srv").stderr == "mount: /srv: /dev/vdb1 already mounted on /srv.\n"


def test_uuids_of_ones_own_by_the_devices_path_in_fstab_pass(world):
    ext4, xfs = "0d2d5d3c-1111-4222-8333-444455556666", "7e0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b"
    run(
        world,
        "sudo umount /dev/vdb1 /dev/vdc1",
        "sudo e2fsck -f /dev/vdb1",
        f"sudo tune2fs -U {ext4} /dev/vdb1",
    )
    run(world, f"sudo xfs_admin -U {xfs} /dev/vdc1")
    run(world, f"sudo sed -i 's|^UUID=[^ ]* /srv |/dev/disk/by-uuid/{ext4} /srv |' /etc/fstab")
    run(world, f"sudo sed -i 's|^UUID=[^ ]* /var/backups |UUID={xfs} /var/backups |' /etc/fstab")
    run(world, "sudo reboot")
    assert verdict(world, "filesystem-uuid") == (True, 1.0)


def test_xfs_admin_refuses_a_mounted_filesystem_and_prints_the_new_uuid(world):
    # xfs_admin.sh finds it with findmnt before any xfs_db: -U needs the filesystem offline
    assert world.run("sudo xfs_admin -U generate /dev/vdc1") == Result(
        "/dev/vdc1: filesystem is mounted.\n", "", 2
    )
    online = world.run("sudo xfs_admin -L backups -l /dev/vdc1")  # xfs_io on the mount point
    assert online == Result('label = "backups"\nlabel = "backups"\n', "", 0)
    run(world, "sudo umount /var/backups")
    assert world.run("sudo xfs_admin -U not-a-uuid /dev/vdc1") == Result("invalid UUID\n", "", 0)
    assert world.run("sudo xfs_admin -L -- /dev/vdc1").stdout == 'writing all SBs\nnew label = ""\n'
    assert world.run("sudo xfs_admin /dev/vdc1") == Result("", "", 0), "no option: nothing to run, status 0"
    assert world.run("sudo xfs_admin").status == 2
    result = world.run("sudo xfs_admin -U generate /dev/vdc1")
    new = world.machine.disks[2]["parts"][0]["uuid"]
    assert result.stdout == f"Clearing log and setting UUID\nwriting all SBs\nnew UUID = {new}\n"
    assert world.run("sudo xfs_admin -u /dev/vdc1").stdout == f"UUID = {new}\n"
    assert world.run("sudo tune2fs -U random /dev/vdc1").stderr.startswith("tune2fs: Bad magic number")


def test_tune2fs_refuses_the_mounted_data_filesystem(world):
    result = world.run("sudo tune2fs -U random /dev/vdb1")
    assert result.status == 1 and "only be changed when the filesystem is unmounted" in result.stderr
    assert verdict(world, "filesystem-uuid") == (False, 0.0)


def test_tune2fs_without_fstab_stops_the_next_boot_in_emergency_mode(world):
    old = world.machine.disks[1]["parts"][0]["uuid"]
    run(world, *FIX_UUID)
    assert verdict(world, "filesystem-uuid") == (False, 0.5)
    assert verdict(world, "boots") == (False, 0.0)
    run(world, FIX_FSTAB[1], "sudo mount -a")  # the XFS one done right, the ext4 one's fstab line left
    result = world.run("sudo reboot")
    escaped = old.replace("-", "\\x2d")
    assert result.stdout.split("The system will reboot now!\n\n")[1] == (
        f"[ TIME ] Timed out waiting for device dev-disk-by\\x2duuid-{escaped}.device - "
        f"/dev/disk/by-uuid/{old}.\n"
        "[DEPEND] Dependency failed for srv.mount - /srv.\n"
        "[DEPEND] Dependency failed for local-fs.target - Local File Systems.\n"
        'You are in emergency mode. After logging in, type "journalctl -xb" to view\n'
        'system logs, "systemctl reboot" to reboot, "systemctl default" or "exit"\n'
        "to boot into default mode.\n"
        "Press Enter for maintenance\n"
    )
    assert world.prompt == "(or press Control-D to continue): "
    assert verdict(world, "boots") == (False, 0.0)
    assert "emergency mode" in verdicts(world)["boots"]["detail"]


def test_the_emergency_shell_fixes_fstab_and_the_reboot_comes_up(world):
    run(world, *FIX_EXT4, "sudo reboot")
    world = World.from_dict(json.loads(json.dumps(world.to_dict())))  # a restarted server resumes here
    assert world.prompt == "(or press Control-D to continue): "
    world.run("")
    assert world.prompt == "root@web01:~# "
    assert world.run("findmnt /srv").status == 1
    run(world, FIX_FSTAB[0].removeprefix("sudo ").replace("$(sudo ", "$("), "reboot")
    assert world.prompt == "learner@web01:~$ "
    assert verdict(world, "boots") == (True, 1.0)
    assert verdict(world, "filesystem-uuid") == (False, 0.5)  # vdb1 done; vdc1 still the source's


def test_journalctl_xb_in_the_emergency_shell_shows_what_the_boot_waited_for(world):
    old = world.machine.disks[1]["parts"][0]["uuid"]
    run(world, *FIX_EXT4, "sudo reboot", "")
    log = world.run("journalctl -xb --no-pager -o cat | grep -i -e failed -e timed -e emergency").stdout
    unit = "dev-disk-by\\x2duuid-" + old.replace("-", "\\x2d") + ".device"
    assert log.splitlines() == [
        f"{unit}: Job {unit}/start timed out.",
        f"Timed out waiting for device {unit} - /dev/disk/by-uuid/{old}.",
        "Dependency failed for srv.mount - /srv.",
        "srv.mount: Job srv.mount/start failed with result 'dependency'.",
        "Dependency failed for local-fs.target - Local File Systems.",
        "local-fs.target: Job local-fs.target/start failed with result 'dependency'.",
        "Started emergency.service - Emergency Shell.",
        "Reached target emergency.target - Emergency Mode.",
    ]


def test_exit_from_the_emergency_shell_goes_on_once_fstab_is_fixed(world):
    run(world, *FIX_EXT4, "sudo reboot", "", "exit")
    assert world.prompt == "(or press Control-D to continue): "  # still stuck: fstab unchanged
    run(world, "", "sed -i 's/^UUID=[^ ]* /\\/dev\\/vdb1 /' /etc/fstab", "exit")
    assert world.prompt == "learner@web01:~$ "
    assert verdict(world, "boots") == (True, 1.0)


def test_systemctl_default_from_the_emergency_shell_goes_on(world):
    run(world, *FIX_EXT4, "sudo reboot", "", FIX_FSTAB[0].replace("sudo ", ""))
    assert world.prompt == "root@web01:~# "
    run(world, "systemctl default")
    assert world.prompt == "learner@web01:~$ "
    assert world.machine.emergency == []


def test_systemctl_default_wants_root(world):
    assert world.run("systemctl default").stderr.startswith(
        "Failed to start default.target: Interactive authentication required.\n"
    )
    assert world.run("sudo systemctl default").status == 0


def test_a_locked_root_without_the_force_drop_in_is_refused_the_console(world):
    run(world, "sudo rm -r /etc/systemd/system/emergency.service.d", *FIX_EXT4, "sudo reboot")
    result = world.run("")
    assert result.stdout.startswith(
        "Cannot open access to console, the root account is locked.\n"
        "See sulogin(8) man page for more details.\n\nPress Enter to continue.\n[ TIME ] "
    )
    assert world.prompt == "(or press Control-D to continue): "


def test_nofail_lets_the_boot_go_on_without_the_disk(world):
    run(
        world,
        *FIX_EXT4,
        "sudo sed -i 's|ext4 defaults 0 2|ext4 defaults,nofail 0 2|' /etc/fstab",
        "sudo reboot",
    )
    assert world.prompt == "learner@web01:~$ "
    assert verdict(world, "boots") == (True, 1.0)
    assert "/srv" not in world.run("df").stdout  # the boot went on without it
    assert verdict(world, "filesystem-uuid") == (False, 0.25)


# what must stay the same


def test_removing_the_application_files_is_collateral(world):
    run(world, "sudo rm /srv/shop/app.ini")
    assert verdict(world, "no-collateral") == (False, 0.67)
    assert "/srv/shop/app.ini is missing" in verdicts(world)["no-collateral"]["detail"]


def test_changing_the_source_instead_of_the_clone_is_collateral(world):
    world.source.fs.write("/etc/hostname", "web02\n")
    assert verdict(world, "no-collateral") == (False, 0.67)
    assert "the source's hostname changed" in verdicts(world)["no-collateral"]["detail"]


def test_a_deleted_account_is_collateral(world):
    run(world, "sudo sed -i '/^learner:/d' /etc/passwd")
    assert not verdicts(world)["no-collateral"]["passed"]


def test_every_fix_together_earns_every_point(world):
    fpr = source_fingerprint(world)
    run(
        world,
        "sudo hostnamectl set-hostname web02",
        "sudo sed -i 's/127.0.1.1 web01/127.0.1.1 web02/' /etc/hosts",
        "sudo rm /etc/machine-id && sudo systemd-machine-id-setup",
        "sudo rm /etc/ssh/ssh_host_* && sudo ssh-keygen -A",
        f"sudo gpg --batch --yes --delete-secret-and-public-key {fpr}",
        "sudo gpg --batch --quick-generate-key 'web02 <root@web02>'",
        SET_MAC,
        SET_IP,
        "sudo netplan apply",
        *FIX_UUID,
        *FIX_FSTAB,
        "sudo mount -a",
        "sudo reboot",
    )
    grade = world.grade()
    assert [c["id"] for c in grade["checks"] if not c["passed"]] == []
    assert grade["score"] == grade["max_score"] == 19


def test_the_command_line_grades_the_ten_checks_on_its_last_line():
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "shell", "cloned-guest", "--json", "--grade"],
        input="sudo hostnamectl set-hostname web02\nsudo reboot\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    last = json.loads(result.stdout.splitlines()[-1])
    passed = {check["id"]: check["passed"] for check in last["checks"]}
    assert list(passed) == [
        "hostname",
        "machine-id",
        "dbus-machine-id",
        "ssh-host-keys",
        "pgp-key",
        "mac-address",
        "ip-address",
        "filesystem-uuid",
        "boots",
        "no-collateral",
    ]
    assert passed["boots"] and not passed["hostname"]


def test_journalctl_p_in_the_emergency_shell_sorts_the_failed_jobs_by_level(world):
    run(world, *FIX_EXT4, "sudo reboot", "")
    errors = world.run("journalctl -b -p err -o cat").stdout.splitlines()
    assert len(errors) == 1 and errors[0].startswith("Timed out waiting for device dev-disk-by\\x2duuid-")
    warnings = world.run("journalctl -b -p warning -o cat").stdout.splitlines()
    assert warnings[2:] == [
        "Dependency failed for srv.mount - /srv.",
        "Dependency failed for local-fs.target - Local File Systems.",
    ]
    assert world.run("journalctl -u srv.mount -o cat").stdout.splitlines() == [
        "Dependency failed for srv.mount - /srv.",
        "srv.mount: Job srv.mount/start failed with result 'dependency'.",
    ]


def test_ip_address_add_and_del_move_the_clone_until_the_next_boot(world):
    assert world.run("ip addr add 192.168.122.60/24 dev enp1s0").stderr == (
        "RTNETLINK answers: Operation not permitted\n"
    )
    run(world, "sudo ip addr add 192.168.122.60/24 dev enp1s0")
    assert world.run("sudo ip addr add 192.168.122.60/24 dev enp1s0") == Result(
        "", "Error: ipv4: Address already assigned.\n", 2
    )
    assert "inet 192.168.122.60/24 scope global secondary enp1s0\n" in world.run("ip -4 addr").stdout
    assert verdict(world, "ip-address")[0] is False  # the source's address is still held, and first
    run(world, "sudo ip addr del 192.168.122.50/24 dev enp1s0")
    link = "2: enp1s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default"
    assert world.run("ip -4 addr show enp1s0").stdout == (
        f"{link} qlen 1000\n"
        "    inet 192.168.122.60/24 scope global enp1s0\n"
        "       valid_lft forever preferred_lft forever\n"
    )
    assert world.run("hostname -I").stdout == "192.168.122.60 \n"
    assert world.run("ip route").stdout == (
        "192.168.122.0/24 dev enp1s0 proto kernel scope link src 192.168.122.60 \n"
        "default via 192.168.122.1 dev enp1s0 proto static \n"
    )
    assert world.run("sudo ip addr del 192.168.122.50/24 dev enp1s0") == Result(
        "", "Error: ipv4: Address not found.\n", 2
    )
    assert verdict(world, "ip-address") == (False, 0.5)  # its own now, but netplan still says .50
    run(world, "sudo reboot")
    assert "inet 192.168.122.50/24 brd 192.168.122.255 scope global enp1s0" in world.run("ip -4 a").stdout


def test_ip_address_refusals_as_iproute2_words_them(world):
    assert world.run("sudo ip addr add bogus dev enp1s0") == Result(
        "", 'Error: any valid prefix is expected rather than "bogus".\n', 1
    )
    assert world.run("sudo ip addr add 10.0.0.1/24") == Result(
        "", 'Not enough information: "dev" argument is required.\n', 1
    )
    assert world.run("sudo ip addr add bogus") == Result(
        "", 'Error: any valid prefix is expected rather than "bogus".\n', 1
    )
    assert world.run("sudo ip addr del 10.0.0.1/24 dev eth9") == Result("", 'Cannot find device "eth9"\n', 1)
    run(world, "sudo ip addr flush dev enp1s0")
    assert world.run("ip -4 -br addr").stdout == "lo               UNKNOWN        127.0.0.1/8 \n"
