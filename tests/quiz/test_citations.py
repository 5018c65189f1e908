from dataclasses import replace

from conftest import make_fill, make_single

from quiz.citations import man_citation, objective_citation


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
