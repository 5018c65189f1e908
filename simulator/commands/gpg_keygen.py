"""gpg --gen-key and --full-generate-key: GnuPG 2.4.4's key generation dialogue on the terminal.

Texts and order from g10/keygen.c (generate_keypair, ask_algo, ask_curve, ask_keysize,
ask_expire_interval, ask_user_id, do_create) and agent/genkey.c (agent_ask_new_passphrase,
check_passphrase_constraints). gpg asks on /dev/tty (cpr_get), whatever stdin is; the passphrase is asked
by the curses pinentry, a full-screen dialog modelled here as its text and an unechoed prompt, with its two
buttons as one prompt line (Enter takes the first, the focused one). Ctrl-C at gpg's own prompt kills it
(common/signal.c: "signal Interrupt caught ... exiting"); in the pinentry it is Cancel. Not modelled:
--expert's extra choices, a smartcard, parameter files (--batch). Choice 14 asks gpg-agent for a card:
with no scdaemon installed (Ubuntu's server has none) agent/call-daemon.c answers GPG_ERR_NO_SCDAEMON,
which ask_algo prints as "error reading the card: No SmartCard daemon" before asking again.
"""

from __future__ import annotations

import re
import time

from simulator import pgp
from simulator.dialogue import TerminalInterrupt, to_terminal

ENTROPY = (
    "We need to generate a lot of random bytes. It is a good idea to perform\n"
    "some other action (type on the keyboard, move the mouse, utilize the\n"
    "disks) during the prime generation; this gives the random number\n"
    "generator a better chance to gain enough entropy.\n"
)
ALGO_MENU = (
    "Please select what kind of key you want:\n"
    "   (1) RSA and RSA\n"
    "   (2) DSA and Elgamal\n"
    "   (3) DSA (sign only)\n"
    "   (4) RSA (sign only)\n"
    "   (9) ECC (sign and encrypt) *default*\n"
    "  (10) ECC (sign only)\n"
    "  (14) Existing key from card\n"
)
# ask_algo's choices: (primary family, subkey family or None), by number and by name
ALGOS = {1: ("rsa", "rsa"), 2: ("dsa", "elg"), 3: ("dsa", None), 4: ("rsa", None), 9: ("ecc", "ecc")}
ALGOS[10] = ("ecc", None)
ALGO_NAMES = {"rsa+rsa": 1, "dsa+elg": 2, "dsa": 3, "rsa/s": 4, "ecc+ecc": 9, "ecc/s": 10, "cardkey": 14}
# ask_curve without --expert: menu number, names typed, the key's and the subkey's names as listed
CURVES = {
    1: (("curve25519", "curve 25519"), "ed25519", "cv25519"),
    4: (("nist p-384",), "nistp384", "nistp384"),
    6: (("brainpoolp256r1", "brainpool p-256"), "brainpoolP256r1", "brainpoolP256r1"),
}
CURVE_MENU = (
    "Please select which elliptic curve you want:\n"
    "   (1) Curve 25519 *default*\n"
    "   (4) NIST P-384\n"
    "   (6) Brainpool P-256\n"
)
KEYSIZES = {"rsa": ("RSA", 1024, 3072, 4096, 32), "dsa": ("DSA", 1024, 2048, 3072, 64)}
EXPIRY_MENU = (
    "Please specify how long the key should be valid.\n"
    "         0 = key does not expire\n"
    "      <n>  = key expires in n days\n"
    "      <n>w = key expires in n weeks\n"
    "      <n>m = key expires in n months\n"
    "      <n>y = key expires in n years\n"
)
USER_ID_INTRO = "\nGnuPG needs to construct a user ID to identify your key.\n\n"
EMPTY_PASSPHRASE = (
    "You have not entered a passphrase - this is in general a bad idea!\n"
    "Please confirm that you do not want to have any protection on your key.\n"
)
WEAK_PASSPHRASE = (
    "Warning: You have entered an insecure passphrase.\n\n"
    "A passphrase should be at least 8 characters long.\n"
    "A passphrase should contain at least 1 digit or\nspecial character.\n"
)
INTERRUPTED = "\ngpg: signal Interrupt caught ... exiting\n"


class Cancelled(Exception):
    """The learner chose Quit at the user ID, or Cancel in the pinentry."""


class Dialogue:
    """gpg's side of the terminal: tty_printf and cpr_get."""

    def __init__(self, ctx, tty):
        self.ctx = ctx
        self.tty = tty

    def say(self, text: str) -> None:
        to_terminal(self.ctx, text)

    def ask(self, prompt: str, echo: bool = True) -> str:
        self.say(prompt)
        return self.tty.read_line(echo)


def ask_parameters(dialogue: Dialogue, full: bool, now: int) -> dict:
    """What generate_keypair asks: for --full-generate-key the algorithm, curve or size and the expiry,
    then the user ID. Raises Cancelled (Quit) or TerminalInterrupt (Ctrl-C)."""
    if full:
        algo, sub_algo = _ask_algo(dialogue)
        lifetime = _ask_expiry(dialogue, now)
    else:
        dialogue.say('Note: Use "gpg --full-generate-key" for a full featured key generation dialog.\n')
        algo, sub_algo, lifetime = "ed25519", "cv25519", pgp.DEFAULT_YEARS * 365 * pgp.DAY
    uid = _ask_user_id(dialogue, full)
    return {"algo": algo, "sub_algo": sub_algo, "lifetime": lifetime, "uid": uid}


def _atoi(text: str) -> int:
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def _ask_algo(dialogue: Dialogue) -> tuple[str, str | None]:
    dialogue.say(ALGO_MENU)
    while True:
        answer = dialogue.ask("Your selection? ")
        choice = ALGO_NAMES.get(answer, _atoi(answer) if answer else 9)
        if choice == 14:
            dialogue.say("error reading the card: No SmartCard daemon\n")
            continue
        if choice not in ALGOS:
            dialogue.say("Invalid selection.\n")
            continue
        family, sub_family = ALGOS[choice]
        if family == "ecc":
            _, name, sub_name = _ask_curve(dialogue)
            return name, sub_name if sub_family else None
        bits = _ask_keysize(dialogue, family)
        return f"{family}{bits}", f"{sub_family}{bits}" if sub_family else None


def _ask_curve(dialogue: Dialogue) -> tuple:
    dialogue.say(CURVE_MENU)
    while True:
        answer = dialogue.ask("Your selection? ")
        number = _atoi(answer) if answer else 1
        if answer and not number:
            number = next((n for n, curve in CURVES.items() if answer.lower() in curve[0]), 0)
        if number in CURVES:
            return CURVES[number]
        dialogue.say("Invalid selection.\n")


def _ask_keysize(dialogue: Dialogue, family: str) -> int:
    name, low, default, high, step = KEYSIZES[family]
    dialogue.say(f"{name} keys may be between {low} and {high} bits long.\n")
    while True:
        answer = dialogue.ask(f"What keysize do you want? ({default}) ")
        bits = _atoi(answer) if answer else default
        if low <= bits <= high:
            break
        dialogue.say(f"{name} keysizes must be in the range {low}-{high}\n")
    dialogue.say(f"Requested keysize is {bits} bits\n")
    if bits % step:  # fixup_keysize
        bits += step - bits % step
        dialogue.say(f"rounded up to {bits} bits\n")
    return bits


def expire_seconds(text: str, now: int) -> int | None:
    """parse_expire_string: 0 (or nothing) for never, N days, Nw, Nm (30 days), Ny (365 days), or an ISO
    date (it expires at noon); None when it is none of these."""
    text = text.strip()
    if text in ("", "none", "never", "-"):
        return 0
    date = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", text)
    if date:
        try:
            stamp = int(time.mktime(time.strptime("".join(date.groups()), "%Y%m%d")) - time.timezone)
        except (ValueError, OverflowError):
            return None
        return stamp + 43200 - now if stamp + 43200 > now else None
    match = re.fullmatch(r"(\d+)([dwmy]?)", text, re.I)
    if not match:
        return None
    days = int(match.group(1)) * {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}[match.group(2).lower()]
    return min(days * 86400, 2**32 - 2)


def _ask_expiry(dialogue: Dialogue, now: int) -> int:
    dialogue.say(EXPIRY_MENU)
    while True:
        seconds = expire_seconds(dialogue.ask("Key is valid for? (0) "), now)
        if seconds is None:
            dialogue.say("invalid value\n")
            continue
        if seconds:
            # asctimestamp in C.UTF-8: nl_langinfo(D_T_FMT) "%a %b %e %H:%M:%S %Y" and " %Z"
            when = time.strftime("%a %b %e %H:%M:%S %Y UTC", time.gmtime(now + seconds))
            dialogue.say(f"Key expires at {when}\n")
        else:
            dialogue.say("Key does not expire at all\n")
        if dialogue.ask("Is this correct? (y/N) ").strip().lower() in ("y", "yes"):
            return seconds


def _valid_mailbox(text: str) -> bool:
    """is_valid_mailbox: one @, not first or last, no "..", no trailing dot, no odd characters."""
    return (
        text.count("@") == 1
        and not text.startswith("@")
        and not text.endswith(("@", "."))
        and ".." not in text
        and re.fullmatch(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]+", text) is not None
    )


def _ask_user_id(dialogue: Dialogue, full: bool) -> str:
    dialogue.say(USER_ID_INTRO)
    name = mail = comment = None
    while True:
        while name is None:
            name = dialogue.ask("Real name: ").strip()
            if "<" in name or ">" in name:
                dialogue.say("Invalid character in name\nThe characters '<' and '>' may not appear in name\n")
                name = None
        while mail is None:
            mail = dialogue.ask("Email address: ").strip()
            if mail and not _valid_mailbox(mail):
                dialogue.say("Not a valid email address\n")
                mail = None
        while comment is None:
            comment = dialogue.ask("Comment: ").strip() if full else ""
            if "(" in comment or ")" in comment:
                dialogue.say("Invalid character in comment\n")
                comment = None
        if not name and mail and not comment:
            uid = mail
        else:
            uid = name + (f" ({comment})" if comment else "") + (f" <{mail}>" if mail else "")
        dialogue.say(f'You selected this USER-ID:\n    "{uid}"\n\n')
        fail = not mail and ("@" in name or "@" in comment)
        if fail:
            dialogue.say("Please don't put the email address into the real name or the comment\n")
        choices = "(N)ame, (C)omment, (E)mail or " if full else "(N)ame, (E)mail, or "
        prompt = f"Change {choices}{'(Q)uit' if fail else '(O)kay/(Q)uit'}? "
        while True:
            answer = dialogue.ask(prompt).lower()
            if len(answer) != 1 or answer not in "ncoeq":
                continue
            if answer == "o" and fail:
                dialogue.say("Please correct the error first\n")
                continue
            break
        if answer == "q":
            raise Cancelled
        if answer == "o":
            return uid
        name, comment, mail = (
            None if answer == "n" else name,
            None if answer == "c" else comment,
            None if answer == "e" else mail,
        )


def ask_passphrase(dialogue: Dialogue) -> str:
    """agent_ask_new_passphrase through the curses pinentry: the passphrase, repeated unless empty, then
    check_passphrase_constraints (gpg-agent's defaults: 8 characters, one of them not a letter); an empty
    or weak one is confirmed or entered again. Returns it ("" for no protection); Cancelled on Ctrl-C."""
    error = ""
    try:
        while True:
            dialogue.say(f"{error}Please enter the passphrase to\nprotect your new key\n\n")
            error = ""
            passphrase = dialogue.ask("Passphrase: ", echo=False)
            if passphrase:
                dialogue.say("Please re-enter this passphrase\n\n")
                if dialogue.ask("Passphrase: ", echo=False) != passphrase:
                    error = "does not match - try again\n"
                    continue
            weak = len(passphrase) < 8 or passphrase.isalpha()
            if not weak:
                return passphrase
            warning, anyway = (
                (EMPTY_PASSPHRASE, "Yes, protection is not needed")
                if not passphrase
                else (WEAK_PASSPHRASE, "Take this one anyway")
            )
            if confirm(dialogue, warning, anyway, "Enter new passphrase"):
                return passphrase
    except TerminalInterrupt:
        raise Cancelled from None


def confirm(dialogue: Dialogue, text: str, ok: str, notok: str) -> bool:
    """The curses pinentry's confirmation (agent_get_confirmation): its text, then its two buttons as one
    prompt line. Enter (or y) takes the first, the focused one; n or the second's initial the second.
    Ctrl-C is Cancel: TerminalInterrupt, for the caller to report."""
    dialogue.say(text + "\n")
    while True:
        answer = dialogue.ask(f"<{ok}>  <{notok}> ").strip().lower()
        if answer in ("", "y", "yes", ok.lower()):
            return True
        if answer in ("n", "no", notok.lower(), notok[0].lower()):
            return False
