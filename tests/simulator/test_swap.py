"""Swap on installer-made systems (curtin's /swap.img) and none on cloud images."""

import pytest

from simulator import World


@pytest.fixture
def host():
    return World.new("intel-vtx-host")


def test_installer_swap_file_is_private_and_listed_in_fstab(host):
    assert host.run("ls -l /swap.img").stdout == "-rw------- 1 root root 4294967296 Nov 27 10:00 /swap.img\n"
    assert host.run("tail -1 /etc/fstab").stdout == "/swap.img\tnone\tswap\tsw\t0\t0\n"


def test_curtin_sizes_swap_from_memory():
    line = "swapon --show=SIZE --noheadings"
    sizes = {s: World.new(s).run(line).stdout for s in ("amd-v-host", "vmware-guest")}
    assert sizes == {"amd-v-host": "  8G\n", "vmware-guest": "3.9G\n"}


def test_proc_swaps_pads_the_name_and_doubles_tabs(host):
    assert host.run("cat /proc/swaps").stdout == (
        "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
        "/swap.img                               file\t\t4194300\t\t0\t\t-2\n"
    )


def test_swapon_show_and_summary(host):
    table = "NAME      TYPE SIZE USED PRIO\n/swap.img file   4G   0B   -2\n"
    assert host.run("swapon --show").stdout == table
    assert host.run("swapon").stdout == table
    assert host.run("swapon -s").stdout == (
        "Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n"
        "/swap.img                              \tfile    \t4194300\t0\t-2\n"
    )


def test_free_and_meminfo_agree_with_proc_swaps(host):
    assert host.run("free -h").stdout.endswith("\nSwap:          4.0Gi          0B       4.0Gi\n")
    assert host.run("grep -E '^Swap(Total|Free)' /proc/meminfo").stdout == (
        "SwapTotal:       4194300 kB\nSwapFree:        4194300 kB\n"
    )


@pytest.mark.parametrize("scenario", ["kvm-guest", "hyperv-guest", "xen-guest"])
def test_cloud_images_have_no_swap(scenario):
    world = World.new(scenario)
    assert world.run("swapon --show").stdout == ""
    assert world.run("cat /proc/swaps").stdout == "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
    assert world.run("free -h").stdout.endswith("\nSwap:             0B          0B          0B\n")
    assert world.run("ls /swap.img").status == 2


def test_swapoff_needs_root_and_swapon_a_restores(host):
    refused = host.run("swapoff -a")
    assert (refused.stderr, refused.status) == ("swapoff: Not superuser.\n", 16)
    assert host.run("sudo swapoff /swap.img").status == 0
    assert host.run("swapon --show").stdout == ""
    assert host.run("grep SwapTotal /proc/meminfo").stdout == "SwapTotal:             0 kB\n"
    denied = host.run("swapon -a")
    assert (denied.stderr, denied.status) == ("swapon: cannot open /swap.img: Permission denied\n", 255)
    assert host.run("sudo swapon -a").status == 0
    assert host.run("swapon --show --noheadings").stdout == "/swap.img file   4G   0B   -2\n"


def test_swapoff_of_an_inactive_area_and_bad_usage(host):
    host.run("sudo swapoff -a")
    again = host.run("sudo swapoff /swap.img")
    assert (again.stderr, again.status) == ("swapoff: /swap.img: swapoff failed: Invalid argument\n", 4)
    usage = host.run("swapoff")
    assert usage.stderr == "swapoff: bad usage\nTry 'swapoff --help' for more information.\n"
    assert usage.status == 16


def test_swap_comes_back_on_reboot_and_survives_a_saved_state(host):
    host.run("sudo swapoff -a")
    assert World.from_dict(host.to_dict()).run("swapon").stdout == ""
    host.run("sudo reboot")
    assert host.run("swapon --noheadings").stdout == "/swap.img file   4G   0B   -2\n"


def test_swapon_on_a_directory_warns_and_fails_to_read_the_header(host):
    result = host.run("sudo swapon ..")
    assert result.stderr == (
        "swapon: ..: insecure permissions 0755, 0600 suggested.\nswapon: ..: read swap header failed\n"
    )
    assert result.status == 255


def test_swapon_and_swapoff_take_paths_relative_to_the_working_directory(host):
    assert host.run("cd / && sudo swapoff swap.img && swapon --show").stdout == ""
    assert (
        host.run("cd / && sudo swapon ./swap.img && cat /proc/swaps")
        .stdout.splitlines()[1]
        .startswith("/swap.img ")
    )
