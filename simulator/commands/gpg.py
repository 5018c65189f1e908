"""gpg, GnuPG 2.4.4 as Ubuntu 24.04 ships it: enough to list, make and delete a host's OpenPGP key.

Listings follow g10/keylist.c (list_keyblock_print), key generation g10/keygen.c
(quick_generate_keypair, and generate_keypair's dialogue in gpg_keygen.py) and deletion g10/delkey.c.
gpg asks its questions on the terminal itself (cpr_get reads /dev/tty, not standard input). --gen-key and
--full-generate-key ask them there (simulator/dialogue.py), as do --quick-generate-key and the deletions
their confirmations; a key made without --batch asks its passphrase through the pinentry. Without a
terminal (the host page's buttons) a question gets its default.
"""

from __future__ import annotations

import re
import time

from simulator import pgp
from simulator.commands import Context, command
from simulator.commands import gpg_keygen as keygen
from simulator.dialogue import TerminalInterrupt, terminal, to_terminal
from simulator.filesystem import FsError

BANNER = (
    "gpg (GnuPG) 2.4.4; Copyright (C) 2024 g10 Code GmbH\n"
    "This is free software: you are free to change and redistribute it.\n"
    "There is NO WARRANTY, to the extent permitted by law.\n\n"
)
ENTROPY = (
    "We need to generate a lot of random bytes. It is a good idea to perform\n"
    "some other action (type on the keyboard, move the mouse, utilize the\n"
    "disks) during the prime generation; this gives the random number\n"
    "generator a better chance to gain enough entropy.\n"
)
COMMANDS = {
    "--list-keys": "list",
    "--list-public-keys": "list",
    "-k": "list",
    "--list-secret-keys": "secret",
    "-K": "secret",
    "--fingerprint": "list",
    "--gen-key": "dialogue",
    "--generate-key": "dialogue",
    "--full-generate-key": "full-dialogue",
    "--full-gen-key": "full-dialogue",
    "--quick-generate-key": "generate",
    "--quick-gen-key": "generate",
    "--delete-keys": "delete",
    "--delete-key": "delete",
    "--delete-secret-keys": "delete-secret",
    "--delete-secret-key": "delete-secret",
    "--delete-secret-and-public-keys": "delete-both",
    "--delete-secret-and-public-key": "delete-both",
}
FLAGS = {"--batch", "--yes", "--with-colons", "--no-tty", "--quiet", "-q"}
VALUED = {"--passphrase", "--pinentry-mode", "--homedir"}


class _Run:
    """One gpg invocation: its options and its home."""

    def __init__(self, ctx: Context, options: set[str], values: dict[str, str]):
        self.ctx = ctx
        self.batch = "--batch" in options
        self.yes = "--yes" in options
        self.home = values.get("--homedir") or pgp.home(ctx.machine, ctx.user)
        self.fs = ctx.machine.fs

    def ask(self, question: str, default: bool) -> bool:
        """cpr_get_answer_is_yes_def: the question on the terminal, y or yes, n or no, anything else its
        default. Without a terminal (a button of the host page), the default."""
        tty = terminal(self.ctx)
        if tty is None:
            self.ctx.out(question + "\n")
            return default
        to_terminal(self.ctx, question)
        answer = tty.read_line().strip().lower()
        return True if answer in ("y", "yes") else False if answer in ("n", "no") else default

    def keys(self) -> list[dict]:
        return pgp.load(self.fs, self.home)


def _date(stamp: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(stamp))


def _expiry(stamp: int) -> str:
    return f" [expires: {_date(stamp)}]" if stamp else ""


def _keyid(fpr: str) -> str:
    return fpr[-16:]


def _matches(key: dict, name: str) -> bool:
    """A user id substring (case-insensitive), a key id or a fingerprint, with or without 0x."""
    wanted = name.strip()
    hexed = wanted.upper().removeprefix("0X").replace(" ", "")
    fpr = pgp.key_fingerprint(key)
    if re.fullmatch(r"[0-9A-F]{8}|[0-9A-F]{16}|[0-9A-F]{40}", hexed):
        return fpr.endswith(hexed)
    return wanted.lower().strip("<>") in key["uid"].lower()


def _listing(run: _Run, secret: bool, names: list[str]) -> int:
    ctx = run.ctx
    trustdb = f"{run.home}/trustdb.gpg"
    if run.fs.is_dir(run.home) and not run.fs.exists(trustdb):
        # keylist.c's check_trustdb_stale opens the trust database, and tdbio_set_dbname makes it
        try:
            run.fs.write(trustdb, "", uid=ctx.uid, mode=0o600)
        except FsError as error:
            ctx.err(f"gpg: can't create '{trustdb}': {error.message}\n")
            return 2
        ctx.err(f"gpg: {trustdb}: trustdb created\n")
    if pgp.take_check_due(run.fs, run.home):  # trustdb.c check_trustdb after a key was added
        _check_trustdb(run)
    keys = [k for k in run.keys() if not secret or pgp.has_secret(run.fs, run.home, k)]
    if names:
        chosen = [k for k in keys if any(_matches(k, n) for n in names)]
        missing = [n for n in names if not any(_matches(k, n) for k in keys)]
        ctx.err(f"gpg: error reading key: {'No secret key' if secret else 'No public key'}\n" * len(missing))
        keys = chosen
        if missing and not keys:
            return 2
    elif keys:
        path = f"{run.home}/pubring.kbx"
        ctx.out(f"{path}\n{'-' * len(path)}\n")
    for key in keys:
        fpr = pgp.key_fingerprint(key)
        mine = pgp.has_secret(run.fs, run.home, key)
        head, sub = ("sec", "ssb") if secret else ("pub", "sub")
        ctx.out(
            f"{head}   {pgp.algo(key)} {_date(key['created'])} [SC]{_expiry(key['expires'])}\n"
            f"      {fpr}\n"
            + (f"uid           [{'ultimate' if mine else ' unknown'}] {key['uid']}\n" if key["uid"] else "")
            + (
                f"{sub}   {pgp.sub_algo(key)} {_date(key['created'])} [E]{_expiry(key['sub_expires'])}\n"
                if pgp.sub_algo(key)
                else ""
            )
            + "\n"
        )
    return 0


def _check_trustdb(run: _Run) -> None:
    """validate_keys: the PGP trust model's summary, every key with a secret part here ultimately trusted."""
    keys = run.keys()
    ultimate = sum(pgp.has_secret(run.fs, run.home, k) for k in keys)
    run.ctx.err(
        "gpg: checking the trustdb\n"
        "gpg: marginals needed: 3  completes needed: 1  trust model: pgp\n"
        f"gpg: depth: 0  valid: {ultimate:3d}  signed:   0  trust: 0-, 0q, 0n, 0m, 0f, {ultimate}u\n"
    )
    expiries = [k["expires"] for k in keys if k["expires"] and pgp.has_secret(run.fs, run.home, k)]
    if expiries:
        run.ctx.err(f"gpg: next trustdb check due at {_date(min(expiries))}\n")


def _generate(run: _Run, args: list[str]) -> int:
    """quick_generate_keypair: ask before making it (unless --batch or --yes) and again for a user id that
    already has a key, then make the key, mark it ultimately trusted and store a revocation certificate."""
    ctx, fs = run.ctx, run.fs
    if not args:
        ctx.err("usage: gpg [options] --quick-generate-key user-id [algo [usage [expire]]]\n")
        return 2
    uid = args[0].strip()
    if not uid:
        ctx.err("gpg: Key generation failed: Invalid user ID\n")
        return 2
    exists = any(k["uid"] == uid for k in run.keys())
    if not run.batch and not run.yes:
        ctx.out(f'About to create a key for:\n    "{uid}"\n\n')
        if not run.ask("Continue? (Y/n) ", True):
            return 0
    if exists:  # the question's default (no) stands in batch mode
        ctx.err(f'gpg: A key for "{uid}" already exists\n')
        if not run.yes and (run.batch or not run.ask("Create anyway? (y/N) ", False)):
            return 2
        ctx.err("gpg: creating anyway\n")
    created_home = not fs.exists(run.home)
    if created_home:
        ctx.err(f"gpg: directory '{run.home}' created\n")
    if not fs.exists(f"{run.home}/pubring.kbx"):
        ctx.err(f"gpg: keybox '{run.home}/pubring.kbx' created\n")
    tty = terminal(ctx)
    passphrase = ""
    if tty is not None and not run.batch:  # the agent asks for the passphrase through the pinentry
        dialogue = keygen.Dialogue(ctx, tty)
        dialogue.say(ENTROPY)
        try:
            passphrase = keygen.ask_passphrase(dialogue)
        except keygen.Cancelled:
            return _cancelled(dialogue)
        dialogue.say(ENTROPY)
    else:
        ctx.out(ENTROPY + ENTROPY)
    key = pgp.new_key(ctx.machine.rng(), uid, ctx.machine.now(), protected=bool(passphrase))
    if not _store(run, key):
        return 2
    ctx.out("public and secret key created and signed.\n\n" + _created(key))
    return 0


def _store(run: _Run, key: dict) -> bool:
    """do_generate_keypair's end: the key in the keyring and with the agent, trusted ultimately (a new trust
    database if there was none), its revocation certificate stored; False, said, when it cannot be."""
    ctx, fs = run.ctx, run.fs
    try:
        pgp.add_key(fs, run.home, key, ctx.machine.rng(), ctx.uid)
        fpr = pgp.key_fingerprint(key)
        if not fs.exists(f"{run.home}/trustdb.gpg"):
            fs.write(f"{run.home}/trustdb.gpg", "", uid=ctx.uid, mode=0o600)
            ctx.err(f"gpg: {run.home}/trustdb.gpg: trustdb created\n")
        ctx.err(f"gpg: key {_keyid(fpr)} marked as ultimately trusted\n")
        revocs = f"{run.home}/openpgp-revocs.d"
        if not fs.exists(revocs):
            fs.mkdir(revocs, uid=ctx.uid, mode=0o700)
            ctx.err(f"gpg: directory '{revocs}' created\n")
        fs.write(f"{revocs}/{fpr}.rev", _revocation(key), uid=ctx.uid, mode=0o600)
    except FsError as error:
        ctx.err(f"gpg: failed to create temporary file '{run.home}/.#lk': {error.message}\n")
        ctx.err("gpg: Key generation failed: " + error.message + "\n")
        return False
    ctx.err(f"gpg: revocation certificate stored as '{revocs}/{fpr}.rev'\n")
    return True


def _created(key: dict) -> str:
    """list_keyblock_direct of a new key: its user id in the wide column, no validity. A user ID left empty
    in the dialogue makes a key with none (keygen.c's get_parameter_value takes "" for unset): no uid line."""
    sub = pgp.sub_algo(key)
    created = _date(key["created"])
    return (
        f"pub   {pgp.algo(key)} {created} [SC]{_expiry(key['expires'])}\n"
        f"      {pgp.key_fingerprint(key)}\n"
        + (f"uid                      {key['uid']}\n" if key["uid"] else "")
        + (f"sub   {sub} {created} [E]{_expiry(key['sub_expires'])}\n" if sub else "")
        + "\n"
    )


def _cancelled(dialogue: keygen.Dialogue) -> int:
    """Cancel (Ctrl-C) in the pinentry: the agent's error, then do_generate_keypair's on the terminal."""
    dialogue.ctx.err("gpg: agent_genkey failed: Operation cancelled\n")
    dialogue.say("Key generation failed: Operation cancelled\n")
    return 2


def _generate_dialogue(run: _Run, full: bool) -> int:
    """generate_keypair (g10/keygen.c): the dialogue on the terminal (gpg_keygen.py), then the key."""
    ctx, fs = run.ctx, run.fs
    if run.batch:
        ctx.err("gpg: parameter files (--batch --gen-key) are not simulated: use --quick-generate-key\n")
        return 2
    ctx.err(BANNER)
    if not fs.exists(run.home):
        try:
            fs.mkdir(run.home, uid=ctx.uid, mode=0o700)
        except FsError as error:
            ctx.err(f"gpg: can't create directory '{run.home}': {error.message}\n")
            return 2
        ctx.err(f"gpg: directory '{run.home}' created\n")
    if not fs.exists(f"{run.home}/pubring.kbx"):
        pgp.save(fs, run.home, [], ctx.uid)
        ctx.err(f"gpg: keybox '{run.home}/pubring.kbx' created\n")
    tty = terminal(ctx)
    if tty is None:  # tty_printf opens /dev/tty first (common/ttyio.c init_ttyfp)
        ctx.err("gpg: cannot open '/dev/tty': No such device or address\n")
        return 2
    dialogue = keygen.Dialogue(ctx, tty)
    try:
        wanted = keygen.ask_parameters(dialogue, full, ctx.machine.now())
    except TerminalInterrupt:
        ctx.err(keygen.INTERRUPTED)
        return 130
    except keygen.Cancelled:  # (Q)uit at the user ID
        ctx.err("gpg: Key generation canceled.\n")
        return 2
    dialogue.say(keygen.ENTROPY)
    try:
        passphrase = keygen.ask_passphrase(dialogue)
    except keygen.Cancelled:
        return _cancelled(dialogue)
    key = pgp.new_key(
        ctx.machine.rng(),
        wanted["uid"],
        ctx.machine.now(),
        algo=wanted["algo"],
        sub_algo=wanted["sub_algo"],
        lifetime=wanted["lifetime"],
        protected=bool(passphrase),
    )
    if wanted["sub_algo"]:
        dialogue.say(keygen.ENTROPY)  # do_create again, for the subkey
    if not _store(run, key):
        return 2
    dialogue.say("public and secret key created and signed.\n\n")
    ctx.out(_created(key))
    if not wanted["sub_algo"] and not pgp.algo(key).startswith(("ed", "nist", "brainpool")):
        dialogue.say(
            "Note that this key cannot be used for encryption.  You may want to use\n"
            'the command "--edit-key" to generate a subkey for this purpose.\n'
        )
    return 0


def _revocation(key: dict) -> str:
    return (
        "This is a revocation certificate for the OpenPGP key:\n\n"
        f"pub   {pgp.algo(key)} [SC]\n      {pgp.key_fingerprint(key)}\n\n"
        'A revocation certificate is a kind of "kill switch" to publicly\n'
        "declare that a key shall not anymore be used.  It is not possible\n"
        "to retract such a revocation certificate once it has been published.\n"
    )


def _delete(run: _Run, names: list[str], secret: bool, public: bool) -> int:
    """do_delete_key (g10/delkey.c, 2.4): the public key of a key whose secret part is still here cannot
    go alone. In batch mode a full fingerprint stands for the confirmation (--yes too, for a public key
    only); otherwise each part is shown and confirmed on the terminal, --yes or not."""
    ctx, fs = run.ctx, run.fs
    if not names:
        which = "secret-and-public-key" if secret and public else "secret-key" if secret else "key"
        ctx.err(f"usage: gpg [options] --delete-{which} name\n")
        return 2
    if not run.batch:
        ctx.out(BANNER)
    status = 0
    for name in names:
        keys = run.keys()
        key = next((k for k in keys if _matches(k, name)), None)
        if key is None or secret and not pgp.has_secret(fs, run.home, key):
            ctx.err(f'gpg: key "{name}" not found: Not found\ngpg: {name}: delete key failed: Not found\n')
            status = 2
            continue
        fpr = pgp.key_fingerprint(key)
        if public and not secret and pgp.has_secret(fs, run.home, key):
            ctx.err(
                f'gpg: there is a secret key for public key "{name}"!\n'
                'gpg: use option "--delete-secret-keys" to delete it first.\n'
            )
            status = 2
            continue
        exact = re.fullmatch(r"(0[xX])?[0-9A-Fa-f]{40}", name.replace(" ", "")) is not None
        if run.batch and not exact and (secret or not run.yes):
            refusal = "can't do this in batch mode" + ("" if secret else ' without "--yes"')
            ctx.err(f"gpg: {refusal}\ngpg: (unless you specify the key by fingerprint)\n")
            status = 2
            continue
        summary = f"{pgp.algo(key)}/{_keyid(fpr)} {_date(key['created'])} {key['uid']}\n\n"
        if secret:
            if not run.batch:
                ctx.out("\nsec  " + summary)
                if not (
                    run.ask("Delete this key from the keyring? (y/N) ", False)
                    and run.ask("This is a secret key! - really delete? (y/N) ", False)
                ):
                    continue
            refused = _delete_secret_parts(run, key)
            if refused:
                ctx.err(f"gpg: {name}: delete key failed: {refused}\n")
                return 2
        if public:
            if not run.batch:
                ctx.out("\npub  " + summary)
                if not run.ask("Delete this key from the keyring? (y/N) ", False):
                    continue
            pgp.save(fs, run.home, [k for k in keys if pgp.key_fingerprint(k) != fpr], ctx.uid)
    return status


# gpg-agent's names and sizes of the keys gpg makes (openpgp_pk_algo_name, nbits_from_pk)
AGENT_ALGOS = {"ed25519": ("EDDSA", 255), "cv25519": ("ECDH", 255), "nistp384": ("ECDSA", 384)}
AGENT_ALGOS["brainpoolP256r1"] = ("ECDSA", 256)


def _agent_algo(name: str, subkey: bool) -> tuple[str, int]:
    if name in AGENT_ALGOS:
        algo, bits = AGENT_ALGOS[name]
        return ("ECDH" if subkey and algo == "ECDSA" else algo), bits
    return {"rsa": "RSA", "dsa": "DSA", "elg": "ELG"}[name[:3]], int(name[3:])


def _delete_secret_parts(run: _Run, key: dict) -> str:
    """do_delete_key's secret part: the agent deletes each secret (sub)key, and without --yes asks first in
    the pinentry (agent_delete_key, gpg_format_keydesc's FORMAT_KEYDESC_DELKEY). A part refused is kept
    and the next one asked; Cancel stops there. Returns the first error, "" when all are gone."""
    tty = terminal(run.ctx)
    main_id = _keyid(pgp.key_fingerprint(key))
    parts = [(pgp.algo(key), main_id, False)]
    if pgp.sub_algo(key):
        parts.append((pgp.sub_algo(key), _keyid(pgp.sub_fingerprint(key)), True))
    first = ""
    for grip, (name, key_id, subkey) in zip(pgp.grips(key), parts, strict=True):
        if tty is not None and not run.yes:
            algo, bits = _agent_algo(name, subkey)
            part, main = ("subkey", f" (main key ID {main_id})") if subkey else ("key", "")
            named = "subkey key" if subkey else "key"  # sic, as passphrase.c words it
            text = (
                f"Do you really want to permanently delete the OpenPGP secret {named}:\n"
                f'"{key["uid"]}"\n{bits}-bit {algo} key, ID {key_id},\n'
                f"created {_date(key['created'])}{main}.\n?"
            )
            try:
                agreed = keygen.confirm(keygen.Dialogue(run.ctx, tty), text, "Delete key", "No")
            except TerminalInterrupt:
                run.ctx.err(f"gpg: deleting secret {part} failed: Operation cancelled\n")
                return first or "Operation cancelled"
            if not agreed:
                run.ctx.err(f"gpg: deleting secret {part} failed: Not confirmed\n")
                first = first or "Not confirmed"
                continue
        run.fs.discard(f"{run.home}/private-keys-v1.d/{grip}.key")
    return first


@command(
    "gpg",
    man="""
gpg - OpenPGP encryption and signing tool (GnuPG 2.4.4)

  gpg --list-keys [NAME]           (-k) the public keys in ~/.gnupg/pubring.kbx: algorithm, date, usage,
                                   fingerprint, user id with its validity, subkeys
  gpg --list-secret-keys [NAME]    (-K) the keys whose secret part is in ~/.gnupg/private-keys-v1.d
  gpg --quick-generate-key USER-ID a new Ed25519 key with a Curve25519 encryption subkey, valid 3 years
  gpg --gen-key                    the same, asking for the name, email and a passphrase on the terminal
  gpg --full-generate-key          asks also the kind of key (RSA, DSA, ECC), its size or curve, its
                                   expiry and a comment. The passphrase is asked twice, not shown; the
                                   pinentry's buttons are one line: Enter takes the first, e the second
  gpg --delete-secret-and-public-key FPR   delete both parts of a key (asks y for each, and the pinentry
                                   asks again for each secret part: Enter takes Delete key; --batch
                                   --yes does not, but then the key must be named by its full fingerprint)
  gpg --delete-secret-keys NAME / --delete-keys NAME   only the secret / only the public part
As root (sudo), gpg uses /root/.gnupg: a host's own key lives there, and a clone carries it.
""",
)
def gpg(ctx: Context, argv: list[str]) -> int:
    options: set[str] = set()
    values: dict[str, str] = {}
    verb = ""
    args: list[str] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if arg in COMMANDS:
            if verb and COMMANDS[arg] != verb:
                ctx.err("gpg: conflicting commands\n")
                return 2
            verb = COMMANDS[arg]
        elif arg in FLAGS:
            options.add(arg)
        elif name in VALUED:
            if not eq:
                if i + 1 >= len(argv):
                    ctx.err(f'gpg: missing argument for option "{arg}"\n')
                    return 2
                i += 1
                value = argv[i]
            values[name] = value
        elif arg.startswith("-") and arg != "-":
            ctx.err(f'gpg: invalid option "{arg}"\n')
            return 2
        else:
            args.append(arg)
        i += 1
    run = _Run(ctx, options, values)
    if verb in ("dialogue", "full-dialogue"):
        return _generate_dialogue(run, verb == "full-dialogue")
    if values.get("--homedir") is None and not ctx.machine.fs.exists(run.home) and verb != "generate":
        try:
            ctx.machine.fs.mkdir(run.home, uid=ctx.uid, mode=0o700)
        except FsError as error:
            ctx.err(f"gpg: can't create directory '{run.home}': {error.message}\n")
            return 2
        ctx.err(f"gpg: directory '{run.home}' created\n")
        if verb in ("list", "secret"):
            ctx.err(f"gpg: keybox '{run.home}/pubring.kbx' created\n")
            pgp.save(ctx.machine.fs, run.home, [], ctx.uid)
    if verb in ("list", "secret"):
        return _listing(run, verb == "secret", args)
    try:
        if verb == "generate":
            return _generate(run, args)
        if verb.startswith("delete"):
            secret, public = verb in ("delete-secret", "delete-both"), verb in ("delete", "delete-both")
            return _delete(run, args, secret, public)
    except TerminalInterrupt:  # Ctrl-C at one of its questions
        ctx.err(keygen.INTERRUPTED)
        return 130
    ctx.err("gpg: WARNING: no command supplied.  Trying to guess what you mean ...\n")
    ctx.err("gpg: Go ahead and type your message ...\n")
    return 2
