"""A learner's IaaS cloud (a small OpenStack): the model the web console and the `openstack` command share.

    cloud = world.cloud                      # or Cloud.new(world) for a world that has none yet
    cloud.launch("web-1", "ubuntu-24.04", "m1.small", key_name="laptop", user_data="#cloud-config\\n...")
    cloud.settle("web-1")                    # wait until it is active (as --wait does)
    cloud.allows("web-1", "tcp", 22, "198.51.100.7")

Modules: catalog (images, flavors, quotas, Nova's DMI), model (the Cloud and its actions), instances (the
machines behind instances, console log), addressing (CIDRs, pools, allocation), firewall (security group
rules), keypairs (public keys and fingerprints), errors.
"""

from simulator.cloud import balancing, objects, scaling
from simulator.cloud.errors import CloudError, Conflict, NotFound, QuotaExceeded
from simulator.cloud.model import API_STATUS, STATUSES, Cloud

__all__ = [
    "API_STATUS",
    "STATUSES",
    "Cloud",
    "CloudError",
    "Conflict",
    "NotFound",
    "QuotaExceeded",
    "balancing",
    "objects",
    "scaling",
]
