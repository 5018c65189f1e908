"""The text tools against the real ones: each line runs in the simulator and through the real program
of this machine over the same files (copied out of a simulated machine), and both must print the same
standard output and exit with the same status.

The real programs run here, in the test, never in the simulator. Lines are run without a shell (only
a final `< FILE` is understood), with LC_ALL=C.UTF-8 as the simulated tools assume. `awk` is expected
to be mawk, Ubuntu's default.
"""

import os
import re
import shlex
import shutil
import subprocess

import pytest

from simulator import World

WORKDIR = "/tmp/differential"

CASES = [
    # grep
    "grep -c -E 'vmx|svm' cpuinfo",
    "grep -E 'vmx|svm' cpuinfo",
    "grep -c processor cpuinfo",
    "grep -m 2 -n '^model name' cpuinfo",
    "grep -i ROOT passwd",
    "grep -v nologin passwd",
    "grep -w localhost hosts",
    "grep -x '127.0.0.1 localhost' hosts",
    "grep -o 'ip6-[a-z]*' hosts",
    "grep -n bash passwd",
    "grep -l root passwd group hosts",
    "grep -L root passwd group hosts",
    "grep -h -c root passwd group",
    "grep -q kvm lsmod.txt",
    "grep -e kvm -e virtio lsmod.txt",
    "grep -F 'a.b' hosts",
    "grep '^[[:alpha:]_]*:' group",
    "grep 'sys\\|sync' passwd",
    "grep -E '^(root|daemon):' passwd",
    "grep -E 'x{2,}' passwd",
    "grep nosuchthing passwd",
    "grep root nosuchfile",
    "grep -s root nosuchfile passwd",
    "grep -c . dmesg.txt",
    "grep -i -o 'kvm[a-z_]*' lsmod.txt",
    "grep -A1 -n '^processor' cpuinfo",
    "grep -B2 'model name' cpuinfo",
    "grep -C1 devbox hosts",
    "grep -r localhost hosts",
    "grep -P '\\d+\\.\\d+' hosts",
    "grep --include='*.txt' -r kvm .",
    # sed
    "sed -n '/^flags/p' cpuinfo",
    "sed 's/root/ROOT/g' passwd",
    "sed -n '1p;$p' passwd",
    "sed '2,4d' passwd",
    "sed -n '/daemon/,/sync/p' passwd",
    "sed -n '0,/bin/p' passwd",
    "sed -n '1~3p' passwd",
    "sed -n '2,+2p' passwd",
    "sed '$!N;s/\\n/ | /' passwd",
    "sed -E 's/^([^:]+):.*:([^:]*)$/\\2 \\1/' passwd",
    "sed 's/\\(.*\\):x:\\([0-9]*\\).*/\\U\\1\\E=\\2/' passwd",
    "sed 's/[a-z]*/\\u&/g' hosts",
    "sed 's/o/0/2' passwd",
    "sed -n 's/bash/BASH/p' passwd",
    "sed = hosts",
    "sed -n '$=' passwd",
    "sed -n l hosts",
    "sed 'y/abc/xyz/' hosts",
    "sed '1i\\header' hosts",
    "sed '$a the end' hosts",
    "sed '2,3c\\changed' hosts",
    "sed '1!G;h;$!d' hosts",
    "sed ':a;N;$!ba;s/\\n/,/g' hosts",
    "sed '/^$/d' cpuinfo",
    "sed 3q passwd",
    "sed -n '/root/{p;p}' passwd",
    "sed 'N;P;D' hosts",
    "sed -s -n '$p' hosts passwd",
    "sed p noeol",
    "sed -n '/model name/{s/.*: //p;q}' cpuinfo",
    "sed 's|/bin/bash|/bin/zsh|' passwd",
    "sed -e 's/a/A/' -e 's/b/B/' hosts",
    "sed 's/x/y' hosts",
    "sed k hosts",
    "sed p nosuchfile",
    # awk
    "awk -F: '{print $1}' passwd",
    "awk -F: '$3 >= 1000 {print $1, $3}' passwd",
    "awk '/vmx|svm/' cpuinfo",
    "awk '/^flags/ {n++} END {print n+0}' cpuinfo",
    "awk '{s+=$2} END {print s}' lsmod.txt",
    "awk 'NR > 1 {print $1}' lsmod.txt",
    "awk 'END {print NR}' passwd",
    "awk '{print $NF}' hosts",
    "awk -F: -v OFS=- '{$1=$1; print}' passwd",
    "awk -F: '{sh[$7]++} END {for (s in sh) n++; print n}' passwd",
    "awk -F'\\t: ' '/^model name/ {print $2; exit}' cpuinfo",
    "awk '{gsub(/o/, \"0\"); print}' hosts",
    'awk \'BEGIN {printf "%5.2f|%-6s|%03d|%x|%c\\n", 3.14159, "ab", 7, 255, 65}\'',
    'awk \'BEGIN {print substr("hello", 2, 3), index("hello", "ll"), length("abc")}\'',
    'awk \'BEGIN {n = split("a:b:c", p, ":"); print n, p[1], p[n]}\'',
    "awk 'BEGIN {print match(\"foobar\", /o+/), RSTART, RLENGTH}'",
    "awk 'BEGIN {print int(3.9), int(-3.9), sqrt(16), 2^10, 7%3, -7%3, 1/3, 2^31}'",
    "awk '{print ($1 < $2)}' nums",
    "awk '!seen[$0]++' nums",
    "awk 'NR==1, NR==3' passwd",
    "awk '{print FILENAME, FNR, NR}' hosts nums",
    'awk \'BEGIN {RS = ""} {print NR ": " $1}\' cpuinfo',
    "awk 'function f(n) { return n <= 1 ? 1 : n * f(n - 1) } BEGIN { print f(10) }'",
    "awk '{$5 = \"e\"; print; print NF}' hosts",
    'awk \'BEGIN {print toupper("abc"), tolower("ABC")}\'',
    "awk '{print $1' hosts",
    "awk 'BEGIN {x = }'",
    "awk '{print}' nosuchfile",
    # sort, cut, uniq, tr, wc, head, tail
    "sort passwd",
    "sort -r hosts",
    "sort -n nums",
    "sort -rn nums",
    "sort -u nums",
    "sort -t: -k3 -n passwd",
    "sort -t: -k7 passwd",
    "sort -k2 -n lsmod.txt",
    "sort -f mixed",
    "sort -t: -k4,4n -k1,1 passwd",
    "sort -u -t: -k7,7 passwd",
    "sort -k2,2nr -k1,1 lsmod.txt",
    "sort -f -u mixed",
    "sort -h sizes",
    "sort -V versions",
    "sort -c nums",
    "cut -d: -f1 passwd",
    "cut -d: -f1,7 passwd",
    "cut -d: -f3- passwd",
    "cut -c1-5 hosts",
    "cut -d' ' -f2 hosts",
    "cut -f2 cpuinfo",
    "cut -s -d: -f2 hosts",
    "cut -d: --complement -f1 passwd",
    "cut -d: -f1,3 --output-delimiter=' ' passwd",
    "uniq nums",
    "uniq -c nums",
    "uniq -d nums",
    "uniq -u nums",
    "uniq -i mixed",
    "uniq -c -f1 lsmod.txt",
    "tr a-z A-Z < hosts",
    "tr -d 0-9 < hosts",
    "tr -s ' ' < spaced",
    "tr ':' '\\n' < hosts",
    "tr -c 'a-z\\n' '_' < hosts",
    "tr -cd '[:alpha:]\\n' < hosts",
    "wc -l passwd",
    "wc passwd hosts",
    "wc -w cpuinfo",
    "wc -c hosts",
    "wc -L hosts",
    "wc -l passwd nosuchfile",
    "head -n 3 passwd",
    "head -c 20 passwd",
    "head -n -2 hosts",
    "tail -n 2 passwd",
    "tail -n +3 hosts",
    "head -3 passwd hosts",
    "head -q -n 1 passwd hosts",
    "tail -q -n 1 passwd hosts",
    "tail +4 hosts",
]


def machine_files() -> dict[str, str]:
    """Files as a simulated machine has them, and what its commands print."""
    world = World.new("intel-vtx-host")
    fs = world.machine.fs
    return {
        "cpuinfo": fs.read("/proc/cpuinfo"),
        "passwd": fs.read("/etc/passwd"),
        "group": fs.read("/etc/group"),
        "hosts": fs.read("/etc/hosts"),
        "lsmod.txt": world.run("lsmod").stdout,
        "dmesg.txt": world.run("sudo dmesg").stdout,
        "noeol": "one\ntwo\nthree",
        "nums": "3\n10\n10\n2\n-1\n2.5\nabc\n3\n",
        "mixed": "b\nB\na\nA\nc\n",
        "spaced": "a   b  c\n  d\n",
        "sizes": "1K\n2M\n3\n1G\n-5\n10K\n",
        "versions": "1.10\n1.9\n1.2.3\n1.2\nv1\n1.0~rc1\n1.0\n",
    }


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    files = machine_files()
    real = tmp_path_factory.mktemp("differential")
    world = World.new("intel-vtx-host")
    world.run(f"mkdir -p {WORKDIR}")
    for name, text in files.items():
        (real / name).write_text(text)
        world.machine.fs.write(f"{WORKDIR}/{name}", text, "/", 0)
    world.run(f"cd {WORKDIR}")
    return real, world


def run_real(line: str, directory) -> tuple[str, int]:
    command, _, stdin_name = line.rpartition(" < ")
    if not re.fullmatch(r"[\w.]+", stdin_name):
        command, stdin_name = line, ""
    argv = shlex.split(command)
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed here")
    stdin = (directory / stdin_name).read_text() if stdin_name else ""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    done = subprocess.run(
        argv, cwd=directory, input=stdin, capture_output=True, text=True, env=env, check=False
    )
    return done.stdout, done.returncode


@pytest.mark.parametrize("line", CASES)
def test_simulated_tool_prints_what_the_real_tool_prints(places, line):
    real, world = places
    simulated = world.run(line)
    assert (simulated.stdout, simulated.status) == run_real(line, real)


def test_corpus_covers_every_text_tool():
    tools = {shlex.split(line)[0] for line in CASES}
    assert tools == {"grep", "sed", "awk", "sort", "cut", "uniq", "tr", "wc", "head", "tail"}
    assert len(CASES) >= 80
