"""networkctl --help and resolvectl --help as systemd 255 prints them: help() in src/network/networkctl.c
and native_help() in src/resolve/resolvectl.c, with no colours and the man page named in plain words (as
terminal_urlify_man() writes it when links are off). Options are parsed before anything else, so --help
works even where no D-Bus runs.

Verified: the text of networkctl's help in the systemd tree just after 255 (v256-dev), less what 256
added (mask, unmask, --runtime); resolvectl's in an older stable tree (v249) with what 250-255 added
(monitor, show-cache, show-server-state, --no-ask-password, --stale-data, --json, -j): those added lines
are UNVERIFIED against the v255 tag.
"""

from __future__ import annotations

NETWORKCTL = """networkctl [OPTIONS...] COMMAND

Query and control the networking subsystem.

Commands:
  list [PATTERN...]      List links
  status [PATTERN...]    Show link status
  lldp [PATTERN...]      Show LLDP neighbors
  label                  Show current address label entries in the kernel
  delete DEVICES...      Delete virtual netdevs
  up DEVICES...          Bring devices up
  down DEVICES...        Bring devices down
  renew DEVICES...       Renew dynamic configurations
  forcerenew DEVICES...  Trigger DHCP reconfiguration of all connected clients
  reconfigure DEVICES... Reconfigure interfaces
  reload                 Reload .network and .netdev files
  edit FILES|DEVICES...  Edit network configuration files
  cat FILES|DEVICES...   Show network configuration files

Options:
  -h --help              Show this help
     --version           Show package version
     --no-pager          Do not pipe output into a pager
     --no-legend         Do not show the headers and footers
  -a --all               Show status for all links
  -s --stats             Show detailed link statistics
  -l --full              Do not ellipsize output
  -n --lines=INTEGER     Number of journal entries to show
     --json=pretty|short|off
                         Generate JSON output
     --no-reload         Do not reload systemd-networkd or systemd-udevd
                         after editing network config
     --drop-in=NAME      Edit specified drop-in instead of main config file

See the networkctl(1) man page for details.
"""

RESOLVECTL = """resolvectl [OPTIONS...] COMMAND ...

Send control commands to the network name resolution manager, or
resolve domain names, IPv4 and IPv6 addresses, DNS records, and services.

Commands:
  query HOSTNAME|ADDRESS...    Resolve domain names, IPv4 and IPv6 addresses
  service [[NAME] TYPE] DOMAIN Resolve service (SRV)
  openpgp EMAIL@DOMAIN...      Query OpenPGP public key
  tlsa DOMAIN[:PORT]...        Query TLS public key
  status [LINK...]             Show link and server status
  statistics                   Show resolver statistics
  reset-statistics             Reset resolver statistics
  flush-caches                 Flush all local DNS caches
  reset-server-features        Forget learnt DNS server feature levels
  monitor                      Monitor DNS queries
  show-cache                   Show cache contents
  show-server-state            Show servers state
  dns [LINK [SERVER...]]       Get/set per-interface DNS server address
  domain [LINK [DOMAIN...]]    Get/set per-interface search domain
  default-route [LINK [BOOL]]  Get/set per-interface default route flag
  llmnr [LINK [MODE]]          Get/set per-interface LLMNR mode
  mdns [LINK [MODE]]           Get/set per-interface MulticastDNS mode
  dnsovertls [LINK [MODE]]     Get/set per-interface DNS-over-TLS mode
  dnssec [LINK [MODE]]         Get/set per-interface DNSSEC mode
  nta [LINK [DOMAIN...]]       Get/set per-interface DNSSEC NTA
  revert LINK                  Revert per-interface configuration
  log-level [LEVEL]            Get/set logging threshold for systemd-resolved

Options:
  -h --help                    Show this help
     --version                 Show package version
     --no-pager                Do not pipe output into a pager
     --no-ask-password         Do not prompt for password
  -4                           Resolve IPv4 addresses
  -6                           Resolve IPv6 addresses
  -i --interface=INTERFACE     Look on interface
  -p --protocol=PROTO|help     Look via protocol
  -t --type=TYPE|help          Query RR with DNS type
  -c --class=CLASS|help        Query RR with DNS class
     --service-address=BOOL    Resolve address for services (default: yes)
     --service-txt=BOOL        Resolve TXT records for services (default: yes)
     --cname=BOOL              Follow CNAME redirects (default: yes)
     --validate=BOOL           Allow DNSSEC validation (default: yes)
     --synthesize=BOOL         Allow synthetic response (default: yes)
     --cache=BOOL              Allow response from cache (default: yes)
     --stale-data=BOOL         Allow response from cache with stale data (default: yes)
     --zone=BOOL               Allow response from locally registered mDNS/LLMNR
                               records (default: yes)
     --trust-anchor=BOOL       Allow response from local trust anchor (default: yes)
     --network=BOOL            Allow response from network (default: yes)
     --search=BOOL             Use search domains for single-label names (default: yes)
     --raw[=payload|packet]    Dump the answer as binary data
     --legend=BOOL             Print headers and additional info (default: yes)
     --json=MODE               Output as JSON
  -j                           Same as --json=pretty on tty, --json=short
                               otherwise

See the resolvectl(1) man page for details.
"""


def asked(args: list[str]) -> bool:
    """getopt_long sees -h or --help (or a prefix of it) anywhere before "--"."""
    for arg in args:
        if arg == "--":
            return False
        if arg == "-h" or len(arg) > 3 and "--help".startswith(arg):
            return True
    return False
