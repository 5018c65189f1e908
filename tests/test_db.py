import contextlib

from web.db import connect, migrate, migrations, write_transaction


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


def test_upgrading_keeps_the_newest_of_duplicate_labs_and_drops_the_others_logs(tmp_path):
    path = str(tmp_path / "dupes.sqlite")
    db = connect(path)
    migrations.apply(db, stop_before="0010_one_lab_per_scenario")
    db["users"].insert({"role": "learner", "username": "ada", "created_at": "x"})
    for lab_id, updated in ((1, "2026-01-01"), (2, "2026-03-01"), (3, "2026-02-01")):
        db["labs"].insert(
            {"id": lab_id, "user_id": 1, "scenario_id": "kvm-guest", "state": "{}", "created_at": "x"}
            | {"updated_at": updated}
        )
        db["lab_commands"].insert(
            {
                "lab_id": lab_id,
                "prompt": "$",
                "line": "ls",
                "stdout": "",
                "stderr": "",
                "status": 0,
                "at": "x",
            }
        )
    db.close()
    migrate(path)
    db = connect(path)
    assert [row["id"] for row in db["labs"].rows] == [2]
    assert [row["lab_id"] for row in db["lab_commands"].rows] == [2]


def test_a_write_transaction_inside_another_rolls_back_alone(tmp_path):
    """Store functions that write under the lock can be called from a caller's own transaction."""
    path = str(tmp_path / "nested.sqlite")
    migrate(path)
    db = connect(path)
    with write_transaction(db):
        db.execute("INSERT INTO users (role, created_at) VALUES ('guest', 'kept')")
        with contextlib.suppress(RuntimeError), write_transaction(db):
            db.execute("INSERT INTO users (role, created_at) VALUES ('guest', 'undone')")
            raise RuntimeError("the inner step failed")
    assert [row["created_at"] for row in db["users"].rows] == ["kept"]


def test_upgrading_measures_the_commands_already_logged(tmp_path):
    path = str(tmp_path / "old.sqlite")
    db = connect(path)
    migrations.apply(db, stop_before="0020_add_lab_commands_size")
    db["users"].insert({"role": "learner", "username": "ada", "created_at": "x"})
    db["labs"].insert(
        {"user_id": 1, "scenario_id": "kvm-guest", "state": "{}", "created_at": "x", "updated_at": "x"}
    )
    db["lab_commands"].insert(
        {"lab_id": 1, "prompt": "$ ", "line": "echo é", "stdout": "é\n", "stderr": "", "status": 0, "at": "x"}
    )
    db.close()
    migrate(path)
    assert connect(path)["lab_commands"].get(1)["size"] == len("$ echo é".encode()) + len("é\n".encode())
