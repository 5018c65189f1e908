"""GNU getopt_long for simulated commands: clustered short flags, --long[=value], unique prefixes, --.

Options may follow operands (GNU permutes argv). Errors use glibc's exact words, followed by coreutils'
"Try 'PROG --help' for more information." line.
"""

from __future__ import annotations

import functools

from simulator.commands import MAN_PAGES


class UsageError(Exception):
    pass


class Options:
    """Parsed options: `"l" in opts`, `opts.get("n")` (last value), `opts.all("e")`, and their order."""

    def __init__(self):
        self.order: list[str] = []
        self.values: dict[str, list[str]] = {}

    def add(self, key: str, value: str | None = None) -> None:
        self.order.append(key)
        if value is not None:
            self.values.setdefault(key, []).append(value)

    def __contains__(self, key: str) -> bool:
        return key in self.order

    def get(self, key: str, default: str | None = None) -> str | None:
        values = self.values.get(key)
        return values[-1] if values else default

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])

    def last_of(self, *keys: str) -> str | None:
        """Which of `keys` came last (for options that override each other, like -l and -1)."""
        return next((key for key in reversed(self.order) if key in keys), None)


def parse(args: list[str], short: str, long: dict[str, str]) -> tuple[Options, list[str]]:
    """`short` is getopt's string ("n:" takes a value; a leading "+" stops at the first operand, as for a
    program that runs a command line: `watch -n 5 ls -l`); `long` maps "name", "name=" (takes a value) or
    "name=?" (an optional value, only given as --name=VALUE) to a key."""
    in_order = short.startswith("+")
    short = short.removeprefix("+")
    opts = Options()
    operands = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--" or (in_order and (not arg.startswith("-") or arg == "-")):
            operands.extend(args[i:] if arg == "--" else args[i - 1 :])
            break
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            key, takes = _long(name, long)
            if takes == "optional":
                opts.add(key, value if has_value else None)
                continue
            if takes and not has_value:
                if i >= len(args):
                    raise UsageError(f"option '--{name}' requires an argument")
                value, i = args[i], i + 1
            elif has_value and not takes:
                raise UsageError(f"option '--{name}' doesn't allow an argument")
            opts.add(key, value if takes else None)
        elif arg.startswith("-") and arg != "-":
            j = 1
            while j < len(arg):
                letter = arg[j]
                spot = short.find(letter)
                if spot < 0 or letter == ":":
                    raise UsageError(f"invalid option -- '{letter}'")
                if short[spot + 1 : spot + 2] == ":":
                    value = arg[j + 1 :]
                    if not value:
                        if i >= len(args):
                            raise UsageError(f"option requires an argument -- '{letter}'")
                        value, i = args[i], i + 1
                    opts.add(letter, value)
                    break
                opts.add(letter)
                j += 1
        else:
            operands.append(arg)
    return opts, operands


def _long(name: str, long: dict[str, str]) -> tuple[str, bool | str]:
    table: dict[str, tuple[str, bool | str]] = {}
    for spec, key in long.items():
        if spec.endswith("=?"):
            table[spec[:-2]] = (key, "optional")
        else:
            table[spec.rstrip("=")] = (key, spec.endswith("="))
    table.setdefault("help", ("help", False))
    table.setdefault("version", ("version", False))
    if name in table:
        return table[name]
    matches = sorted(n for n in table if n.startswith(name) and name)
    if len({table[m] for m in matches}) == 1:  # glibc: prefixes of synonyms are not ambiguous
        return table[matches[0]]
    if matches:
        listed = " ".join(f"'--{m}'" for m in matches)
        raise UsageError(f"option '--{name}' is ambiguous; possibilities: {listed}")
    raise UsageError(f"unrecognized option '--{name}'")


def gnu(short: str = "", long: dict[str, str] | None = None, status: int = 1, version: str = ""):
    """Decorate `handler(ctx, opts, operands)` into a registry handler `(ctx, argv)` that parses first.

    --help prints the command's man page and --version `version`, as the real tools answer them.
    """

    def wrap(handler):
        @functools.wraps(handler)
        def run(ctx, argv):
            try:
                opts, operands = parse(argv[1:], short, long or {})
            except UsageError as error:
                ctx.err(f"{argv[0]}: {error}\nTry '{argv[0]} --help' for more information.\n")
                return status
            name = argv[0].rsplit("/", 1)[-1]
            if "help" in opts:
                ctx.out(MAN_PAGES.get(name, f"Usage: {name} [OPTION]...\n"))
                return 0
            if "version" in opts and version:
                ctx.out(f"{name} {version}\n")
                return 0
            return handler(ctx, opts, operands)

        return run

    return wrap
