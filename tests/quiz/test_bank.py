import json

import pytest
import yaml

from quiz.bank import (
    SCHEMA_PATH,
    BankError,
    BankInvalid,
    check_banks,
    load_bank,
    summary,
)
from quiz.grading import fill_accepts, normalise_fill
from quiz.model import AREAS, TERMS, FillAnswer

# A small stand-in for the simulator's scenarios, so the loader is tested on its own.
KNOWN_SCENARIO_CHECKS: dict[str, frozenset[str]] = {
    "intel-vtx-host": frozenset({"answer-virtualization-capable", "kvm-module-loaded"}),
    "amd-v-host": frozenset({"answer-cpu-flag", "kvm-module-loaded"}),
    "vtx-disabled-host": frozenset({"vtx-enabled-in-firmware", "kvm-module-loaded", "dev-kvm-present"}),
    "kvm-guest": frozenset({"answer-hypervisor", "answer-guest-drivers"}),
    "virtualbox-guest": frozenset({"answer-hypervisor", "answer-guest-drivers"}),
    "vmware-guest": frozenset({"answer-hypervisor", "answer-guest-drivers"}),
    "hyperv-guest": frozenset({"answer-hypervisor", "answer-guest-drivers"}),
    "xen-guest": frozenset({"answer-hypervisor", "answer-guest-drivers"}),
    "lxc-container": frozenset({"answer-container-kind", "answer-container-runtime"}),
    "docker-container": frozenset({"answer-container-kind", "answer-container-runtime"}),
    "clone-identifiers": frozenset(
        {"hostname-changed", "machine-id-regenerated", "ssh-host-keys-regenerated"}
    ),
}

GOOD_BANK = {
    "area": "vm-and-containers",
    "author": "GuestLab contributors",
    "licence": "CC-BY-SA-4.0",
    "questions": [
        {
            "id": "cpu-flag-intel",
            "type": "single",
            "difficulty": 1,
            "terms": ["virtual-machine"],
            "stem": "Which flag in `/proc/cpuinfo` shows Intel VT-x?\n",
            "options": [
                {"text": "`vmx`", "correct": True, "explanation": "Intel VT-x is shown as vmx."},
                {"text": "`svm`", "explanation": "svm is AMD-V."},
                {"text": "`hypervisor`", "explanation": "hypervisor means we run inside a VM."},
            ],
            "explanation": "vmx for Intel, svm for AMD.",
        },
        {
            "id": "kvm-modules",
            "type": "multiple",
            "difficulty": 2,
            "stem": "Which modules provide KVM on an Intel host? (Choose TWO.)",
            "choose": 2,
            "options": [
                {"text": "`kvm`", "correct": True, "explanation": "The core module."},
                {"text": "`kvm_intel`", "correct": True, "explanation": "The Intel module."},
                {"text": "`kvm_amd`", "explanation": "That one is for AMD CPUs."},
            ],
            "explanation": "kvm plus the vendor module.",
        },
        {
            "id": "modprobe-kvm-intel",
            "type": "fill",
            "difficulty": 1,
            "stem": "Type the command that loads the KVM module for an Intel CPU.",
            "answers": {
                "exact": ["modprobe kvm_intel"],
                "patterns": ["modprobe kvm[-_]intel( -v)?"],
                "optional_sudo": True,
            },
            "explanation": "modprobe also loads kvm as a dependency.",
        },
        {
            "id": "lab-clone",
            "type": "lab",
            "difficulty": 3,
            "terms": ["ssh-host-keys", "dbus-machine-id"],
            "stem": "Make this clone unique.",
            "scenario": "clone-identifiers",
            "checks": ["machine-id-regenerated", "ssh-host-keys-regenerated"],
            "explanation": "Regenerate the machine id and the host keys.",
        },
    ],
}


def write_bank(directory, bank=None, name="vm-and-containers.yaml"):
    path = directory / name
    path.write_text(yaml.safe_dump(bank or GOOD_BANK, sort_keys=False))
    return path


def mutated(change):
    bank = json.loads(json.dumps(GOOD_BANK))
    change(bank)
    return bank


def only_errors(tmp_path, bank, scenario_checks=None):
    write_bank(tmp_path, bank)
    result, errors = check_banks(tmp_path, scenario_checks)
    assert result is None
    assert errors
    return [str(e) for e in errors]


def assert_error(messages, question_id, fragment):
    matching = [m for m in messages if f"vm-and-containers.yaml: {question_id}: " in m and fragment in m]
    assert matching, messages


def test_good_bank_loads_with_option_ids_in_file_order(tmp_path):
    write_bank(tmp_path)
    bank = load_bank(tmp_path, KNOWN_SCENARIO_CHECKS)
    assert list(bank.questions) == ["cpu-flag-intel", "kvm-modules", "modprobe-kvm-intel", "lab-clone"]
    single = bank.questions["cpu-flag-intel"]
    assert [o.id for o in single.options] == ["a", "b", "c"]
    assert single.correct_option_ids == {"a"}
    assert single.area == "vm-and-containers"
    assert single.stem == "Which flag in `/proc/cpuinfo` shows Intel VT-x?"
    assert single.source_file == f"{tmp_path.as_posix()}/vm-and-containers.yaml"
    assert bank.questions["kvm-modules"].choose == 2
    assert bank.questions["modprobe-kvm-intel"].fill.optional_sudo is True
    assert bank.questions["lab-clone"].checks == ("machine-id-regenerated", "ssh-host-keys-regenerated")


def test_a_single_file_can_be_loaded(tmp_path):
    bank = load_bank(write_bank(tmp_path))
    assert len(bank.questions) == 4


def test_summary_counts_every_type_area_and_term(tmp_path):
    write_bank(tmp_path)
    counts = summary(load_bank(tmp_path))
    assert counts["questions"] == 4
    assert counts["by_type"] == {"single": 1, "multiple": 1, "fill": 1, "lab": 1}
    assert counts["by_area"]["vm-and-containers"] == 4
    assert set(counts["by_area"]) == set(AREAS)
    assert counts["by_term"]["ssh-host-keys"] == 1
    assert counts["by_term"]["linux-container"] == 0


def test_load_bank_raises_with_every_error(tmp_path):
    write_bank(tmp_path, mutated(lambda b: b["questions"][0]["options"][0].update(correct=False)))
    with pytest.raises(BankInvalid) as raised:
        load_bank(tmp_path)
    assert "cpu-flag-intel: a single question needs exactly one correct option, found 0" in str(raised.value)
    assert len(raised.value.errors) == 1


def test_bank_error_str_names_file_and_question_or_line():
    assert str(BankError("questions/x.yaml", "boom", question="q-id")) == "questions/x.yaml: q-id: boom"
    assert str(BankError("questions/x.yaml", "boom", line=7)) == "questions/x.yaml: line 7: boom"


def test_bad_yaml_is_refused_with_file_name_and_line(tmp_path):
    (tmp_path / "broken.yaml").write_text("area: vm-and-containers\nquestions:\n  - id: x\n   type: single\n")
    _, errors = check_banks(tmp_path)
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{tmp_path.as_posix()}/broken.yaml: line 4: YAML syntax error")


def test_duplicate_yaml_key_is_refused(tmp_path):
    text = yaml.safe_dump(GOOD_BANK, sort_keys=False).replace(
        "  difficulty: 1\n", "  difficulty: 1\n  difficulty: 2\n", 1
    )
    (tmp_path / "vm-and-containers.yaml").write_text(text)
    _, errors = check_banks(tmp_path)
    assert any("duplicate key 'difficulty'" in str(e) and e.line for e in errors), errors


def test_schema_error_names_question_and_field(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][0]["options"][1].pop("explanation")))
    assert_error(messages, "cpu-flag-intel", "options[1]: 'explanation' is a required property")


def test_blank_option_explanation_is_refused(tmp_path):
    messages = only_errors(
        tmp_path, mutated(lambda b: b["questions"][0]["options"][1].update(explanation=" "))
    )
    assert_error(messages, "cpu-flag-intel", "options[1].explanation: must not be empty")


def test_unknown_key_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][1].update(answer="e")))
    assert_error(messages, "kvm-modules", "unknown key 'answer'")


def test_key_of_another_type_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][2].update(choose=2)))
    assert_error(messages, "modprobe-kvm-intel", "'choose' is not used in a fill question")


def test_question_without_id_is_located_by_line(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][1].pop("id")))
    assert any(": line " in m and "'id' is a required property" in m for m in messages), messages


def test_difficulty_out_of_range_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][0].update(difficulty=4)))
    assert_error(messages, "cpu-flag-intel", "difficulty: 4 is greater than the maximum of 3")


def test_duplicate_id_across_files_is_refused(tmp_path):
    write_bank(tmp_path)
    other = mutated(lambda b: b.update(area="iaas-elements", questions=b["questions"][:1]))
    other["questions"][0]["stem"] = "A different stem."
    write_bank(tmp_path, other, name="iaas-elements.yaml")
    _, errors = check_banks(tmp_path)
    assert [str(e) for e in errors] == [
        f"{tmp_path.as_posix()}/vm-and-containers.yaml: cpu-flag-intel: "
        f"duplicate id, already used in {tmp_path.as_posix()}/iaas-elements.yaml"
    ]


def test_single_with_two_correct_options_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][0]["options"][1].update(correct=True)))
    assert_error(messages, "cpu-flag-intel", "exactly one correct option, found 2")


def test_multiple_with_wrong_number_of_correct_options_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][1]["options"][1].update(correct=False)))
    assert_error(messages, "kvm-modules", "choose is 2 but 1 options are marked correct")


def test_multiple_must_say_how_many_to_choose(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][1].update(stem="Which modules?")))
    assert_error(messages, "kvm-modules", "the stem must say how many to choose")


def test_multiple_stem_must_agree_with_choose(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][1].update(stem="Which? Choose three.")))
    assert_error(messages, "kvm-modules", "the stem says choose 3 but choose is 2")


def test_multiple_needs_a_wrong_option(tmp_path):
    def change(bank):
        bank["questions"][1]["options"].pop()

    messages = only_errors(tmp_path, mutated(change))
    assert_error(messages, "kvm-modules", "choose is 2 but there are only 2 options")


def test_duplicate_option_text_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][0]["options"][2].update(text="`svm` ")))
    assert_error(messages, "cpu-flag-intel", "options b and c have the same text")


def test_empty_fill_answers_are_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][2].update(answers={"exact": []})))
    assert_error(messages, "modprobe-kvm-intel", "at least one exact answer or pattern")


def test_fill_answers_without_exact_or_patterns_are_refused(tmp_path):
    messages = only_errors(
        tmp_path, mutated(lambda b: b["questions"][2].update(answers={"optional_sudo": True}))
    )
    assert_error(messages, "modprobe-kvm-intel", "answers: needs 'exact' or 'patterns'")


def test_blank_exact_answer_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][2]["answers"].update(exact=["  "])))
    assert_error(messages, "modprobe-kvm-intel", "answers.exact[0]: must not be empty")


def test_invalid_regex_is_refused(tmp_path):
    messages = only_errors(
        tmp_path, mutated(lambda b: b["questions"][2]["answers"].update(patterns=["modprobe (kvm"]))
    )
    assert_error(messages, "modprobe-kvm-intel", "pattern 'modprobe (kvm' is not a valid regular expression")


def test_pattern_accepting_empty_answer_is_refused(tmp_path):
    messages = only_errors(
        tmp_path, mutated(lambda b: b["questions"][2]["answers"].update(patterns=["(modprobe)?"]))
    )
    assert_error(messages, "modprobe-kvm-intel", "accepts an empty answer")


def test_unknown_scenario_is_refused(tmp_path):
    bank = mutated(lambda b: b["questions"][3].update(scenario="no-such-scenario"))
    messages = only_errors(tmp_path, bank, KNOWN_SCENARIO_CHECKS)
    assert_error(messages, "lab-clone", "unknown scenario 'no-such-scenario'")


def test_unknown_check_is_refused(tmp_path):
    bank = mutated(lambda b: b["questions"][3].update(checks=["hostname-changed", "kvm-module-loaded"]))
    messages = only_errors(tmp_path, bank, KNOWN_SCENARIO_CHECKS)
    assert_error(messages, "lab-clone", "scenario 'clone-identifiers' has no check 'kvm-module-loaded'")


def test_lab_references_are_not_checked_without_a_mapping(tmp_path):
    write_bank(tmp_path, mutated(lambda b: b["questions"][3].update(scenario="future-scenario")))
    assert check_banks(tmp_path)[1] == []


def test_lab_references_use_the_mapping_given(tmp_path):
    write_bank(tmp_path)
    _, errors = check_banks(tmp_path, {"clone-identifiers": {"machine-id-regenerated"}})
    assert [e.message for e in errors] == [
        "scenario 'clone-identifiers' has no check 'ssh-host-keys-regenerated'"
        " (it has: machine-id-regenerated)"
    ]


def test_duplicate_stem_is_refused_ignoring_case_and_spacing(tmp_path):
    def change(bank):
        bank["questions"][1]["stem"] = "which flag in  `/proc/cpuinfo`\nshows INTEL VT-x?"
        bank["questions"][1]["type"] = "single"
        bank["questions"][1].pop("choose")
        bank["questions"][1]["options"][1]["correct"] = False

    messages = only_errors(tmp_path, mutated(change))
    assert_error(messages, "kvm-modules", "duplicate stem, same text as question cpu-flag-intel")


def test_unknown_area_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b.update(area="networking")))
    assert any("vm-and-containers.yaml: line 1: unknown area 'networking'" in m for m in messages), messages


def test_unknown_term_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][0].update(terms=["hypervisor"])))
    assert_error(messages, "cpu-flag-intel", "unknown term 'hypervisor'")


def test_unknown_type_is_refused(tmp_path):
    messages = only_errors(tmp_path, mutated(lambda b: b["questions"][0].update(type="essay")))
    assert_error(messages, "cpu-flag-intel", "unknown type 'essay'")


def test_errors_from_several_files_are_all_reported(tmp_path):
    write_bank(tmp_path, mutated(lambda b: b["questions"][0].update(difficulty=0)))
    (tmp_path / "other.yaml").write_text("area: [\n")
    _, errors = check_banks(tmp_path)
    assert {e.file.rsplit("/", 1)[-1] for e in errors} == {"vm-and-containers.yaml", "other.yaml"}


def test_empty_directory_is_refused(tmp_path):
    _, errors = check_banks(tmp_path)
    assert "no *.yaml question banks found" in str(errors[0])


def test_schema_enums_match_the_model():
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$defs"]["area"]["enum"] == list(AREAS)
    assert schema["$defs"]["term"]["enum"] == list(TERMS)


@pytest.mark.parametrize(
    ("answer", "accepted"),
    [
        ("modprobe kvm_intel", True),
        ("  sudo   modprobe   kvm_intel ", True),
        ("modprobe kvm-intel", True),
        ("modprobe kvm_intel -v", True),
        ("MODPROBE kvm_intel", False),
        ("modprobe kvm_intel; rm -rf /", False),
        ("", False),
    ],
)
def test_fill_answers_are_normalised_then_matched(answer, accepted):
    fill = FillAnswer(
        exact=("modprobe kvm_intel",), patterns=("modprobe kvm[-_]intel( -v)?",), optional_sudo=True
    )
    assert fill_accepts(fill, answer) is accepted


def test_case_insensitive_fill_answers():
    fill = FillAnswer(
        exact=("/etc/machine-id",), patterns=("xfs_admin -u generate /dev/\\w+",), case_sensitive=False
    )
    assert fill_accepts(fill, "/ETC/machine-id")
    assert fill_accepts(fill, "xfs_admin -U generate /dev/vdb1")
    assert normalise_fill("sudo  X", fill) == "sudo x"
