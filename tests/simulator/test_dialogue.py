"""Programs that ask questions on the terminal (dialogue.py): the line waits for each answer, runs once
it has them all, and leaves nothing behind before; gpg's key generation dialogue, netplan try, and the
addresses added by hand as networkctl and netplan status show them."""

import json
import subprocess
import sys

import pytest

from simulator import pgp
from simulator.dialogue import MAX_ANSWERS
from simulator.world import World


@pytest.fixture
def world():
    return World.new("cloned-guest")


def typed(world: World, *lines: str):
    """Type each line; the last result, with the terminal's text (stdout and stderr in order)."""
    for line in lines:
        result = world.run(line)
    return result, "".join(text for _, text in result.chunks)


def test_a_line_waits_for_its_answers_and_changes_nothing_before(world):
    _, shown = typed(world, 'touch /tmp/early; read -p "Your name? " name; echo "hello $name" > /tmp/late')
    assert shown == "" and world.prompt == "Your name? " and world.asking and not world.secret
    assert not world.machine.fs.exists("/tmp/early")  # the line has not run yet, as far as anyone sees
    result, shown = typed(world, "Ada")
    assert result.status == 0 and not world.asking
    assert world.machine.fs.read("/tmp/late") == "hello Ada\n" and world.machine.fs.exists("/tmp/early")
    assert world.shell.history[-1].startswith("touch /tmp/early")  # the line, once; the answer is no command
    assert "Ada" not in world.shell.history


def test_only_new_output_is_shown_and_a_silent_read_hides_the_answer(world):
    _, shown = typed(
        world, 'echo one; read -p "A: " a; echo two; read -s -p "Secret: " b; echo; echo "$a/$b"'
    )
    assert shown == "one\n" and world.prompt == "A: "
    _, shown = typed(world, "x")
    assert shown == "two\n" and world.prompt == "Secret: " and world.secret
    _, shown = typed(world, "y")
    assert shown == "x/y\n"  # echo's newline stands for the Enter the terminal did not echo


def test_ctrl_c_at_a_question_ends_the_line_and_keeps_what_ran_before(world):
    typed(world, "touch /tmp/before; read answer; touch /tmp/after")
    result, shown = typed(world, "\x03")
    assert result.status == 130 and shown == "" and not world.asking
    assert world.machine.fs.exists("/tmp/before") and not world.machine.fs.exists("/tmp/after")
    assert typed(world, "echo $?")[1] == "130\n"


def test_a_dialogue_survives_saving_and_loading_the_world(world):
    typed(world, "gpg --gen-key", "Ada")
    world = World.from_dict(json.loads(json.dumps(world.to_dict())))
    assert world.prompt == "Email address: "
    _, shown = typed(world, "ada@example.org")
    assert '"Ada <ada@example.org>"' in shown


def test_a_command_that_asks_without_end_is_stopped(world):
    typed(world, "while read line; do :; done")
    for _ in range(MAX_ANSWERS):
        typed(world, "more")
    result, _ = typed(world, "more")
    assert result.status == 130 and not world.asking


def test_stdin_not_a_terminal_is_read_as_before(world):
    _, shown = typed(world, "printf 'Ada\\n' | { read name; echo got $name; }")
    assert shown == "got Ada\n" and not world.asking
    assert typed(world, "cat")[1] == "" and not world.asking  # reads all its input: none at the terminal


GEN_KEY = (
    "gpg (GnuPG) 2.4.4; Copyright (C) 2024 g10 Code GmbH\n"
    "This is free software: you are free to change and redistribute it.\n"
    "There is NO WARRANTY, to the extent permitted by law.\n\n"
    "gpg: directory '/home/learner/.gnupg' created\n"
    "gpg: keybox '/home/learner/.gnupg/pubring.kbx' created\n"
    'Note: Use "gpg --full-generate-key" for a full featured key generation dialog.\n\n'
    "GnuPG needs to construct a user ID to identify your key.\n\n"
)
ENTROPY = (
    "We need to generate a lot of random bytes. It is a good idea to perform\n"
    "some other action (type on the keyboard, move the mouse, utilize the\n"
    "disks) during the prime generation; this gives the random number\n"
    "generator a better chance to gain enough entropy.\n"
)


def test_gpg_gen_key_dialogue_as_gnupg_2_4_4_prints_it(world):
    _, shown = typed(world, "gpg --gen-key")
    assert shown == GEN_KEY and world.prompt == "Real name: "
    _, shown = typed(world, "Ada <Lovelace>")
    assert shown == "Invalid character in name\nThe characters '<' and '>' may not appear in name\n"
    assert world.prompt == "Real name: "
    typed(world, "Ada Lovelace")
    _, shown = typed(world, "not-an-address")
    assert shown == "Not a valid email address\n" and world.prompt == "Email address: "
    _, shown = typed(world, "ada@example.org")
    assert shown == 'You selected this USER-ID:\n    "Ada Lovelace <ada@example.org>"\n\n'
    assert world.prompt == "Change (N)ame, (E)mail, or (O)kay/(Q)uit? "
    _, shown = typed(world, "O")
    assert shown == ENTROPY + "Please enter the passphrase to\nprotect your new key\n\n"
    assert world.prompt == "Passphrase: " and world.secret
    _, shown = typed(world, "engine-1843")
    assert shown == "Please re-enter this passphrase\n\n" and world.secret
    result, shown = typed(world, "engine-1843")
    key = pgp.load(world.machine.fs, "/home/learner/.gnupg")[0]
    fpr = pgp.key_fingerprint(key)
    assert result.status == 0 and shown == (
        ENTROPY + "gpg: /home/learner/.gnupg/trustdb.gpg: trustdb created\n"
        f"gpg: key {fpr[-16:]} marked as ultimately trusted\n"
        "gpg: directory '/home/learner/.gnupg/openpgp-revocs.d' created\n"
        f"gpg: revocation certificate stored as '/home/learner/.gnupg/openpgp-revocs.d/{fpr}.rev'\n"
        "public and secret key created and signed.\n\n"
        "pub   ed25519 2024-11-27 [SC] [expires: 2027-11-27]\n"
        f"      {fpr}\n"
        "uid                      Ada Lovelace <ada@example.org>\n"
        "sub   cv25519 2024-11-27 [E] [expires: 2027-11-27]\n\n"
    )
    secret = world.machine.fs.read(f"/home/learner/.gnupg/private-keys-v1.d/{pgp.grips(key)[0]}.key")
    assert "(protected-private-key " in secret  # under the passphrase
    assert f"      {fpr}\nuid           [ultimate] Ada Lovelace" in typed(world, "gpg -k")[1]


def test_gpg_key_with_an_empty_user_id_has_no_user_id(world):
    """Enter at every question: gpg makes the key without a user ID packet, so no uid line is listed."""
    typed(world, "gpg --gen-key", "", "")
    _, shown = typed(world, "o", "", "")
    fpr = pgp.key_fingerprint(pgp.load(world.machine.fs, "/home/learner/.gnupg")[0])
    assert f"      {fpr}\nsub   cv25519 2024-11-27 [E]" in shown and "uid" not in shown
    listed = typed(world, "gpg -K")[1]
    assert f"      {fpr}\nssb   cv25519 " in listed and "uid" not in listed


def test_gpg_full_generate_key_makes_the_key_chosen(world):
    _, shown = typed(world, "gpg --full-generate-key")
    assert shown.endswith(
        "   (9) ECC (sign and encrypt) *default*\n  (10) ECC (sign only)\n  (14) Existing key from card\n"
    )
    assert world.prompt == "Your selection? "
    _, shown = typed(world, "7")
    assert shown == "Invalid selection.\n"
    _, shown = typed(world, "14")  # no scdaemon: gpg-agent answers GPG_ERR_NO_SCDAEMON, and gpg asks again
    assert shown == "error reading the card: No SmartCard daemon\n" and world.prompt == "Your selection? "
    _, shown = typed(world, "1")
    assert shown == "RSA keys may be between 1024 and 4096 bits long.\n"
    assert world.prompt == "What keysize do you want? (3072) "
    _, shown = typed(world, "")
    assert shown.startswith(
        "Requested keysize is 3072 bits\nPlease specify how long the key should be valid.\n"
    )
    _, shown = typed(world, "2y")
    assert (
        shown == "Key expires at Fri Nov 27 10:00:00 2026 UTC\n" and world.prompt == "Is this correct? (y/N) "
    )
    _, shown = typed(world, "n")
    assert world.prompt == "Key is valid for? (0) "
    typed(world, "0")
    _, shown = typed(world, "y")
    assert shown.startswith("\nGnuPG needs to construct a user ID")
    typed(world, "Ada", "ada@example.org", "engine (analytical)")
    _, shown = typed(world, "engine")
    assert '"Ada (engine) <ada@example.org>"' in shown
    assert world.prompt == "Change (N)ame, (C)omment, (E)mail or (O)kay/(Q)uit? "
    typed(world, "o", "")  # no passphrase: the pinentry warns, Enter takes its first button
    assert world.prompt == "<Yes, protection is not needed>  <Enter new passphrase> "
    _, shown = typed(world, "")
    assert "pub   rsa3072 2024-11-27 [SC]\n" in shown and "sub   rsa3072 2024-11-27 [E]\n" in shown
    key = pgp.load(world.machine.fs, "/home/learner/.gnupg")[0]
    assert key["expires"] == 0 and not key.get("protected")


def test_gpg_passphrases_that_differ_are_asked_again(world):
    typed(world, "gpg --gen-key", "Ada", "ada@example.org", "o", "first-1843")
    _, shown = typed(world, "second-1843")
    assert shown == "does not match - try again\nPlease enter the passphrase to\nprotect your new key\n\n"
    typed(world, "short")
    _, shown = typed(world, "short")
    assert shown.startswith("Warning: You have entered an insecure passphrase.\n")
    assert world.prompt == "<Take this one anyway>  <Enter new passphrase> "
    _, shown = typed(world, "e")
    assert world.prompt == "Passphrase: "


def test_gpg_quit_and_cancel_make_no_key(world):
    result, shown = typed(world, "gpg --gen-key", "Ada", "", "q")
    assert (result.status, shown) == (2, "gpg: Key generation canceled.\n")
    result, shown = typed(world, "gpg --gen-key", "Ada", "", "o", "\x03")
    assert result.status == 2
    assert (
        shown == "gpg: agent_genkey failed: Operation cancelled\nKey generation failed: Operation cancelled\n"
    )
    assert pgp.load(world.machine.fs, "/home/learner/.gnupg") == []


def test_gpg_gen_key_needs_a_terminal(world):
    result = world.run_as_root("gpg --gen-key")
    assert result.status == 2 and result.stderr.endswith(
        "gpg: cannot open '/dev/tty': No such device or address\n"
    )


def test_gpg_asks_on_the_terminal_even_with_stdin_redirected(world):
    typed(world, "echo Ada | gpg --gen-key > /tmp/out")
    assert world.prompt == "Real name: "


def test_netplan_try_accepts_enter_and_ignores_other_input(world):
    typed(
        world,
        "sudo rm /etc/netplan/*.yaml && printf 'network:\\n  version: 2\\n' | sudo tee /etc/netplan/a.yaml",
    )
    _, shown = typed(world, "sudo netplan try")
    assert shown.endswith(
        "Do you want to keep these settings?\n\n\n"
        "Press ENTER before the timeout to accept the new configuration\n\n\n"
    )
    assert world.prompt == "Changes will revert in 120 seconds" and world.secret
    _, shown = typed(world, "yes")
    assert shown == "" and world.prompt == "Changes will revert in 117 seconds"
    result, shown = typed(world, "")
    assert (result.status, shown) == (0, "Configuration accepted.\n")


def _static_config(world: World) -> None:
    typed(
        world,
        "sudo rm /etc/netplan/*.yaml",
        "printf 'network:\\n  version: 2\\n  ethernets:\\n    enp1s0:\\n      addresses: [10.0.0.9/24]\\n'"
        " | sudo tee /etc/netplan/01-static.yaml",
    )


def test_netplan_try_reverts_after_its_timeout_or_on_ctrl_c(world):
    _static_config(world)
    before = typed(world, "ip -4 -br a show enp1s0")[1]
    typed(world, "sudo netplan try --timeout 5", "x")
    assert world.prompt == "Changes will revert in 2 seconds"
    _, shown = typed(world, "")  # came 6 seconds after: too late
    assert shown == "Reverting.\n"
    assert typed(world, "ip -4 -br a show enp1s0")[1] == before
    _, shown = typed(world, "sudo netplan try", "\x03")
    assert shown == "Reverting.\n" and typed(world, "ip -4 -br a show enp1s0")[1] == before
    typed(world, "sudo netplan try", "")
    assert "10.0.0.9/24" in typed(world, "ip -4 -br a show enp1s0")[1]


def test_netplan_try_reads_a_pipe_at_once(world):
    _, shown = typed(world, "echo | sudo netplan try")
    assert (
        shown.endswith("Changes will revert in 120 seconds\nConfiguration accepted.\n") and not world.asking
    )
    _, shown = typed(world, "sudo netplan try < /dev/null")
    assert shown.endswith("Changes will revert in   1 seconds\nReverting.\n")


def test_addresses_added_by_hand_show_in_networkctl_and_netplan_status(world):
    typed(world, "sudo ip address add 10.9.8.7/24 dev enp1s0")
    own = world.machine.nics[0]["ipv4"]
    nic = world.machine.nics[0]
    link = [line.strip() for line in typed(world, "networkctl status enp1s0")[1].splitlines()]
    at = link.index("Address: 10.9.8.7")  # networkd lists them by their bytes, the foreign one unflagged
    assert link[at + 1] == (f"{own} (DHCP4 via {nic['gateway']})" if nic["dhcp"] else own)
    summary = typed(world, "networkctl status")[1]
    assert "10.9.8.7 on enp1s0" in summary
    status = typed(world, "netplan status")[1]
    assert f"{own}/24" in status and "                   10.9.8.7/24\n" in status
    assert "10.9.8.0/24 from 10.9.8.7 (link)" in status


def test_the_command_line_answers_questions_with_the_next_lines():
    lines = "gpg --gen-key\nAda\nada@example.org\no\n\n\ngpg -k\n"
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "shell", "cloned-guest", "--json"],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
    )
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert "uid           [ultimate] Ada <ada@example.org>" in replies[-1]["stdout"]


def test_ssh_keygen_asks_the_file_and_the_passphrase_twice(world):
    _, shown = typed(world, "ssh-keygen -t ed25519")
    assert world.prompt == "Enter file in which to save the key (/home/learner/.ssh/id_ed25519): "
    typed(world, "/tmp/mykey")
    assert world.prompt == "Enter passphrase (empty for no passphrase): " and world.secret
    typed(world, "one")
    assert world.prompt == "Enter same passphrase again: " and world.secret
    _, shown = typed(world, "two")
    assert shown == "Passphrases do not match.  Try again.\n"
    _, shown = typed(world, "", "")
    assert shown.startswith("Your identification has been saved in /tmp/mykey\n")
    assert world.machine.fs.exists("/tmp/mykey.pub")
    _, shown = typed(world, "printf '/tmp/other\\n\\n\\n' | ssh-keygen -t ed25519 -q")
    assert not world.asking and world.machine.fs.exists("/tmp/other")  # from a pipe, as before


def test_a_command_substitution_reads_the_terminal_too(world):
    typed(world, 'x=$(read -p "In: " v; echo "$v"); echo "[$x]"')
    assert world.prompt == "In: "
    assert typed(world, "foo")[1] == "[foo]\n"
