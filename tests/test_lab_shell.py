"""The lab terminal over HTTP: output in the order written, commands typed over several lines, Ctrl-C,
and lines that would run forever stopped without holding a worker."""

import re

from tests.live import Browser
from tests.parallel import each_in_parallel

SAMPS = re.compile(r'<samp( class="stderr")?>([^<]*)</samp>')


def _start(client, scenario="intel-vtx-host"):
    assert client.post(f"/labs/{scenario}/start").status_code == 303
    return f"/labs/{scenario}"


def test_stdout_and_stderr_are_shown_in_the_order_written(client, htmx):
    url = _start(client)
    page = htmx.post(url + "/run", data={"line": "echo one; ls /nope; echo two"}).get_data(as_text=True)
    expected = [
        ("", "one\n"),
        (' class="stderr"', "ls: cannot access &#39;/nope&#39;: No such file or directory\n"),
        ("", "two\n"),
    ]
    assert SAMPS.findall(page) == expected
    assert SAMPS.findall(client.get(url).get_data(as_text=True))[-3:] == expected  # and after a reload


def test_a_loop_typed_over_several_lines_shows_the_continuation_prompt(client, htmx):
    url = _start(client)
    page = htmx.post(url + "/run", data={"line": "for i in 1 2"}).get_data(as_text=True)
    assert "&gt; </label>" in page
    htmx.post(url + "/run", data={"line": "do echo n$i"})
    page = htmx.post(url + "/run", data={"line": "done"}).get_data(as_text=True)
    assert "<samp>n1\nn2\n</samp>" in page
    assert "&gt; </label>" not in page
    assert "&gt; </label>" not in client.get(url).get_data(as_text=True)


def test_ctrl_c_leaves_the_continuation_prompt(client, htmx):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "while true"})
    page = htmx.post(url + "/run", data={"line": "do\x03"}).get_data(as_text=True)
    assert "<kbd>do^C</kbd>" in page
    assert "&gt; </label>" not in page


def test_runaway_lines_are_stopped_while_other_learners_are_answered(gunicorn_server):
    lines = [
        "while :; do ls -R / >/dev/null 2>&1; done",
        "x=0; while true; do x=$((x + 1)); done",
        "for i in {1..30000}; do grep -r kvm /usr > /dev/null; done",
        "uname -r",
    ]
    learners = [Browser(gunicorn_server.url) for _ in lines]
    for browser in learners:
        browser.get("/labs/intel-vtx-host")
        browser.post("/labs/intel-vtx-host/start", {})
    replies = each_in_parallel(
        [
            lambda b=b, line=line: b.post("/labs/intel-vtx-host/run", {"line": line}, htmx=True)
            for b, line in zip(learners, lines, strict=True)
        ]
    )
    assert [r.status for r in replies] == [200] * 4
    for reply in replies[:3]:
        assert "^C\nGuestLab stopped this line: it used its budget of" in reply.body
    assert "6.8.0-" in replies[3].body
    assert "<samp>x</samp>" not in replies[3].body


def test_a_command_typed_over_lines_is_recalled_as_one(client, htmx):
    url = _start(client)
    for line in ("for i in 1 2", "do echo $i", "done"):
        page = htmx.post(url + "/run", data={"line": line}).get_data(as_text=True)
    assert 'data-recall="for i in 1 2; do echo $i; done"' in page
    assert (
        "for i in 1 2; do echo $i; done"
        in client.get(url).get_data(as_text=True).split("data-history=")[1][:200]
    )


def test_the_live_output_is_the_one_a_reload_shows(client, htmx):
    url = _start(client)
    page = htmx.post(url + "/run", data={"line": "seq 100000"}).get_data(as_text=True)
    assert "[output truncated:" in page
    assert "99999" not in page


def test_ssh_asks_about_the_host_key_in_the_prompt_and_attaches_the_terminal(client, htmx):
    url = _start(client, "clone-identifiers")
    page = htmx.post(url + "/run", data={"line": "ssh web01"}).get_data(as_text=True)
    assert "can&#39;t be established." in page
    assert "data-asking>Are you sure you want to continue connecting (yes/no/[fingerprint])? </label>" in page
    page = htmx.post(url + "/run", data={"line": "yes"}).get_data(as_text=True)
    assert "Warning: Permanently added &#39;web01&#39; (ED25519) to the list of known hosts." in page
    htmx.post(url + "/run", data={"line": "touch /tmp/on-the-source"})
    assert "learner@web01:~$ </label>" in client.get(url).get_data(as_text=True)  # after a reload too
    page = htmx.post(url + "/run", data={"line": "exit"}).get_data(as_text=True)
    assert "Connection to web01 closed." in page
    assert "on-the-source" not in htmx.post(url + "/run", data={"line": "ls /tmp"}).get_data(as_text=True)
