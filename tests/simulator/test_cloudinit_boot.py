"""cloud-init's semantics on a cloud instance (cloud-init 24.3): frequencies, stages, status codes, query,
clean, and what an image of an uncleaned instance carries."""

import json

import pytest

from simulator import cloudinit, packages
from simulator.machine import Machine
from simulator.shell import Shell

IID = "8c2f7e0a-1b3d-4c5e-9f60-7a8b9c0d1e2f"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3z0cGm1QkS0Jq6hQfYb9d5N3q8sWbq2n1vJq3mX7k learner@laptop"


def instance(user_data: str | None = None, iid: str = "8c2f7e0a-1b3d-4c5e-9f60-7a8b9c0d1e2f", **extra):
    machine = Machine.create({"platform": "kvm", "hostname": "ubuntu", "cloud": True, "seed": 7})
    cloudinit.boot(machine, seed(user_data, iid, **extra))
    return machine


def seed(user_data, iid, **extra):
    return {
        "instance-id": iid,
        "local-hostname": "web-1",
        "user-data": user_data,
        "public-keys": [KEY],
        "region": "RegionOne",
        "availability-zone": "nova",
        "image": "ubuntu-24.04",
        "flavor": "m1.small",
        **extra,
    }


def run(machine, line: str, user: str = "root"):
    return Shell.for_user(machine, user).run(machine, line)


def test_first_boot_applies_cloud_config_and_leaves_the_instance_state():
    machine = instance("#cloud-config\nhostname: web\nruncmd:\n  - echo ran >> /root/runs\n")
    assert machine.hostname == "web"
    assert machine.fs.read("/etc/hostname") == "web\n"
    assert machine.fs.read("/root/runs") == "ran\n"
    iid = "8c2f7e0a-1b3d-4c5e-9f60-7a8b9c0d1e2f"
    assert run(machine, "readlink /var/lib/cloud/instance").stdout == f"/var/lib/cloud/instances/{iid}\n"
    assert machine.fs.read("/var/lib/cloud/data/instance-id") == iid + "\n"
    assert machine.fs.read("/var/lib/cloud/instance/scripts/runcmd") == "#!/bin/sh\necho ran >> /root/runs\n"
    assert run(machine, "cloud-init status").stdout == "status: done\n"
    # the image's default user gets the instance's key; root's key refuses with the default user's name
    assert machine.fs.read("/home/ubuntu/.ssh/authorized_keys") == KEY + "\n"
    assert 'Please login as the user \\"ubuntu\\"' in machine.fs.read("/root/.ssh/authorized_keys")


def test_per_instance_modules_do_not_run_again_on_a_reboot_but_bootcmd_does():
    machine = instance(
        "#cloud-config\nbootcmd:\n  - echo boot >> /root/boots\nruncmd:\n  - echo once >> /root/runs\n"
    )
    machine.reboot()
    machine.reboot()
    assert machine.fs.read("/root/boots") == "boot\nboot\nboot\n"
    assert machine.fs.read("/root/runs") == "once\n"
    log = machine.fs.read("/var/log/cloud-init.log")
    assert "config-runcmd already ran (freq=once-per-instance)" in log
    assert "restored from checked cache: DataSourceOpenStackLocal [net,ver=2]" in log


def test_a_new_instance_id_is_a_first_boot_and_per_once_scripts_stay_done():
    machine = Machine.create({"platform": "kvm", "hostname": "ubuntu", "cloud": True, "seed": 7})
    machine.fs.add_file(
        "/var/lib/cloud/scripts/per-once/hello", "#!/bin/sh\necho hi >> /root/once\n", mode=0o755
    )
    machine.fs.add_file(
        "/var/lib/cloud/scripts/per-boot/tick", "#!/bin/sh\necho t >> /root/ticks\n", mode=0o755
    )
    cloudinit.boot(machine, seed("#cloud-config\nruncmd:\n  - echo once >> /root/runs\n", IID))
    machine.reboot()
    assert machine.fs.read("/root/once") == "hi\n"
    assert machine.fs.read("/root/ticks") == "t\nt\n"
    old_key = machine.fs.read("/etc/ssh/ssh_host_ed25519_key.pub")
    old_machine_id = machine.machine_id()
    # the same disk booted as another instance: the cache is stale, per-instance modules run again
    machine.tick(5)
    machine.boot()
    cloudinit.boot(machine, seed("#cloud-config\nruncmd:\n  - echo once >> /root/runs\n", "new-instance-id"))
    assert machine.fs.read("/root/runs") == "once\nonce\n"
    assert machine.fs.read("/root/once") == "hi\n"  # per-once: its semaphore in /var/lib/cloud/sem stays
    assert machine.fs.read("/root/ticks") == "t\nt\nt\n"
    assert machine.fs.read("/var/lib/cloud/data/previous-instance-id").strip() == (
        "8c2f7e0a-1b3d-4c5e-9f60-7a8b9c0d1e2f"
    )
    # cc_ssh deletes and regenerates the host keys for the new instance; machine-id is nobody's business
    assert machine.fs.read("/etc/ssh/ssh_host_ed25519_key.pub") != old_key
    assert machine.machine_id() == old_machine_id
    assert "cache invalid in datasource" in machine.fs.read("/var/log/cloud-init.log")


def test_schema_warning_makes_status_degraded_with_exit_2():
    machine = instance("#cloud-config\npackages: nginx\nhostnme: web\n")
    result = run(machine, "cloud-init status --long")
    assert result.status == 2
    lines = result.stdout.splitlines()
    assert lines[0] == "status: done"
    assert lines[1] == "extended_status: degraded done"
    assert "detail: DataSourceOpenStackLocal [net,ver=2]" in lines
    assert "WARNING:" in lines
    assert (
        "\t- cloud-config failed schema validation! You may run 'sudo cloud-init schema --system' to check "
        "the details." in lines
    )


def test_invalid_yaml_is_a_warning_and_no_config():
    machine = instance("#cloud-config\nhostname: [web\n")
    assert machine.hostname == "web-1"  # from the metadata's local-hostname
    report = cloudinit.status_report(machine)
    assert report["extended_status"] == "degraded done"
    assert report["recoverable_errors"]["WARNING"][0].startswith(
        "Failed loading yaml blob. Invalid format at line 2 column 11:"
    )


def test_a_failing_script_is_an_error_with_exit_1():
    machine = instance("#!/bin/bash\necho starting\nfalse\n")
    assert machine.fs.read("/var/lib/cloud/instance/scripts/part-001").startswith("#!/bin/bash")
    result = run(machine, "cloud-init status --long")
    assert result.status == 1
    assert "status: error" in result.stdout
    assert "extended_status: error - done" in result.stdout
    assert (
        "\t- ('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))"
        in result.stdout
    )
    assert "starting\n" in machine.fs.read("/var/log/cloud-init-output.log")


def test_query_reads_the_openstack_instance_data():
    machine = instance(None)
    assert run(machine, "cloud-init query v1.cloud_name").stdout == "openstack\n"
    assert run(machine, "cloud-init query instance_id").stdout == "8c2f7e0a-1b3d-4c5e-9f60-7a8b9c0d1e2f\n"
    assert run(machine, "cloud-init query availability_zone").stdout == "nova\n"
    assert run(machine, "cloud-init query region").stdout == "RegionOne\n"
    assert json.loads(run(machine, "cloud-init query public_ssh_keys").stdout) == [KEY]


def test_clean_then_reboot_is_a_first_boot_again():
    machine = instance("#cloud-config\nruncmd:\n  - echo once >> /root/runs\n")
    assert run(machine, "cloud-init clean --logs").status == 0
    assert not machine.fs.exists("/var/lib/cloud/instance")
    assert not machine.fs.exists("/var/log/cloud-init.log")
    machine.reboot()
    assert machine.fs.read("/root/runs") == "once\nonce\n"
    assert "no cache found" in machine.fs.read("/var/log/cloud-init.log")


def test_cloud_init_disabled_by_its_marker_file_does_nothing():
    machine = Machine.create({"platform": "kvm", "hostname": "ubuntu", "cloud": True, "seed": 7})
    machine.fs.add_file("/etc/cloud/cloud-init.disabled", "")
    cloudinit.boot(machine, seed("#cloud-config\nhostname: web\n", "i-1"))
    assert machine.hostname == "ubuntu"
    assert not machine.fs.exists("/var/lib/cloud/instance")


@pytest.mark.parametrize(
    ("user_data", "found"),
    [
        (
            "#cloud-config\nbogus: 1\n",
            ["bogus: Additional properties are not allowed ('bogus' was unexpected)"],
        ),
        ("#cloud-config\npackages: nginx\n", ["packages: 'nginx' is not of type 'array'"]),
        (
            "#cloud-config\npackage_update: yes please\n",
            ["package_update: 'yes please' is not of type 'boolean'"],
        ),
        ("#cloud-config\nwrite_files:\n  - content: x\n", ["write_files.0: 'path' is a required property"]),
        ("#cloud-config\nhostname: web\npackages: [nginx]\n", []),
    ],
)
def test_schema_problems_as_cloud_init_words_them(user_data, found):
    from simulator import cloudconfig

    assert cloudconfig.problems(cloudconfig.load(user_data)[0]) == found


def test_schema_reports_the_instances_user_data_as_cloud_init_does():
    machine = instance("#cloud-config\nhostname: web\npackges: [nginx]\n")
    refused = run(machine, "cloud-init schema --system", user="ubuntu")
    assert (refused.stderr, refused.status) == (
        "Error: Unable to read system userdata or vendordata as non-root user. Try using sudo.\n",
        1,
    )
    result = run(machine, "sudo cloud-init schema --system", user="ubuntu")
    assert result.status == 1
    assert result.stdout == f"Invalid user-data /var/lib/cloud/instances/{IID}/cloud-config.txt\n"
    assert result.stderr == (
        "Error: Cloud config schema errors: packges: Additional properties are not allowed ('packges' was "
        "unexpected)\n\nError: Invalid schema: user-data\n"
    )
    machine.fs.add_file("/tmp/web.yaml", "#cloud-config\nhostname: web\npackages: [nginx]\n")
    assert run(machine, "cloud-init schema -c /tmp/web.yaml").stdout == "Valid schema /tmp/web.yaml\n"
    assert (
        run(machine, "cloud-init schema").stderr
        == "Error: Expected one of --config-file or --system arguments\n"
    )


def test_cloud_id_and_instance_data_name_openstack():
    machine = instance(None)
    assert run(machine, "cloud-id").stdout == "openstack\n"
    assert run(machine, "cloud-id -l").stdout == "openstack\tRegionOne\n"


def test_a_package_no_archive_has_is_an_error_once_apt_and_snap_tried_it():
    machine = instance("#cloud-config\npackages: [nginx, nosuchpkg]\n")
    report = cloudinit.status_report(machine)
    assert report["status"] == "error"
    assert report["errors"] == [
        "('package_update_upgrade_install', PackageInstallerError(\"Failed to install the following "
        "packages: {'nosuchpkg'}. See associated package manager logs for more details.\"))"
    ]
    assert (
        "Failure when attempting to install packages: ['nginx', 'nosuchpkg']"
        in report["recoverable_errors"]["WARNING"]
    )
    assert "nginx" in packages.installed(machine)  # apt installed what the archive has
    log = machine.fs.read("/var/log/cloud-init.log")
    assert (
        "The following packages were not found by APT so APT will not attempt to install them: ['nosuchpkg']"
        in log
    )
    assert "Failed to 'snap install nosuchpkg'!" in log


def mime(*parts: tuple[str, str]) -> str:
    """A multipart user-data as `cloud-init devel make-mime` builds it."""
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    message = MIMEMultipart()
    for number, (subtype, text) in enumerate(parts, 1):
        part = MIMEText(text, subtype, "utf-8")
        part.add_header("Content-Disposition", f'attachment; filename="part{number}"')
        message.attach(part)
    return message.as_string()


def test_a_multipart_user_data_runs_its_config_and_its_script():
    user_data = mime(
        ("cloud-config", "#cloud-config\nhostname: multi\n"),
        ("x-shellscript", "#!/bin/sh\necho s > /root/s\n"),
    )
    machine = instance(user_data)
    assert machine.hostname == "multi"
    assert machine.fs.read("/root/s") == "s\n"
    assert machine.fs.read("/var/lib/cloud/instance/scripts/part-002").startswith("#!/bin/sh")
    assert machine.fs.read("/var/lib/cloud/instance/cloud-config.txt").startswith(
        "#cloud-config\n# from 1 files\n# part-001\n"
    )


def test_schema_warnings_come_back_at_every_boot_and_plain_text_is_unhandled():
    machine = instance("#cloud-config\nhostnme: web\n")
    machine.reboot()
    assert cloudinit.status_report(machine)["extended_status"] == "degraded done"
    log = machine.fs.read("/var/log/cloud-init.log")
    assert log.count("cloud-config failed schema validation!") == 2
    plain = instance("just some words\nand more\n")
    assert cloudinit.status_report(plain)["recoverable_errors"]["WARNING"] == [
        "Unhandled non-multipart (text/x-not-multipart) userdata: 'just some words...'"
    ]


def test_each_distributions_default_user_gets_its_groups_and_missing_groups_are_made():
    machine = instance(
        "#cloud-config\nusers:\n  - default\n  - name: ops\n    groups: [docker]\n",
        image="rocky-9",
        **{"default-user": "rocky"},
    )
    groups = run(machine, "id -nG rocky").stdout.split()
    assert groups[0] == "rocky" and {"adm", "systemd-journal", "wheel"} <= set(groups)
    assert run(machine, "id -nG ops").stdout == "ops docker\n"
    assert "created group 'wheel' for user 'rocky'" in machine.fs.read("/var/log/cloud-init.log")


@pytest.mark.parametrize(
    ("user_data", "module"),
    [
        ("#cloud-config\nwrite_files:\n  - path: /etc\n    content: x\n", "write_files"),
        (
            "#cloud-config\nwrite_files:\n  - path: /tmp/x\n    encoding: b64\n    content: abc\n",
            "write_files",
        ),
        ("#cloud-config\nwrite_files:\n  - path: /tmp/x\n    permissions: rwx\n", "write_files"),
        ("#cloud-config\nhostname: 'web 1'\n", "set_hostname"),
    ],
)
def test_a_module_that_fails_is_an_error_and_the_boot_goes_on(user_data, module):
    machine = instance(user_data)
    report = cloudinit.status_report(machine)
    assert report["status"] == "error"
    assert report["errors"][0].startswith(f"('{module}', ")
    assert machine.fs.is_dir("/etc")
    assert machine.fs.exists("/var/lib/cloud/instance/boot-finished")


def test_query_shows_user_data_to_root_only():
    machine = instance("#cloud-config\nhostname: web\n")
    assert run(machine, "cloud-init query userdata", user="ubuntu").stdout == (
        "<redacted for non-root user> file:/var/lib/cloud/instance/user-data.txt\n"
    )
    assert run(machine, "cloud-init query userdata").stdout == "#cloud-config\nhostname: web\n\n"
    assert json.loads(run(machine, "cloud-init query combined_cloud_config").stdout) == {"hostname": "web"}


def test_the_first_boot_makes_cloud_inits_directories_as_an_ubuntu_image_has_them():
    listing = run(instance(), "ls /var/lib/cloud /var/lib/cloud/scripts").stdout
    assert listing == (
        "/var/lib/cloud:\ndata  handlers  instance  instances  scripts  seed  sem\n\n"
        "/var/lib/cloud/scripts:\nper-boot  per-instance  per-once  vendor\n"
    )


def test_a_warning_reaches_the_output_log_and_the_console_as_on_stderr():
    # 05_logging.cfg's consoleHandler sends WARNING and above to stderr, which output: {all: '| tee -a
    # /var/log/cloud-init-output.log'} puts on the console: a learner reading the console log sees why
    # the user-data did nothing.
    machine = instance("#cloud-config\nhostname: [web\n")
    output = machine.fs.read("/var/log/cloud-init-output.log")
    warning = next(line for line in output.splitlines() if "[WARNING]" in line)
    assert " - util.py[WARNING]: Failed loading yaml blob. Invalid format at line 2 column 11:" in warning
    assert warning + "\n" in machine.fs.read("/var/log/cloud-init.log")
    assert not any("[DEBUG]" in line for line in output.splitlines())
