"""The cloud lab end to end, as transcripts through `python -m simulator shell cloud-lab --json`: what
python-openstackclient 6.6 (cliff's tables), ssh, curl and cloud-init print, and the lab's checks, each
passed by two routes (the openstack client, or the console's actions on the same cloud)."""

import json
import subprocess
import sys

from simulator import World

USER_DATA = "printf '#cloud-config\\nhostname: web\\npackages:\\n  - nginx\\n' > web.yaml"
KEYPAIR = "openstack keypair create --public-key ~/.ssh/id_ed25519.pub laptop -f value -c name"
WEB = (
    "openstack server create --image ubuntu-24.04 --flavor m1.small --key-name laptop --security-group web "
    "--user-data web.yaml --wait web -f value -c status"
)
FIREWALL = [
    "openstack security group create web -f value -c name",
    "openstack security group rule create --protocol tcp --dst-port 22 web -f value -c port_range_min",
    "openstack security group rule create --protocol tcp --dst-port 80 web -f value -c port_range_min",
]


def transcript(*lines: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "shell", "cloud-lab", "--json"],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_flavor_list_and_empty_lists_as_cliff_prints_them():
    flavors, servers, empty_json, empty_table = transcript(
        "openstack flavor list",
        "openstack server list",
        "openstack server list -f json",
        "openstack volume list --print-empty",
    )
    assert flavors["stdout"] == (
        "+----+-----------+-------+------+-----------+-------+-----------+\n"
        "| ID | Name      |   RAM | Disk | Ephemeral | VCPUs | Is Public |\n"
        "+----+-----------+-------+------+-----------+-------+-----------+\n"
        "| 1  | m1.tiny   |   512 |    1 |         0 |     1 | True      |\n"
        "| 2  | m1.small  |  2048 |   20 |         0 |     1 | True      |\n"
        "| 3  | m1.medium |  4096 |   40 |         0 |     2 | True      |\n"
        "| 4  | m1.large  |  8192 |   80 |         0 |     4 | True      |\n"
        "| 5  | m1.xlarge | 16384 |  160 |         0 |     8 | True      |\n"
        "+----+-----------+-------+------+-----------+-------+-----------+\n"
    )
    assert servers == {"command": "openstack server list", "stdout": "\n", "stderr": "", "status": 0}
    assert empty_json["stdout"] == "[]\n"
    assert empty_table["stdout"] == (
        "+----+------+--------+------+-------------+\n"
        "| ID | Name | Status | Size | Attached to |\n"
        "+----+------+--------+------+-------------+\n"
        "+----+------+--------+------+-------------+\n"
    )


def test_the_client_needs_its_cloud_and_words_errors_as_openstacksdk_does():
    unset, unknown, image, key, show, column, usage = transcript(
        "OS_CLOUD= openstack server list",
        "openstack --os-cloud nope server list",
        "openstack server create --image centos-5 --flavor m1.small x",
        "openstack server create --image ubuntu-24.04 --flavor m1.small --key-name nokey x",
        "openstack server show web",
        "openstack server list -c Nme",
        "openstack server show",
    )
    assert (unset["stderr"], unset["status"]) == (
        "Missing value auth-url required for auth plugin password\n",
        1,
    )
    assert unknown["stderr"] == "Cloud nope was not found.\n"
    assert image["stderr"] == "No Image found for centos-5\n"
    assert key["stderr"] == (
        "BadRequestException: 400: Client Error for url: http://controller/compute/v2.1/servers, "
        "Invalid key_name provided.\n"
    )
    assert (show["stderr"], show["status"]) == ("No Server found for web\n", 1)
    assert column["stderr"] == (
        "No recognized column names in ['Nme']. Recognized columns are "
        "('ID', 'Name', 'Status', 'Networks', 'Image', 'Flavor').\n"
    )
    assert usage["status"] == 2
    assert usage["stderr"].endswith(
        "openstack server show: error: the following arguments are required: <server>\n"
    )


def test_key_pair_fingerprint_is_novas_md5_of_the_key():
    keygen, created, listed = transcript(
        "ssh-keygen -E md5 -lf ~/.ssh/id_ed25519.pub",
        "openstack keypair create --public-key ~/.ssh/id_ed25519.pub laptop -f json",
        "openstack keypair list -f value",
    )
    md5 = keygen["stdout"].split()[1].removeprefix("MD5:")
    assert json.loads(created["stdout"])["fingerprint"] == md5
    assert listed["stdout"] == f"laptop {md5} ssh\n"


def test_a_web_server_from_user_data_reached_only_as_its_security_group_allows():
    lines = transcript(
        KEYPAIR,
        USER_DATA,
        "openstack security group create web -f value -c name",
        WEB,
        "openstack floating ip create public -f value -c floating_ip_address",
        "openstack server add floating ip web 203.0.113.2",
        "ssh ubuntu@203.0.113.2 hostname",  # no rule yet: the SYN is dropped
        *FIREWALL[1:],
        "ssh ubuntu@10.0.0.2 hostname",  # a private address: not routed from outside
        "ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2 hostname",
        "ssh debian@203.0.113.2 hostname",
        "ssh root@203.0.113.2 hostname",
        "curl -s http://203.0.113.2/ | grep '<title>'",
        "curl -sI http://203.0.113.2/ | head -1",
        "openstack server list -f value -c Name -c Networks",
    )
    by_command = {line["command"]: line for line in lines}
    assert by_command[WEB]["stdout"] == "ACTIVE\n"
    assert by_command["ssh ubuntu@203.0.113.2 hostname"] == {
        "command": "ssh ubuntu@203.0.113.2 hostname",
        "stdout": "",
        "stderr": "ssh: connect to host 203.0.113.2 port 22: Connection timed out\n",
        "status": 255,
    }
    assert by_command["ssh ubuntu@10.0.0.2 hostname"]["stderr"] == (
        "ssh: connect to host 10.0.0.2 port 22: Connection timed out\n"
    )
    login = by_command["ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2 hostname"]
    assert login["stdout"] == "web\n"
    assert (
        login["stderr"] == "Warning: Permanently added '203.0.113.2' (ED25519) to the list of known hosts.\n"
    )
    denied = by_command["ssh debian@203.0.113.2 hostname"]
    assert (denied["stderr"], denied["status"]) == (
        "debian@203.0.113.2: Permission denied (publickey).\n",
        255,
    )
    root = by_command["ssh root@203.0.113.2 hostname"]
    assert (root["stdout"], root["status"]) == (
        'Please login as the user "ubuntu" rather than the user "root".\n\n',
        142,
    )
    assert (
        by_command["curl -s http://203.0.113.2/ | grep '<title>'"]["stdout"]
        == "<title>Welcome to nginx!</title>\n"
    )
    assert by_command["curl -sI http://203.0.113.2/ | head -1"]["stdout"] == "HTTP/1.1 200 OK\r\n"
    assert by_command["openstack server list -f value -c Name -c Networks"]["stdout"] == (
        "web {'private': ['10.0.0.2', '203.0.113.2']}\n"
    )


def test_inside_the_instance_cloud_init_and_the_metadata_service_tell_the_same_story():
    lines = transcript(
        KEYPAIR,
        USER_DATA,
        *FIREWALL,
        WEB,
        "openstack server show web -f value -c id",
        "openstack floating ip create public -f value -c floating_ip_address",
        "openstack server add floating ip web 203.0.113.2",
        "ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2",
        "cloud-init status --long",
        "cloud-init query v1.cloud_name",
        "curl -s http://169.254.169.254/openstack/latest/meta_data.json",
        "curl -s http://169.254.169.254/latest/meta-data/local-ipv4",
        "curl -s http://169.254.169.254/latest/user-data",
        "curl -sf http://169.254.169.254/latest/meta-data/nothing",
        "readlink /var/lib/cloud/instance",
        "cat /var/lib/cloud/data/instance-id",
        "grep -c 'Setting up nginx (' /var/log/cloud-init-output.log",
    )
    out = {line["command"]: line for line in lines}
    server_id = out["openstack server show web -f value -c id"]["stdout"].strip()
    status = out["cloud-init status --long"]
    assert status["status"] == 0
    assert status["stdout"].startswith(
        "status: done\nextended_status: done\nboot_status_code: enabled-by-generator\n"
    )
    assert (
        "detail: DataSourceOpenStackLocal [net,ver=2]\nerrors: []\nrecoverable_errors: {}\n"
        in status["stdout"]
    )
    assert out["cloud-init query v1.cloud_name"]["stdout"] == "openstack\n"
    meta = json.loads(out["curl -s http://169.254.169.254/openstack/latest/meta_data.json"]["stdout"])
    assert (meta["uuid"], meta["hostname"], meta["availability_zone"]) == (server_id, "web", "nova")
    assert out["curl -s http://169.254.169.254/latest/meta-data/local-ipv4"]["stdout"] == "10.0.0.2"
    assert out["curl -s http://169.254.169.254/latest/user-data"]["stdout"].startswith("#cloud-config\n")
    missing = out["curl -sf http://169.254.169.254/latest/meta-data/nothing"]
    assert (missing["stdout"], missing["status"]) == ("", 22)
    assert out["readlink /var/lib/cloud/instance"]["stdout"] == f"/var/lib/cloud/instances/{server_id}\n"
    assert out["cat /var/lib/cloud/data/instance-id"]["stdout"] == server_id + "\n"
    assert out["grep -c 'Setting up nginx (' /var/log/cloud-init-output.log"]["stdout"] == "1\n"


def test_volume_attached_shows_as_the_client_prints_it():
    lines = transcript(
        KEYPAIR,
        USER_DATA,
        *FIREWALL,
        WEB,
        "openstack volume create --size 5 data -f value -c status",
        "openstack server add volume web data -f value -c Device",
        "openstack volume list -f value -c Name -c Status -c Size",
        "openstack volume list -c 'Attached to'",
        "openstack volume delete data",
    )
    out = {line["command"]: line for line in lines}
    assert out["openstack volume create --size 5 data -f value -c status"]["stdout"] == "available\n"
    assert out["openstack server add volume web data -f value -c Device"]["stdout"] == "/dev/vdb\n"
    assert out["openstack volume list -f value -c Name -c Status -c Size"]["stdout"] == "data in-use 5\n"
    table = out["openstack volume list -c 'Attached to'"]["stdout"].splitlines()
    assert table[3] == "| Attached to web on /dev/vdb  |"  # the client's message ends with a space
    deleted = out["openstack volume delete data"]
    assert deleted["status"] == 1
    assert deleted["stderr"].endswith("1 of 1 volumes failed to delete.\n")


def test_server_actions_refused_in_the_wrong_state_as_nova_refuses_them():
    lines = transcript(
        "openstack server create --image ubuntu-24.04 --flavor m1.small --wait vm -f value -c status",
        "openstack server start vm",
        "openstack server stop vm",
        "openstack server show vm -f value -c status -c OS-EXT-STS:vm_state",
        "openstack server delete vm nothing",
        "openstack server create --image ubuntu-24.04 --flavor m1.tiny tiny",
    )
    start = lines[1]
    assert start["status"] == 1
    assert start["stderr"].startswith(
        "ConflictException: 409: Client Error for url: http://controller/compute/v2.1/"
    )
    assert start["stderr"].endswith("while it is in vm_state active\n")
    assert lines[3]["stdout"] == "stopped\nSHUTOFF\n"
    assert lines[4]["stderr"] == (
        "Failed to delete server with name or ID 'nothing': No Server found for nothing\n"
        "1 of 2 servers failed to delete.\n"
    )
    assert lines[5]["stderr"] == (
        "BadRequestException: 400: Client Error for url: http://controller/compute/v2.1/servers, "
        "Flavor's disk is smaller than the minimum size specified in image metadata. "
        "Flavor disk is 1073741824 bytes, minimum size is 4294967296 bytes.\n"
    )


def web_server(world: World, through_console: bool) -> None:
    """The lab's first tasks, done either with the openstack client or with the console's actions."""
    if through_console:
        cloud = world.cloud
        public = world.machine.fs.read("/home/learner/.ssh/id_ed25519.pub")
        cloud.create_keypair("laptop", public)
        group = cloud.create_security_group("web")
        cloud.add_rule(group["id"], "tcp", 22, 22, "0.0.0.0/0")
        cloud.add_rule(group["id"], "tcp", 80, 80, "0.0.0.0/0")
        user_data = "#cloud-config\nhostname: web\npackages: [nginx]\n"
        cloud.launch(
            "web", "ubuntu-24.04", "m1.small", security_groups=["web"], key_name="laptop", user_data=user_data
        )
        cloud.settle("web")
        floating = cloud.allocate_floating_ip()
        cloud.associate_floating_ip(floating["id"], "web")
        return
    for line in (KEYPAIR, USER_DATA, *FIREWALL, WEB, "openstack floating ip create public"):
        assert world.run(line).status == 0, line
    assert world.run("openstack server add floating ip web 203.0.113.2").status == 0


def passed(world: World) -> dict[str, bool]:
    return {c["id"]: c["passed"] for c in world.grade()["checks"]}


def test_the_web_server_checks_pass_by_either_route():
    for through_console in (False, True):
        world = World.new("cloud-lab")
        assert not any(passed(world).values())
        web_server(world, through_console)
        result = passed(world)
        for check_id in (
            "cloud-keypair-is-learners",
            "cloud-web-server-from-user-data",
            "cloud-init-no-warnings",
            "cloud-only-ssh-http",
            "cloud-web-public",
        ):
            assert result[check_id], (check_id, through_console)


def test_an_extra_open_port_fails_only_ssh_and_http():
    world = World.new("cloud-lab")
    web_server(world, through_console=True)
    world.cloud.add_rule("web", "tcp", 3306, 3306, "0.0.0.0/0")
    detail = next(c for c in world.grade()["checks"] if c["id"] == "cloud-only-ssh-http")
    assert not detail["passed"]
    assert "tcp/3306" in detail["detail"]


def test_data_volume_formatted_and_in_fstab_comes_back_after_a_reboot():
    world = World.new("cloud-lab")
    web_server(world, through_console=True)
    assert not passed(world)["cloud-volume-at-data"]
    volume = world.cloud.create_volume("data", 5)
    world.cloud.attach_volume(volume["id"], "web")
    login = "ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2"
    assert world.run(login).status == 0
    assert world.run("echo '/dev/vdb /data ext4 defaults,nofail 0 2' | sudo tee -a /etc/fstab").status == 0
    detail = next(c for c in world.grade()["checks"] if c["id"] == "cloud-volume-at-data")
    assert "no filesystem" in detail["detail"]
    for line in ("sudo mkfs.ext4 -q /dev/vdb", "sudo mkdir /data", "sudo mount -a"):
        assert world.run(line).status == 0, (line, world.run(line))
    assert passed(world)["cloud-volume-at-data"]
    world.run("exit")
    world.cloud.reboot("web")
    world.cloud.settle("web")
    assert passed(world)["cloud-volume-at-data"]  # systemd mounted it again from fstab


def test_three_clones_of_an_uncleaned_template_share_a_machine_id_and_pass_once_cleaned():
    for clean in (False, True):
        world = World.new("cloud-lab")
        web_server(world, through_console=True)
        if clean:
            login = "ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2"
            assert world.run(login).status == 0
            assert world.run("sudo cloud-init clean --machine-id --logs").status == 0
            assert world.run("exit").status in (0, 1)
        world.cloud.create_image("web", "web-template")
        for n in (1, 2, 3):
            world.cloud.launch(f"clone{n}", "web-template", "m1.small", key_name="laptop")
        world.cloud.settle()
        detail = next(c for c in world.grade()["checks"] if c["id"] == "cloud-template-clones-unique")
        assert detail["passed"] == clean, detail
        assert passed(world)["cloud-template-generalised"] == clean
        if not clean:
            assert "share their machine ID" in detail["detail"]
        clones = [world.cloud.machine(world.cloud.find("instances", f"clone{n}")) for n in (1, 2, 3)]
        # cloud-init saw new instance IDs: each clone is renamed and gets new host keys either way
        assert [m.hostname for m in clones] == ["clone1", "clone2", "clone3"]
        keys = {m.fs.read("/etc/ssh/ssh_host_ed25519_key.pub") for m in clones}
        assert len(keys) == 3


def test_a_network_of_ones_own_by_the_client_or_the_console():
    world = World.new("cloud-lab")
    for line in (
        "openstack network create backend",
        "openstack subnet create --network backend --subnet-range 192.168.50.0/24 backend-subnet",
        "openstack server create --image ubuntu-24.04 --flavor m1.small --network backend --wait db",
    ):
        assert world.run(line).status == 0, line
    assert passed(world)["cloud-own-network"]
    assert world.run("openstack server list -f value -c Networks").stdout == "{'backend': ['192.168.50.2']}\n"
    overlap = world.run("openstack subnet create --network private --subnet-range 192.168.50.0/25 again")
    assert overlap.status == 1
    console = World.new("cloud-lab")
    network = console.cloud.create_network("backend")
    console.cloud.create_subnet(network["id"], "backend-subnet", "192.168.50.0/24")
    console.cloud.launch("db", "ubuntu-24.04", "m1.small", network="backend")
    console.cloud.settle()
    assert passed(console)["cloud-own-network"]


def test_schema_warnings_fail_the_clean_status_check_and_write_files_makes_the_home_page():
    world = World.new("cloud-lab")
    user_data = (
        "#cloud-config\nhostname: web\npackages: [nginx]\nwrite_files:\n  - path: /var/www/html/index.html\n"
        "    content: <h1>web</h1>\n"
    )
    world.cloud.launch("web", "ubuntu-24.04", "m1.small", user_data=user_data)
    world.cloud.launch("bad", "ubuntu-24.04", "m1.small", user_data="#cloud-config\npackage: [nginx]\n")
    world.cloud.settle()
    result = passed(world)
    assert result["cloud-custom-page"]
    assert result["cloud-init-no-warnings"]  # web's cloud-init is clean even if bad's is not
    world.cloud.terminate("web")
    detail = next(c for c in world.grade()["checks"] if c["id"] == "cloud-init-no-warnings")
    assert not detail["passed"]
    assert "degraded done" in detail["detail"]


def test_quota_and_console_log_as_nova_reports_them():
    world = World.new("cloud-lab")
    for n in range(6):
        world.cloud.launch(f"vm{n}", "ubuntu-24.04", "m1.small")
    world.cloud.settle()
    over = world.run("openstack server create --image ubuntu-24.04 --flavor m1.small vm6")
    assert over.status == 1
    assert over.stderr == (
        "ForbiddenException: 403: Client Error for url: http://controller/compute/v2.1/servers, "
        "Quota exceeded for instances: Requested 1, but already used 6 of 6 instances\n"
    )
    log = world.run("openstack console log show vm0")
    assert "Cloud-init v. 24.3.1-0ubuntu0~24.04.2 finished at" in log.stdout
    last_two = "".join(log.stdout.splitlines(keepends=True)[-2:])
    assert world.run("openstack console log show vm0 --lines 2").stdout == last_two
    assert "server create" in world.run("openstack help").stdout


def test_security_groups_added_and_removed_by_the_client_change_what_gets_in():
    lines = transcript(
        KEYPAIR,
        *FIREWALL,
        "openstack server create --image ubuntu-24.04 --flavor m1.small --key-name laptop --wait vm",
        "openstack floating ip create public",
        "openstack server add floating ip vm 203.0.113.2",
        "curl -s -o /dev/null http://203.0.113.2/; echo $?",
        "openstack server add security group vm web",
        "ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2 hostname",
        "openstack server add security group vm web",
        "openstack server remove security group vm web",
        "ssh ubuntu@203.0.113.2 hostname",
    )
    assert lines[7]["stdout"] == "28\n"  # only the default group: nothing from outside gets in
    assert lines[9]["stdout"] == "vm\n"
    assert lines[10]["stderr"].startswith("BadRequestException: 400: Client Error for url: ")
    server_id = lines[10]["stderr"].split("/servers/")[1].split("/")[0]
    assert lines[10]["stderr"].endswith(
        f"Security group web is already associated with the instance {server_id}\n"
    )
    assert lines[12]["stderr"] == "ssh: connect to host 203.0.113.2 port 22: Connection timed out\n"


def test_clean_and_reboot_inside_an_instance_drops_the_session_and_renews_its_host_keys():
    world = World.new("cloud-lab")
    web_server(world, through_console=True)
    assert world.run("ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2").status == 0
    reboot = world.run("sudo cloud-init clean --logs --reboot")
    assert (reboot.stderr, reboot.status) == (
        "Connection to 203.0.113.2 closed by remote host.\nConnection to 203.0.113.2 closed.\n",
        255,
    )
    assert world.prompt == "learner@workstation:~$ "
    again = world.run("ssh ubuntu@203.0.113.2 hostname")  # cloud-init ran as on a first boot: new host keys
    assert "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!" in again.stderr
    assert world.run("ssh-keygen -R 203.0.113.2").status == 0
    fresh = world.run("ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2 sudo cloud-init status")
    assert fresh.stdout == "status: done\n"


def test_the_metadata_service_answers_from_the_cloud_as_it_is_now():
    world = World.new("cloud-lab")
    web_server(world, through_console=True)
    assert world.run("ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2").status == 0
    assert world.run("curl -s http://169.254.169.254/latest/meta-data/public-ipv4").stdout == "203.0.113.2"
    assert world.run("curl -s http://169.254.169.254/latest/meta-data/public-keys/").stdout == "0=laptop"
    assert world.run("curl -s http://169.254.169.254/latest/meta-data/instance-id").stdout == "i-00000001"
    assert world.run("curl -s http://10.0.0.2/ | grep -c nginx").stdout == "6\n"  # its own address
    listing = world.run("curl -s http://169.254.169.254/openstack/latest").stdout.split("\n")
    for name in listing:
        fetched = world.run(f"curl -sf http://169.254.169.254/openstack/latest/{name}")
        assert fetched.status == 0, name


def test_tables_fit_the_terminal_as_cliff_fits_them_and_not_when_piped():
    world = World.new("cloud-lab")
    world.cloud.launch("web", "ubuntu-24.04", "m1.small")
    world.cloud.settle()
    server_id = world.cloud.find("instances", "web")["id"]
    assert world.run("openstack server list").stdout == (
        "+----------------+------+--------+----------------+--------------+----------+\n"
        "| ID             | Name | Status | Networks       | Image        | Flavor   |\n"
        "+----------------+------+--------+----------------+--------------+----------+\n"
        f"| {server_id[:14]} | web  | ACTIVE | private=10.0.0 | ubuntu-24.04 | m1.small |\n"
        f"| {server_id[14:24]}     |      |        | .2             |              |          |\n"
        f"| {server_id[24:]}   |      |        |                |              |          |\n"
        "+----------------+------+--------+----------------+--------------+----------+\n"
    )
    piped = world.run("openstack server list | cat").stdout.splitlines()
    assert piped[3] == f"| {server_id} | web  | ACTIVE | private=10.0.0.2 | ubuntu-24.04 | m1.small |"
    assert len(world.run("openstack server list --max-width 200").stdout.splitlines()) == 5


def test_subnets_as_neutron_plans_and_refuses_them():
    created, overlap, invalid = transcript(
        "openstack network create backend -f value -c name",
        "openstack subnet create --network backend --subnet-range 192.168.50.0/24 s1 -f json",
        "openstack subnet create --network backend --subnet-range 10.0.0.0/25 s2",
        "openstack subnet create --network backend --subnet-range 10.9.0.0/33 s3",
    )[1:]
    subnet = json.loads(created["stdout"])
    assert (subnet["cidr"], subnet["gateway_ip"]) == ("192.168.50.0/24", "192.168.50.1")
    assert subnet["allocation_pools"] == [{"start": "192.168.50.2", "end": "192.168.50.254"}]
    assert overlap["stderr"].startswith(
        "BadRequestException: 400: Client Error for url: http://controller:9696/networking/v2.0/subnets, "
        "Invalid input for operation: Requested subnet with cidr: 10.0.0.0/25 for network: "
    )
    assert overlap["stderr"].endswith(" overlaps with another subnet.\n")
    assert invalid["stderr"].endswith(
        "Invalid input for cidr. Reason: '10.9.0.0/33' is not a valid IP subnet.\n"
    )


def test_server_list_long_adds_the_columns_the_client_adds():
    world = World.new("cloud-lab")
    world.cloud.launch("web", "ubuntu-24.04", "m1.small")
    world.cloud.settle()
    world.cloud.stop("web")
    (server,) = json.loads(world.run("openstack server list --long -f json").stdout)
    assert list(server) == [
        "ID",
        "Name",
        "Status",
        "Task State",
        "Power State",
        "Networks",
        "Image Name",
        "Image ID",
        "Flavor",
        "Availability Zone",
        "Host",
        "Properties",
    ]
    assert (server["Status"], server["Power State"], server["Image Name"]) == ("SHUTOFF", 4, "ubuntu-24.04")
