"""The cloned-guest lab over HTTP: ssh.service failed by deleting its host keys, as the learner sees it,
kept across requests, and mended with ssh-keygen -A."""

import html
import re

SAMPS = re.compile(r'<samp(?: class="stderr")?>([^<]*)</samp>')


def _run(htmx, url, line):
    """What the line printed, stdout and stderr as the terminal shows them."""
    page = htmx.post(url + "/run", data={"line": line}).get_data(as_text=True)
    return html.unescape("".join(SAMPS.findall(page)))


def test_ssh_fails_without_host_keys_and_comes_back_after_keygen(client, htmx):
    assert client.post("/labs/cloned-guest/start").status_code == 303
    url = "/labs/cloned-guest"
    _run(htmx, url, "sudo rm /etc/ssh/ssh_host_*")
    page = _run(htmx, url, "sudo systemctl restart ssh")
    assert "Job for ssh.service failed because the control process exited with error code." in page
    page = _run(htmx, url, "systemctl status ssh")
    assert "Active: failed (Result: exit-code)" in page
    assert "sshd: no hostkeys available -- exiting." in page
    page = _run(htmx, url, "ssh localhost")
    assert "kex_exchange_identification: read: Connection reset by peer" in page
    assert "failed" in _run(htmx, url, "systemctl is-active ssh.socket")  # saved with the lab
    _run(htmx, url, "sudo ssh-keygen -A")
    _run(htmx, url, "sudo systemctl restart ssh")
    assert _run(htmx, url, "systemctl is-active ssh ssh.socket") == "active\nactive\n"
    assert _run(htmx, url, "systemctl --failed --no-legend") == ""
