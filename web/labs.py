"""Labs: the scenario list, and a lab page with its terminal, tasks, checks, hints and reset."""

import re

from flask import Blueprint, abort, flash, g, jsonify, redirect, request, url_for

from simulator import load_scenario
from simulator.checks import TITLES
from simulator.dialogue import END_OF_INPUT
from simulator.editing import NoEditor
from simulator.shell import INTERRUPT, MAX_LINE
from web import lab_path, lab_store
from web.auth import current_owner, safe_next
from web.db import get_db
from web.errors import error_page, http_error
from web.render import is_partial, render
from web.utf8_forms import FormNotUTF8

bp = Blueprint("labs", __name__, url_prefix="/labs")

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
LINE_NOT_UTF8 = "guestlab: this line did not arrive as UTF-8 text, so it was not run. Type it again.\n"
EDITOR_ACTIONS = {"save", "savefile", "write", "exit", "yes", "no", "cancel", "command"}
VIM_BUTTONS = {":w", ":q", ":wq", ":q!"}
# What the panel may send: a file the lab could hold (its whole state is kept under 512 KiB, with the
# buffer and the file both in it while the editor is open), and a vim command line of a sane length.
MAX_EDITOR_BYTES = 128 * 1024
MAX_EDITOR_COMMAND = 256
EDITOR_TOO_BIG = f"guestlab: the text is larger than {MAX_EDITOR_BYTES >> 10} KiB, so it was not written."
MAX_MACHINE_NAME = 256  # a machine of the lab, as the power button's form names it
NO_EDITOR = "guestlab: this editor was closed already (in another tab?). Reload the page."


@bp.app_template_filter("points")
def points(value: float) -> str:
    """4.0 -> "4", 1.5 -> "1.5": scores as a person writes them."""
    return f"{value:g}" if value == round(value, 1) else f"{value:.1f}"


@bp.app_template_filter("scenario_title")
def scenario_title(scenario_id: str) -> str:
    return load_scenario(scenario_id)["title"]


@bp.app_template_filter("check_title")
def check_title(check_id: str) -> str:
    return TITLES.get(check_id, check_id)


@bp.app_template_filter("typed")
def typed(line: str) -> str:
    """A command line as the terminal echoed it: Ctrl-C at its end shows as ^C, a Ctrl-D not at all."""
    if line == END_OF_INPUT:
        return ""
    return line[:-1] + "^C" if line.endswith(INTERRUPT) else line


@bp.app_template_filter("terminal_text")
def terminal_text(text: str) -> str:
    """Output without escape sequences (the browser shows no colours or cursor moves); Jinja escapes it."""
    return ANSI_ESCAPE.sub("", text)


def scenario_or_404(scenario_id: str):
    try:
        return load_scenario(scenario_id)
    except KeyError:
        abort(404)


def _task_or_404(scenario: dict, task_id: str) -> None:
    if task_id not in {task["id"] for task in scenario["tasks"]}:
        abort(404)


def owned_lab(scenario_id: str) -> dict:
    lab = lab_store.find_lab(get_db(), g.user.id, scenario_id) if g.user else None
    if lab is None:
        abort(404)
    return lab


@bp.app_template_global("next_lab_after")
def next_lab_after(scenario_id: str) -> dict | None:
    """What a finished lab offers next (asked only when it is finished: it reads every lab of the learner)."""
    return lab_path.next_lab_after(get_db(), scenario_id)


bp.app_template_global("solution_unlocked")(lab_path.solution_unlocked)


@bp.app_template_filter("difficulty")
def difficulty(level: int) -> str:
    return lab_path.DIFFICULTY[level]


@bp.get("/")
def index():
    path = lab_path.lab_path(get_db(), g.user.id if g.user else None)
    return render("labs/index.html", "labs/_list.html", path=path, next_lab=path.next())


@bp.get("/<scenario_id>")
def show(scenario_id):
    scenario = scenario_or_404(scenario_id)
    lab = lab_store.find_lab(get_db(), g.user.id, scenario_id) if g.user else None
    if lab is None:
        return render("labs/intro.html", "labs/_intro.html", scenario=scenario)
    context = lab_store.lab_context(get_db(), lab_store.lab_scenario(lab), lab)
    return render("labs/lab.html", "labs/_lab.html", **context)


@bp.post("/<scenario_id>/start")
def start(scenario_id):
    scenario_or_404(scenario_id)
    owner = current_owner()
    lab_store.start_lab(get_db(), owner.id, scenario_id)
    if request.form.get("next"):
        return redirect(safe_next(request.form["next"]), 303)
    # No #command-line: on a phone the lab opens on its story and tasks (static/app.js focuses the
    # command line where the terminal sits beside them).
    return redirect(url_for("labs.show", scenario_id=scenario_id), 303)


@bp.post("/<scenario_id>/run")
def run(scenario_id):
    lab = owned_lab(scenario_id)
    scenario = lab_store.lab_scenario(lab)
    line = request.form.get("line", "")
    if len(line) > MAX_LINE:
        # Kept short for the log; still over the shell's limit, so the shell answers "line too long".
        line = line[:MAX_LINE] + "…"
    try:
        entry, view = lab_store.run_command(get_db(), lab, line)
    except lab_store.EditorOpen as busy:
        return _editor_is_open(scenario_id, str(busy))
    if not is_partial():
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor="command-line"), 303)
    return render(
        "labs/lab.html",
        "labs/_run.html",
        scenario=scenario,
        world=view,
        grade=entry.grade,
        grade_changed=entry.grade_changed,
        rescored=entry.rescored,
        only_tasks=_shown_tasks(),
        entry={
            "id": entry.id,
            "prompt": entry.prompt,
            "line": entry.line,
            # as the log keeps it, so that a reload shows the same
            "stdout": lab_store.kept_output(entry.result.stdout),
            "stderr": lab_store.kept_output(entry.result.stderr),
            "output": lab_store.interleaved(entry.result),
            "status": entry.result.status,
        },
        cleared=lab_store.CLEAR_SEQUENCE in entry.result.stdout,
    )


def _editor_is_open(scenario_id: str, title: str):
    """A line typed in another tab while the editor holds the terminal: refused, as the terminal is busy."""
    if not is_partial():
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor="editor"), 303)
    message = f"guestlab: the terminal is busy ({title}): leave the editor first, then type again.\n"
    entry = {"id": None, "prompt": "", "line": "", "stdout": "", "stderr": message}
    return render("labs/lab.html", "labs/_entry.html", entry=entry), 409


@bp.post("/<scenario_id>/editor")
def editor(scenario_id):
    """An action in the editor panel: write out, exit, a file name or an answer to nano's questions, or a
    vim command."""
    lab = owned_lab(scenario_id)
    scenario = lab_store.lab_scenario(lab)
    action = request.form.get("go", "")
    command = request.form.get("command", "")
    if action in VIM_BUTTONS:
        action, command = "command", action
    if action == "write":  # Enter at nano's "File Name to Write:"
        command = request.form.get("filename", "")
    # Browsers send a text area's line ends as CRLF; files here end lines with LF, as Linux does.
    buffer = request.form.get("content", "").replace("\r\n", "\n")
    if action not in EDITOR_ACTIONS or len(command) > MAX_EDITOR_COMMAND:
        return _editor_refusal(scenario_id, "guestlab: the editor did not understand this action.", 422)
    if len(buffer.encode()) > MAX_EDITOR_BYTES:
        return _editor_refusal(scenario_id, EDITOR_TOO_BIG, 422)
    try:
        reply, view = lab_store.edit(get_db(), lab, action, buffer, command)
    except NoEditor:
        return _editor_refusal(scenario_id, NO_EDITOR, 409)
    if not is_partial():
        anchor = "command-line" if reply.closed else "editor"
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor=anchor), 303)
    return render(
        "labs/lab.html",
        "labs/_editor_reply.html",
        scenario=scenario,
        world=view,
        grade=view.grade,
        reply=reply,
        rescored=reply.rescored,
        only_tasks=_shown_tasks(),
        entry={"id": reply.id, "prompt": "", "line": "", "stdout": "", "stderr": reply.result.stderr},
    )


def _editor_refusal(scenario_id: str, message: str, status: int):
    """The editor's status line says why nothing happened; the buffer stays in the panel as typed."""
    if not is_partial():
        return error_page(status, message)
    return render("labs/lab.html", "labs/_editor_status.html", message=message), status


@bp.errorhandler(FormNotUTF8)
def line_not_utf8(exc):
    """A command line that is not UTF-8 is refused in the terminal, where the learner is looking."""
    if request.endpoint == "labs.editor" and is_partial():
        return render("labs/lab.html", "labs/_editor_status.html", message=exc.description), 422
    if request.endpoint != "labs.run" or not is_partial():
        return http_error(exc)
    entry = {"id": None, "prompt": "", "line": "", "stdout": "", "stderr": LINE_NOT_UTF8}
    return render("labs/lab.html", "labs/_entry.html", entry=entry), 422


@bp.post("/<scenario_id>/power-on")
def power_on(scenario_id):
    """The power button of a machine that powered itself off (or halted): it boots again as it was left."""
    lab = owned_lab(scenario_id)
    scenario = lab_store.lab_scenario(lab)
    name = request.form.get("machine", "")[:MAX_MACHINE_NAME]

    def press(world):
        machine = world.machines.get(name)
        busy = lab_store.terminal_busy(world) if machine is not None else ""
        console = None if busy else world.power_on(name)
        if console is None:
            return None if not busy else (busy, 409)
        return f"guestlab: the power button was pressed: {machine.hostname} boots.\n{console.stdout}", 200

    pressed, view = lab_store.act(get_db(), lab, press)
    if pressed is None:
        abort(404)
    if not is_partial():
        return redirect(url_for("labs.show", scenario_id=scenario_id, _anchor="command-line"), 303)
    message, status = pressed
    entry = {"id": None, "prompt": "", "line": "", "stdout": message, "stderr": ""}
    page = render("labs/lab.html", "labs/_power_reply.html", scenario=scenario, world=view, entry=entry)
    return page, status


@bp.post("/<scenario_id>/answer/<task_id>")
def answer(scenario_id, task_id):
    lab = owned_lab(scenario_id)
    scenario = lab_store.lab_scenario(lab)
    _task_or_404(scenario, task_id)
    text = request.form.get("answer", "")[:500]
    _, view = lab_store.act(get_db(), lab, lambda w: w.answer(task_id, text))
    return _tasks_response(scenario, view, focus=f"task-{task_id}")


@bp.post("/<scenario_id>/hint/<task_id>")
def hint(scenario_id, task_id):
    lab = owned_lab(scenario_id)
    scenario = lab_store.lab_scenario(lab)
    _task_or_404(scenario, task_id)
    _, view = lab_store.act(get_db(), lab, lambda w: w.take_hint(task_id))
    return _tasks_response(scenario, view, focus=f"hints-{task_id}")


@bp.post("/<scenario_id>/reset")
def reset(scenario_id):
    scenario_or_404(scenario_id)
    lab = owned_lab(scenario_id)
    if not lab_store.reset_lab(get_db(), lab["id"], scenario_id):
        flash("This assigned lab allows no more attempts, so it was not reset: your work stays as it is.")
    return redirect(url_for("labs.show", scenario_id=scenario_id), 303)


def _shown_tasks() -> set[str]:
    """The tasks a lab embedded in a quiz question shows (sent back by its forms); empty means all."""
    return set(request.form.get("only_tasks", "").split(",")) - {""}


def _tasks_response(scenario, view, focus: str):
    if not is_partial():
        return redirect(url_for("labs.show", scenario_id=scenario["id"], _anchor=focus), 303)
    return render(
        "labs/lab.html",
        "labs/_tasks.html",
        scenario=scenario,
        world=view,
        grade=view.grade,
        focus=focus,
        only_tasks=_shown_tasks(),
    )


@bp.get("/<scenario_id>/complete")
def complete(scenario_id):
    """Tab completion: what the shell would offer for the line as typed so far."""
    scenario_or_404(scenario_id)
    lab = owned_lab(scenario_id)
    line = request.args.get("line", "")[:MAX_LINE]
    return jsonify(completions=lab_store.complete(get_db(), lab, line))
