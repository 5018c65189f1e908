"""python-openstackclient 6.6 over the learner's cloud: its arguments (args), its cloud and output
(client), and its commands by service (compute, volume, network). The `openstack` program itself is
simulator/commands/openstack.py."""
