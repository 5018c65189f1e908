"""What every learner's cloud offers before they make anything: public images, flavors, default quotas.

Modelled on a small OpenStack 2024.1 (Caracal) cloud: devstack's m1.* flavors, the distributions' own
cloud images with their default users, Nova's SMBIOS strings under libvirt/QEMU.
"""

from __future__ import annotations

from simulator import layout

GIB = 1 << 30

# os-release of each distribution's cloud image (trimmed to the fields tools read). The userland under it
# stays the simulator's Ubuntu 24.04: the other distributions differ in name, default user and os-release.
DEBIAN_12 = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"""
ROCKY_9 = """NAME="Rocky Linux"
VERSION="9.5 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.5"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.5 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
BUG_REPORT_URL="https://bugs.rockylinux.org/"
"""
ALMA_9 = """NAME="AlmaLinux"
VERSION="9.5 (Teal Serval)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.5"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.5 (Teal Serval)"
ANSI_COLOR="0;34"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:almalinux:almalinux:9::baseos"
HOME_URL="https://almalinux.org/"
BUG_REPORT_URL="https://bugs.almalinux.org/"
"""

# Public images: name -> what Glance shows (min_disk in GB, size of the qcow2 in bytes) and what the guest
# is (its default user, the one cloud-init creates and puts the key pair in, and its os-release).
IMAGES = {
    "ubuntu-24.04": {
        "distro": "Ubuntu 24.04 LTS (Noble Numbat)",
        "os_distro": "ubuntu",
        "default_user": "ubuntu",
        "min_disk": 4,
        "min_ram": 0,
        "size": 595_263_488,
        "os_release": layout.OS_RELEASE,
    },
    "debian-12": {
        "distro": "Debian 12 (bookworm)",
        "os_distro": "debian",
        "default_user": "debian",
        "min_disk": 2,
        "min_ram": 0,
        "size": 349_306_880,
        "os_release": DEBIAN_12,
    },
    "rocky-9": {
        "distro": "Rocky Linux 9.5 (Blue Onyx)",
        "os_distro": "rocky",
        "default_user": "rocky",
        "min_disk": 10,
        "min_ram": 1024,
        "size": 609_812_480,
        "os_release": ROCKY_9,
    },
    "almalinux-9": {
        "distro": "AlmaLinux 9.5 (Teal Serval)",
        "os_distro": "almalinux",
        "default_user": "almalinux",
        "min_disk": 10,
        "min_ram": 1024,
        "size": 563_347_456,
        "os_release": ALMA_9,
    },
}

# devstack's flavors (nova/db/main/legacy_migrations: the historic defaults): id, vCPUs, RAM MB, disk GB.
FLAVORS = {
    "m1.tiny": {"id": "1", "vcpus": 1, "ram": 512, "disk": 1},
    "m1.small": {"id": "2", "vcpus": 1, "ram": 2048, "disk": 20},
    "m1.medium": {"id": "3", "vcpus": 2, "ram": 4096, "disk": 40},
    "m1.large": {"id": "4", "vcpus": 4, "ram": 8192, "disk": 80},
    "m1.xlarge": {"id": "5", "vcpus": 8, "ram": 16384, "disk": 160},
}

# Per learner: small enough that a whole cloud stays a few hundred KiB of lab state (each running
# instance is a machine of about 40 KiB), large enough for every lab (three instances from a template).
QUOTAS = {
    "instances": 4,
    "cores": 8,
    "ram": 16384,
    "volumes": 6,
    "gigabytes": 60,
    "snapshots": 6,
    "images": 2,
    "key_pairs": 10,
    "networks": 4,
    "subnets": 4,
    "security_groups": 10,
    "security_group_rules": 40,
    "floating_ips": 3,
}

# Nova's libvirt driver gives the guest these SMBIOS strings (nova/virt/libvirt/driver.py _get_guest_config
# _sysinfo: manufacturer, product, version "29.2.0" of 2024.1, family, serial and UUID the instance's own);
# the BIOS and chassis are QEMU's SeaBIOS on the i440fx machine type Nova picks on x86.
NOVA_DMI = {
    "sys_vendor": "OpenStack Foundation",
    "product_name": "OpenStack Nova",
    "product_version": "29.2.0",
    "product_family": "Virtual Machine",
    "bios_vendor": "SeaBIOS",
    "bios_version": "1.15.0-1",
    "bios_date": "04/01/2014",
    "chassis_vendor": "QEMU",
    "chassis_type": "1",
    "chassis_version": "pc-i440fx-8.2",
}
REGION = "RegionOne"
AVAILABILITY_ZONE = "nova"
# Neutron's default base MAC (neutron/conf/common.py base_mac): fa:16:3e plus three random octets.
MAC_PREFIX = "fa:16:3e"
# The provider network floating IPs come from: TEST-NET-3, documentation addresses that route nowhere.
PUBLIC_NETWORK = "public"
PUBLIC_CIDR = "203.0.113.0/24"
# What a new project holds, as devstack leaves it: a private network with one subnet, the default
# security group (egress open, ingress only from members of the group).
PRIVATE_NETWORK = "private"
PRIVATE_SUBNET = ("private-subnet", "10.0.0.0/24")
