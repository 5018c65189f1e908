"""The cloud lab in the web app: the openstack client in the lab's terminal, and the cloud it changes kept
with the lab's state across requests and a restart."""


def test_the_client_in_the_lab_terminal_changes_a_cloud_that_survives_a_restart(client, htmx, restart):
    assert client.post("/labs/cloud-lab/start").status_code == 303
    url = "/labs/cloud-lab"
    page = client.get(url).get_data(as_text=True)
    assert "A web server in your own cloud" in page
    created = htmx.post(
        url + "/run", data={"line": "openstack keypair create --public-key ~/.ssh/id_ed25519.pub laptop"}
    )
    assert "| name        | laptop" in created.get_data(as_text=True)
    htmx.post(
        url + "/run", data={"line": "openstack server create --image ubuntu-24.04 --flavor m1.small vm"}
    )
    restarted = restart(client)
    partial = {"HX-Request": "true", "HX-Request-Type": "partial"}
    listed = restarted.post(
        url + "/run", data={"line": "openstack server list -f value -c Name"}, headers=partial
    )
    assert "<samp>vm\n</samp>" in listed.get_data(as_text=True)
    keys = restarted.post(
        url + "/run", data={"line": "openstack keypair list -f value -c Name"}, headers=partial
    )
    assert "laptop" in keys.get_data(as_text=True)
