"""The simulated shell against the real bash of the test machine, line by line.

Each line's output does not depend on the machine (builtins only: no files, no programs), so the
simulator must print exactly what `bash --norc -c LINE` prints, with the same exit status; and for the
lines of ERRORS, the same messages in the same order as an interactive bash (`bash -i`). A line whose
output differs is a realism bug in simulator/bash/.
"""

import shutil
import subprocess

import pytest

BASH = shutil.which("bash")

CORPUS = [
    # lists, pipelines and status
    "true && echo yes || echo no",
    "false && echo yes || echo no",
    "! false; echo $?",
    "false; echo $?",
    "(exit 3); echo $?",
    '{ echo a; echo b; } | while read -r x; do echo "<$x>"; done',
    "echo one; echo two >&2; echo three",
    "set -o pipefail; false | true; echo $?",
    "false | true; echo $?",
    "true | false | true; echo ${PIPESTATUS[@]}",
    'echo hi | echo "[$(cat)]"',
    "printf 'a\\nb\\n' | { read x; y=$(read z; echo $z); echo $x$y; }",
    # if, loops, case
    "if true; then echo t; elif false; then echo e; else echo f; fi",
    "if false; then echo t; elif true; then echo e; else echo f; fi",
    "x=3; if [ $x -gt 2 ]; then echo big; fi",
    "for i in 1 2 3; do echo $i; done",
    "for i in a b c; do [ $i = b ] && continue; echo $i; done",
    "for i in 1 2 3 4; do [ $i = 3 ] && break; echo $i; done",
    "for ((i = 0; i < 5; i += 2)); do echo $i; done",
    "i=0; while [ $i -lt 3 ]; do echo w$i; i=$((i + 1)); done",
    "i=0; until [ $i -ge 2 ]; do echo u$i; ((i++)); done",
    "for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done",
    "for i in 1 2; do for j in a b; do break 2; done; echo never; done; echo out",
    "case hello in h*) echo starts-h;; *) echo other;; esac",
    "case 42 in [0-9]|[0-9][0-9]) echo number;; esac",
    "case x in a) echo a;; b|x) echo bx;; esac",
    "case abc in a*) echo first;& b*) echo falls;; c*) echo no;; esac",
    "case abc in a*) echo one;;& *c) echo two;; esac",
    "case '' in '') echo empty;; esac",
    "set -- a b c; for x; do echo $x; done",
    # functions
    'f() { echo "args: $# $1 $2"; }; f one two',
    "f() { return 4; }; f; echo $?",
    "f() { local v=inner; echo $v; }; v=outer; f; echo $v",
    "f() { v=changed; }; v=outer; f; echo $v",
    "function g { echo in g; }; g",
    "f() { echo $FUNCNAME; }; f",
    "fact() { if (( $1 <= 1 )); then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5",
    "f() { for x in 1 2 3; do [ $x = 2 ] && return 7; done; }; f; echo $?",
    # [ ] and test
    "[ -z '' ] && echo empty",
    "[ -n abc ] && echo nonempty",
    "[ abc = abc ]; echo $?",
    "[ abc != abd ]; echo $?",
    "[ 10 -eq 10 -a 3 -lt 4 ]; echo $?",
    "[ 1 -gt 2 -o 5 -ge 5 ]; echo $?",
    "[ ! -z x ]; echo $?",
    "test 5 -le 4; echo $?",
    "[ a ]; echo $?",
    "[ ]; echo $?",
    "[ abc -eq 1 ]; echo $?",
    "[ 1 = 1; echo $?",
    "[ \\( 1 -eq 1 \\) ]; echo $?",
    "test; echo $?",
    # [[ ]] and (( ))
    "[[ abc == a* ]] && echo glob",
    "[[ abc == 'a*' ]] || echo literal",
    "[[ abc =~ ^a(b)c$ ]] && echo ${BASH_REMATCH[1]}",
    "x='a b'; [[ $x == 'a b' ]] && echo nosplit",
    "[[ -n x && ! -z y ]] && echo both",
    "[[ b > a ]] && echo gt",
    "[[ 3 -lt 10 ]] && echo numeric",
    "[[ 1 -eq 1 || $(echo no) ]]; echo $?",
    "(( 3 > 2 )) && echo yes",
    "(( 0 )); echo $?",
    "(( x = 5 * 3 )); echo $x",
    # arithmetic
    "echo $(( 7 / 2 )) $(( 7 % 3 )) $(( 2 ** 10 )) $(( -7 / 2 ))",
    "echo $(( 1 << 4 )) $(( 0xff )) $(( 010 )) $(( 2#101 ))",
    "echo $(( 3 > 2 && 1 )) $(( 0 || 0 )) $(( ! 5 )) $(( ~0 ))",
    "x=5; echo $(( x++ )) $x $(( ++x )) $(( x-- )) $x",
    "x=2; y=3; echo $(( x * y + 1 )) $(( (x + y) * 2 ))",
    "echo $(( 5 > 3 ? 10 : 20 ))",
    "x=7; (( x += 3 )); echo $x",
    "echo $(( 9223372036854775807 + 1 ))",
    "let 'a = 4 * 5' b=2; echo $a $b",
    "a=3+4; echo $(( a * 2 ))",
    # parameter expansion
    "x=hello; echo ${#x} ${x:1:3} ${x: -3} ${x:2}",
    "x=hello; echo ${x^^} ${x^} ${x,,} ${x~~}",
    "X=HELLO; echo ${X,,} ${X,}",
    "x=hello.tar.gz; echo ${x%.*} ${x%%.*} ${x#*.} ${x##*.}",
    "x=aaa; echo ${x/a/b} ${x//a/b} ${x/#a/b} ${x/%a/b}",
    "x=path/to/file; echo ${x/\\//:} ${x//\\//:}",
    "echo ${unset:-default} ${unset-dash}",
    "e=; echo [${e:-colon}] [${e-plain}]",
    "x=set; echo ${x:+alt} [${unset:+alt}]",
    "echo ${v:=assigned}; echo $v",
    "x=value; y=x; echo ${!y}",
    "x='a b  c'; echo $x; echo \"$x\"",
    "x=abc; echo ${x:0:1}${x:1:1}${x:2}",
    "x=abcdef; echo ${x:1:-1} ${x: -2:1}",
    "x=hello; echo ${x@Q}",
    "a=1; b=2; echo ${a}${b} ${a}_${b}",
    # arrays
    "a=(one two three); echo ${a[0]} ${a[2]} ${#a[@]}",
    'a=(one two three); echo "${a[@]:1}"',
    "a=(x y); a+=(z); echo ${a[@]} ${#a[@]}",
    "a=(); a[5]=five; echo ${#a[@]} ${!a[@]}",
    "a=(1 2 3); unset 'a[1]'; echo ${a[@]} ${!a[@]}",
    'a=(p q); for x in "${a[@]}"; do echo "[$x]"; done',
    "a=('a b' c); echo ${#a[@]}; printf '<%s>\\n' \"${a[@]}\"",
    "a=(3 1 2); echo ${a[-1]}",
    "a=(x y z); echo ${a[@]/y/Y}",
    "a=(one two); echo ${#a[0]}",
    # brace expansion and quoting
    "echo {1..5}",
    "echo {a..e}",
    "echo {1..10..3}",
    "echo {5..1}",
    "echo {01..03}",
    "echo x{a,b,c}y",
    "echo {a,b}{1,2}",
    "echo '{a,b}' \"{a,b}\" \\{a,b\\}",
    "echo {a}",
    "echo $'tab\\there' $'nl\\\\n'",
    "echo 'single $HOME' \"double \\$x\"",
    "echo \"a\\\"b\" 'c'\\''d'",
    'echo "$(echo nested "$(echo deeper)")"',
    "echo `echo backtick`",
    "x=5; echo \"$x\"'$x'$x",
    # printf
    "printf '%s\\n' a b c",
    "printf '%s-%s\\n' a b c",
    "printf '%d|%5d|%-5d|%05d\\n' 42 42 42 42",
    "printf '%x %X %o %#x\\n' 255 255 8 255",
    "printf '%.2f %8.3f %e\\n' 3.14159 2.5 12345.678",
    "printf '%c%c\\n' hello world",
    "printf '%5s|%-5s|%.2s\\n' ab ab abcdef",
    "printf '%b\\n' 'a\\tb' 'c\\nd'",
    "printf '%q\\n' 'a b' \"it's\" ''",
    "printf '%d\\n' \"'A\"",
    "printf '%s\\n'",
    "printf 'no newline'",
    "printf '%%\\n'",
    "printf '%d\\n' abc; echo $?",
    "printf -v out '%03d' 7; echo $out",
    "printf '%*d|\\n' 6 42",
    "printf '\\x41\\101\\n'",
    # read
    "read -r a b <<< 'one two three'; echo \"$a|$b\"",
    "IFS=: read -r a b c <<< 'x:y:z'; echo $b",
    "read -r -a arr <<< 'p q r'; echo ${arr[1]} ${#arr[@]}",
    "read x <<< ''; echo $?",
    "printf 'l1\\nl2\\n' | while read -r line; do echo \"got $line\"; done",
    "read -r line <<< '  padded  '; echo \"[$line]\"",
    "IFS= read -r line <<< '  padded  '; echo \"[$line]\"",
    "read -r <<< 'reply var'; echo $REPLY",
    # here-documents
    "cat <<EOF\nhello $((1 + 2))\nEOF",
    "cat <<'EOF'\nnot $expanded\nEOF",
    "cat <<-EOF\n\tindented\n\tEOF",
    "x=v; cat <<EOF\n${x}1 \\$x\nEOF",
    # set, shift, eval, misc builtins
    "set -- a b c; echo $# $1 $3; shift; echo $# $1; shift 2; echo $#",
    "set -- a; shift 2; echo $?",
    'set -- \'a b\' c; echo $#; for x in "$@"; do echo "[$x]"; done',
    'set -- a b; echo "$*"; IFS=,; echo "$*"',
    "eval 'x=42'; echo $x",
    "cmd='echo hi'; eval \"$cmd there\"",
    "x=1; readonly x; x=2; echo $x",
    "unset x; echo [${x-unset}]",
    "type -t echo; type -t if; type -t cd",
    "command -v printf cd",
    "f() { :; }; type -t f",
    ": ignored; echo $?",
    "alias; echo done",
    "set -u; echo ${nope:-fine}",
    "(set -e; false; echo not-reached); echo $?",
    "x=outer; (x=inner); echo $x",
    "x=1; { x=2; }; echo $x",
    "echo $(( $(echo 3) + 4 ))",
    "echo $((1/0)); echo after",
    "x=$(false); echo $?",
    "v=$(printf 'a\\n\\n\\n'); echo \"[$v]\"",
    "declare -i n=5+5; echo $n",
    "declare -a arr=(a b); declare -p arr",
    "x=5; declare -p x",
    "umask 022; umask; umask -S",
    "echo ${#}",
    "IFS=:; x='a:b::c'; for f in $x; do echo \"[$f]\"; done",
    "IFS=', '; x='a, b,c'; for f in $x; do echo \"[$f]\"; done",
    "mapfile -t lines <<< $'one\\ntwo'; echo ${#lines[@]} ${lines[1]}",
    "echo a\\\nb",
    "x=abc; case $x in *b*) echo has-b;; esac",
    "shopt -q extglob; echo ok",
    "a=(1 2 3) printenv a",
    # getopts
    'set -- -a -b val -c file; while getopts ab:c o; do echo "$o ${OPTARG-none} $OPTIND"; done; '
    'shift $((OPTIND - 1)); echo "rest: $*"',
    'set -- -abx -- -c; while getopts ab:c o; do echo "$o ${OPTARG-none}"; done; echo $OPTIND',
    'set -- -z -b; while getopts :ab: o; do echo "$o $OPTARG"; done',
    "f() { local OPTIND o; while getopts 'n:v' o; do echo \"$o=${OPTARG-}\"; done; }; f -n 3 -v; f -v",
    # return and break in subshells
    "f() { x=$(return 3); echo $?; (return 4); echo $?; echo in | (return 5); echo $?; }; f",
    "for i in 1 2; do (break); echo $i; done 2>/dev/null",
    "g() { for i in 1 2 3; do echo $i; [ $i = 2 ] && return 7; done; }; g; echo $?",
    # --help of the builtins (bash's builtin_help, status 2) and help's own formats
    "pwd --help; echo $?",
    "cd --help",
    "read --help",
    "wait --help",
    "declare --help | head -4",
    "echo --help; test --help; echo $?",
    "help -s pwd cd",
    "help -d read export",
    "help 'ali*'",
]


def _real(line: str) -> tuple[str, int]:
    result = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", line],
        capture_output=True,
        text=True,
        timeout=10,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": "/home/learner"},
    )
    return result.stdout, result.returncode


@pytest.mark.skipif(BASH is None, reason="no bash on this machine")
@pytest.mark.parametrize("line", CORPUS)
def test_same_output_and_status_as_bash(sh, line):
    expected = _real(line)
    result = sh(line)
    assert (result.stdout, result.status) == expected


ERRORS = [
    "cd /nonexistent",
    "cd a b",
    "x=1; readonly x; x=2; echo not-reached",
    "unset UID",
    "echo ${a b}; echo not-reached",
    "echo $((1 +))",
    "echo $(( 1/0 ))",
    "(( 2 ** -1 )); echo after",
    "set -o nosuchoption",
    "set -q",
    "[ 1 -eq a ]",
    "[ a b c ]",
    "[ -x",
    "test 1 -gt",
    "printf '%d\\n' abc",
    "printf",
    "read -a",
    "read 1x",
    "local x=1",
    "return",
    "break",
    "continue",
    "alias nope",
    "unalias nope",
    "type nope_cmd",
    "command -V nope_cmd",
    "declare -p nope_var",
    "export 1x=2",
    "let 1/0",
    "kill -l 99",
    "kill -l",
    "kill -l 35 RTMIN+1 SIGKILL 130 64",
    "kill",
    "umask 999",
    "for 1 in a; do :; done",
    "echo ${x:?must be set}; echo not-reached",
    "set -u; echo $never_set; echo not-reached",
    "source /nonexistent",
    ".",
    "history -z",
    "echo one; echo two >&2; echo three >&2; echo four",
    'set -- -x -b; while getopts ab: o; do echo "$o"; done',
    "` return 3 `; echo $?",
    # shopt as an interactive shell has it (bash -c starts with other defaults)
    "shopt; shopt -p | head -3",
    "shopt -s extglob nullglob; shopt -q extglob; echo $?; shopt -s; shopt -u | tail -2",
    "shopt -q extglob nope; echo $?; shopt extglob histappend; echo $?",
    "for i in 1; do (break); done",
]
JOB_CONTROL = ("bash: cannot set terminal process group", "bash: no job control in this shell")


def _interactive(line: str) -> str:
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-i", "-c", line],  # $0 is "bash", as in the simulator
        executable=BASH,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=10,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": "/home/learner"},
    )
    return "".join(line for line in result.stdout.splitlines(True) if not line.startswith(JOB_CONTROL))


@pytest.mark.skipif(BASH is None, reason="no bash on this machine")
@pytest.mark.parametrize("line", ERRORS)
def test_same_messages_as_interactive_bash(sh, line):
    result = sh(line)
    assert "".join(text for _, text in result.chunks) == _interactive(line)
