"""nano, vi/vim and sudoedit: what opening checks, and what writing the buffer out does to the machine."""

import pytest

from simulator import World
from simulator.editing import NoEditor
from simulator.filesystem import MAX_FILE_SIZE

HOSTS = (
    "127.0.0.1 localhost\n127.0.1.1 devbox\n\n"
    "::1 ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n"
)
EDITED = HOSTS.replace("devbox", "devbox web01")


@pytest.fixture
def world():
    return World.new("intel-vtx-host", seed=1)


def _open(world, line):
    result = world.run(line)
    assert (result.status, result.stdout, result.stderr) == (0, "", ""), result
    assert world.editor is not None
    return world.editor


def test_sudo_nano_opens_the_file_as_root_and_writes_it(world):
    editor = _open(world, "sudo nano /etc/hosts")
    assert (editor.editor, editor.user, editor.uid, editor.path) == ("nano", "root", 0, "/etc/hosts")
    assert editor.content == HOSTS and not editor.new and not editor.readonly
    assert editor.message == "[ Read 6 lines ]"
    assert world.save_editor(EDITED) == "[ Wrote 6 lines ]"
    assert world.edit("exit", EDITED) == ""
    assert world.editor is None
    assert world.run("cat /etc/hosts").stdout == EDITED


def test_nano_without_sudo_warns_on_open_and_keeps_the_buffer_when_writing_fails(world):
    editor = _open(world, "nano /etc/hosts")
    assert (editor.user, editor.uid, editor.readonly) == ("learner", 1000, True)
    assert editor.message == "[ File '/etc/hosts' is unwritable ]"
    assert world.save_editor(EDITED) == "[ Error writing /etc/hosts: Permission denied ]"
    assert world.editor.text == EDITED and world.editor.modified
    assert world.run("cat /etc/hosts").stdout == HOSTS


def test_nano_asks_before_leaving_a_modified_buffer(world):
    _open(world, "sudo nano /etc/hosts")
    world.edit("exit", EDITED)
    assert world.editor.asking and world.editor.message == "Save modified buffer?"
    world.edit("cancel", EDITED)
    assert not world.editor.asking and world.editor.message == "[ Cancelled ]"
    world.edit("exit", EDITED)
    world.edit("no", EDITED)
    assert world.editor is None and world.run("cat /etc/hosts").stdout == HOSTS


def test_nano_yes_asks_the_name_then_writes_and_leaves_but_stays_when_the_write_fails(world):
    _open(world, "nano /etc/hosts")
    world.edit("exit", EDITED)
    world.edit("yes", EDITED)
    assert world.editor.step == "name" and world.editor.answer == "/etc/hosts"
    world.edit("write", EDITED, "/etc/hosts")
    assert world.editor.message == "[ Error writing /etc/hosts: Permission denied ]"
    assert world.editor.step == ""
    world.edit("exit", EDITED)
    world.edit("no", EDITED)
    _open(world, "sudo nano /etc/hosts")
    world.edit("exit", EDITED)
    world.edit("yes", EDITED)
    assert world.editor is not None and world.run("cat /etc/hosts").stdout == HOSTS  # not yet: the name
    world.edit("write", EDITED, "/etc/hosts")
    assert world.editor is None and world.run("cat /etc/hosts").stdout == EDITED


def test_nano_write_out_asks_the_name_and_ctrl_c_cancels(world):
    _open(world, "sudo nano /etc/hosts")
    world.edit("save", EDITED)
    assert world.editor.step == "name" and world.editor.answer == "/etc/hosts"
    world.edit("cancel", EDITED)
    assert world.editor.message == "[ Cancelled ]" and world.editor.step == ""
    assert world.run("cat /etc/hosts").stdout == HOSTS
    world.edit("save", EDITED)
    world.edit("write", EDITED, "")  # an empty name is nano's ^C
    assert world.editor.message == "[ Cancelled ]"
    world.edit("save", EDITED)
    world.edit("write", EDITED, "/etc/hosts")
    assert world.editor.message == "[ Wrote 6 lines ]" and world.editor is not None
    assert world.run("cat /etc/hosts").stdout == EDITED


def test_nano_under_another_name_asks_twice_and_the_buffer_takes_the_name(world):
    _open(world, "sudo nano /etc/hosts")
    world.edit("exit", EDITED)
    world.edit("yes", EDITED)
    world.edit("write", EDITED, "/etc/hostname")
    assert world.editor.asking and world.editor.message == "Save file under DIFFERENT NAME?"
    world.edit("no", EDITED)  # back to the name, as typed
    assert world.editor.step == "name" and world.editor.answer == "/etc/hostname"
    world.edit("write", EDITED, "/etc/hostname")
    world.edit("yes", EDITED)
    assert world.editor.message == 'File "/etc/hostname" exists; OVERWRITE?'
    world.edit("cancel", EDITED)
    assert world.editor.step == "name"
    world.edit("write", EDITED, "/tmp/hosts.new")
    world.edit("yes", EDITED)  # a new file: no second question; ^X's write then closes nano
    assert world.editor is None
    assert world.run("cat /tmp/hosts.new").stdout == EDITED
    assert world.run("cat /etc/hosts").stdout == HOSTS


def test_unmodified_buffer_leaves_without_a_question(world):
    _open(world, "nano /etc/hosts")
    world.edit("exit", HOSTS)
    assert world.editor is None


def test_nano_new_file_is_created_as_the_learner_with_a_final_newline(world):
    editor = _open(world, "nano notes.txt")
    assert editor.new and editor.message == "[ New File ]" and editor.path == "/home/learner/notes.txt"
    assert world.save_editor("one\ntwo") == "[ Wrote 2 lines ]"
    world.edit("exit", "one\ntwo\n")
    assert world.run("cat notes.txt").stdout == "one\ntwo\n"
    assert world.run("ls -l notes.txt").stdout.startswith("-rw-r--r-- 1 learner learner 8 ")


def test_nano_refuses_a_directory_and_an_unreadable_file(world):
    result = world.run("nano /etc")
    assert (result.status, result.stderr) == (1, '[ "/etc" is a directory ]\n')
    result = world.run("nano /etc/shadow")
    assert result.stderr == "[ Error reading /etc/shadow: Permission denied ]\n"
    assert world.editor is None


def test_nano_in_a_missing_directory_opens_and_cannot_write(world):
    editor = _open(world, "nano /nope/file")
    assert editor.message == "[ Directory '/nope' does not exist ]"
    assert world.save_editor("x\n") == "[ Error writing /nope/file: No such file or directory ]"


def test_the_filesystem_limits_a_file_size(world):
    _open(world, "nano big")
    assert world.save_editor("x" * MAX_FILE_SIZE) == "[ Error writing big: File too large ]"


def test_vim_messages_on_open_write_and_quit(world):
    editor = _open(world, "vim /etc/hosts")
    assert editor.message == '"/etc/hosts" [readonly] 6L, 113B'
    world.edit("", EDITED, ":w")
    assert world.editor.message == "E45: 'readonly' option is set (add ! to override)"
    world.edit("", EDITED, ":w!")
    assert world.editor.message == '"/etc/hosts" E212: Can\'t open file for writing'
    world.edit("", EDITED, ":q")
    assert world.editor.message == "E37: No write since last change (add ! to override)"
    world.edit("", EDITED, ":nonsense")
    assert world.editor.message == "E492: Not an editor command: nonsense"
    world.edit("", EDITED, ":q!")
    assert world.editor is None


def test_vi_new_file_and_wq(world):
    editor = _open(world, "vi todo")
    assert editor.message == '"todo" [New]'
    world.edit("", "buy milk", ":wq")
    assert world.editor is None
    assert world.run("cat todo").stdout == "buy milk\n"
    editor = _open(world, "vi todo")
    assert editor.message == '"todo" 1L, 9B'
    world.edit("", "buy milk\neggs\n", ":w")
    assert world.editor.message == '"todo" 2L, 14B written'


def test_sudo_vim_writes_as_root(world):
    _open(world, "sudo vim /etc/hosts")
    world.edit("", EDITED, ":x")
    assert world.run("cat /etc/hosts").stdout == EDITED


def test_sudoedit_writes_the_file_as_root_when_the_editor_exits(world):
    editor = _open(world, "sudoedit /etc/hosts")
    assert (editor.user, editor.sudoedit, editor.editor) == ("learner", True, "nano")
    assert world.save_editor(EDITED) == "[ Wrote 6 lines ]"
    assert world.run("cat /etc/hosts").stdout == HOSTS, "the copy is written, not yet the file"
    world.edit("exit", EDITED)
    assert world.editor is None and world.run("cat /etc/hosts").stdout == EDITED


def test_sudoedit_left_without_writing_says_unchanged(world):
    _open(world, "sudo -e /etc/hosts")
    assert world.edit("exit", HOSTS) == "sudo: /etc/hosts unchanged\n"
    _open(world, "sudoedit /etc/new.conf")
    assert world.edit("exit", "") == "sudoedit: /etc/new.conf unchanged\n"
    assert world.run("ls /etc/new.conf").status == 2


def test_sudoedit_creates_a_new_file_owned_by_root(world):
    _open(world, "sudoedit /etc/new.conf")
    world.save_editor("key=value\n")
    world.edit("exit", "key=value\n")
    assert world.run("ls -l /etc/new.conf").stdout.startswith("-rw-r--r-- 1 root root 10 ")


def test_sudoedit_uses_the_learners_editor(world):
    editor = _open(world, "EDITOR=vim sudoedit /etc/hosts")
    assert editor.editor == "vim" and editor.message == '"/etc/hosts" 6L, 113B'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("sudoedit notes", "sudoedit: notes: editing files in a writable directory is not permitted\n"),
        ("sudo -e /tmp/x", "sudo: /tmp/x: editing files in a writable directory is not permitted\n"),
        ("sudoedit /etc", "sudoedit: /etc: Is a directory\n"),
        ("sudoedit /nope/x", "sudoedit: /nope/x: No such file or directory\n"),
        ("sudoedit /etc/os-release", "sudoedit: /etc/os-release: editing symbolic links is not permitted\n"),
    ],
)
def test_sudoedit_refuses_what_sudo_refuses(world, line, message):
    result = world.run(line)
    assert (result.status, result.stderr) == (1, message)
    assert world.editor is None


def test_sudo_sudoedit_warns_and_edits(world):
    result = world.run("sudo sudoedit /etc/hosts")
    assert result.stderr == "sudo: sudoedit doesn't need to be run via sudo\n"
    assert world.editor is not None and world.editor.sudoedit


def test_editor_is_nano(world):
    assert _open(world, "editor /etc/hostname").editor == "nano"


def test_an_open_editor_survives_a_save_and_load(world):
    _open(world, "nano /etc/hosts")
    world.save_editor(EDITED)
    again = World.from_dict(world.to_dict())
    assert again.editor == world.editor and again.editor.text == EDITED


def test_no_editor_to_act_on(world):
    with pytest.raises(NoEditor):
        world.save_editor("x")


def test_no_file_name_is_explained(world):
    result = world.run("vim")
    assert result.stderr == "vim: the web terminal's editor opens named files only: type vim FILE\n"
