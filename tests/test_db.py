from web.db import connect, migrate, migrations


def test_migrations_apply_twice_cleanly(tmp_path):
    path = str(tmp_path / "x.sqlite")
    migrate(path)
    migrate(path)
    db = connect(path)
    assert {m.name for m in migrations.applied(db)} == {m.name for m in migrations._migrations}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
