import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web import instructor_bank, invite_store
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


def test_importing_the_same_names_twice_gives_new_ids_and_says_so(instructor):
    instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT})
    page = instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": GIFT}).get_data(
        as_text=True
    )
    assert "2 questions imported" in page
    assert "the id &#39;kvm-module&#39; is used already, so this question is &#39;kvm-module-2&#39;" in page


def test_import_reports_skipped_lines_and_categories(instructor):
    text = "$CATEGORY: $course$/top/Images and deployment\n::q::Is qcow2 an image format?{T}\n\n::n::N?{#1}"
    page = instructor.post("/quizzes/import", data={"area": "vm-and-containers", "text": text}).get_data(
        as_text=True
    )
    assert "1 question imported, 1 left out." in page
    assert "<td>4</td><td>n</td><td>numerical questions are not supported" in page
    assert "Images and deployment, single choice" in instructor.get("/quizzes/mine").get_data(as_text=True)


def test_instructor_imports_moodle_xml(instructor):
    text = (
        '<quiz><question type="truefalse"><name><text>tf</text></name>'
        '<questiontext format="html"><text>&lt;p&gt;Is &lt;b&gt;LXC&lt;/b&gt; a container?&lt;/p&gt;</text>'
        '</questiontext><answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question></quiz>'
    )
    data = {"area": "vm-and-containers", "format": "xml", "text": text}
    assert "1 question imported" in instructor.post("/quizzes/import", data=data).get_data(as_text=True)
    assert "<p>Is <b>LXC</b> a container?</p>" in instructor.get("/quizzes/mine").get_data(as_text=True)


def test_export_page_lists_what_is_left_out(instructor):
    page = instructor.get("/quizzes/export").get_data(as_text=True)
    assert "not exported: a lab question needs the simulator" in page
    assert "Moodle gives partial credit" in page


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
    assert "<idnumber>kvm-module</idnumber>" in instructor.get("/quizzes/export.xml").get_data(as_text=True)


GIFT_BITS = st.sampled_from(
    ["::q::", "A?", "{", "}", "=a", "~b", "~%50%c", "#fb", "####g", "\n", "\n\n", "$CATEGORY: x\n",
     "[html]<b>", "// [id:z]\n", "<quiz>", "<question type='truefalse'>",
     "<answer fraction='100'><text>true</text></answer>", "</question>", "</quiz>", "\ufeff", "T", "\\"]
)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bits=st.lists(GIFT_BITS, max_size=30), fmt=st.sampled_from(["gift", "xml"]))
def test_import_stores_exactly_what_it_reports(app, instructor, bits, fmt):
    db = connect(app.config["DATABASE"])
    before = db["bank_questions"].count
    result = instructor_bank.import_questions(db, 1, "".join(bits), "vm-and-containers", "grace", set(), fmt)
    assert db["bank_questions"].count - before == len(result.questions)
    assert all(r.reason for r in result.rejected + result.notes)


def test_a_failed_write_leaves_nothing_half_written(app, instructor, monkeypatch):
    """sqlite-utils writes in batches of 100: a failure in the second batch must undo the first."""
    db = connect(app.config["DATABASE"])
    text = "\n\n".join(f"::q{n}::Is {n} even?{{T}}" for n in range(150))
    real_dumps, calls = instructor_bank.json.dumps, []

    def failing_dumps(data):
        calls.append(data)
        if len(calls) == 120:
            raise OSError("disk full")
        return real_dumps(data)

    monkeypatch.setattr(instructor_bank.json, "dumps", failing_dumps)
    with pytest.raises(OSError):
        instructor_bank.import_questions(db, 1, text, "vm-and-containers", "grace", set())
    assert db["bank_questions"].count == 0
