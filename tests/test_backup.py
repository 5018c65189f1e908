"""`flask backup PATH` copies the live database while a class works; the README's restore brings it back."""

import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest

from tests.live import ROOT, Browser, LiveServer


def _backup(database, target) -> subprocess.CompletedProcess:
    env = {**os.environ, "GUESTLAB_DATABASE": str(database), "GUESTLAB_SECRET_KEY": "live-test"}
    command = [sys.executable, "-m", "flask", "--app", "app", "backup", str(target)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def _restore(backup_file, database) -> None:
    """README, "Backup and restore": with the server stopped, the copy replaces the database file and the
    old write-ahead log beside it goes."""
    for leftover in (f"{database}-wal", f"{database}-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)
    shutil.copyfile(backup_file, database)


def test_a_backup_taken_during_answers_restores_to_what_it_held(tmp_path):
    server = LiveServer(tmp_path)
    learner = Browser(server.url)
    learner.get("/quizzes/")
    learner.post("/quizzes/exam", {})
    typed = [n for n in range(1, 61) if 'name="answer"' in learner.get(f"/quizzes/attempts/1/{n}").body]
    first, last = typed[0], typed[-1]
    assert learner.post(f"/quizzes/attempts/1/{first}", {"answer": "before", "go": "autosave"}).status == 204

    stop = threading.Event()

    def keep_answering():
        number = first + 1
        while not stop.is_set() and number < last:
            learner.post(f"/quizzes/attempts/1/{number}", {"answer": "during", "go": "autosave"})
            number += 1

    writer = threading.Thread(target=keep_answering)
    writer.start()
    target = tmp_path / "backups" / "guestlab.sqlite"
    result = _backup(server.database, target)
    stop.set()
    writer.join()
    assert result.returncode == 0, result.stderr
    assert f"Backup written: {target}" in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not os.path.exists(f"{target}-wal")
    assert learner.post(f"/quizzes/attempts/1/{last}", {"answer": "after", "go": "autosave"}).status == 204
    server.stop()

    _restore(target, server.database)
    restored = LiveServer(tmp_path)
    try:
        answers = dict(restored.query("SELECT question_id, json(response) FROM answers WHERE attempt_id = 1"))
        assert '"before"' in answers.values() and '"after"' not in answers.values()
        assert restored.query("PRAGMA integrity_check") == [("ok",)]
        learner.base_url = restored.url
        page = learner.get(f"/quizzes/attempts/1/{first}")
        assert page.status == 200 and 'value="before"' in page.body  # the learner's session came back too
    finally:
        restored.stop()


@pytest.mark.parametrize("target", ["same", "directory"])
def test_a_backup_refuses_to_overwrite_the_database_or_a_directory(tmp_path, target):
    server_db = tmp_path / "db.sqlite"
    from web.db import migrate

    migrate(str(server_db))
    result = _backup(server_db, server_db if target == "same" else tmp_path)
    assert result.returncode != 0
    assert "Error" in result.stderr
    assert server_db.stat().st_size > 0 and list(tmp_path.glob(".*partial")) == []
