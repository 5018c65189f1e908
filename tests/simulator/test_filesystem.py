import json

import pytest

from simulator.filesystem import FileSystem, FsError

LEARNER = 1000


@pytest.fixture
def fs():
    fs = FileSystem()
    fs.add_dir("/tmp", mode=0o1777)
    fs.add_dir("/root", mode=0o700)
    fs.add_dir("/home/learner", uid=LEARNER, gid=LEARNER)
    fs.add_file("/etc/hostname", "web01\n")
    fs.add_file("/etc/ssh/ssh_host_ed25519_key", "PRIVATE\n", mode=0o600)
    fs.add_file("/root/notes", "secret\n")
    fs.add_generated("/proc/cpuinfo", "cpuinfo")
    fs.add_symlink("/etc/localtime", "/usr/share/zoneinfo/Etc/UTC")
    fs.add_file("/usr/share/zoneinfo/Etc/UTC", "TZif2\n")
    return fs


def errno_of(call, *args, **kwargs):
    with pytest.raises(FsError) as info:
        call(*args, **kwargs)
    return info.value.errno


def test_round_trip_is_exact_and_json_serialisable(fs):
    fs.write("/home/learner/a.txt", "hello\n", uid=LEARNER)
    data = json.loads(json.dumps(fs.to_dict()))
    again = FileSystem.from_dict(data)
    assert again.to_dict() == fs.to_dict()
    assert again.listdir("/home/learner") == ["a.txt"]
    assert again.lstat("/etc/localtime").target == "/usr/share/zoneinfo/Etc/UTC"


def test_generated_file_is_computed_at_every_read(fs):
    fs.generate = lambda name: f"generated {name}\n"
    assert fs.read("/proc/cpuinfo") == "generated cpuinfo\n"
    assert "content" not in fs.to_dict()["nodes"]["/proc/cpuinfo"]


def test_generated_file_cannot_be_written_even_by_root(fs):
    assert errno_of(fs.write, "/proc/cpuinfo", "x", uid=0) == "EACCES"


def test_generated_file_cannot_be_removed_even_by_root(fs):
    assert errno_of(fs.remove, "/proc/cpuinfo", uid=0) == "EPERM"


def test_relative_paths_resolve_against_cwd(fs):
    assert fs.read("hostname", cwd="/etc") == "web01\n"
    assert fs.resolve("../etc/./hostname", cwd="/tmp") == "/etc/hostname"


def test_symlinks_are_followed_in_every_component(fs):
    fs.add_symlink("/z", "/usr/share/zoneinfo")
    assert fs.read("/z/Etc/UTC") == "TZif2\n"
    assert fs.resolve("/etc/localtime") == "/usr/share/zoneinfo/Etc/UTC"
    assert fs.resolve("/etc/localtime", follow=False) == "/etc/localtime"


def test_relative_symlink_resolves_from_its_directory(fs):
    fs.add_symlink("/etc/tz", "../usr/share/zoneinfo/Etc/UTC")
    assert fs.read("/etc/tz") == "TZif2\n"


def test_symlink_loop_reports_eloop(fs):
    fs.add_symlink("/a", "/b")
    fs.add_symlink("/b", "/a")
    assert errno_of(fs.read, "/a") == "ELOOP"
    assert FsError("ELOOP", "/a").message == "Too many levels of symbolic links"


def test_missing_file_and_missing_parent(fs):
    assert errno_of(fs.read, "/nope") == "ENOENT"
    assert errno_of(fs.read, "/nope/deeper") == "ENOENT"
    assert errno_of(fs.write, "/nope/x", "data") == "ENOENT"
    assert errno_of(fs.read, "") == "ENOENT"


def test_file_used_as_directory_is_enotdir(fs):
    assert errno_of(fs.read, "/etc/hostname/x") == "ENOTDIR"
    assert errno_of(fs.listdir, "/etc/hostname") == "ENOTDIR"
    assert errno_of(fs.stat, "/etc/hostname/") == "ENOTDIR"


def test_reading_a_directory_is_eisdir(fs):
    assert errno_of(fs.read, "/etc") == "EISDIR"
    assert errno_of(fs.write, "/etc", "x") == "EISDIR"


def test_learner_reads_but_cannot_write_root_owned_0644(fs):
    assert fs.read("/etc/hostname", uid=LEARNER) == "web01\n"
    assert errno_of(fs.write, "/etc/hostname", "x", uid=LEARNER) == "EACCES"
    fs.write("/etc/hostname", "web02\n", uid=0)
    assert fs.read("/etc/hostname") == "web02\n"


def test_private_host_key_is_unreadable_for_the_learner(fs):
    assert errno_of(fs.read, "/etc/ssh/ssh_host_ed25519_key", uid=LEARNER) == "EACCES"
    assert fs.read("/etc/ssh/ssh_host_ed25519_key", uid=0) == "PRIVATE\n"


def test_creating_a_file_needs_write_permission_on_the_directory(fs):
    assert errno_of(fs.write, "/etc/new.conf", "x", uid=LEARNER) == "EACCES"
    fs.write("/home/learner/new", "x", uid=LEARNER)
    node = fs.stat("/home/learner/new")
    assert (node.uid, node.gid, node.mode) == (LEARNER, LEARNER, 0o644)


def test_directory_without_search_permission_hides_its_files(fs):
    assert errno_of(fs.read, "/root/notes", uid=LEARNER) == "EACCES"
    assert errno_of(fs.listdir, "/root", uid=LEARNER) == "EACCES"
    assert fs.exists("/root/notes") and not fs.exists("/root/notes", uid=LEARNER)


def test_group_bits_apply_to_group_members(fs):
    fs.add_file("/srv/shared", "team\n", mode=0o640, gid=2000)
    assert errno_of(fs.read, "/srv/shared", uid=LEARNER) == "EACCES"
    fs.groups = lambda uid: (uid, 2000)
    assert fs.read("/srv/shared", uid=LEARNER) == "team\n"


def test_append_and_truncate(fs):
    fs.write("/tmp/log", "a\n")
    fs.write("/tmp/log", "b\n", append=True)
    assert fs.read("/tmp/log") == "a\nb\n"
    fs.write("/tmp/log", "")
    assert fs.read("/tmp/log") == ""


def test_writing_through_a_symlink_writes_the_target(fs):
    fs.symlink("/tmp/real", "/tmp/link")
    fs.write("/tmp/link", "via link")
    assert fs.read("/tmp/real") == "via link"
    assert fs.lstat("/tmp/link").kind == "symlink"


def test_writing_a_character_device_discards_the_data(fs):
    fs.mknod("/dev/null", "chardev", 1, 3, 0o666)
    fs.write("/dev/null", "gone", uid=LEARNER)
    assert fs.read("/dev/null") == ""
    assert fs.lstat("/dev/null").major == 1


def test_file_size_is_capped(fs):
    assert errno_of(fs.write, "/tmp/big", "x" * (2 << 20)) == "EFBIG"


def test_mkdir_and_parents(fs):
    fs.mkdir("/tmp/a/b/c", parents=True, uid=LEARNER)
    assert fs.is_dir("/tmp/a/b/c")
    assert errno_of(fs.mkdir, "/tmp/a") == "EEXIST"
    assert errno_of(fs.mkdir, "/tmp/x/y") == "ENOENT"
    fs.mkdir("/tmp/a/b", parents=True)


def test_listdir_is_sorted_in_code_point_order(fs):
    for name in ("b", "B", "a", ".hidden"):
        fs.write(f"/tmp/{name}", "")
    assert fs.listdir("/tmp") == [".hidden", "B", "a", "b"]


def test_remove_file_directory_and_tree(fs):
    fs.mkdir("/tmp/d/e", parents=True)
    fs.write("/tmp/d/e/f", "x")
    assert errno_of(fs.remove, "/tmp/d") == "EISDIR"
    assert errno_of(fs.rmdir, "/tmp/d") == "ENOTEMPTY"
    fs.remove("/tmp/d", recursive=True)
    assert not fs.exists("/tmp/d") and not fs.exists("/tmp/d/e/f")
    assert fs.listdir("/tmp") == []


def test_remove_symlink_removes_the_link_only(fs):
    fs.remove("/etc/localtime")
    assert fs.exists("/usr/share/zoneinfo/Etc/UTC")


def test_learner_cannot_remove_files_in_root_owned_directories(fs):
    assert errno_of(fs.remove, "/etc/hostname", uid=LEARNER) == "EACCES"


def test_sticky_tmp_protects_other_users_files(fs):
    fs.write("/tmp/roots", "x", uid=0)
    assert errno_of(fs.remove, "/tmp/roots", uid=LEARNER) == "EPERM"


def test_root_directory_cannot_be_removed(fs):
    assert errno_of(fs.remove, "/", recursive=True) == "EBUSY"


def test_rename_moves_a_whole_tree(fs):
    fs.mkdir("/tmp/src/sub", parents=True)
    fs.write("/tmp/src/sub/f", "x")
    fs.rename("/tmp/src", "/tmp/dst")
    assert fs.read("/tmp/dst/sub/f") == "x"
    assert not fs.exists("/tmp/src")
    assert fs.listdir("/tmp") == ["dst"]


def test_rename_rules_of_rename2(fs):
    fs.mkdir("/tmp/d/inner", parents=True)
    fs.write("/tmp/f", "x")
    assert errno_of(fs.rename, "/tmp/f", "/tmp/d") == "EISDIR"
    assert errno_of(fs.rename, "/tmp/d", "/tmp/f") == "ENOTDIR"
    assert errno_of(fs.rename, "/tmp/d", "/tmp/d/inner/x") == "EINVAL"
    fs.write("/tmp/g", "y")
    fs.rename("/tmp/f", "/tmp/g")
    assert fs.read("/tmp/g") == "x"


def test_chmod_and_chown_permissions(fs):
    fs.write("/tmp/mine", "x", uid=LEARNER)
    fs.chmod("/tmp/mine", 0o600, uid=LEARNER)
    assert fs.stat("/tmp/mine").mode == 0o600
    assert errno_of(fs.chmod, "/etc/hostname", 0o777, uid=LEARNER) == "EPERM"
    assert errno_of(fs.chown, "/tmp/mine", 0, None, uid=LEARNER) == "EPERM"
    fs.chown("/tmp/mine", 0, 0, uid=0)
    assert (fs.stat("/tmp/mine").uid, fs.stat("/tmp/mine").gid) == (0, 0)


def test_new_nodes_take_the_time_from_the_clock(fs):
    fs.now = lambda: 1_800_000_000
    fs.write("/tmp/t", "x")
    assert fs.stat("/tmp/t").mtime == 1_800_000_000
    fs.now = lambda: 1_800_000_100
    fs.touch("/tmp/t")
    assert fs.stat("/tmp/t").mtime == 1_800_000_100


def test_walk_lists_a_subtree_parents_first(fs):
    assert list(fs.walk("/etc")) == [
        "/etc",
        "/etc/hostname",
        "/etc/localtime",
        "/etc/ssh",
        "/etc/ssh/ssh_host_ed25519_key",
    ]


def test_deep_trees_do_not_hit_the_recursion_limit(fs):
    fs.mkdir("/tmp/" + "/".join(["d"] * 1500), parents=True)
    fs.remove("/tmp/d", recursive=True)
    assert fs.listdir("/tmp") == []


def test_removing_a_tree_removes_every_node_under_it():
    fs = FileSystem()
    fs.add_file("/tmp/a/b/c/f", "x")
    fs.remove("/tmp/a", recursive=True)
    assert [p for p in fs.nodes if p.startswith("/tmp/a")] == []
    assert fs.used == 0


def test_machines_share_their_image_until_one_changes_a_file():
    from simulator import World

    first, second = World.new("kvm-guest", seed=1), World.new("kvm-guest", seed=2)
    first.run("sudo chmod 700 /usr/bin/cut; sudo touch /usr/bin/cat; sudo mv /usr/bin/tee /usr/bin/tee2")
    first.run("sudo chmod 700 /usr/bin/tee2; sudo sh -c 'echo x >> /usr/share/man/man5/hosts.5.gz'")
    assert first.run("wc -c < /usr/share/man/man5/hosts.5.gz").stdout.strip() == "2"
    assert first.run("stat -c '%a' /usr/bin/cut /usr/bin/tee2").stdout == "700\n700\n"
    assert second.run("stat -c '%a' /usr/bin/cut /usr/bin/tee").stdout == "755\n755\n"
    assert second.run("wc -c < /usr/share/man/man5/hosts.5.gz").stdout.strip() == "0"
    assert second.run("sudo rmmod virtio_balloon; ls /sys/module/virtio_balloon").status == 2
    assert first.run("ls /sys/module/virtio_balloon").stdout == "initstate\n"
    again = World.from_dict(first.to_dict())
    assert again.run("stat -c '%a' /usr/bin/cut /usr/bin/tee2").stdout == "700\n700\n"


def test_a_saved_tree_is_encoded_again_only_after_a_change():
    from simulator import World

    world = World.new("kvm-guest", seed=1)
    fs = world.machine.fs
    first = fs.to_dict()
    world.run("cat /etc/hostname; ls /")
    assert fs.to_dict() is first  # a command that only read: the same encoding
    changes = ("touch /tmp/a", "sudo chmod 600 /etc/hostname", "sudo chown learner /etc/hosts", "rm /tmp/a")
    for line in changes:
        before = fs.to_dict()
        world.run(line)
        assert fs.to_dict() is not before, line
    assert World.from_dict(world.to_dict()).to_dict() == world.to_dict()


def test_a_machine_loaded_for_a_reading_command_saves_what_it_was_loaded_from():
    from simulator import World

    saved = World.new("kvm-guest", seed=1).to_dict()
    world = World.from_dict(saved)
    world.run("cat /etc/hostname")
    assert world.machine.fs.to_dict() is saved["machines"]["main"]["fs"]
    world.run("touch /tmp/new")
    assert "/tmp/new" in world.to_dict()["machines"]["main"]["fs"]["nodes"]
