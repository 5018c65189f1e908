"""The machine's clock: date and sleep as GNU coreutils 9.4 runs them on Ubuntu 24.04 (LANG=C.UTF-8, TZ UTC,
as a cloud image is set up).

Time is the machine's own clock (`machine.now()`), never the host's: `sleep 100` moves it on at once, so
`date` and `uptime` show the time passed and nobody waits. Only `sleep inf` never ends: the line's budget
stops it as Ctrl-C would.
"""

from __future__ import annotations

import calendar
import math
import re
import time

from simulator.commands import Context, command
from simulator.commands.options import Options, UsageError, parse
from simulator.filesystem import FsError

COREUTILS = "(GNU coreutils) 9.4"
DEFAULT_FORMAT = "%a %b %e %H:%M:%S %Z %Y"
NEVER = 100 * 365 * 86400  # a sleep longer than a century is one nobody sees the end of
MAX_YEAR = 9999  # what the simulated date can show; beyond it date answers "out of range"
SLEEP_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
ISO_FORMATS = {  # in date.c's order, which its error message lists
    "hours": "%Y-%m-%dT%H%:z",
    "minutes": "%Y-%m-%dT%H:%M%:z",
    "date": "%Y-%m-%d",
    "seconds": "%Y-%m-%dT%H:%M:%S%:z",
    "ns": "%Y-%m-%dT%H:%M:%S,%N%:z",
}
RFC_3339_FORMATS = {"date": "%Y-%m-%d", "seconds": "%Y-%m-%d %H:%M:%S%:z", "ns": "%Y-%m-%d %H:%M:%S.%N%:z"}
UNITS = {
    "sec": 1,
    "second": 1,
    "min": 60,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "fortnight": 1209600,
    "month": "month",
    "year": "year",
}


def _try_help(ctx: Context, prog: str, text: str) -> int:
    ctx.err(f"{prog}: {text}\nTry '{prog} --help' for more information.\n")
    return 1


@command(
    "sleep",
    man="""
NAME
       sleep - delay for a specified amount of time

SYNOPSIS
       sleep NUMBER[SUFFIX]...

DESCRIPTION
       Pause for NUMBER seconds (SUFFIX s, m for minutes, h for hours, d for days; NUMBER may be a
       fraction). Several arguments add up. 'sleep inf' sleeps until interrupted.
       In GuestLab the machine's clock moves on at once: try 'sleep 100; uptime'.
""",
)
def sleep(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "", {})
    except UsageError as error:
        return _try_help(ctx, "sleep", str(error))
    if "help" in opts or "version" in opts:
        from simulator.commands import MAN_PAGES

        ctx.out(MAN_PAGES["sleep"] if "help" in opts else f"sleep {COREUTILS}\n")
        return 0
    if not operands:
        return _try_help(ctx, "sleep", "missing operand")
    total = 0.0
    bad = False
    for operand in operands:
        seconds = _interval(operand)
        if seconds is None:
            ctx.err(f"sleep: invalid time interval ‘{operand}’\n")
            bad = True
            continue
        total += seconds
    if bad:
        ctx.err("Try 'sleep --help' for more information.\n")
        return 1
    if total > NEVER:
        ctx.tick(ctx.work.limit)  # never wakes: the budget ends the line
    ctx.machine.tick(math.ceil(total))
    return 0


def _interval(text: str) -> float | None:
    match = re.fullmatch(r"((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf|infinity)([smhd]?)", text.strip(), re.I)
    if not match:
        return None
    return float(match.group(1)) * SLEEP_UNITS[match.group(2)]


@command(
    "date",
    man="""
NAME
       date - print or set the system date and time

SYNOPSIS
       date [OPTION]... [+FORMAT]
       date [-u] [MMDDhhmm[[CC]YY][.ss]]  (setting: root only)

DESCRIPTION
       Display the time (this machine runs in UTC) in the given FORMAT, or set the system time.
       -d, --date=STRING   display the time described by STRING: @EPOCH, now, yesterday, tomorrow,
                           2024-05-01 12:00, '3 days ago', '+2 hours'
       -u     Coordinated Universal Time (UTC)        -r FILE   the last modification time of FILE
       -R     RFC 5322 format: Mon, 14 Aug 2006 02:34:56 +0000
       -I[FMT]    ISO 8601: date (default), hours, minutes, seconds or ns
       --rfc-3339=FMT   date, seconds or ns         -s STRING   set the time (root only)
       FORMAT: %Y-%m-%d %H:%M:%S, %F, %T, %s (seconds since the epoch), %a %A %b %B %j %Z %z %N ...
       Example: date +%F; date -d @1700000000; date -u -Iseconds
""",
)
def date(ctx: Context, argv: list[str]) -> int:
    args = [_iso_short(arg) for arg in argv[1:]]
    try:
        opts, operands = parse(
            args,
            "ud:Rs:r:",
            {
                "utc": "u",
                "universal": "u",
                "date=": "d",
                "rfc-email": "R",
                "rfc-2822": "R",
                "set=": "s",
                "reference=": "r",
                "iso-8601=?": "I",
                "rfc-3339=": "rfc",
            },
        )
    except UsageError as error:
        return _try_help(ctx, "date", str(error))
    if "help" in opts or "version" in opts:
        from simulator.commands import MAN_PAGES

        ctx.out(MAN_PAGES["date"] if "help" in opts else f"date {COREUTILS}\n")
        return 0
    chosen = _output_format(ctx, opts, operands)
    if isinstance(chosen, int):
        return chosen
    now = ctx.machine.fs.now()
    moment = now
    if "d" in opts:
        moment = parse_date(opts.get("d", ""), now)
        if moment is None:
            ctx.err(f"date: invalid date ‘{opts.get('d')}’\n")
            return 1
    if "r" in opts:
        try:
            moment = ctx.machine.fs.stat(opts.get("r", ""), ctx.cwd, ctx.uid).mtime
        except FsError as error:
            ctx.err(f"date: {opts.get('r')}: {error.message}\n")
            return 1
    status = 0
    if "s" in opts:
        moment = parse_date(opts.get("s", ""), now)
        if moment is None:
            ctx.err(f"date: invalid date ‘{opts.get('s')}’\n")
            return 1
        if not ctx.is_root:
            ctx.err("date: cannot set date: Operation not permitted\n")
            status = 1
        else:
            _set_clock(ctx.machine, moment)
    try:
        shown = format_time(chosen, moment)
    except (OverflowError, OSError, ValueError):
        ctx.err(f"date: time ‘{moment}’ is out of range\n")
        return 1
    ctx.out(shown + "\n")
    return status


def _iso_short(arg: str) -> str:
    """-I and -Iseconds are --iso-8601 and --iso-8601=seconds (an optional argument glued to -I)."""
    if arg.startswith("-I"):
        return "--iso-8601" + (f"={arg[2:]}" if arg[2:] else "")
    return arg


def _output_format(ctx: Context, opts: Options, operands: list[str]) -> str | int:
    formats = []
    if "R" in opts:
        formats.append("%a, %d %b %Y %H:%M:%S %z")
    if "I" in opts:
        key = _choice(opts.get("I") or "date", ISO_FORMATS)
        if key is None:
            return _invalid_argument(ctx, opts.get("I") or "", "--iso-8601", ISO_FORMATS)
        formats.append(ISO_FORMATS[key])
    if "rfc" in opts:
        key = _choice(opts.get("rfc", ""), RFC_3339_FORMATS)
        if key is None:
            return _invalid_argument(ctx, opts.get("rfc", ""), "--rfc-3339", RFC_3339_FORMATS)
        formats.append(RFC_3339_FORMATS[key])
    if operands:
        if len(operands) > 1:
            return _try_help(ctx, "date", f"extra operand ‘{operands[1]}’")
        if not operands[0].startswith("+"):
            ctx.err(f"date: invalid date ‘{operands[0]}’\n")
            return 1
        formats.append(operands[0][1:])
    if len(formats) > 1:
        ctx.err("date: multiple output formats specified\n")
        return 1
    return formats[0] if formats else DEFAULT_FORMAT


def _choice(value: str, table: dict) -> str | None:
    """argmatch: an exact name or a unique prefix of one."""
    if value in table:
        return value
    matches = [name for name in table if name.startswith(value)] if value else []
    return matches[0] if len(matches) == 1 else None


def _invalid_argument(ctx: Context, value: str, option: str, table: dict) -> int:
    valid = "".join(f"  - ‘{name}’\n" for name in table)
    ctx.err(f"date: invalid argument ‘{value}’ for ‘{option}’\nValid arguments are:\n{valid}")
    ctx.err("Try 'date --help' for more information.\n")
    return 1


def _set_clock(machine, moment: int) -> None:
    """Setting the time moves the wall clock, not the time since boot."""
    delta = moment - machine.now()
    machine.clock += delta
    machine.boot_clock += delta


def parse_date(text: str, now: int) -> int | None:
    """The common forms of date -d: @EPOCH, now/today/yesterday/tomorrow, YYYY-MM-DD [HH:MM[:SS]],
    HH:MM[:SS] (today), and relative items such as '3 days ago', '+2 hours', 'next week'."""
    words = text.strip().lower()
    if not words:  # an empty date is the start of today
        return now - now % 86400
    if words.startswith("@"):
        match = re.fullmatch(r"@\s*([-+]?\d+)(?:\.\d+)?", words)
        return int(match.group(1)) if match else None
    words = re.sub(r"\s+(utc|gmt|z)$", "", words)
    base = now
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", words)
    if match:
        year, month, day = (int(g) for g in match.group(1, 2, 3))
        hour, minute, second = (int(g or 0) for g in match.group(4, 5, 6))
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
            return None
        if hour > 23 or minute > 59 or second > 60:
            return None
        base = calendar.timegm((year, month, day, hour, minute, second))
        words = words[match.end() :].strip()
        if year + len(words) > MAX_YEAR:  # calendar arithmetic ends at 9999
            return None
    else:
        match = re.match(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", words)
        if match:
            hour, minute, second = (int(g or 0) for g in match.groups())
            if hour > 23 or minute > 59 or second > 60:
                return None
            base = now - now % 86400 + hour * 3600 + minute * 60 + second
            words = words[match.end() :].strip()
    return _relative(words, base)


def _relative(words: str, base: int) -> int | None:
    words = words.replace("yesterday", "-1 day").replace("tomorrow", "1 day")
    words = re.sub(r"\b(now|today)\b", "", words)
    words = re.sub(r"\bnext\b", "1", re.sub(r"\blast\b", "-1", words))
    ago = bool(re.search(r"\bago\b", words))
    words = re.sub(r"\bago\b", "", words).strip()
    seconds, months = 0, 0
    for match in re.finditer(r"\s*([-+]?\s*\d*)\s*([a-z]+)|\s*(\S+)", words):
        if match.group(3) is not None:
            return None
        count_text, unit = match.group(1).replace(" ", ""), match.group(2)
        unit = unit[:-1] if unit.endswith("s") and unit[:-1] in UNITS else unit
        if unit not in UNITS:
            return None
        count = int(count_text) if count_text not in ("", "+", "-") else -1 if count_text == "-" else 1
        if UNITS[unit] == "month":
            months += count
        elif UNITS[unit] == "year":
            months += 12 * count
        else:
            seconds += count * UNITS[unit]
    if ago:
        seconds, months = -seconds, -months
    return _add_months(base, months) + seconds


def _add_months(moment: int, months: int) -> int:
    if not months:
        return moment
    stamp = time.gmtime(moment)
    index = stamp.tm_year * 12 + stamp.tm_mon - 1 + months
    year, month = divmod(index, 12)
    # GNU date lets the day overflow into the next month (Jan 31 + 1 month = Mar 3), as mktime does
    return calendar.timegm((year, month + 1, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec))


# strftime directives: (how to compute, numeric default width or 0 for text, default pad)
NUMERIC = {
    "d": (2, "0"),
    "e": (2, " "),
    "H": (2, "0"),
    "I": (2, "0"),
    "j": (3, "0"),
    "k": (2, " "),
    "l": (2, " "),
    "m": (2, "0"),
    "M": (2, "0"),
    "S": (2, "0"),
    "U": (2, "0"),
    "V": (2, "0"),
    "W": (2, "0"),
    "y": (2, "0"),
    "C": (2, "0"),
    "Y": (1, "0"),
    "G": (1, "0"),
    "g": (2, "0"),
    "u": (1, "0"),
    "w": (1, "0"),
    "s": (1, "0"),
    "N": (9, "0"),
}
COMPOSITE = {
    "c": "%a %b %e %H:%M:%S %Y",
    "D": "%m/%d/%y",
    "F": "%Y-%m-%d",
    "r": "%I:%M:%S %p",
    "R": "%H:%M",
    "T": "%H:%M:%S",
    "x": "%m/%d/%y",
    "X": "%H:%M:%S",
    "h": "%b",
}


MAX_WIDTH = 1 << 16  # a field wider than this is cut (GNU date would write gigabytes of padding)


def format_time(template: str, moment: int) -> str:
    """GNU date's strftime for a UTC time: flags - _ 0 ^ #, a width, and %N, %s, %:z, %P, %k, %l."""
    stamp = time.gmtime(moment)
    if not 1 <= stamp.tm_year <= MAX_YEAR:
        raise OverflowError(moment)
    pattern = re.compile(r"%([-_0^#]*)(\d*)(:{0,3}[a-zA-Z%]|:{1,3}z)?")

    def one(match: re.Match) -> str:
        flags, width, directive = match.group(1), match.group(2), match.group(3)
        if not directive:
            return match.group(0)
        return _directive(stamp, moment, flags, width, directive, match.group(0))

    return pattern.sub(one, template)


def _directive(stamp, moment: int, flags: str, width: str, directive: str, whole: str) -> str:
    if directive == "%":
        return "%"
    if directive in COMPOSITE:
        text = format_time(COMPOSITE[directive], moment)
        return _pad_text(text, flags, width)
    if directive in NUMERIC:
        value = _number(stamp, moment, directive)
        size, pad = NUMERIC[directive]
        if "-" in flags:
            return str(value)
        pad = " " if "_" in flags else "0" if "0" in flags else pad
        size = min(int(width), MAX_WIDTH) if width else size
        text = str(abs(value))
        sign = "-" if value < 0 else ""
        return sign + text.rjust(size - len(sign), pad)
    texts = {
        "a": time.strftime("%a", stamp),
        "A": time.strftime("%A", stamp),
        "b": time.strftime("%b", stamp),
        "B": time.strftime("%B", stamp),
        "p": "AM" if stamp.tm_hour < 12 else "PM",
        "P": "am" if stamp.tm_hour < 12 else "pm",
        "Z": "UTC",
        "z": "+0000",
        ":z": "+00:00",
        "::z": "+00:00:00",
        ":::z": "+00",
        "n": "\n",
        "t": "\t",
    }
    if directive not in texts:
        return whole
    text = texts[directive]
    if "#" in flags:
        text = text.lower() if directive in ("Z", "p") else text.upper()
    return _pad_text(text, flags, width)


def _pad_text(text: str, flags: str, width: str) -> str:
    if "^" in flags:
        text = text.upper()
    if width:
        text = text.rjust(min(int(width), MAX_WIDTH), "0" if "0" in flags else " ")
    return text


def _number(stamp, moment: int, directive: str) -> int:
    if directive == "s":
        return moment
    if directive == "N":
        return 0
    if directive in ("k",):
        return stamp.tm_hour
    if directive == "l":
        return stamp.tm_hour % 12 or 12
    if directive == "e":
        return stamp.tm_mday
    return int(time.strftime("%" + directive, stamp))
