import pytest

from app import create_app


@pytest.fixture
def csrf_client(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "db.sqlite")})
    return app.test_client()


def test_post_to_login_without_csrf_token_is_refused_with_400(csrf_client):
    response = csrf_client.post("/login", data={"username": "ada", "password": "whatever it is"})
    assert response.status_code == 400
    assert "your session may have ended" in response.get_data(as_text=True)


def test_htmx_post_with_the_token_in_a_header_is_accepted(csrf_client):
    page = csrf_client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    response = csrf_client.post(
        "/login",
        data={"username": "ada", "password": "whatever it is"},
        headers={"X-CSRFToken": token, "HX-Request": "true", "HX-Request-Type": "partial"},
    )
    assert response.status_code == 401


def test_every_page_has_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request-Type" in response.headers["Vary"]


def test_session_cookie_is_httponly_and_lax_and_secure_over_https(client, auth):
    response = auth.signup()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = client.post(
        "/login",
        data={"username": "ada", "password": "correct horse battery"},
        base_url="https://localhost",
    )
    assert "Secure" in https.headers["Set-Cookie"]


def test_unknown_page_is_a_404_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and 'aria-label="Main"' in page


def test_htmx_partial_request_gets_only_the_fragment(htmx):
    response = htmx.get("/login")
    page = response.get_data(as_text=True)
    assert "<html" not in page and 'id="login"' in page


def test_no_inline_script_in_pages(client):
    for path in ("/", "/login", "/signup", "/labs/", "/quizzes/", "/cloud/", "/classes/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and " on" + "click=" not in page, path


def test_an_htmx_request_with_a_stale_token_gets_a_notice_not_a_page(csrf_client):
    response = csrf_client.post(
        "/labs/intel-vtx-host/run",
        data={"line": "ls"},
        headers={"X-CSRFToken": "stale", "HX-Request": "true", "HX-Request-Type": "partial"},
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"
    page = response.get_data(as_text=True)
    assert "<h1" not in page and "your session may have ended" in page


def test_a_server_error_is_a_500_page_in_the_layout(tmp_path):
    app = create_app(
        {"SECRET_KEY": "t", "DATABASE": str(tmp_path / "db.sqlite"), "PROPAGATE_EXCEPTIONS": False}
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("simulated failure")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and 'aria-label="Main"' in page and "simulated failure" not in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_logged_in_page_view_sends_no_new_session_cookie(client, auth):
    """The session lives on the server; re-signing the cookie on every response would only cost time."""
    auth.signup()
    client.get("/quizzes/")
    assert "Set-Cookie" not in client.get("/quizzes/").headers


ROUTE_ARGUMENTS = {
    "scenario_id": "intel-vtx-host",
    "task_id": "capable",
    "attempt_id": 1,
    "number": 1,
    "row_id": 1,
    "invite_id": 1,
    "class_id": 1,
    "assignment_id": 1,
    "user_id": 1,
    "kind": "single",
}


def _walked_requests(app):
    """Every method of every route but static files, logging out last so the rest run logged in."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout"):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            formats = ("gift", "xml") if "fmt" in rule.arguments else (None,)
            for fmt in formats:
                values = {**ROUTE_ARGUMENTS, "fmt": fmt}
                path = rule.build({name: values[name] for name in rule.arguments})[1]
                yield rule.endpoint, method, path


def test_every_dynamic_response_is_no_store_whatever_its_type(app, client, auth, htmx, invite_code):
    auth.signup(username="grace", invite=invite_code)
    client.post("/labs/intel-vtx-host/start")
    client.post("/quizzes/practice", data={"size": "5"})
    client.post("/quizzes/import", data={"area": "vm-and-containers", "text": "::q::Which?{=a ~b}"})
    walked = set()
    for endpoint, method, path in _walked_requests(app):
        for asker in (client, htmx):
            response = getattr(asker, method.lower())(path)
            assert response.headers.get("Cache-Control") == "no-store", (method, path, response.status)
        walked.add(endpoint)
    assert {"quizzes.export", "labs.complete", "labs.run", "auth.logout"} <= walked
    assert client.get("/no/such/page").headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client):
    assert client.get("/static/app.js").headers.get("Cache-Control") != "no-store"
