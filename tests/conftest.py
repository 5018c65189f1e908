import pytest

from app import create_app
from tests.live import LiveServer, serve_in_thread
from web import invite_store
from web.db import connect


@pytest.fixture
def app(tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "test.sqlite"),
            "WTF_CSRF_ENABLED": False,
        }
    )


@pytest.fixture
def invite_code(app):
    """A fresh instructor invite, as `flask --app app create-invite` makes one."""
    return invite_store.create(connect(app.config["DATABASE"]), None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def restart(app):
    """`restart(client)`: the same learner on a new app over the same database, as after a server restart
    or on another worker (the signed session cookie carried over)."""

    def restarted(client):
        again = create_app({**app.config, "TESTING": True}).test_client()
        with client.session_transaction() as session:
            kept = dict(session)
        with again.session_transaction() as session:
            session.update(kept)
        return again

    return restarted


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def signup(self, username="ada", password="correct horse battery", invite=""):
        return self.client.post(
            "/signup", data={"username": username, "password": password, "invite": invite}
        )

    def login(self, username="ada", password="correct horse battery"):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def htmx(client):
    """A client that asks the way htmx 4 does for a fragment swap."""

    class Htmx:
        headers = {"HX-Request": "true", "HX-Request-Type": "partial"}

        def get(self, url, **kw):
            return client.get(url, headers=self.headers, **kw)

        def post(self, url, **kw):
            return client.post(url, headers=self.headers, **kw)

    return Htmx()


@pytest.fixture
def server(app):
    """The app on a real threaded server, for tests of what parallel requests do."""
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
def gunicorn_server(tmp_path):
    """The app served by gunicorn's worker processes as `make run` serves it, over a database of its own."""
    live = LiveServer(tmp_path)
    yield live
    live.stop()
