from web.db import connect, migrate, migrations


def test_migrations_apply_twice_cleanly(tmp_path):
    path = str(tmp_path / "x.sqlite")
    migrate(path)
    migrate(path)
    db = connect(path)
    assert {m.name for m in migrations.applied(db)} == {m.name for m in migrations._migrations}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_upgrading_a_database_with_data_keeps_it(tmp_path):
    path = str(tmp_path / "old.sqlite")
    db = connect(path)
    migrations.apply(db, stop_before="0009_drop_users_session_version")
    db["users"].insert({"role": "learner", "username": "ada", "created_at": "x", "session_version": 0})
    db["labs"].insert(
        {"user_id": 1, "scenario_id": "kvm-guest", "state": "{}", "created_at": "x", "updated_at": "x"}
    )
    db.close()
    migrate(path)
    db = connect(path)
    assert db["users"].get(1)["username"] == "ada" and "session_version" not in db["users"].columns_dict
    assert db["labs"].get(1)["user_id"] == 1
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
