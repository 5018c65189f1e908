import io

import pytest

from web import invite_store
from web.db import connect

GIFT = """::kvm-module::Which module loads KVM on an Intel CPU?{
=kvm_intel#Right: the vendor module.
~kvm_amd#That is AMD's.}

::essay-one::Describe a hypervisor.{}

::xss::<script>alert(1)</script> Which is a type 1 hypervisor?{=KVM#Runs in the kernel. ~VirtualBox#Type 2.}
"""


@pytest.fixture
def instructor(client, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    return client


def test_instructor_imports_gift_and_gets_a_report(instructor):
    response = instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 questions imported, 1 left out." in page
    assert "essay-one" in page
    bank = instructor.get("/quizzes/mine").get_data(as_text=True)
    assert "kvm-module" in bank and "Which module loads KVM" in bank


def test_imported_html_is_escaped_not_run(instructor):
    instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT})
    page = instructor.get("/quizzes/mine").get_data(as_text=True)
    assert "<script>alert(1)" not in page


def test_import_from_a_file_upload(instructor):
    data = {"area": "iaas-elements", "file": (io.BytesIO(GIFT.encode()), "questions.gift.txt")}
    response = instructor.post("/quizzes/import", data=data, content_type="multipart/form-data")
    assert "2 questions imported" in response.get_data(as_text=True)


def test_import_refuses_an_oversized_file(instructor):
    big = ("::q::x{=a ~b}\n\n" * 20_000).encode()
    data = {"area": "iaas-elements", "file": (io.BytesIO(big), "big.txt")}
    response = instructor.post("/quizzes/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "larger than 200000 bytes" in response.get_data(as_text=True)


def test_importing_the_same_ids_twice_is_refused_with_a_reason(instructor):
    instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT})
    page = instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT}).get_data(
        as_text=True
    )
    assert "0 questions imported" in page and "exists already" in page


def test_learners_cannot_reach_the_import(client, auth):
    auth.signup()
    assert client.get("/quizzes/import").status_code == 403
    assert client.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT}).status_code == 403
    assert client.get("/quizzes/mine").status_code == 403


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/quizzes/import")
    assert response.status_code == 303 and "/login" in response.headers["Location"]


def test_an_instructor_cannot_delete_another_instructors_question(app, instructor):
    second_invite = invite_store.create(connect(app.config["DATABASE"]), None)
    instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT})
    other = app.test_client()
    other.post(
        "/signup", data={"username": "alan", "password": "correct horse battery", "invite": second_invite}
    )
    assert other.post("/quizzes/mine/1/delete").status_code == 404
    assert connect(app.config["DATABASE"])["bank_questions"].count == 2
    assert instructor.post("/quizzes/mine/1/delete").status_code == 303
    assert connect(app.config["DATABASE"])["bank_questions"].count == 1


def test_an_instructors_export_includes_their_own_questions(instructor):
    instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT})
    assert "::kvm-module::" in instructor.get("/quizzes/export.gift").get_data(as_text=True)
