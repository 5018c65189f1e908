"""An editor open over the terminal: GNU nano 7.2, vim 9.1 and sudoedit (sudo 1.9.15), as on Ubuntu 24.04.

A command (commands/editors.py) checks what the editor checks when it opens a file and asks for a
session; the web terminal shows the buffer in a panel and sends back what the learner does there: write
out, exit, answer nano's "Save modified buffer?", or type a vim command. The file is written here, as the
user the editor runs as, so it meets the same permissions as the real editor (nano as the learner on
/etc/hosts: "Error writing /etc/hosts: Permission denied", and the buffer is kept).

Modelled, not emulated: the panel is a text area, so vim has no modes (its command line is a field).
nano 7.2's writing follows its src/files.c (write_it_out) and src/nano.c (do_exit): ^O, and Y to "Save
modified buffer?" after ^X, ask "File Name to Write:" with the file's name to accept (Enter) or change;
^C there, or an empty name, says "Cancelled"; another name asks "Save file under DIFFERENT NAME?" and, if
that file exists, whether to overwrite it, a No or ^C to either going back to the name. ^S writes at once.
sudoedit edits a copy: writing out updates the copy; the file itself is written, as root, when the
editor exits, and left alone ("sudoedit: FILE unchanged") if the copy was never written.
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass

from simulator.filesystem import STRERROR, FsError


class NoEditor(Exception):
    """An editor action arrived but no editor is open (it was closed meanwhile, in another tab)."""


def line_count(text: str) -> int:
    """Lines as nano and vim count them: a last line without a newline still counts."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def with_final_newline(text: str) -> str:
    """nano and vim (fixeol) end a non-empty file with a newline when they write it."""
    return text if not text or text.endswith("\n") else text + "\n"


@dataclass
class Session:
    """One open editor: plain data, saved with the world so a reload finds it as it was left."""

    editor: str  # "nano" or "vim": how it looks and what it says
    command: str  # what was typed: nano, editor, vi, vim, sudoedit, sudo
    name: str  # the file as typed: the editor shows it and names it in its messages
    cwd: str
    user: str  # who the editor runs as (root under sudo)
    uid: int
    content: str  # the file as last read or written
    new: bool = False
    readonly: bool = False
    message: str = ""  # the status line
    buffer: str | None = None  # text sent back but not written (None: the same as content)
    asking: bool = False  # nano asks a yes/no question: "Save modified buffer?", or one of `step`'s
    # nano's way to a write: "" (none, or "Save modified buffer?"), "name" ("File Name to Write:"), then
    # for another name "different" ("Save file under DIFFERENT NAME?") and "overwrite" (it exists)
    step: str = ""
    answer: str = ""  # the name typed at "File Name to Write:"
    exiting: bool = False  # the write was asked for by ^X: once written, nano closes
    sudoedit: bool = False
    original: str = ""  # sudoedit: the file before; written back on exit only if the copy was written
    written: bool = False  # sudoedit: the copy was written
    owner_uid: int = 0  # sudoedit: who writes the file back (root, or sudo -u's user)

    @property
    def path(self) -> str:
        return posixpath.normpath(posixpath.join(self.cwd, self.name))

    @property
    def text(self) -> str:
        """What the panel shows: the unsaved buffer, else the file."""
        return self.content if self.buffer is None else self.buffer

    @property
    def modified(self) -> bool:
        return self.buffer is not None and self.buffer != self.content

    @property
    def title(self) -> str:
        program = "sudoedit" if self.sudoedit else self.command if self.editor == "vim" else "nano"
        return f"Editing {self.path} with {program}"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Session:
        return cls(**data)

    def copy(self) -> Session:
        return dataclasses.replace(self)

    def act(self, machine, action: str, buffer: str, command: str = "") -> tuple[bool, str]:
        """Apply one action from the panel; returns (closed, what the terminal shows after the editor).
        `command` is vim's command line, or the name typed at nano's "File Name to Write:"."""
        self.buffer = None if buffer == self.content else buffer
        if self.editor == "vim":
            return self._vim(machine, command.strip())
        return self._nano(machine, action, command)

    def _nano(self, machine, action: str, name: str) -> tuple[bool, str]:
        """^O ("save"), ^S ("savefile"), ^X ("exit"), a name given ("write"), and the answers to nano's
        questions ("yes", "no", "cancel")."""
        step, asking = self.step, self.asking
        if action == "write" and step == "name":
            return self._name_given(machine, name)
        if asking and step in ("different", "overwrite"):
            if action == "yes" and (step == "overwrite" or not self._exists(machine, self.answer)):
                return self._write_named(machine)
            if action == "yes":
                self._ask("overwrite", f'File "{self.answer}" exists; OVERWRITE?')
            else:  # No, or ^C: back to the name, as typed
                self._ask("name", "", asking=False)
            return False, ""
        if asking and action == "no":
            return self._close(machine)
        if asking and action == "yes":
            self.exiting = True
            return self._ask_name()
        if action == "save" and not asking and step == "":
            self.exiting = False
            return self._ask_name()
        if action == "savefile" and not asking and step == "":
            self._write(machine)
            return False, ""
        if action == "exit" and not asking and step == "":
            if not self.modified:
                return self._close(machine)
            self._ask("", "Save modified buffer?")
            return False, ""
        return self._cancelled()

    def _ask(self, step: str, message: str, asking: bool = True) -> None:
        self.step, self.asking, self.message = step, asking, message

    def _ask_name(self) -> tuple[bool, str]:
        self.answer = self.name
        self._ask("name", "", asking=False)
        return False, ""

    def _cancelled(self) -> tuple[bool, str]:
        self._ask("", "[ Cancelled ]", asking=False)
        self.exiting = False
        return False, ""

    def _name_given(self, machine, name: str) -> tuple[bool, str]:
        """Enter at "File Name to Write:": the file's own name writes it; another asks first."""
        if name == "":
            return self._cancelled()  # nano takes an empty answer as ^C
        self.answer = name
        if posixpath.normpath(posixpath.join(self.cwd, name)) != self.path:
            self._ask("different", "Save file under DIFFERENT NAME?")
            return False, ""
        return self._write_named(machine)

    def _exists(self, machine, name: str) -> bool:
        return machine.fs.exists(name, self.cwd, self.uid)

    def _write_named(self, machine) -> tuple[bool, str]:
        """Write under the name given (the buffer takes that name, as nano's does); ^X's write closes."""
        exiting = self.exiting
        self._ask("", "", asking=False)
        self.exiting = False
        before = (self.name, self.new)
        if self.answer != self.name and not self.sudoedit:
            self.name, self.new = self.answer, not self._exists(machine, self.answer)
        if not self._write(machine):
            self.name, self.new = before  # the buffer is renamed only once written
            return False, ""
        return self._close(machine) if exiting else (False, "")

    def _vim(self, machine, command: str) -> tuple[bool, str]:
        """The Ex commands a learner uses to leave vim: :w :q :wq :x, each with or without !."""
        name = command.lstrip(":").strip()
        force = name.endswith("!")
        name = name.rstrip("!").strip()
        if name == "":
            return False, ""
        if name in ("w", "write", "wq", "x", "xit", "exit", "wqa", "wqall", "xa", "xall"):
            quits = name != "w" and name != "write"
            if name.startswith("x") and not self.modified:
                return self._close(machine)
            if self.readonly and not force:
                self.message = "E45: 'readonly' option is set (add ! to override)"
                return False, ""
            if not self._write(machine):
                return False, ""
            return self._close(machine) if quits else (False, "")
        if name in ("q", "quit", "qa", "qall", "quita", "quitall"):
            if self.modified and not force:
                self.message = "E37: No write since last change (add ! to override)"
                return False, ""
            return self._close(machine)
        self.message = f"E492: Not an editor command: {command.lstrip(':').strip()}"
        return False, ""

    def _write(self, machine) -> bool:
        """Write the buffer as the editor's user; the status line says how it went, as the editor does."""
        data = with_final_newline(self.text)
        if self.sudoedit:
            error = None  # the copy in /var/tmp belongs to the learner
        else:
            error = _write_file(machine, self.name, data, self.cwd, self.uid)
        if error is not None:
            if self.editor == "vim":
                self.message = f'"{self.name}" E212: Can\'t open file for writing'
            else:
                self.message = f"[ Error writing {self.name}: {STRERROR[error]} ]"
            return False
        lines = line_count(data)
        if self.editor == "vim":
            new = " [New]" if self.new else ""
            self.message = f'"{self.name}"{new} {lines}L, {len(data.encode())}B written'
        else:
            self.message = f"[ Wrote {lines} line{'' if lines == 1 else 's'} ]"
        self.content, self.buffer, self.new, self.written = data, None, False, True
        return True

    def _close(self, machine) -> tuple[bool, str]:
        if not self.sudoedit:
            return True, ""
        program = "sudo" if self.command == "sudo" else "sudoedit"
        if not self.written:
            return True, f"{program}: {self.name} unchanged\n"
        error = _write_file(machine, self.name, self.content, self.cwd, self.owner_uid)
        if error is not None:
            return True, f"{program}: {self.name}: {STRERROR[error]}\n"
        return True, ""


def _write_file(machine, name: str, data: str, cwd: str, uid: int) -> str | None:
    """Write as `uid` (a new file is its own, mode 644 after the usual umask); the errno name on failure."""
    try:
        machine.fs.write(name, data, cwd, uid)
    except FsError as error:
        return error.errno
    return None
