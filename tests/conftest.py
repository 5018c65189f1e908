import pytest

from app import create_app


@pytest.fixture
def app(tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "test.sqlite"),
            "WTF_CSRF_ENABLED": False,
            "INSTRUCTOR_INVITE_CODE": "teach-102",
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


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
