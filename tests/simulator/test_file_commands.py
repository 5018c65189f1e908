from simulator import World
from simulator.result import Result

LONG_HOME = """total 4
-rw-r--r-- 1 learner learner 17 Nov 27 10:00 notes.txt
"""


def test_ls_lists_the_current_directory(sh):
    assert sh("ls") == Result("notes.txt\n", "", 0)


def test_ls_on_a_terminal_uses_columns_and_one_per_line_in_a_pipe(sh):
    sh("touch alpha beta gamma")
    assert sh("ls").stdout == "alpha  beta  gamma  notes.txt\n"
    assert sh("ls | cat").stdout == "alpha\nbeta\ngamma\nnotes.txt\n"
    assert sh("ls -1").stdout == "alpha\nbeta\ngamma\nnotes.txt\n"


def test_ls_columns_fill_top_to_bottom_within_80_characters(sh):
    sh("mkdir d && cd d && touch " + " ".join(f"file-number-{n:02d}" for n in range(12)))
    lines = sh("ls").stdout.splitlines()
    assert lines[0] == "file-number-00  file-number-03  file-number-06  file-number-09"
    assert lines[2] == "file-number-02  file-number-05  file-number-08  file-number-11"


def test_ls_long_format(sh):
    assert sh("ls -l") == Result(LONG_HOME, "", 0)


def test_ls_long_shows_devices_and_symlinks(sh):
    assert sh("ls -l /dev/kvm").stdout == "crw-rw---- 1 root kvm 10, 232 Nov 27 10:00 /dev/kvm\n"
    assert sh("ls -l /bin").stdout == "lrwxrwxrwx 1 root root 7 Nov 27 10:00 /bin -> usr/bin\n"


def test_ls_long_aligns_device_numbers(sh):
    assert sh("ls -l /dev").stdout == (
        "total 0\n"
        "crw-rw---- 1 root kvm  10, 232 Nov 27 10:00 kvm\n"
        "crw-rw-rw- 1 root root  1,   3 Nov 27 10:00 null\n"
    )


def test_ls_all_shows_dot_entries(sh):
    assert sh("ls -a").stdout == ".  ..  notes.txt\n"
    assert sh("ls -A").stdout == "notes.txt\n"


def test_ls_directory_itself(sh):
    assert sh("ls -ld /tmp").stdout == "drwxrwxrwt 2 root root 4096 Nov 27 10:00 /tmp\n"


def test_ls_human_readable_sizes(sh):
    sh("sudo sh -c 'echo 12345678901234567890123456789 > /root/x'")
    assert sh("sudo ls -lh /root").stdout.splitlines()[0] == "total 8.0K"


def test_ls_several_operands_get_headers(sh):
    assert sh("ls /etc/ssh /dev").stdout == (
        "/dev:\nkvm  null\n\n/etc/ssh:\nssh_host_ed25519_key  ssh_host_ed25519_key.pub\n"
    )


def test_ls_missing_file(sh):
    assert sh("ls /x") == Result("", "ls: cannot access '/x': No such file or directory\n", 2)


def test_ls_unreadable_directory(sh):
    assert sh("ls /root") == Result("", "ls: cannot open directory '/root': Permission denied\n", 2)


def test_ls_recursive(sh):
    sh("mkdir -p a/b && touch a/b/c")
    assert sh("ls -R a").stdout == "a:\nb\n\na/b:\nc\n"


def test_ls_invalid_option(sh):
    assert sh("ls -z") == Result("", "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n", 2)


def test_cat_files_and_stdin(sh):
    assert sh("cat /etc/hostname notes.txt").stdout == "lab\nalpha\nbeta\ngamma\n"
    assert sh("echo piped | cat - /etc/hostname").stdout == "piped\nlab\n"
    assert sh("cat -n notes.txt").stdout == "     1\talpha\n     2\tbeta\n     3\tgamma\n"


def test_cat_errors_continue_with_the_next_file(sh):
    assert sh("cat /nope /etc/hostname /etc") == Result(
        "lab\n", "cat: /nope: No such file or directory\ncat: /etc: Is a directory\n", 1
    )


def test_cat_generated_proc_file(sh):
    assert sh("cat /proc/cpuinfo").stdout.startswith("processor\t: 0\n")


def test_touch_and_mkdir(sh):
    assert sh("touch new && mkdir dir && ls").stdout == "dir  new  notes.txt\n"
    assert sh("mkdir dir") == Result("", "mkdir: cannot create directory 'dir': File exists\n", 1)
    assert sh("mkdir x/y").stderr == "mkdir: cannot create directory 'x/y': No such file or directory\n"
    assert sh("mkdir -p x/y && ls x").stdout == "y\n"
    assert sh("mkdir /etc/new").stderr == "mkdir: cannot create directory '/etc/new': Permission denied\n"
    assert sh("touch /etc/new").stderr == "touch: cannot touch '/etc/new': Permission denied\n"
    assert sh("mkdir") == Result("", "mkdir: missing operand\nTry 'mkdir --help' for more information.\n", 1)


def test_mkdir_mode(sh):
    sh("mkdir -m 700 private")
    assert sh("ls -ld private").stdout.startswith("drwx------ 2 learner learner")


def test_rm_files_and_directories(sh):
    sh("mkdir -p d/e && touch d/e/f f")
    assert sh("rm d") == Result("", "rm: cannot remove 'd': Is a directory\n", 1)
    assert sh("rm -r d f && ls").stdout == "notes.txt\n"
    assert sh("rm nope") == Result("", "rm: cannot remove 'nope': No such file or directory\n", 1)
    assert sh("rm -f nope") == Result("", "", 0)
    assert sh("rm") == Result("", "rm: missing operand\nTry 'rm --help' for more information.\n", 1)


def test_rm_needs_permission(sh):
    assert sh("rm /etc/hostname").stderr == "rm: cannot remove '/etc/hostname': Permission denied\n"
    assert sh("sudo rm /etc/hostname && ls /etc").stdout == "group  hosts  passwd  ssh\n"


def test_rm_refuses_the_root_directory(sh):
    assert sh("sudo rm -rf /") == Result(
        "",
        "rm: it is dangerous to operate recursively on '/'\n"
        "rm: use --no-preserve-root to override this failsafe\n",
        1,
    )


def test_rm_refuses_dot(sh):
    assert sh("rm -r .").stderr == "rm: refusing to remove '.' or '..' directory: skipping '.'\n"


def test_rmdir(sh):
    sh("mkdir -p d/e")
    assert sh("rmdir d") == Result("", "rmdir: failed to remove 'd': Directory not empty\n", 1)
    assert sh("rmdir d/e d && ls").stdout == "notes.txt\n"


def test_cp_file_into_directory_and_recursive(sh):
    sh("mkdir backup && cp notes.txt backup && cp notes.txt copy.txt")
    assert sh("cat backup/notes.txt copy.txt").stdout == "alpha\nbeta\ngamma\n" * 2
    assert sh("cp backup b2") == Result("", "cp: -r not specified; omitting directory 'backup'\n", 1)
    assert sh("cp -r backup b2 && ls b2").stdout == "notes.txt\n"


def test_cp_errors(sh):
    assert sh("cp nope x") == Result("", "cp: cannot stat 'nope': No such file or directory\n", 1)
    assert sh("cp notes.txt") == Result(
        "",
        "cp: missing destination file operand after 'notes.txt'\nTry 'cp --help' for more information.\n",
        1,
    )
    assert sh("cp notes.txt /etc/") == Result(
        "", "cp: cannot create regular file '/etc/notes.txt': Permission denied\n", 1
    )
    assert sh("cp /root/secret.txt .").stderr == "cp: cannot stat '/root/secret.txt': Permission denied\n"
    assert sh("cp notes.txt notes.txt").stderr == "cp: 'notes.txt' and 'notes.txt' are the same file\n"


def test_cp_copy_belongs_to_the_caller_and_a_preserves(sh):
    sh("cp /etc/hostname mine")
    assert sh("ls -l mine").stdout.startswith("-rw-r--r-- 1 learner learner")
    sh("sudo cp -a /etc/ssh/ssh_host_ed25519_key /tmp/key")
    assert sh("ls -l /tmp/key").stdout.startswith("-rw------- 1 root root")


def test_mv_renames_and_moves(sh):
    sh("mkdir d && mv notes.txt n.txt && mv n.txt d")
    assert sh("ls . d").stdout == ".:\nd\n\nd:\nn.txt\n"
    assert sh("mv nope x") == Result("", "mv: cannot stat 'nope': No such file or directory\n", 1)
    assert sh("mv d d/inside").stderr == "mv: cannot move 'd' to a subdirectory of itself, 'd/inside'\n"
    assert (
        sh("mv /etc/hostname .").stderr
        == "mv: cannot move '/etc/hostname' to './hostname': Permission denied\n"
    )


def test_ln_symbolic_links(sh):
    sh("ln -s /etc/hostname hn")
    assert sh("cat hn").stdout == "lab\n"
    assert sh("readlink hn").stdout == "/etc/hostname\n"
    assert sh("ln -s /etc/passwd hn") == Result(
        "", "ln: failed to create symbolic link 'hn': File exists\n", 1
    )
    sh("ln -sf /etc/passwd hn")
    assert sh("readlink hn").stdout == "/etc/passwd\n"
    sh("ln -s /nowhere dangling")
    assert sh("ls -l dangling").stdout.endswith("dangling -> /nowhere\n")
    assert sh("cat dangling").stderr == "cat: dangling: No such file or directory\n"


def test_readlink_canonicalizes(sh):
    assert sh("readlink -f /bin/ls").stdout == "/usr/bin/ls\n"
    assert sh("readlink /etc/hostname") == Result("", "", 1)
    assert sh("readlink -e /bin/nope") == Result("", "", 1)
    assert sh("readlink -m /bin/nope/x").stdout == "/usr/bin/nope/x\n"


def test_stat_regular_file(sh):
    out = sh("stat /etc/hostname").stdout.splitlines()
    assert out[0] == "  File: /etc/hostname"
    assert out[1] == "  Size: 4         \tBlocks: 8          IO Block: 4096   regular file"
    assert out[2].startswith("Device: 252,1\tInode: ") and out[2].endswith("Links: 1")
    assert out[3] == "Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)"
    assert out[4] == "Access: 2024-11-27 10:00:00.000000000 +0000"
    assert out[7] == " Birth: 2024-11-27 10:00:00.000000000 +0000"


def test_stat_device_is_the_partition_lsblk_shows():
    world = World.new("clone-identifiers")
    assert "\nDevice: 253,1\tInode: " in world.run("stat /etc/machine-id").stdout
    assert "├─vda1  253:1 " in world.run("lsblk").stdout
    host = World.new("intel-vtx-host")
    assert "\nDevice: 259,2\tInode: " in host.run("stat /etc/hostname").stdout


def test_stat_device_and_symlink(sh):
    device = sh("stat /dev/kvm").stdout.splitlines()
    assert device[1].endswith("character special file")
    assert device[2].endswith("Device type: 10,232")
    assert device[3] == "Access: (0660/crw-rw----)  Uid: (    0/    root)   Gid: (  993/     kvm)"
    assert sh("stat /bin").stdout.startswith("  File: /bin -> usr/bin\n  Size: 7")
    assert sh("stat /nope") == Result("", "stat: cannot statx '/nope': No such file or directory\n", 1)


def test_chmod_octal_and_symbolic(sh):
    sh("touch f && chmod 600 f")
    assert sh("ls -l f").stdout.startswith("-rw------- ")
    sh("chmod u+x,g+r f")
    assert sh("ls -l f").stdout.startswith("-rwxr----- ")
    sh("chmod +x f")
    assert sh("ls -l f").stdout.startswith("-rwxr-x--x ")
    assert sh("chmod 644 /etc/hostname").stderr == (
        "chmod: changing permissions of '/etc/hostname': Operation not permitted\n"
    )
    assert sh("chmod xyz f") == Result(
        "", "chmod: invalid mode: 'xyz'\nTry 'chmod --help' for more information.\n", 1
    )


def test_chown_needs_root(sh):
    sh("touch f")
    assert sh("chown root f").stderr == "chown: changing ownership of 'f': Operation not permitted\n"
    sh("sudo chown root:kvm f")
    assert sh("ls -l f").stdout.startswith("-rw-r--r-- 1 root kvm ")
    assert sh("sudo chown nobody f").stderr == "chown: invalid user: 'nobody'\n"


def test_stat_format_and_printf_directives():
    from simulator import World

    world = World.new("kvm-guest")
    assert world.run("stat -c '%n %s %U %G %a %A %F %h %u %g' /etc/hostname").stdout == (
        "/etc/hostname 6 root root 644 -rw-r--r-- regular file 1 0 0\n"
    )
    assert world.run("stat -c %y /etc/hostname").stdout == "2024-11-27 10:00:00.000000000 +0000\n"
    assert world.run("stat --printf '%n\\t%s\\n' /etc/hostname").stdout == "/etc/hostname\t6\n"
    assert world.run("stat -c '%q %%' /").stdout == "? %\n"
    assert world.run("stat -c %N /bin").stdout == "'/bin' -> 'usr/bin'\n"
    assert world.run("stat -c '%a %F' /tmp").stdout == "1777 directory\n"
    inode = world.run("stat -c %i /etc/hosts").stdout.strip()
    assert world.run("ls -i /etc/hosts").stdout == f"{inode} /etc/hosts\n"
    assert world.run("ls -li /etc/hosts").stdout.startswith(f"{inode} -rw-r--r-- 1 root root ")


def test_truncate_sets_sizes_as_coreutils_does(sh):
    sh("printf 'hello world\\n' > f")
    assert sh("truncate -s 5 f && cat f") == Result("hello", "", 0)
    assert sh("truncate -s +3 f && od -c f").stdout == "0000000   h   e   l   l   o  \\0  \\0  \\0\n0000010\n"
    assert sh("truncate -s '<2' f && wc -c < f && truncate -s 0 f && wc -c < f").stdout == "2\n0\n"
    assert (
        sh("truncate -c -s 1K new; ls new").stderr == "ls: cannot access 'new': No such file or directory\n"
    )
    assert sh("truncate -s 1K new && wc -c < new").stdout == "1024\n"


def test_truncate_errors_are_coreutils_words(sh):
    assert sh("truncate f") == Result(
        "",
        "truncate: you must specify either '--size' or '--reference'\n"
        "Try 'truncate --help' for more information.\n",
        1,
    )
    assert sh("truncate -s ten f").stderr == "truncate: Invalid number: 'ten'\n"
    assert sh("truncate -s 0").stderr == (
        "truncate: missing file operand\nTry 'truncate --help' for more information.\n"
    )
    assert sh("truncate -s 0 /etc/hostname") == Result(
        "", "truncate: cannot open '/etc/hostname' for writing: Permission denied\n", 1
    )
    assert (
        sh("truncate -s 4T f").stderr
        == "truncate: failed to truncate 'f' at 4398046511104 bytes: File too large\n"
    )
