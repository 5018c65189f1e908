"""The client's arguments as argparse parses them for each cliff command: options, positionals, cliff's
formatter options, and argparse's usage and errors."""

from __future__ import annotations

from simulator import cliff


class Failure(Exception):
    """The client stops: this text on stderr, this status."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


# -- arguments ---------------------------------------------------------------------------------------
# Each command: (its options: name -> "flag" | "value" | "append", its positionals, required options).
FORMAT_OPTIONS = {"-f": "value", "--format": "value", "-c": "append", "--column": "append"}
FORMAT_OPTIONS |= {
    "--noindent": "flag",
    "--max-width": "value",
    "--fit-width": "flag",
    "--print-empty": "flag",
}
FORMAT_OPTIONS |= {"--prefix": "value", "--quote": "value", "--sort-column": "append"}


class Args:
    def __init__(self):
        self.values: dict[str, list[str]] = {}
        self.positionals: list[str] = []

    def get(self, name: str, default=None):
        values = self.values.get(name)
        return values[-1] if values else default

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def has(self, name: str) -> bool:
        return name in self.values


def parse(prog: str, argv: list[str], options: dict, positionals: list[str], required=()) -> Args:
    """argparse, as cliff's commands declare their arguments (--name=value too, unique long prefixes)."""
    spec = {**options, "-h": "flag", "--help": "flag"}
    args = Args()
    words = list(argv)
    while words:
        word = words.pop(0)
        if word.startswith("-") and len(word) > 1 and not _negative_number(word):
            name, eq, inline = word.partition("=")
            if name not in spec and name.startswith("--"):
                matches = [o for o in spec if o.startswith(name)]
                if len(matches) == 1:
                    name = matches[0]
            if name not in spec:
                raise Failure(
                    usage(prog, options, positionals, required)
                    + f"{prog}: error: unrecognized arguments: {word}\n",
                    2,
                )
            kind = spec[name]
            if kind == "flag":
                args.values.setdefault(name, []).append("")
                continue
            if eq:
                value = inline
            elif words:
                value = words.pop(0)
            else:
                raise Failure(
                    usage(prog, options, positionals, required)
                    + f"{prog}: error: argument {_option_label(name, spec)}: expected one argument\n",
                    2,
                )
            args.values.setdefault(_canonical(name), []).append(value)
        else:
            args.positionals.append(word)
    if args.has("-h") or args.has("--help"):
        raise Failure("", 0)
    missing = [r for r in required if not args.has(r)]
    fixed = [p for p in positionals if not p.startswith("[")]
    if len(args.positionals) < len(fixed):
        missing += fixed[len(args.positionals) :]
    if missing:
        raise Failure(
            usage(prog, options, positionals, required)
            + f"{prog}: error: the following arguments are required: {', '.join(missing)}\n",
            2,
        )
    variadic = any(p.endswith("...]") or p.endswith("...") for p in positionals)
    if len(args.positionals) > len(positionals) and not variadic:
        extra = " ".join(args.positionals[len(positionals) :])
        raise Failure(
            usage(prog, options, positionals, required) + f"{prog}: error: unrecognized arguments: {extra}\n",
            2,
        )
    return args


def _negative_number(word: str) -> bool:
    return word[1:].replace(".", "", 1).isdigit()


LONG_OF = {"-f": "--format", "-c": "--column"}


def _canonical(name: str) -> str:
    return LONG_OF.get(name, name)


def _option_label(name: str, spec: dict) -> str:
    short = {v: k for k, v in LONG_OF.items()}
    name = _canonical(name)
    return f"{short[name]}/{name}" if name in short else name


def usage(prog: str, options: dict, positionals: list[str], required) -> str:
    """argparse's usage line, wrapped as it wraps: cliff's formatter options first, then the command's."""
    parts = [f"usage: {prog} [-h]"]
    if "--format" in options:
        formats = cliff.LIST_FORMATS if prog.endswith(" list") else cliff.SHOW_FORMATS
        parts += [f"[-f {{{','.join(formats)}}}]", "[-c COLUMN]", "[--noindent]"]
        if not prog.endswith(" list"):
            parts.append("[--prefix PREFIX]")
        parts += ["[--max-width <integer>]", "[--fit-width]", "[--print-empty]"]
    for name, kind in options.items():
        if name in FORMAT_OPTIONS:
            continue
        if kind == "flag":
            parts.append(f"[{name}]")
        else:
            metavar = "<" + name.lstrip("-") + ">"
            parts.append(f"{name} {metavar}" if name in required else f"[{name} {metavar}]")
    parts += positionals
    indent = " " * (len("usage: ") + len(prog) + 1)
    line, lines = "", []
    for part in parts:
        if line and len(line) + len(part) + 1 > 79:
            lines.append(line)
            line = indent + part
        else:
            line = f"{line} {part}" if line else part
    lines.append(line)
    return "\n".join(lines) + "\n"
