"""Static files built to be cached forever: each is named by its content's hash and precompressed.

The build runs at every start and costs a hash of static/ when nothing changed. Several workers may start
at once: each file is staged apart and moved in whole, and equal content gives equal names, so concurrent
builds write the same bytes and no worker ever sees half a file.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import url_for
from whitenoise.compress import Compressor

SOURCE = Path(__file__).resolve().parent.parent / "static"
# Notes for people reading the repository, not for browsers.
NOT_SERVED = {".md", ".LICENSE"}
CACHE_FOREVER = "public, max-age=31536000, immutable"


def fingerprinted(name: str, content: bytes) -> str:
    """`app.js` becomes `app.<12 hex digits of its SHA-256>.js`: a new content is a new name."""
    path = Path(name)
    digest = hashlib.sha256(content).hexdigest()[:12]
    return path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix()


def build(source: Path, target: Path) -> dict[str, str]:
    """Builds what target lacks and returns the manifest, source name -> fingerprinted name.

    Older fingerprinted files stay: a page rendered just before a change can still load them.
    """
    manifest = {}
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix in NOT_SERVED:
            continue
        name = path.relative_to(source).as_posix()
        content = path.read_bytes()
        manifest[name] = fingerprinted(name, content)
        if not (target / manifest[name]).exists():
            _add(target, manifest[name], content)
    return manifest


def _add(target: Path, name: str, content: bytes) -> None:
    """Compresses in a staging folder, then moves the variants in before the file itself, whose presence
    therefore means the whole set is there."""
    destination = target / name
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".assets-") as staging:
        staged = Path(staging) / destination.name
        staged.write_bytes(content)
        compressor = Compressor(quiet=True)
        variants = compressor.compress(str(staged)) if compressor.should_compress(staged.name) else []
        for variant in variants:
            os.replace(variant, destination.parent / Path(variant).name)
        os.replace(staged, destination)


def add_headers(headers, path: str, url: str) -> None:
    """For WhiteNoise: every file it serves carries its content's hash in its name, so it never changes."""
    headers["Cache-Control"] = CACHE_FOREVER
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app) -> None:
    """Builds into the app's static folder and gives templates `asset('app.js')`, the fingerprinted URL."""
    manifest = build(SOURCE, Path(app.static_folder))

    def asset(name: str) -> str:
        return url_for("static", filename=manifest[name])

    app.jinja_env.globals["asset"] = asset
