"""The kvm-host lab's Virtual machines panel: the guests as virsh knows them, buttons that run virsh and
virt-clone as root on the host, and OVA export and import."""

import io
import json
import tarfile

import pytest

from app import create_app
from simulator import ovf
from web import lab_store
from web.db import connect

URL = "/labs/kvm-host"


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


@pytest.fixture
def lab(client):
    assert client.post(URL + "/start").status_code == 303
    return URL


def _state(db):
    return json.loads(db["labs"].get(1)["state"])


def _terminal(htmx, line):
    return htmx.post(URL + "/run", data={"line": line}).get_data(as_text=True)


def _row(page, name):
    """The table row of a guest, as text."""
    start = page.index(f'<th scope="row">{name}</th>')
    return page[start : page.index("</tr>", start)]


def _status(page):
    return page.split('hx-target="#machines-status" hx-swap="innerHTML">', 1)[1].split("</hx-partial>")[0]


def _clone(htmx, source, name):
    return htmx.post(URL + "/machines/clone", data={"domain": source, "name": name}).get_data(as_text=True)


def _export(client, name="web01"):
    return client.get(URL + "/machines/export", query_string={"domain": name})


def _import(htmx, data, name="", filename="web01.ova", mac="keep"):
    return htmx.post(
        URL + "/machines/import",
        data={"ova": (io.BytesIO(data), filename), "name": name, "mac": mac},
        content_type="multipart/form-data",
    )


def test_the_panel_lists_the_guests_as_virsh_does(client, lab, db):
    page = client.get(lab).get_data(as_text=True)
    assert "<caption>Guests of the host, as <code>sudo virsh list --all</code> knows them</caption>" in page
    domains = _state(db)["machines"]["main"]["hypervisor"]["domains"]
    web01, db01 = _row(page, "web01"), _row(page, "db01")
    assert page.index(">web01<") < page.index(">db01<"), "running first, as virsh list orders them"
    assert "<td>running</td>" in web01 and "<td>2</td>" in web01 and "<td>2048 MiB</td>" in web01
    assert domains["web01"]["mac"] in web01 and "192.168.122." in web01
    assert "<td>shut off</td>" in db01 and "<td>4096 MiB</td>" in db01 and "192.168.122." not in db01
    assert "Shut down<span" in web01 and "Start<span" in db01


def test_the_panel_is_only_on_a_lab_with_a_kvm_host(client, htmx):
    client.post("/labs/intel-vtx-host/start")
    assert 'id="machines"' not in client.get("/labs/intel-vtx-host").get_data(as_text=True)
    assert htmx.post("/labs/intel-vtx-host/machines/start", data={"domain": "web01"}).status_code == 404


def test_start_runs_virsh_as_root_and_the_terminal_agrees(htmx, lab, db):
    history = _state(db)["shell"]["history"]
    response = htmx.post(lab + "/machines/start", data={"domain": "db01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert (
        _status(page)
        == '<pre class="machines-output"># virsh start db01\nDomain &#39;db01&#39; started</pre>'
    )
    assert "<td>running</td>" in _row(page, "db01")
    assert '<hx-partial hx-target="#lab-tasks"' in page, "the start-db01 check now passes"
    assert _state(db)["shell"]["history"] == history, "the button leaves no line in the learner's history"
    assert " 2    db01    running" in _terminal(htmx, "sudo virsh list --all")


def test_a_refusal_shows_virsh_own_error_as_an_alert_leaving_the_list_as_it_was(htmx, lab, db):
    before = _state(db)
    response = htmx.post(lab + "/machines/start", data={"domain": "web01"})
    assert _state(db) == before, "a refused action saves nothing, not even the clock virsh moved"
    assert "error: Domain &#39;web01&#39; is already active" in _refusal(response)
    assert 'role="alert"' in response.get_data(as_text=True), "said at once, the focus left in place"
    assert "machine-list" not in response.get_data(as_text=True)
    response = htmx.post(lab + "/machines/shutdown", data={"domain": "db01"})
    assert "error: Failed to shutdown domain &#39;db01&#39;" in _refusal(response)


def test_the_panel_waits_while_the_terminal_waits_for_an_answer(client, htmx, lab, db):
    """A line waiting for an answer runs again from its start at each answer: a guest started meanwhile
    would change what it had printed already. The panel says so and changes nothing."""
    _terminal(htmx, "sudo virsh list --all; read -p 'Go on? ' x; sudo virsh list --all")
    ova = _export(client, "db01").data
    for response in (htmx.post(lab + "/machines/start", data={"domain": "db01"}), _import(htmx, ova, "db02")):
        assert "The terminal waits for an answer (Go on?): answer it or press Ctrl-C there" in _refusal(
            response
        )
    assert set(_state(db)["machines"]["main"]["hypervisor"]["domains"]) == {"web01", "db01"}
    page = _terminal(htmx, "yes")
    assert "</kbd>\n<samp> Id   Name    State\n" in page and " -    db01    shut off" in page
    started = htmx.post(lab + "/machines/start", data={"domain": "db01"}).get_data(as_text=True)
    assert "Domain &#39;db01&#39; started" in _status(started)  # the dialogue over, the panel works


def test_shut_down_then_clone_makes_a_guest_with_a_new_mac(htmx, lab, db):
    page = htmx.post(lab + "/machines/shutdown", data={"domain": "web01"}).get_data(as_text=True)
    assert "Domain &#39;web01&#39; is being shutdown" in _status(page)
    assert "<td>shut off</td>" in _row(page, "web01")
    page = _clone(htmx, "web01", "web02")
    assert _status(page).endswith("\nClone &#39;web02&#39; created successfully.</pre>")
    assert "# virt-clone --original web01 --name web02 --auto-clone\nAllocating &#39;web02.qcow2&#39;" in page
    domains = _state(db)["machines"]["main"]["hypervisor"]["domains"]
    assert domains["web02"]["mac"] != domains["web01"]["mac"]
    assert domains["web02"]["mac"] in _row(page, "web02")
    assert " -    web02   shut off" in _terminal(htmx, "sudo virsh list --all")


def test_cloning_a_running_guest_is_refused_with_virt_clone_words(htmx, lab, db):
    before = _state(db)["machines"]["main"]["hypervisor"]["domains"]
    response = htmx.post(URL + "/machines/clone", data={"domain": "web01", "name": "web02"})
    assert "ERROR    Domain to clone must be shutoff." in _refusal(response)
    assert _state(db)["machines"]["main"]["hypervisor"]["domains"] == before


def test_a_clone_needs_a_name_and_a_name_is_data_not_shell(htmx, lab, db):
    response = htmx.post(lab + "/machines/clone", data={"domain": "db01", "name": " "})
    assert response.status_code == 422
    assert "Give the new guest a name of 1 to 64 characters." in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#machines-status"
    htmx.post(lab + "/machines/clone", data={"domain": "db01", "name": "db$(touch pwned); touch pwned"})
    assert "db$(touch pwned); touch pwned" in _state(db)["machines"]["main"]["hypervisor"]["domains"]
    assert "No such file" in _terminal(htmx, "sudo ls /root/pwned")


def test_a_name_that_looks_like_an_option_is_given_to_argparse_with_an_equals_sign(htmx, lab, db):
    page = _clone(htmx, "db01", "-db")
    assert "# virt-clone --original db01 --name=-db --auto-clone\n" in _status(page)
    assert "Clone &#39;-db&#39; created successfully." in _status(page)
    page = _clone(htmx, "-db", "-db2")
    assert "# virt-clone --original=-db --name=-db2 --auto-clone\n" in _status(page)
    page = htmx.post(lab + "/machines/create", data={**NEW_VM, "name": "-vm"}).get_data(as_text=True)
    assert "# virt-install --name=-vm --vcpus 2" in _status(page)
    assert _status(page).endswith("then starts the guest from its disk.</pre>")
    assert {"-db", "-db2", "-vm"} <= set(_state(db)["machines"]["main"]["hypervisor"]["domains"])


def test_export_downloads_a_real_ova_of_a_shut_off_guest(client, htmx, lab):
    response = _export(client, "db01")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-virtualbox-ova"
    assert response.headers["Content-Disposition"] == 'attachment; filename="db01.ova"'
    with tarfile.open(fileobj=io.BytesIO(response.data)) as archive:
        assert archive.getnames() == ["db01.ovf", "db01.mf", "db01-disk1.vmdk"]
        envelope = archive.extractfile("db01.ovf").read().decode()
    assert "<rasd:VirtualQuantity>4</rasd:VirtualQuantity>" in envelope and "Ubuntu 64-bit" in envelope


def test_a_running_guest_is_not_exported(client, htmx, lab):
    response = _export(client, "web01")
    assert response.status_code == 303
    assert "shut it down first" in client.get(lab).get_data(as_text=True)
    assert _export(client, "nope").status_code == 404


def test_export_then_import_under_a_new_name_round_trips(client, htmx, lab, db):
    data = _export(client, "db01").data
    response = _import(htmx, data, name="db02", filename="db01.ova")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Domain &#39;db02&#39; defined from db01.ova" in _status(page)
    domains = _state(db)["machines"]["main"]["hypervisor"]["domains"]
    assert (domains["db02"]["vcpus"], domains["db02"]["memory_kib"]) == (4, 4096 * 1024)
    assert domains["db02"]["mac"] == domains["db01"]["mac"], "an OVA carries its MAC"
    assert "<td>shut off</td>" in _row(page, "db02")
    assert " -    db02    shut off" in _terminal(htmx, "sudo virsh list --all")
    htmx.post(lab + "/machines/start", data={"domain": "db02"})
    assert "Name:           db02" in _terminal(htmx, "sudo virsh dominfo db02")


def test_an_imported_guest_is_the_exported_one_and_its_mac_may_be_new(client, htmx, lab, db):
    data = _export(client, "db01").data
    assert _import(htmx, data, name="db02", mac="generate").status_code == 200
    machines = _state(db)["machines"]
    domains = machines["main"]["hypervisor"]["domains"]
    assert domains["db02"]["mac"] != domains["db01"]["mac"], "VBoxManage import's default: a new MAC"
    _terminal(htmx, "sudo virsh start db02")
    _terminal(htmx, "sudo virsh console db02")
    assert "<kbd>hostname</kbd>\n<samp>db01\n" in _terminal(htmx, "hostname"), "the disk's own host name"
    response = _import(htmx, data, name="db03", mac="both")
    assert response.status_code == 422 and "MAC address: choose one of keep, generate." in (
        response.get_data(as_text=True)
    )


def test_a_guest_named_as_long_as_the_panel_allows_exports_and_imports(client, htmx, lab, db):
    name = "w" * 64
    fields = {"domain": "db01", "name": name, "kind": "full", "mac": "generate"}
    assert htmx.post(lab + "/machines/clone", data=fields).status_code == 200
    data = _export(client, name).data
    assert tarfile.open(fileobj=io.BytesIO(data)).getnames()[0] == f"{name}.ovf"
    assert _import(htmx, data, name="db02").status_code == 200
    assert "db02" in _domains(db)


def test_an_import_that_would_outgrow_the_lab_is_refused_and_nothing_changes(
    client, htmx, lab, db, monkeypatch
):
    data = _export(client, "db01").data
    revision = db["labs"].get(1)["revision"]
    monkeypatch.setattr(lab_store, "MAX_STATE_BYTES", len(db["labs"].get(1)["state"]) + 1000)
    response = _import(htmx, data, name="db02")
    assert response.status_code == 422
    assert "larger than 512 KiB: delete a guest first" in response.get_data(as_text=True)
    assert db["labs"].get(1)["revision"] == revision and "db02" not in _domains(db)


def test_a_clone_that_would_outgrow_the_lab_is_refused_and_nothing_changes(htmx, lab, db, monkeypatch):
    revision = db["labs"].get(1)["revision"]
    monkeypatch.setattr(lab_store, "MAX_STATE_BYTES", len(db["labs"].get(1)["state"]) + 1000)
    response = htmx.post(URL + "/machines/clone", data={"domain": "db01", "name": "db02"})
    assert "larger than 512 KiB: delete a guest first" in _refusal(response)
    assert db["labs"].get(1)["revision"] == revision and "db02" not in _domains(db)


def test_a_foreign_disk_imports_as_a_fresh_guest_and_says_so(htmx, lab, db):
    vm = ovf.VirtualMachine(
        name="appliance",
        os=ovf.UBUNTU_64,
        cpus=1,
        memory_mib=1024,
        disks=(ovf.Disk("appliance-disk1.vmdk", 2**30, b"KDMV\x01\x00\x00\x00"),),
    )
    page = _import(htmx, ovf.export_ova(vm), filename="appliance.ova").get_data(as_text=True)
    assert "Domain &#39;appliance&#39; defined from appliance.ova\nIts disk holds no GuestLab guest" in page


def test_importing_a_name_that_exists_is_refused_as_libvirt_does(client, htmx, lab, db):
    data = _export(client, "db01").data
    uuid = _state(db)["machines"]["main"]["hypervisor"]["domains"]["db01"]["uuid"]
    response = _import(htmx, data)
    assert response.status_code == 422
    assert f"error: operation failed: domain &#39;db01&#39; already exists with uuid {uuid}" in (
        response.get_data(as_text=True)
    )


def test_a_tampered_ova_is_refused_and_nothing_changes(client, htmx, lab, db):
    data = _export(client, "db01").data.replace(b"KDMV streamOptimized", b"KDMV streamOptimizeD")
    revision = db["labs"].get(1)["revision"]
    response = _import(htmx, data, name="db02")
    assert response.status_code == 422
    assert "manifest digest mismatch for db01-disk1.vmdk" in response.get_data(as_text=True)
    assert db["labs"].get(1)["revision"] == revision
    assert _import(htmx, b"not a tar at all", name="db02").status_code == 422
    assert _import(htmx, b"", filename="").status_code == 422


ROUTES = [
    ("post", "/machines/start", {"domain": "db01"}),
    ("post", "/machines/shutdown", {"domain": "web01"}),
    ("post", "/machines/clone", {"domain": "db01", "name": "db02"}),
    ("post", "/machines/template", {"domain": "db01"}),
    ("post", "/machines/deploy", {"domain": "db01", "name": "db02"}),
    ("post", "/machines/delete", {"domain": "db01"}),
    ("post", "/machines/create", {"name": "vm1", "vcpus": "1", "memory": "1024", "disk": "8"}),
    ("post", "/machines/progress", {}),
    ("post", "/machines/import", {"name": "db02"}),
    ("get", "/machines/export?domain=db01", None),
    ("get", "/machines", None),
]


@pytest.mark.parametrize(("method", "path", "data"), ROUTES)
def test_only_the_owner_reaches_the_panel(app, client, htmx, lab, db, method, path, data):
    before = db["labs"].get(1)["state"]
    stranger = app.test_client()
    response = getattr(stranger, method)(URL + path, data=data, headers=htmx.headers)
    assert response.status_code == 404
    assert db["labs"].get(1)["state"] == before


@pytest.fixture
def csrf_client(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "db.sqlite")})
    client = app.test_client()
    page = client.get("/labs/kvm-host").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post(URL + "/start", data={"csrf_token": token}).status_code == 303
    page = client.get(URL).get_data(as_text=True)  # the guest's new session has a token of its own
    return client, page.split('name="csrf-token" content="')[1].split('"')[0]


@pytest.mark.parametrize(("method", "path", "data"), [r for r in ROUTES if r[0] == "post"])
def test_every_post_needs_the_csrf_token(csrf_client, method, path, data):
    client, token = csrf_client
    assert client.post(URL + path, data=data).status_code == 400
    fields = {**data, "csrf_token": token}
    if path.endswith("import"):
        fields["ova"] = (io.BytesIO(_export(client, "db01").data), "db01.ova")
    assert client.post(URL + path, data=fields).status_code == 303


def test_an_upload_above_the_site_limit_reaches_the_ova_check(htmx, lab):
    response = _import(htmx, b"\0" * (8 * 2**20 + 1), name="db02")
    assert response.status_code == 422
    assert "an OVA may be at most 8388608 bytes (8 MiB)" in response.get_data(as_text=True)


def test_a_command_in_the_terminal_updates_the_panel(htmx, lab):
    page = _terminal(htmx, "sudo virsh start db01")
    panel = page.split('<hx-partial hx-target="#machine-list" hx-swap="outerHTML">', 1)[1]
    assert "<td>running</td>" in _row(panel, "db01")


def test_a_lab_without_guests_sends_no_panel(client, htmx):
    client.post("/labs/intel-vtx-host/start")
    page = htmx.post("/labs/intel-vtx-host/run", data={"line": "true"}).get_data(as_text=True)
    assert "machine-list" not in page


def _domains(db):
    return _state(db)["machines"]["main"]["hypervisor"]["domains"]


def _refusal(response):
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#machines-status"
    return (
        response.get_data(as_text=True)
        .removeprefix('<pre class="machines-output" role="alert">')
        .removesuffix("</pre>")
    )


def test_a_linked_clone_keeping_the_mac_is_an_overlay_made_with_qemu_img(htmx, lab, db):
    fields = {"domain": "db01", "name": "db02", "kind": "linked", "mac": "keep"}
    page = htmx.post(lab + "/machines/clone", data=fields).get_data(as_text=True)
    status = _status(page)
    assert "# qemu-img create -f qcow2 -F qcow2 -b /var/lib/libvirt/images/db01.qcow2 " in status
    assert "Formatting &#39;/var/lib/libvirt/images/db02.qcow2&#39;, fmt=qcow2" in status
    assert "--file /var/lib/libvirt/images/db02.qcow2 --preserve-data --mac " in status
    assert status.endswith("Clone &#39;db02&#39; created successfully.</pre>")
    domains = _domains(db)
    assert domains["db02"]["mac"] == domains["db01"]["mac"], "the MAC kept, as asked"
    assert "linked clone of <code>/var/lib/libvirt/images/db01.qcow2</code>" in _row(page, "db02")
    info = _terminal(htmx, "sudo qemu-img info /var/lib/libvirt/images/db02.qcow2")
    assert "backing file: /var/lib/libvirt/images/db01.qcow2" in info


def test_clone_forms_are_validated_before_anything_runs(htmx, lab, db):
    before = db["labs"].get(1)["revision"]
    clone = lab + "/machines/clone"
    assert _refusal(htmx.post(clone, data={"domain": "db01", "name": "a/b"})) == (
        "A guest&#39;s name cannot contain &#39;/&#39;."
    )
    assert _refusal(htmx.post(clone, data={"domain": "db01", "name": "web01"})) == (
        "A guest named web01 exists already: choose another name."
    )
    _terminal(htmx, "sudo touch /var/lib/libvirt/images/spare.qcow2")
    assert _refusal(htmx.post(clone, data={"domain": "db01", "name": "spare"})) == (
        "/var/lib/libvirt/images/spare.qcow2 exists already: choose another name."
    )
    linked = {"domain": "web01", "name": "web09", "kind": "linked"}
    assert _refusal(htmx.post(clone, data=linked)).startswith("web01 is running: shut it down first")
    odd = {"domain": "db01", "name": "db09", "kind": "thin"}
    assert _refusal(htmx.post(clone, data=odd)) == "Clone: choose one of full, linked."
    assert htmx.post(clone, data={"domain": "nope", "name": "x"}).status_code == 404
    assert db["labs"].get(1)["revision"] == before + 1, "only the terminal's touch was saved"
    assert "web09" not in _domains(db) and "db09" not in _domains(db)


def test_a_template_does_not_start_and_deploys_running_guests(htmx, lab, db):
    page = htmx.post(lab + "/machines/template", data={"domain": "db01"}).get_data(as_text=True)
    assert "db01 is a template now: it will not start; deploy guests from it." in _status(page)
    row = _row(page, "db01")
    assert "shut off, template" in row and "Start<span" not in row and "Deploy from db01" in row
    refused = htmx.post(lab + "/machines/start", data={"domain": "db01"})
    assert "domain &#39;db01&#39; is a template: deploy a guest from it instead" in _refusal(refused)
    for name, kind in (("app01", "full"), ("app02", "linked")):
        fields = {"domain": "db01", "name": name, "kind": kind}
        page = htmx.post(lab + "/machines/deploy", data=fields).get_data(as_text=True)
        assert f"# virsh start {name}\nDomain &#39;{name}&#39; started" in _status(page)
        assert "<td>running" in _row(page, name)
    assert "linked clone of" in _row(page, "app02") and "linked clone of" not in _row(page, "app01")
    domains = _domains(db)
    assert domains["app01"]["mac"] != domains["app02"]["mac"] != domains["db01"]["mac"]
    assert "metadata" not in domains["app01"], "a deployed guest is no template"


def test_template_and_deploy_refusals(htmx, lab):
    assert _refusal(htmx.post(lab + "/machines/template", data={"domain": "web01"})) == (
        "web01 is running: shut it down before making it a template."
    )
    assert _refusal(htmx.post(lab + "/machines/deploy", data={"domain": "db01", "name": "x1"})) == (
        "db01 is not a template: convert it first, or clone it."
    )
    htmx.post(lab + "/machines/template", data={"domain": "db01"})
    assert _refusal(htmx.post(lab + "/machines/template", data={"domain": "db01"})) == (
        "db01 is a template already."
    )


ISO = "/var/lib/libvirt/images/ubuntu-24.04.1-live-server-amd64.iso"
CONTROL_CHARACTERS = "A guest&#39;s name cannot contain control characters (a newline, a tab...)."
NEW_VM = {"name": "vm1", "vcpus": "2", "memory": "2048", "disk": "10", "network": "default", "medium": ISO}


def test_the_create_form_offers_the_isos_of_the_images_directory(client, lab):
    page = client.get(lab).get_data(as_text=True)
    assert f'<option value="{ISO}">ubuntu-24.04.1-live-server-amd64.iso</option>' in page
    assert "<legend>Create a virtual machine</legend>" in page


def _follow_install(htmx, lab, announced=""):
    """One poll of the panel following an install: the host's clock moves on 30 s."""
    return htmx.post(lab + "/machines/progress", data={"announced": announced}).get_data(as_text=True)


def test_create_starts_the_installer_and_the_panel_follows_it_to_the_installed_guest(htmx, lab, db):
    page = htmx.post(lab + "/machines/create", data={**NEW_VM, "drivers": "yes"}).get_data(as_text=True)
    status = _status(page)
    assert (
        "# virt-install --name vm1 --vcpus 2 --memory 2048 --disk size=10 --network network=default "
        in status
    )
    assert "--os-variant ubuntu24.04 --noautoconsole\n\nStarting install..." in status
    assert "Domain is still running. Installation may be in progress." in status
    assert "<td>installing</td>" in _row(page, "vm1") and "<td>2048 MiB</td>" in _row(page, "vm1")
    assert "Shut down<span" not in _row(page, "vm1") and "Clone<span" in _row(page, "vm1")
    assert 'hx-trigger="every 2s"' in page, "the panel polls while a guest installs"
    assert "vm1: Starting installer" in page
    assert "ssh: Could not resolve hostname vm1" in _terminal(htmx, "ssh vm1"), "no system up yet"
    clone = htmx.post(lab + "/machines/clone", data={"domain": "vm1", "name": "vm2"})
    assert "ERROR    Domain to clone must be shutoff." in _refusal(clone)

    page = _follow_install(htmx, lab)
    assert 'hx-target="#install-news" hx-swap="innerHTML">vm1: Installing system.</hx-partial>' in page
    assert '<progress max="100" value="' in page and "#machine-list" not in page
    quiet = _follow_install(htmx, lab, announced="vm1: Installing system.")
    assert "#install-news" not in quiet, "a title is announced once"
    steps = []
    while "every 2s" in page:
        page = _follow_install(htmx, lab, announced="vm1: Installing system.")
        steps.append(page)
    assert any("installing kernel" in step for step in steps)
    assert "vm1: Installation complete! It runs from its disk now." in page
    assert '<hx-partial hx-target="#machine-list"' in page and "<td>running</td>" in _row(page, "vm1")
    assert "<ul" not in page, "nothing installs: the polling stops"
    assert "The authenticity of host &#39;vm1 (192.168.122." in _terminal(htmx, "ssh vm1"), "sshd is up"


def test_a_guest_created_without_its_drivers_installs_no_guest_agent(htmx, lab, db):
    htmx.post(lab + "/machines/create", data=NEW_VM)  # the box unticked
    assert _domains(db)["vm1"].get("virtio") is False
    console = _terminal(htmx, "sudo virsh console vm1")
    assert "Starting installer" in console and "qemu-guest-agent" not in console
    while "every 2s" in _follow_install(htmx, lab):
        pass
    _terminal(htmx, "sudo virsh console vm1")
    assert "e1000e" in _terminal(htmx, "lsmod")


def test_without_javascript_the_install_is_followed_by_a_button(client, lab, db):
    client.post(lab + "/machines/create", data=NEW_VM)
    page = client.get(lab).get_data(as_text=True)
    assert '<noscript><form method="post"' in page and "Follow the install</button>" in page
    clock = _state(db)["machines"]["main"]["clock"]
    response = client.post(lab + "/machines/progress")
    assert response.status_code == 303 and response.headers["Location"].endswith("/labs/kvm-host#machines")
    assert _state(db)["machines"]["main"]["clock"] == clock + 30


def test_the_install_waits_while_the_terminal_waits_for_an_answer(htmx, lab, db):
    """The clock stands still during a dialogue (simulator/dialogue.py): the panel's polls move nothing."""
    htmx.post(lab + "/machines/create", data=NEW_VM)
    clock = _state(db)["machines"]["main"]["clock"]
    assert "Go on?" in _terminal(htmx, "read -p 'Go on? ' x")
    _follow_install(htmx, lab)
    assert _state(db)["machines"]["main"]["clock"] == clock
    _terminal(htmx, "yes")
    _follow_install(htmx, lab)
    assert _state(db)["machines"]["main"]["clock"] > clock


def test_the_panel_polling_after_the_install_changes_nothing(htmx, lab, db):
    before = _state(db)["machines"]["main"]["clock"]
    assert "every 2s" not in _follow_install(htmx, lab)
    assert _state(db)["machines"]["main"]["clock"] == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Give the new guest a name of 1 to 64 characters."),
        ({"name": "db01"}, "A guest named db01 exists already: choose another name."),
        ({"name": "vm\n1"}, CONTROL_CHARACTERS),
        ({"name": "\u202evm1"}, CONTROL_CHARACTERS),
        (
            {"name": "é" * 45},
            "A guest&#39;s name takes at most 89 bytes in UTF-8 (fewer characters when they are not ASCII), "
            "so that it can be exported as an OVA.",
        ),
        ({"vcpus": "0"}, "vCPUs: give a whole number from 1 to 8."),
        ({"vcpus": "two"}, "vCPUs: give a whole number from 1 to 8."),
        ({"memory": "128"}, "Memory (MiB): give a whole number from 512 to 16384."),
        ({"disk": "9999"}, "Disk (GiB): give a whole number from 4 to 200."),
        ({"network": "bridged"}, "Network: choose one of default."),
        (
            {"medium": "/etc/passwd"},
            "Install medium: choose one of the ISO images in /var/lib/libvirt/images.",
        ),
    ],
)
def test_create_refuses_a_field_it_cannot_take(htmx, lab, db, change, message):
    assert _refusal(htmx.post(lab + "/machines/create", data={**NEW_VM, **change})) == message
    assert "vm1" not in _domains(db)


def test_delete_undefines_a_shut_off_guest_with_its_disk_and_frees_the_lab(htmx, lab, db):
    fields = {"domain": "db01", "name": "db02", "kind": "linked", "mac": "generate"}
    htmx.post(lab + "/machines/clone", data=fields)
    assert _refusal(htmx.post(lab + "/machines/delete", data={"domain": "web01"})) == (
        "web01 is running: shut it down before deleting it."
    )
    assert _refusal(htmx.post(lab + "/machines/delete", data={"domain": "db01"})) == (
        "db01&#39;s disk is the backing file of db02, a linked clone: delete it first."
    )
    page = htmx.post(lab + "/machines/delete", data={"domain": "db02"}).get_data(as_text=True)
    assert "# virsh undefine db02 --remove-all-storage\nDomain &#39;db02&#39; has been undefined" in _status(
        page
    )
    assert '<th scope="row">db02</th>' not in page
    page = htmx.post(lab + "/machines/delete", data={"domain": "db01"}).get_data(as_text=True)
    assert '<th scope="row">db01</th>' not in page and "db01" not in _domains(db)
    assert set(_state(db)["machines"]) == {"main", "web01"}, "the deleted guests' machines are gone"
    assert "db01.qcow2" not in _terminal(htmx, "sudo ls /var/lib/libvirt/images")
    assert htmx.post(lab + "/machines/delete", data={"domain": "db01"}).status_code == 404
