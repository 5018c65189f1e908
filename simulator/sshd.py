"""What sshd (OpenSSH 9.6p1, Ubuntu 24.04) checks before it serves: `sshd -t`, which ssh.service runs as its
ExecStartPre=, and sshd itself at start.

It reads /etc/ssh/sshd_config and the files its Include names (servconf.c: parse_token rejects a keyword it
does not know, and the parse ends with fatal(), exit 255), then loads the host keys (sshd.c: the default
HostKey files are not user-provided, so a missing one is logged at debug level only; with none loaded,
"no hostkeys available", exit 1).
"""

from __future__ import annotations

import fnmatch

from simulator.filesystem import FsError

CONFIG = "/etc/ssh/sshd_config"
HOST_KEYS = ("rsa", "ecdsa", "ed25519")  # Debian's default HostKey list, in its order

# servconf.c's keywords[] (9.6p1), lowercased as parse_token compares them, plus Debian's DebianBanner.
KEYWORDS = frozenset(
    """usepam pamauthenticationviakbdint port hostkey hostdsakey hostkeyagent pidfile modulifile serverkeybits
    logingracetime keyregenerationinterval permitrootlogin syslogfacility loglevel logverbose
    rhostsauthentication rhostsrsaauthentication hostbasedauthentication hostbasedusesnamefrompacketonly
    hostbasedacceptedalgorithms hostbasedacceptedkeytypes hostkeyalgorithms rsaauthentication
    pubkeyauthentication pubkeyacceptedalgorithms pubkeyacceptedkeytypes pubkeyauthoptions dsaauthentication
    kerberosauthentication kerberosorlocalpasswd kerberosticketcleanup kerberosgetafstoken kerberostgtpassing
    afstokenpassing gssapiauthentication gssapicleanupcredentials gssapistrictacceptorcheck
    passwordauthentication kbdinteractiveauthentication challengeresponseauthentication skeyauthentication
    checkmail listenaddress addressfamily printmotd printlastlog ignorerhosts ignoreuserknownhosts
    x11forwarding x11displayoffset x11uselocalhost xauthlocation strictmodes permitemptypasswords
    permituserenvironment uselogin compression rekeylimit tcpkeepalive keepalive allowtcpforwarding
    allowagentforwarding allowusers denyusers allowgroups denygroups ciphers macs protocol gatewayports
    subsystem maxstartups persourcemaxstartups persourcenetblocksize maxauthtries maxsessions banner usedns
    verifyreversemapping reversemappingcheck clientaliveinterval clientalivecountmax authorizedkeysfile
    authorizedkeysfile2 useprivilegeseparation acceptenv setenv permittunnel permittty permituserrc match
    permitopen permitlisten forcecommand chrootdirectory hostcertificate revokedkeys trustedusercakeys
    authorizedprincipalsfile kexalgorithms include ipqos authorizedkeyscommand authorizedkeyscommanduser
    authorizedprincipalscommand authorizedprincipalscommanduser versionaddendum authenticationmethods
    streamlocalbindmask streamlocalbindunlink allowstreamlocalforwarding fingerprinthash disableforwarding
    exposeauthinfo rdomain casignaturealgorithms securitykeyprovider requiredrsasize channeltimeout
    unusedconnectiontimeout debianbanner""".split()
)


def _keyword(line: str) -> str:
    """A line's first word: strdelim splits at blanks or one '='."""
    return line.strip().replace("=", " ", 1).split()[0]


def _bad_options(fs, path: str, depth: int = 0) -> list[str]:
    """The "Bad configuration option" errors of one file and the files its Include lines name."""
    try:
        text = fs.read(path)
    except FsError:
        return []
    errors = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word = _keyword(line)
        if word.lower() not in KEYWORDS:
            errors.append(f"{path}: line {number}: Bad configuration option: {word}")
        elif word.lower() == "include" and depth < 16:  # servconf.c's SERVCONF_MAX_DEPTH
            for pattern in line.strip().replace("=", " ", 1).split()[1:]:
                pattern = pattern if pattern.startswith("/") else f"/etc/ssh/{pattern}"
                folder, _, glob = pattern.rpartition("/")
                try:
                    names = sorted(fs.listdir(folder or "/"))
                except FsError:
                    continue
                for name in names:
                    if fnmatch.fnmatchcase(name, glob):
                        errors += _bad_options(fs, f"{folder}/{name}", depth + 1)
    return errors


def check(fs, uid: int = 0) -> tuple[int, list[str]]:
    """What `sshd -t` run by uid prints (its log lines on stderr) and its exit status: 0 and nothing when
    sshd would start."""
    errors = _bad_options(fs, CONFIG)
    if errors:
        return 255, [*errors, f"{CONFIG}: terminating, {len(errors)} bad configuration options"]
    for kind in HOST_KEYS:
        try:
            if fs.read(f"/etc/ssh/ssh_host_{kind}_key", uid=uid).strip():
                return 0, []
        except FsError:
            continue
    return 1, ["sshd: no hostkeys available -- exiting."]
