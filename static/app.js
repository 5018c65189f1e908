// GuestLab's only script besides htmx: no inline JavaScript anywhere, so the CSP can forbid it.
"use strict";

// Every htmx request carries the CSRF token from the page's meta tag (plain forms carry a hidden field).
document.addEventListener("htmx:config:request", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.ctx.request.headers["X-CSRFToken"] = meta.content;
});

// After a swap (or a full page load after a form), move focus to what the new content asks for, so
// keyboard and screen reader users follow it.
function focusWanted() {
  const wanted = document.querySelector("[data-focus-after-swap]");
  if (!wanted) return;
  wanted.removeAttribute("data-focus-after-swap");
  wanted.focus();
}
document.addEventListener("htmx:after:swap", focusWanted);
document.addEventListener("DOMContentLoaded", focusWanted);

// What a form did ("Welcome, ada.", "Assignment created.") is flashed into #flash on the page it leads to;
// a screen reader speaks a change in a live region, not one that loads with its words in it: put them
// back in a moment.
document.addEventListener("DOMContentLoaded", () => {
  const flash = document.getElementById("flash");
  if (!flash || !flash.textContent.trim()) return;
  const words = [...flash.childNodes];
  flash.replaceChildren();
  setTimeout(() => flash.replaceChildren(...words), 100);
});

// The Virtual machines panel swaps its guest list when an install it follows has ended: focus that was on
// a row's button or form stays in the list instead of falling back to the page.
let focusInGuestList = false;
document.addEventListener("htmx:before:swap", () => {
  const list = document.getElementById("machine-list");
  focusInGuestList = Boolean(list && list.contains(document.activeElement));
});
document.addEventListener("htmx:after:swap", () => {
  const list = document.getElementById("machine-list");
  if (focusInGuestList && list && document.activeElement === document.body) list.focus();
  focusInGuestList = false;
});

function announce(text) {
  const region = document.getElementById("question-status");
  if (region) region.textContent = text;
}

// A swapped question brings its status region with the words already in it ("Flagged for review."), and
// screen readers only speak what changes in a region already on the page: put the words back in a moment.
document.addEventListener("htmx:after:swap", () => {
  const region = document.getElementById("question-status");
  if (!region || !region.textContent.trim()) return;
  const words = [...region.childNodes];
  region.replaceChildren();
  setTimeout(() => region.replaceChildren(...words), 100);
});

// The exam clock: the server enforces the deadline; this only shows what is left and reloads at zero.
// One clock for the page, reading the timer afresh each second, so a swapped question never starts a
// second one. A screen reader hears the time left at a few moments only, not every second.
const ANNOUNCE_AT_MINUTES = [60, 30, 15, 10, 5, 1];
let clock = null;
let lastSeen = { deadline: null, left: null }; // the previous tick, so each mark is crossed (and said) once

function tickExamTimer() {
  const timer = document.getElementById("exam-timer");
  if (!timer) { clearInterval(clock); clock = null; return; }
  const left = Math.max(0, Math.round((Date.parse(timer.dataset.deadline) - Date.now()) / 1000));
  const minutes = Math.floor(left / 60);
  timer.textContent = `${minutes}:${String(left % 60).padStart(2, "0")}`;
  if (left === 0) { clearInterval(clock); window.location.reload(); return; }
  const before = lastSeen.deadline === timer.dataset.deadline ? lastSeen.left : null;
  const crossed = ANNOUNCE_AT_MINUTES.filter((mark) => before !== null && before > mark * 60 && left <= mark * 60);
  const status = document.getElementById("timer-status");
  if (crossed.length && status) {
    const mark = Math.min(...crossed);
    status.textContent = `${mark} minute${mark === 1 ? "" : "s"} left in the exam.`;
  }
  lastSeen = { deadline: timer.dataset.deadline, left };
}

function startExamTimer() {
  if (clock || !document.getElementById("exam-timer")) return;
  tickExamTimer();
  clock = setInterval(tickExamTimer, 1000);
}
document.addEventListener("DOMContentLoaded", startExamTimer);
document.addEventListener("htmx:after:swap", startExamTimer);

// Times the server writes in UTC are shown in the learner's own time where the browser knows it.
function showLocalTimes() {
  for (const element of document.querySelectorAll("time[data-local-time]")) {
    const moment = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) continue;
    element.textContent = moment.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    element.removeAttribute("data-local-time");
  }
  for (const element of document.querySelectorAll("time[data-local-date]")) {
    const moment = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) continue;
    element.textContent = moment.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    element.removeAttribute("data-local-date");
  }
}
document.addEventListener("DOMContentLoaded", showLocalTimes);
document.addEventListener("htmx:after:swap", showLocalTimes);

// The browser's time zone: kept in a cookie, so the server counts "due today" in the reader's days, and
// sent with the forms that take a date and time, so they are read in the zone they were typed in.
function wallClock(moment) {
  const two = (n) => String(n).padStart(2, "0");
  return `${moment.getFullYear()}-${two(moment.getMonth() + 1)}-${two(moment.getDate())}T${two(moment.getHours())}:${two(moment.getMinutes())}`;
}
function useBrowserZone() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || !/^[\w/+-]+$/.test(zone)) return; // IANA names: safe in a cookie as they are
  const cookie = `tz=${zone}`;
  if (!document.cookie.split("; ").includes(cookie)) {
    document.cookie = `${cookie}; path=/; max-age=31536000; samesite=lax`;
  }
  for (const field of document.querySelectorAll("input[data-browser-zone]")) {
    if (field.value === zone) continue;
    field.value = zone;
    // a new form's default times were written in another zone: the same moments, on this one's clock
    for (const input of field.form.querySelectorAll("input[data-instant]")) {
      const moment = new Date(input.dataset.instant);
      if (!Number.isNaN(moment.getTime())) input.value = wallClock(moment);
    }
    for (const name of field.form.querySelectorAll("[data-zone-name]")) name.textContent = zone;
  }
}
document.addEventListener("DOMContentLoaded", useBrowserZone);
document.addEventListener("htmx:after:swap", useBrowserZone);

// The lab terminal: Enter runs (htmx posts the form), Up/Down recall history, Tab completes.
const INTERRUPT = "\u0003";
const END_OF_INPUT = "\u0004"; // Ctrl-D on an empty line: the tty's end of file
function setUpTerminal() {
  const form = document.getElementById("command-form");
  if (!form || form.dataset.ready) return;
  form.dataset.ready = "yes";
  const input = document.getElementById("command-line");
  const output = document.getElementById("terminal-output");
  const history = JSON.parse(form.dataset.history || "[]");
  let position = history.length;
  let draft = "";
  let continued = 0; // lines of a command typed over several lines (the "> " prompt), so far
  let interrupted = false;
  let ended = false; // the line sent was a Ctrl-D
  output.scrollTop = output.scrollHeight;
  showCommandLine(input);

  let sent = ""; // the line on its way: what is typed meanwhile is kept, as a terminal keeps type-ahead
  form.addEventListener("htmx:before:request", () => {
    sent = input.value;
    interrupted = input.value.endsWith(INTERRUPT);
    ended = input.value === END_OF_INPUT;
    const answering = "asking" in document.getElementById("prompt").dataset; // ssh's yes/no is no command
    if (input.value.trim() && !interrupted && !ended && !answering) history.push(input.value);
    position = history.length;
  });
  // As bash's history keeps it, a command typed over several lines is recalled as one (the server sends
  // it joined), and one dropped with Ctrl-C is not recalled at all. (finally:request comes after the swap.)
  form.addEventListener("htmx:finally:request", () => {
    const prompt = document.getElementById("prompt");
    if (interrupted) {
      history.splice(history.length - continued, continued);
      continued = 0;
    } else if (ended && continued > 0) { // bash kept the lines read before the end of file, joined
      history.splice(history.length - continued, continued, prompt.dataset.recall);
      continued = 0;
    } else if (prompt.textContent === "> ") {
      continued += 1;
    } else if (continued > 0) {
      history.splice(history.length - continued - 1, continued + 1, prompt.dataset.recall);
      continued = 0;
    }
    interrupted = ended = false;
    position = history.length;
  });
  form.addEventListener("htmx:after:request", (event) => {
    const response = event.detail.ctx && event.detail.ctx.response;
    if (response && response.status < 400) {
      input.value = input.value === sent ? "" : input.value.slice(input.value.startsWith(sent) ? sent.length : 0);
      draft = "";
    }
    if (!form.hidden) input.focus();
  });
  document.addEventListener("htmx:after:swap", () => { output.scrollTop = output.scrollHeight; });

  let tabbedOn = null; // the line as it was after the last Tab: a second Tab there lists the candidates
  input.addEventListener("keydown", async (event) => {
    if (event.key !== "Tab") tabbedOn = null;
    // A program's question has no history of the shell's commands: Up there would put a command, unseen
    // in a password field, where an answer is expected.
    const asking = "asking" in document.getElementById("prompt").dataset;
    if (asking && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
    } else if (event.key === "ArrowUp" && position > 0) {
      if (position === history.length) draft = input.value;
      position -= 1;
      input.value = history[position];
      event.preventDefault();
    } else if (event.key === "ArrowDown" && position < history.length) {
      position += 1;
      input.value = position === history.length ? draft : history[position];
      event.preventDefault();
    } else if (event.key === "Tab" && !event.shiftKey && input.value.trim() !== "" && !asking) {
      // Tab on an empty line moves focus on as usual, so the terminal never traps keyboard users; a
      // program's question (a passphrase) is never sent for completion.
      event.preventDefault();
      const again = tabbedOn === input.value;
      tabbedOn = input.value; // before the answer comes: a quick second Tab is a second Tab
      await complete(form, input, output, again);
      tabbedOn = input.value;
      return;
    } else if (event.key === "l" && event.ctrlKey) {
      event.preventDefault();
      output.replaceChildren();
    } else if (event.key === "c" && event.ctrlKey && input.selectionStart === input.selectionEnd) {
      // Ctrl-C as in a terminal (copying a selection still works): drops the line and a command left
      // open over several lines (the "> " prompt).
      event.preventDefault();
      input.value += INTERRUPT;
      form.requestSubmit();
    } else if (event.key === "d" && event.ctrlKey) {
      // Ctrl-D on an empty line ends the input: a program reading the terminal sees its end (cat > file
      // writes the file), bash at the prompt logs out. On a line with text, readline's delete-char at
      // the prompt; at a program's question the tty would hand over the text unfinished (not modelled).
      event.preventDefault();
      if (input.value === "") {
        input.value = END_OF_INPUT;
        form.requestSubmit();
      } else if (!asking && input.selectionStart === input.selectionEnd) {
        const at = input.selectionStart;
        input.value = input.value.slice(0, at) + input.value.slice(at + 1);
        input.setSelectionRange(at, at);
      }
    }
  });
}

// A program that turned the terminal's echo off (a passphrase): the command line shows dots, and the
// browser neither remembers nor offers what was typed there.
function hideWhatIsTyped(input, prompt) {
  input.type = "secret" in prompt.dataset ? "password" : "text";
}
document.addEventListener("htmx:finally:request", () => { // after the swaps, of the terminal or the host page
  const input = document.getElementById("command-line");
  const prompt = document.getElementById("prompt");
  if (input && prompt) hideWhatIsTyped(input, prompt);
});

// Where the layout stacks the tasks above the terminal (a phone, a narrow window), the page opens on the
// story and the tasks, and the command line waits to be chosen: focusing it would scroll past them and
// open a phone's keyboard. Beside the tasks it takes the focus at once. An address naming #command-line
// (a command sent without JavaScript) would put the command line at the top of the window, the output
// above it out of sight: bring it to the bottom of the window instead, with the focus.
const STACKED_LAYOUT = window.matchMedia("(max-width: 64rem)");
function showCommandLine(input) {
  if (STACKED_LAYOUT.matches || input.form.hidden) return;
  if (window.location.hash !== "#command-line") {
    input.focus();
    return;
  }
  const show = () => {
    input.scrollIntoView({ block: "end" });
    input.focus({ preventScroll: true });
  };
  show();
  window.addEventListener("load", show, { once: true });
}

// bash's Tab: complete as far as the candidates agree; when they agree no further, a second Tab lists them.
async function complete(form, input, output, again) {
  const url = `${form.dataset.completeUrl}?line=${encodeURIComponent(input.value)}`;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const { completions } = await response.json();
  if (completions.length === 0) return;
  const words = input.value.split(" ");
  const current = words[words.length - 1];
  const prefix = completions.reduce((common, word) => {
    let i = 0;
    while (i < common.length && common[i] === word[i]) i += 1;
    return common.slice(0, i);
  });
  if (completions.length === 1) {
    const done = completions[0];
    words[words.length - 1] = done.endsWith("/") ? done : `${done} `;
  } else if (prefix.length > current.length) {
    words[words.length - 1] = prefix;
  } else if (again) {
    // As bash shows it: the line as typed, the candidates under it, then the prompt and the same line
    // again, which here is the command line itself, keeping its text.
    const entry = document.createElement("div");
    entry.className = "entry completions";
    const pre = document.createElement("pre");
    const prompt = document.createElement("span");
    prompt.className = "prompt-echo";
    prompt.textContent = document.getElementById("prompt").textContent;
    const line = document.createElement("kbd");
    line.textContent = input.value;
    pre.append(prompt, line, `\n${matchColumns(completions)}\n`);
    entry.append(pre);
    output.append(entry);
    output.scrollTop = output.scrollHeight;
  }
  input.value = words.join(" ");
}

// readline's rl_display_match_list for an 80-column terminal: names by their last path component (a
// directory keeps its /), down the columns then across, each column the longest name (without its /)
// plus two wide.
function matchColumns(completions, width = 80) {
  const names = completions.map((c) => c.replace(/^.*\/(?=.)/, ""));
  const longest = Math.max(...names.map((name) => name.replace(/\/$/, "").length)) + 2;
  let perLine = Math.floor(width / longest);
  if (perLine !== 1 && perLine * longest === width) perLine -= 1;
  perLine = Math.max(perLine, 1);
  const rows = Math.ceil(names.length / perLine);
  const lines = [];
  for (let row = 0; row < rows; row += 1) {
    let line = "";
    for (let column = 0; column < perLine; column += 1) {
      const name = names[column * rows + row];
      if (name === undefined) break;
      line += column + 1 < perLine ? name.padEnd(Math.max(longest, name.length + 1)) : name;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

document.addEventListener("DOMContentLoaded", setUpTerminal);
document.addEventListener("htmx:after:swap", setUpTerminal);

// The editor panel (nano or vim over the terminal): while it is open the command line is hidden; when it
// closes, the command line comes back with the focus. The server decides everything an action does; the
// keys only press the panel's buttons: nano's ^O, ^S, ^X, the Y/N/^C answers and ^C at "File Name to Write:",
// vim's Escape to its command line.
let editorWasOpen = false;

function syncEditor() {
  const panel = document.getElementById("editor");
  const commandForm = document.getElementById("command-form");
  if (commandForm) commandForm.hidden = Boolean(panel);
  if (!panel && editorWasOpen) {
    const input = document.getElementById("command-line");
    if (input) input.focus();
  }
  editorWasOpen = Boolean(panel);
  if (panel && (!document.activeElement || document.activeElement === document.body)) {
    document.getElementById("editor-buffer").focus();
  }
}
// The slot changes when a line opens the editor and when an action closes it (the closing reply's own
// elements are gone by then, so htmx's events from them never reach the document).
document.addEventListener("DOMContentLoaded", () => {
  const slot = document.getElementById("editor-slot");
  if (!slot) return;
  editorWasOpen = Boolean(document.getElementById("editor"));
  // autofocus does not apply when the address names a fragment (#command-line after a command).
  // nano's "File Name to Write:" left open takes the focus back, as nano shows its prompt again.
  if (editorWasOpen) (document.getElementById("editor-filename") || document.getElementById("editor-buffer")).focus();
  new MutationObserver(syncEditor).observe(slot, { childList: true });
});
document.addEventListener("htmx:after:swap", syncEditor);

function pressEditorButton(panel, value, event) {
  const button = panel.querySelector(`#editor-keys button[value="${value}"]`);
  if (!button) return;
  event.preventDefault();
  button.form.requestSubmit(button);
}

document.addEventListener("keydown", (event) => {
  const panel = event.target.closest && event.target.closest("#editor");
  if (!panel || event.altKey || event.metaKey) return;
  const key = event.key.toLowerCase();
  if (panel.querySelector("#editor-keys[data-asking]")) {
    if (key === "y" || key === "n") pressEditorButton(panel, key === "y" ? "yes" : "no", event);
    else if (key === "escape" || (event.ctrlKey && key === "c")) pressEditorButton(panel, "cancel", event);
    return;
  }
  if (panel.querySelector("#editor-keys[data-naming]")) {
    // "File Name to Write:" is a field: typing edits the name, Enter writes it
    if (key === "escape" || (event.ctrlKey && key === "c")) pressEditorButton(panel, "cancel", event);
    else if (key === "enter" && event.target.id === "editor-filename") pressEditorButton(panel, "write", event);
    return;
  }
  if (panel.dataset.editor === "nano") {
    if (event.ctrlKey && key === "o") pressEditorButton(panel, "save", event);
    else if (event.ctrlKey && key === "s") pressEditorButton(panel, "savefile", event);
    else if ((event.ctrlKey && key === "x") || key === "escape") pressEditorButton(panel, "exit", event);
    return;
  }
  const buffer = document.getElementById("editor-buffer");
  const command = document.getElementById("editor-command");
  if (key === "escape" && event.target === buffer) {
    event.preventDefault();
    if (!command.value) command.value = ":";
    command.focus();
  } else if (key === "escape" && event.target === command) {
    event.preventDefault();
    command.value = "";
    buffer.focus();
  }
});

document.addEventListener("input", (event) => {
  const modified = document.getElementById("editor-modified");
  if (modified && event.target.id === "editor-buffer") modified.textContent = "Modified";
});

// After a vim command the command line empties and typing goes back to the text, as vim returns to it.
document.addEventListener("htmx:after:request", (event) => {
  const command = document.getElementById("editor-command");
  if (!command || event.target.id !== "editor-form") return;
  command.value = "";
  document.getElementById("editor-buffer").focus();
});

// The editor's text reaches the server only with an action (^O, ^X, a vim command), which keeps it with
// the lab: leaving the page before then would lose what was typed, so the browser asks first. The text
// last sent becomes the buffer's default value once the server has it.
let editorSent = null;
document.addEventListener("htmx:before:request", (event) => {
  if (event.target.id === "editor-form") editorSent = document.getElementById("editor-buffer").value;
});
document.addEventListener("htmx:after:request", (event) => {
  const buffer = document.getElementById("editor-buffer");
  const response = event.detail.ctx && event.detail.ctx.response;
  if (buffer && event.target.id === "editor-form" && response && response.status < 400) {
    buffer.defaultValue = editorSent;
  }
});
window.addEventListener("beforeunload", (event) => {
  const buffer = document.getElementById("editor-buffer");
  if (buffer && buffer.value !== buffer.defaultValue) event.preventDefault();
});

// Exam answers are saved as they are given (go=autosave -> 204): a choice at once; a typed answer 600 ms
// after the last keystroke, and at once when the field is left or the page is hidden or left, so a reload
// straight after typing keeps it. One request at a time per question, always the newest answer: what is
// typed meanwhile waits for the one on its way. A save that fails (no connection, a server error) is retried
// with a growing pause until it lands, and the learner is told plainly, in the status region and by a
// warning before leaving the page, that the answer is not saved yet.
const SAVE_AFTER_TYPING_MS = 600;
const RETRY_SECONDS = [1, 2, 4, 8, 15, 30];
const autosaves = new Map(); // form action -> { data, sending, failures, timer }: an answer not saved yet
const savedAnswers = new Map(); // form action -> the answer last saved, so the same one is not sent again

function markAnswered(data) {
  const answered = [...data.entries()].some(([name, value]) => (name === "option" || name === "answer") && value.trim());
  const current = document.querySelector('.question-nav a[aria-current="step"]');
  if (current) {
    current.classList.toggle("answered", answered);
    const label = current.getAttribute("aria-label").replace(", answered", "");
    current.setAttribute("aria-label", answered ? label.replace(/^(Question \d+)/, "$1, answered") : label);
  }
  return answered;
}

function answerText(data) {
  return new URLSearchParams([...data.entries()].filter(([name]) => name !== "csrf_token")).toString();
}

async function sendAutosave(action) {
  const save = autosaves.get(action);
  if (!save || save.sending || save.timer) return;
  const data = save.data;
  save.sending = data;
  const meta = document.querySelector('meta[name="csrf-token"]');
  let response = null;
  try {
    // keepalive: a save started as the page goes away still lands
    response = await fetch(action, {
      method: "POST",
      body: data,
      keepalive: true,
      headers: meta ? { "X-CSRFToken": meta.content } : {},
    });
  } catch (error) {
    response = null; // offline or the server unreachable: retried below
  }
  save.sending = null;
  if (response && response.ok) {
    savedAnswers.set(action, answerText(data));
    // A save that lands as the page goes away keeps the draft: the next page may have been read before it
    // landed, and finds the answer there to put back (it forgets the draft when the server has it).
    if (data.has("answer") && !save.leaving) forgetDraft(action, data.get("answer"));
    if (save.data === data) {
      autosaves.delete(action);
      const answered = action === currentAction() ? markAnswered(data) : true;
      announce(save.failures ? "Your answer is saved now." : answered ? "Answer saved." : "Answer cleared.");
    } else {
      sendAutosave(action); // the learner changed the answer meanwhile: send the newest
    }
    return;
  }
  if (response && response.status === 409) {
    autosaves.delete(action); // the exam is over: the server says why
    forgetDraft(action);
    announce(await response.text());
    return;
  }
  if (response && response.status < 500 && response.status !== 429) {
    autosaves.delete(action);
    announce(`Your answer is not saved (error ${response.status}). Reload the page, then answer again.`);
    return;
  }
  const wait = RETRY_SECONDS[Math.min(save.failures, RETRY_SECONDS.length - 1)];
  save.failures += 1;
  announce(`Your answer is not saved yet: the server cannot be reached. Trying again in ${wait} second${wait === 1 ? "" : "s"}…`);
  setTimeout(() => sendAutosave(action), wait * 1000);
}

function currentAction() {
  const form = document.querySelector("form[data-autosave]");
  return form ? form.action : null;
}

function queueAutosave(form, delay) {
  const data = new FormData(form);
  data.set("go", "autosave");
  const save = autosaves.get(form.action);
  if (!save && savedAnswers.get(form.action) === answerText(data)) return; // saved already, as typed
  const pending = save || { sending: null, failures: 0, timer: null };
  pending.data = data;
  autosaves.set(form.action, pending);
  clearTimeout(pending.timer);
  pending.timer = null;
  if (delay) {
    pending.timer = setTimeout(() => {
      pending.timer = null;
      sendAutosave(form.action);
    }, delay);
  } else {
    sendAutosave(form.action);
  }
}

function autosaveForm(event) {
  return event.target.closest && event.target.closest("form[data-autosave]");
}

document.addEventListener("change", (event) => {
  const form = autosaveForm(event);
  if (form) queueAutosave(form, 0); // a choice made, or a typed answer left
});

document.addEventListener("input", (event) => {
  const form = autosaveForm(event);
  if (!form || event.target.type === "radio" || event.target.type === "checkbox") return;
  // "Answer saved." no longer holds for what is in the field; clearing the region says nothing aloud
  const region = document.getElementById("question-status");
  if (region && !autosaves.get(form.action)?.failures) region.replaceChildren();
  queueAutosave(form, SAVE_AFTER_TYPING_MS);
});

// Whatever waits for the end of typing goes now: the page may not come back (a reload, a closed tab, a
// phone switching apps).
function saveNow() {
  for (const [action, save] of autosaves) {
    save.leaving = true;
    if (!save.timer) continue;
    clearTimeout(save.timer);
    save.timer = null;
    sendAutosave(action);
  }
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") saveNow();
});
window.addEventListener("pagehide", saveNow);

window.addEventListener("beforeunload", (event) => {
  saveNow();
  // A save on its way lands (keepalive); one failing, or a newer answer waiting behind one on its way, might
  // not: the browser asks "Leave site?".
  const atRisk = [...autosaves.values()].some((save) => save.failures || (save.sending && save.sending !== save.data));
  if (atRisk) event.preventDefault();
});

// A typed answer is also kept in this browser until it is safe: a practice's until it is sent (it is checked
// then, and only then stored), an exam's until the server has saved it (a save sent as the page goes away
// may reach the server after the reloaded page has left it). When the question comes again, the answer
// is put back in its field, and an exam's is sent again.
const DRAFT_FORMS = "form[data-draft], form[data-autosave]";

function draftKey(action) {
  return `guestlab-draft:${new URL(action, window.location.href).pathname}`;
}

function forgetDraft(action, answer) {
  try {
    if (answer === undefined || localStorage.getItem(draftKey(action)) === answer) localStorage.removeItem(draftKey(action));
  } catch (error) {
    // storage forbidden (some private windows): there is nothing kept to forget
  }
}

document.addEventListener("input", (event) => {
  const form = event.target.closest && event.target.closest(DRAFT_FORMS);
  if (!form || event.target.name !== "answer") return;
  try {
    localStorage.setItem(draftKey(form.action), event.target.value);
  } catch (error) {
    // storage full or forbidden: the answer is then kept by the server's saves only
  }
});

document.addEventListener("submit", (event) => {
  if (event.target.matches && event.target.matches("form[data-draft]")) forgetDraft(event.target.action);
});

function restoreDrafts() {
  for (const form of document.querySelectorAll(DRAFT_FORMS)) {
    const field = form.elements.namedItem("answer");
    let draft = null;
    try {
      draft = localStorage.getItem(draftKey(form.action));
    } catch (error) {
      return;
    }
    if (!field || draft === null || field.readOnly) continue;
    if ("autosave" in form.dataset) {
      if (field.value === draft) forgetDraft(form.action); // the server has it
      else {
        field.value = draft;
        queueAutosave(form, 0);
      }
    } else if (field.value === "") {
      field.value = draft;
    }
  }
}
document.addEventListener("DOMContentLoaded", restoreDrafts);
document.addEventListener("htmx:after:swap", restoreDrafts);
