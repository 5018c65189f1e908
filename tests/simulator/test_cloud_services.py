"""Beyond instances: object storage, load balancers and an autoscaling group over the learner's cloud."""

import copy

import pytest

from simulator.cloud import Cloud, CloudError, balancing, objects, scaling
from simulator.world import World


@pytest.fixture
def cloud():
    world = World.new("kvm-guest", seed=11)
    world.cloud = Cloud.new(world)
    return world.cloud


def refused(cloud, action) -> CloudError:
    before = copy.deepcopy(cloud.state)
    machines = set(cloud.world.machines)
    with pytest.raises(CloudError) as error:
        action()
    assert cloud.state == before
    assert set(cloud.world.machines) == machines
    return error.value


def test_a_private_object_needs_the_token_and_a_public_one_does_not(cloud):
    objects.create_bucket(cloud, "reports")
    objects.put_object(cloud, "reports", "q1.txt", b"revenue up\n", "text/plain")
    path = objects.url(cloud, "reports", "q1.txt").split(":8080", 1)[1]
    assert objects.url(cloud, "reports", "q1.txt").startswith("http://203.0.113.1:8080/v1/AUTH_")
    assert objects.fetch(cloud, path)[0] == 401
    assert objects.fetch(cloud, path, authenticated=True)[:2] == (200, b"revenue up\n")
    objects.set_public(cloud, "reports", True)
    assert objects.fetch(cloud, path)[:2] == (200, b"revenue up\n")
    assert objects.fetch(cloud, path.rsplit("/", 1)[0])[:2] == (200, b"q1.txt\n")
    assert objects.fetch(cloud, path + "x")[0] == 404


def test_buckets_refuse_bad_names_big_objects_and_deletion_while_full(cloud):
    assert "3 to 63 lower-case" in str(refused(cloud, lambda: objects.create_bucket(cloud, "My_Bucket")))
    objects.create_bucket(cloud, "data")
    big = b"x" * (objects.MAX_OBJECT_BYTES + 1)
    assert "at most 32768 fit" in str(refused(cloud, lambda: objects.put_object(cloud, "data", "big", big)))
    objects.put_object(cloud, "data", "a", b"1")
    assert "still holds 1 object" in str(refused(cloud, lambda: objects.delete_bucket(cloud, "data")))
    objects.delete_object(cloud, "data", "a")
    objects.delete_bucket(cloud, "data")
    assert objects.buckets(cloud) == []


def test_load_balancer_spreads_requests_round_robin_over_healthy_members(cloud):
    cloud.create_security_group("web")
    cloud.add_rule("web", "tcp", "80", None, "10.0.0.0/24")
    for name in ("a", "b", "c"):
        cloud.launch(name, "ubuntu-24.04", "m1.small", security_groups=["web"])
    cloud.settle()
    lb = balancing.create(cloud, "front", "private", 80)
    assert lb["vip"] == "10.0.0.5"  # the next free address after the three instances
    for name in ("a", "b", "c"):
        balancing.add_member(cloud, "front", name)
    served = [answer["instance"] for answer in balancing.send(cloud, "front", 6)]
    assert served == ["a", "b", "c", "a", "b", "c"]
    cloud.stop("b")
    assert [row["health"] for row in balancing.members(cloud, lb)] == ["ONLINE", "ERROR", "ONLINE"]
    assert {answer["instance"] for answer in balancing.send(cloud, "front", 4)} == {"a", "c"}


def test_a_member_its_security_groups_close_is_down_and_no_member_means_503(cloud):
    cloud.launch("a", "ubuntu-24.04", "m1.small")  # default group: nothing from the VIP on port 80
    cloud.settle()
    balancing.create(cloud, "front", "private", 80)
    balancing.add_member(cloud, "front", "a")
    (row,) = balancing.members(cloud, balancing.balancer(cloud, "front"))
    assert row["why"] == "its security groups do not let 10.0.0.3 reach port 80"
    assert balancing.send(cloud, "front", 2) == [
        {"n": 1, "instance": None, "status": 503},
        {"n": 2, "instance": None, "status": 503},
    ]


def test_autoscaling_follows_the_load_within_its_bounds(cloud):
    group = scaling.create(cloud, "web", "ubuntu-24.04", "m1.small", 1, 1, 3, 50)
    assert [cloud.state["instances"][i]["name"] for i in group["instances"]] == ["web-1"]
    scaling.set_load(cloud, "web", 140)
    assert len(group["instances"]) == 3 and group["desired"] == 3
    scaling.set_load(cloud, "web", 900)  # more than max can carry: max it stays
    assert len(group["instances"]) == 3
    scaling.set_load(cloud, "web", 40)
    assert [cloud.state["instances"][i]["name"] for i in group["instances"]] == ["web-1"]
    assert [(p["load"], p["instances"], p["per_instance"]) for p in group["history"]] == [
        (0, 1, 0),
        (140, 3, 47),
        (900, 3, 100),
        (40, 1, 40),
    ]
    assert cloud.usage()["instances"] == 1


def test_autoscaling_is_stopped_by_the_quota_and_says_so(cloud):
    cloud.launch("other", "ubuntu-24.04", "m1.small")
    cloud.launch("other2", "ubuntu-24.04", "m1.small")
    scaling.create(cloud, "web", "ubuntu-24.04", "m1.small", 1, 1, 4, 50)
    group = scaling.set_load(cloud, "web", 200)
    assert len(group["instances"]) == 2
    assert group["note"] == (
        "Scaling out stopped at 2 instances: Quota exceeded for instances: requested 1, but already used 4 "
        "of 4. Delete some instances first."
    )


def test_a_group_that_would_not_fit_is_not_made_at_all(cloud):
    error = refused(cloud, lambda: scaling.create(cloud, "web", "ubuntu-24.04", "m1.large", 1, 3, 3, 50))
    assert "Quota exceeded for cores: requested 12" in str(error)
    assert "between min (2) and max (3)" in str(
        refused(cloud, lambda: scaling.create(cloud, "web", "ubuntu-24.04", "m1.small", 2, 1, 3, 50))
    )


def test_autoscaled_instances_join_the_groups_load_balancer(cloud):
    balancing.create(cloud, "front", "private", 80)
    scaling.create(cloud, "web", "ubuntu-24.04", "m1.small", 1, 2, 3, 50, "front")
    lb = balancing.balancer(cloud, "front")
    assert [cloud.state["instances"][i]["name"] for i in lb["members"]] == ["web-1", "web-2"]
