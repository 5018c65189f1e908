"""A program's questions in the lab terminal over HTTP: the question becomes the prompt, a passphrase is
typed into a password field and never shown or kept, and a dialogue survives the server forgetting it."""

from web import lab_store

URL = "/labs/cloned-guest"


def _start(client):
    assert client.post(URL + "/start").status_code == 303


def _type(htmx, line):
    return htmx.post(URL + "/run", data={"line": line}).get_data(as_text=True)


def test_gpg_asks_its_questions_as_the_prompt_and_hides_the_passphrase(client, htmx):
    _start(client)
    page = _type(htmx, "gpg --gen-key")
    assert "GnuPG needs to construct a user ID to identify your key." in page
    assert 'id="prompt" data-recall="" data-asking>Real name: </label>' in page
    assert "The program asks: Real name: " in page  # said by screen readers
    _type(htmx, "Ada Lovelace")
    page = _type(htmx, "ada@example.org")
    assert "Change (N)ame, (E)mail, or (O)kay/(Q)uit? </label>" in page
    page = _type(htmx, "O")
    assert "data-asking data-secret>Passphrase: </label>" in page
    assert "(what you type is not shown)" in page
    page = _type(htmx, "analytical-engine-1843")
    assert "analytical-engine-1843" not in page
    assert '<span class="prompt-echo">Passphrase: </span><kbd></kbd>' in page
    page = _type(htmx, "analytical-engine-1843")
    assert "public and secret key created and signed." in page
    assert "uid                      Ada Lovelace &lt;ada@example.org&gt;" in page
    assert "data-asking" not in page and "The program asks" not in page
    full = client.get(URL).get_data(as_text=True)
    assert "analytical-engine-1843" not in full  # neither in the terminal's log nor anywhere on the page
    assert 'type="text"' in full.split('id="command-line"')[1].split(">")[0]
    history = full.split("data-history=")[1].split(">")[0]
    assert "gpg --gen-key" in history and "Ada Lovelace" not in history  # answers are no commands


def test_the_page_loaded_during_a_passphrase_question_has_a_password_field(client, htmx):
    _start(client)
    for line in ("gpg --gen-key", "Ada", "ada@example.org", "o"):
        _type(htmx, line)
    field = client.get(URL).get_data(as_text=True).split('id="command-line"')[1].split(">")[0]
    assert 'type="password"' in field


def test_a_dialogue_goes_on_after_the_server_forgot_the_lab(client, htmx):
    _start(client)
    _type(htmx, "gpg --full-generate-key")
    _type(htmx, "1")
    lab_store._recent.clear()  # as after a restart: the next answer finds the world in the database only
    page = _type(htmx, "4096")
    assert "Requested keysize is 4096 bits" in page
    assert "Key is valid for? (0) </label>" in page


def test_ctrl_c_ends_a_question_as_in_bash(client, htmx):
    _start(client)
    _type(htmx, "sudo gpg --gen-key")
    page = _type(htmx, "Ad\x03")
    assert "<kbd>Ad^C</kbd>" in page
    assert "gpg: signal Interrupt caught ... exiting" in page
    assert "data-asking" not in page
    assert "$ </label>" in page


def test_netplan_try_keeps_the_configuration_on_enter(client, htmx):
    _start(client)
    page = _type(htmx, "sudo netplan try")
    assert "Press ENTER before the timeout to accept the new configuration" in page
    assert "data-secret>Changes will revert in 120 seconds</label>" in page
    page = _type(htmx, "")
    assert "Configuration accepted." in page


def test_nothing_is_completed_while_a_program_asks(client, htmx):
    _start(client)
    assert client.get(URL + "/complete?line=gp").get_json()["completions"] == ["gpg"]
    _type(htmx, "gpg --gen-key")
    assert client.get(URL + "/complete?line=gp").get_json()["completions"] == []


def test_the_help_under_the_terminal_says_what_the_keys_do_at_a_question(client, htmx):
    _start(client)
    assert "Up and Down recall earlier commands" in client.get(URL).get_data(as_text=True)
    page = _type(htmx, "sudo gpg --quick-generate-key 'web02 <root@web02>'")
    help_swap = '<hx-partial hx-target="#terminal-help" hx-swap="innerHTML">'
    assert help_swap + "A program asks a question: Enter sends your answer to it. Ctrl-C" in page
    for line in ("y", "abc", "abc"):
        page = _type(htmx, line)
    assert "&lt;Take this one anyway&gt;  &lt;Enter new passphrase&gt; </label>" in page
    assert help_swap + "The program shows buttons: Enter presses the first, the focused one;" in page
    assert "Up and Down recall" not in page.split(help_swap)[1]
    page = _type(htmx, "e")  # the second button: the passphrase is asked again, unseen
    assert help_swap + "A program asks a question: Enter sends your answer to it (not shown" in page
    full = client.get(URL).get_data(as_text=True)
    assert "(not shown, and kept in no history). Ctrl-C interrupts it." in full  # a reload says the same
    page = _type(htmx, "\x03")
    assert help_swap + "Enter runs the command. Up and Down recall earlier commands" in page


def test_a_question_keeps_what_the_commands_before_it_did(client, htmx):
    """The world put back while a program waits is the lab's as last saved, whichever process typed last."""
    _start(client)
    _type(htmx, "echo kept > first.txt")
    _type(htmx, "read -p 'Name? ' name")
    _type(htmx, "\x03")
    _type(htmx, "echo also > second.txt")
    lab_store._recent.clear()  # the next line on another worker: the world comes from the saved state
    _type(htmx, "read -p 'Name? ' name")
    page = _type(htmx, "Ada")
    assert "data-asking" not in page
    page = _type(htmx, "ls; echo $name")
    assert "first.txt" in page and "second.txt" in page and "Ada" in page
