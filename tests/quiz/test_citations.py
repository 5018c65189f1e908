from dataclasses import replace

from conftest import make_fill, make_single

from quiz.citations import man_citation, module_citation, objective_citation
from quiz.model import Option


def test_a_file_the_question_names_cites_its_manual_page():
    question = make_single(stem="What does `/etc/machine-id` hold on a fresh clone?")
    cited = man_citation(question)
    assert (cited.name, cited.section, cited.heading) == ("machine-id", "5", "DESCRIPTION")
    assert cited.command == "man 5 machine-id"


def test_the_section_is_the_one_that_speaks_of_the_option_asked_about():
    question = make_single(
        stem="Which option of `systemd-detect-virt` tells only about containers?",
        explanation="`systemd-detect-virt --container` (or `-c`).",
    )
    cited = man_citation(question)
    assert (cited.name, cited.heading) == ("systemd-detect-virt", "OPTIONS")


def test_tools_used_on_the_way_are_not_cited():
    question = make_single(stem="Run `sudo grep -c vmx /proc/cpuinfo`: what does it count?")
    assert man_citation(question).name == "proc_cpuinfo"
    assert man_citation(make_single(stem="Why `sudo`?")) is None


def test_the_objective_is_cited_with_the_area_and_its_terms():
    question = make_single(area="clone-unique-properties", terms=("dbus-machine-id",))
    cited = objective_citation(question)
    assert cited.text.startswith("Understand the unique properties of a Linux system")
    assert cited.terms == ("D-Bus machine id",)


def _fill(key: str, stem: str, explanation: str = "") -> object:
    return replace(make_fill(exact=(key,)), stem=stem, explanation=explanation)


def test_a_fill_question_cites_the_page_of_the_command_it_asks_for():
    # As fill-blkid, whose explanation mentions `lsblk -f`, and fill-systemd-detect-virt, whose stem and
    # explanation name only what the command prints and its options.
    blkid = _fill("blkid", "Type the command that prints `/dev/vda3: UUID=...` lines.", "`lsblk -f` too.")
    assert man_citation(blkid).command == "man 8 blkid"
    detect = _fill("systemd-detect-virt", "Type the command that prints `kvm` or `lxc`.", "`--vm`: VMs only.")
    assert man_citation(detect).name == "systemd-detect-virt"
    assert man_citation(_fill("dmesg | grep -i hypervisor", "Search the kernel log.")).name == "dmesg"


def _options(*texts_right) -> tuple:
    return tuple(
        Option(id=chr(ord("a") + i), text=text, correct=right, explanation="")
        for i, (text, right) in enumerate(texts_right)
    )


def test_a_cloud_config_key_cites_the_cloud_init_module_that_reads_it_not_a_manual_page():
    # As cloud-config-keys-users, whose explanation names `hostname` among the keys: not hostname(5).
    question = make_single(
        stem="Which top-level cloud-config keys are valid?",
        options=_options(("`ssh_authorized_keys`, keys for the default user", True), ("`machine_id`", False)),
        explanation="Other keys are `hostname`, `users` and `runcmd`.",
    )
    assert man_citation(question) is None
    cited = module_citation(question)
    assert (cited.key, cited.module) == ("ssh_authorized_keys", "SSH")
    assert cited.url == "https://docs.cloud-init.io/en/24.3/reference/modules.html#ssh"
    users = make_single(
        stem="Which cloud-config key creates accounts?",
        options=_options(("`users`", True), ("`hosts`", False)),
    )
    assert module_citation(users).url.endswith("#users-and-groups")


def test_hostname_outside_cloud_config_is_still_its_manual_page():
    question = make_single(
        stem="Which file does `hostnamectl set-hostname` write?", explanation="`/etc/hostname`."
    )
    assert module_citation(question) is None and man_citation(question).name == "hostnamectl"


def test_the_right_answer_names_the_page_before_the_explanation():
    # As swap-uuid-tools: the right option runs mkswap, the explanation goes on to /etc/fstab.
    question = make_single(
        stem="Which command gives a swap area a new UUID?",
        options=_options(("`mkswap -U random /dev/vdb2`", True), ("`swapon -U random /dev/vdb2`", False)),
        explanation="Then update `/etc/fstab`.",
    )
    assert man_citation(question).command == "man 8 mkswap"


def test_a_filesystem_builder_without_a_page_of_its_own_cites_its_front_end():
    question = _fill("mkfs.ext4 /dev/vdb", "Create an ext4 filesystem on `/dev/vdb`.", "Then `/etc/fstab`.")
    assert man_citation(question).command == "man 8 mkfs"
