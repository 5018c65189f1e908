import os
import stat

from app import _secret_key, create_app


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_and_its_folder_are_private(tmp_path):
    path = tmp_path / "data" / "guestlab.sqlite"
    app = create_app({"SECRET_KEY": "t", "DATABASE": str(path), "WTF_CSRF_ENABLED": False})
    app.test_client().post("/signup", data={"username": "ada", "password": "correct horse battery"})
    assert _mode(tmp_path / "data") == 0o700
    for name in ("guestlab.sqlite", "guestlab.sqlite-wal", "guestlab.sqlite-shm", "guestlab.sqlite.lock"):
        assert _mode(tmp_path / "data" / name) == 0o600, name


def test_an_existing_database_readable_by_others_is_closed(tmp_path):
    path = tmp_path / "old.sqlite"
    create_app({"SECRET_KEY": "t", "DATABASE": str(path)})
    os.chmod(path, 0o644)
    create_app({"SECRET_KEY": "t", "DATABASE": str(path)})
    assert _mode(path) == 0o600


def test_the_instance_folder_and_secret_key_are_private(tmp_path):
    instance = tmp_path / "instance"
    key = _secret_key(str(instance))
    assert len(key) == 64 and _mode(instance) == 0o700 and _mode(instance / "secret_key") == 0o600
    os.chmod(instance, 0o755)
    assert _secret_key(str(instance)) == key and _mode(instance) == 0o700
