"""Object storage: buckets (Swift's containers) of objects, private or readable by anyone.

Modelled on OpenStack Swift 2.33 (2024.1): an object is reached at
http://<endpoint>/v1/AUTH_<project>/<bucket>/<key>; a bucket is private (only the project's token reads
it) unless its read ACL is ".r:*" (public). Anonymous reads of a private object answer 401, as Swift's
tempauth/keystone middleware does; a bucket must be empty to be deleted (409).
"""

from __future__ import annotations

import base64
import random
import re

from simulator.cloud.errors import CloudError, Conflict, NotFound, QuotaExceeded

# S3's bucket name rule, which Swift accepts too and which makes a clean URL path.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_KEY = 255
MAX_OBJECT_BYTES = 32 * 1024  # small: objects live in the lab's saved state (512 KiB for everything)
MAX_TOTAL_BYTES = 64 * 1024
MAX_BUCKETS = 5
ENDPOINT_PORT = 8080  # swift-proxy's port in a devstack


def _buckets(cloud) -> dict:
    return cloud.state.setdefault("buckets", {})


def project(cloud) -> str:
    """The project's account in object URLs (AUTH_ + the project id, 32 hex digits)."""
    return "AUTH_" + f"{random.Random(f'{cloud.world.seed}/project').getrandbits(128):032x}"


def endpoint(cloud) -> str:
    """swift-proxy on the provider network's first address."""
    public = cloud.find("networks", "public")
    return f"{cloud.subnet_of(public)['gateway']}:{ENDPOINT_PORT}"


def buckets(cloud) -> list[dict]:
    return [
        {**bucket, "count": len(bucket["objects"]), "bytes": _bytes(bucket)}
        for _, bucket in sorted(_buckets(cloud).items())
    ]


def _bytes(bucket: dict) -> int:
    return sum(item["size"] for item in bucket["objects"].values())


def bucket(cloud, name: str) -> dict:
    found = _buckets(cloud).get(name)
    if found is None:
        raise NotFound(f"No bucket named '{name[:63]}' exists.", "bucket")
    return found


def create_bucket(cloud, name: str, public: bool = False) -> dict:
    name = (name or "").strip()
    if not BUCKET_NAME.fullmatch(name) or ".." in name:
        raise CloudError(
            "A bucket name is 3 to 63 lower-case letters, digits, dots or dashes, starting and ending with "
            f"a letter or digit; '{name[:63]}' is not.",
            "bucket",
        )
    if name in _buckets(cloud):
        raise Conflict(f"A bucket named '{name}' already exists.", "bucket")
    if len(_buckets(cloud)) >= MAX_BUCKETS:
        raise QuotaExceeded(f"Quota exceeded for buckets: you already have {MAX_BUCKETS}.", "bucket")
    record = {"name": name, "public": bool(public), "objects": {}, "created": cloud.now()}
    _buckets(cloud)[name] = record
    return record


def set_public(cloud, name: str, public: bool) -> dict:
    found = bucket(cloud, name)
    found["public"] = bool(public)
    return found


def delete_bucket(cloud, name: str) -> None:
    found = bucket(cloud, name)
    if found["objects"]:
        raise Conflict(f"Bucket {name} still holds {len(found['objects'])} object(s): delete them first.")
    del _buckets(cloud)[name]


def put_object(cloud, name: str, key: str, data: bytes, content_type: str = "") -> dict:
    found = bucket(cloud, name)
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY or key.startswith("/") or any(ord(c) < 32 for c in key):
        raise CloudError(f"An object name is 1 to {MAX_KEY} characters, not starting with /.", "key")
    if len(data) > MAX_OBJECT_BYTES:
        raise CloudError(f"The object is {len(data)} bytes; at most {MAX_OBJECT_BYTES} fit here.", "file")
    used = sum(_bytes(b) for b in _buckets(cloud).values()) - found["objects"].get(key, {}).get("size", 0)
    if used + len(data) > MAX_TOTAL_BYTES:
        raise QuotaExceeded(
            f"Quota exceeded for object storage: {used} of {MAX_TOTAL_BYTES} bytes used, "
            f"{len(data)} more requested.",
            "file",
        )
    record = {
        "key": key,
        "size": len(data),
        "type": (content_type or "application/octet-stream")[:100],
        "data": base64.b64encode(data).decode(),
        "modified": cloud.now(),
    }
    found["objects"][key] = record
    return record


def get_object(cloud, name: str, key: str) -> tuple[bytes, str]:
    found = bucket(cloud, name)
    item = found["objects"].get(key)
    if item is None:
        raise NotFound(f"No object '{key[:MAX_KEY]}' in bucket {name}.", "key")
    return base64.b64decode(item["data"]), item["type"]


def delete_object(cloud, name: str, key: str) -> None:
    found = bucket(cloud, name)
    if key not in found["objects"]:
        raise NotFound(f"No object '{key[:MAX_KEY]}' in bucket {name}.", "key")
    del found["objects"][key]


def url(cloud, name: str, key: str = "") -> str:
    path = f"/v1/{project(cloud)}/{name}" + (f"/{key}" if key else "")
    return f"http://{endpoint(cloud)}{path}"


NOT_FOUND = "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>"
UNAUTHORIZED = (
    "<html><h1>Unauthorized</h1><p>This server could not verify that you are authorized to access the "
    "document you requested.</p></html>"
)


def fetch(cloud, path: str, authenticated: bool = False) -> tuple[int, bytes, str]:
    """What swift-proxy answers a GET of `path` (/v1/AUTH_.../bucket/key): (status, body, content type).
    Anonymous requests read public buckets only; a private one answers 401. For curl in the guests."""
    parts = path.split("?", 1)[0].lstrip("/").split("/", 3)
    if len(parts) < 3 or parts[0] != "v1" or parts[1] != project(cloud):
        return (
            401 if not authenticated else 404,
            (UNAUTHORIZED if not authenticated else NOT_FOUND).encode(),
            "text/html",
        )
    found = _buckets(cloud).get(parts[2])
    if found is None:
        return 404, NOT_FOUND.encode(), "text/html; charset=UTF-8"
    if not found["public"] and not authenticated:
        return 401, UNAUTHORIZED.encode(), "text/html; charset=UTF-8"
    if len(parts) == 3:  # a bucket's listing: one object name a line, as Swift's plain-text listing
        names = "".join(key + "\n" for key in sorted(found["objects"]))
        return (200 if names else 204), names.encode(), "text/plain; charset=utf-8"
    item = found["objects"].get(parts[3])
    if item is None:
        return 404, NOT_FOUND.encode(), "text/html; charset=UTF-8"
    return 200, base64.b64decode(item["data"]), item["type"]
