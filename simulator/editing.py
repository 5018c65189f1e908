"""An editor open over the terminal: GNU nano 7.2, vim 9.1 and sudoedit (sudo 1.9.15), as on Ubuntu 24.04.

A command (commands/editors.py) checks what the editor checks when it opens a file and asks for a
session; the web terminal shows the buffer in a panel and sends back what the learner does there: write
out, exit, answer nano's "Save modified buffer?", or type a vim command. The file is written here, as the
user the editor runs as, so it meets the same permissions as the real editor (nano as the learner on
/etc/hosts: "Error writing /etc/hosts: Permission denied", and the buffer is kept).

Modelled, not emulated: the panel is a text area, so vim has no modes (its command line is a field),
and nano's "File Name to Write:" prompt is answered with the file's own name.
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
    asking: bool = False  # nano's "Save modified buffer?" is on the screen
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
        """Apply one action from the panel; returns (closed, what the terminal shows after the editor)."""
        self.buffer = None if buffer == self.content else buffer
        if self.editor == "vim":
            return self._vim(machine, command.strip())
        return self._nano(machine, action)

    def _nano(self, machine, action: str) -> tuple[bool, str]:
        if action == "save":
            self.asking = False
            self._write(machine)
            return False, ""
        if action == "exit" and not self.modified:
            return self._close(machine)
        if action == "exit":
            self.asking = True
            self.message = "Save modified buffer?"
            return False, ""
        if action == "no" and self.asking:
            return self._close(machine)
        if action == "yes" and self.asking:
            self.asking = False
            return self._close(machine) if self._write(machine) else (False, "")
        self.asking = False
        self.message = "[ Cancelled ]"
        return False, ""

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
