"""The instructor's bank in the browser: who reaches which route, and what writing a question does."""

import pytest

from web import instructor_bank, invite_store
from web.db import connect

SINGLE = {
    "id": "kvm-intel",
    "area": "vm-and-containers",
    "difficulty": "2",
    "terms": ["virtual-machine"],
    "text_format": "markdown",
    "stem": "Which module gives **KVM** on Intel?",
    "explanation": "The vendor module.",
    "option-0-text": "kvm_intel",
    "option-0-explanation": "Right: Intel's.",
    "option-1-text": "kvm_amd",
    "option-1-explanation": "AMD's.",
    "correct": "0",
}


def sign_up(app, username, invite=True):
    client = app.test_client()
    code = invite_store.create(connect(app.config["DATABASE"]), None) if invite else ""
    client.post("/signup", data={"username": username, "password": "correct horse battery", "invite": code})
    return client


@pytest.fixture
def owner(app):
    return sign_up(app, "grace")


@pytest.fixture
def row_id(owner):
    assert owner.post("/quizzes/mine/new/single", data={**SINGLE, "action": "save"}).status_code == 303
    return 1


def routes(row_id):
    return [
        ("get", "/quizzes/mine"),
        ("get", "/quizzes/mine/new/single"),
        ("post", "/quizzes/mine/new/single"),
        ("get", f"/quizzes/mine/{row_id}/edit"),
        ("post", f"/quizzes/mine/{row_id}/edit"),
        ("get", f"/quizzes/mine/{row_id}/delete"),
        ("post", f"/quizzes/mine/{row_id}/delete"),
        ("get", "/quizzes/import"),
        ("get", "/quizzes/export"),
        ("get", "/quizzes/export.gift"),
    ]


def call(client, method, url):
    return getattr(client, method)(url, data={**SINGLE, "id": "other-id", "action": "save"})


def test_anonymous_visitors_are_sent_to_log_in(app, row_id):
    for method, url in routes(row_id):
        response = call(app.test_client(), method, url)
        assert response.status_code == 303 and "/login" in response.headers["Location"], url


def test_students_never_reach_the_bank(app, row_id):
    student = sign_up(app, "ada", invite=False)
    for method, url in routes(row_id):
        assert call(student, method, url).status_code == 403, url
    assert connect(app.config["DATABASE"])["bank_questions"].count == 1


def test_another_instructor_never_reaches_my_questions(app, row_id):
    other = sign_up(app, "alan")
    for method, url in routes(row_id):
        if str(row_id) in url:
            assert call(other, method, url).status_code == 404, url
    assert "kvm-intel" not in other.get("/quizzes/mine").get_data(as_text=True)
    db = connect(app.config["DATABASE"])
    assert [r["question_id"] for r in db["bank_questions"].rows] == ["kvm-intel"]


def test_the_owner_writes_a_question_and_finds_it_in_the_bank(app, owner, row_id):
    page = owner.get("/quizzes/mine").get_data(as_text=True)
    assert "Question kvm-intel saved." in page
    assert "Which module gives <strong>KVM</strong> on Intel?" in page
    (question,) = instructor_bank.questions_of(connect(app.config["DATABASE"]), 1)
    assert (question.id, question.type, question.correct_option_ids) == ("own:1", "single", {"a"})
    assert question.terms == ("virtual-machine",) and question.author == "grace"


def test_preview_shows_the_question_as_learners_see_it_without_saving(app, owner):
    response = owner.post("/quizzes/mine/new/single", data={**SINGLE, "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview, as learners see it" in page and "Choose one answer" in page
    assert '<span class="option-text"><p>kvm_intel</p>' in page
    assert connect(app.config["DATABASE"])["bank_questions"].count == 0


def test_the_bank_rules_refuse_a_bad_question_and_keep_what_was_typed(app, owner):
    data = {**SINGLE, "id": "Bad Id", "correct": ["0", "1"], "option-1-explanation": "", "action": "save"}
    response = owner.post("/quizzes/mine/new/multiple", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is not a slug" in page and "must not be empty" in page
    assert "Which module gives **KVM** on Intel?" in page
    assert connect(app.config["DATABASE"])["bank_questions"].count == 0


def test_a_multiple_question_must_say_how_many_to_choose(owner):
    data = {**SINGLE, "correct": ["0", "1"], "option-2-text": "kvm", "option-2-explanation": "Generic."}
    page = owner.post("/quizzes/mine/new/multiple", data={**data, "action": "save"}).get_data(as_text=True)
    assert "the stem must say how many to choose" in page
    data["stem"] += " (Choose two.)"
    assert owner.post("/quizzes/mine/new/multiple", data={**data, "action": "save"}).status_code == 303


def test_every_type_can_be_written(app, owner):
    fill = {**SINGLE, "id": "fill-1", "exact": "virsh list\nvirsh list --all", "patterns": "virsh +list"}
    lab = {**SINGLE, "id": "lab-1", "scenario": "intel-vtx-host", "checks": "nope"}
    assert owner.post("/quizzes/mine/new/fill", data={**fill, "action": "save"}).status_code == 303
    page = owner.post("/quizzes/mine/new/lab", data={**lab, "action": "save"}).get_data(as_text=True)
    assert "scenario &#39;intel-vtx-host&#39; has no check &#39;nope&#39;" in page
    (fill_question,) = instructor_bank.questions_of(connect(app.config["DATABASE"]), 1)
    assert fill_question.fill.exact == ("virsh list", "virsh list --all")
    assert fill_question.fill.patterns == ("virsh +list",) and not fill_question.fill.case_sensitive


def test_editing_keeps_the_row_and_its_id_for_assignments(app, owner, row_id):
    form = owner.get(f"/quizzes/mine/{row_id}/edit").get_data(as_text=True)
    assert 'value="kvm_intel"' in form
    data = {**SINGLE, "id": "kvm-intel-renamed", "stem": "Which module, on Intel?", "action": "save"}
    assert owner.post(f"/quizzes/mine/{row_id}/edit", data=data).status_code == 303
    (question,) = instructor_bank.questions_of(connect(app.config["DATABASE"]), 1)
    assert (question.id, question.stem) == (f"own:{row_id}", "Which module, on Intel?")


def test_two_questions_of_one_instructor_cannot_share_an_id(owner, row_id):
    data = {**SINGLE, "action": "save"}
    response = owner.post("/quizzes/mine/new/single", data=data)
    assert response.status_code == 422
    assert "you already have a question with the id" in response.get_data(as_text=True)


def test_delete_asks_first_then_deletes(app, owner, row_id):
    page = owner.get(f"/quizzes/mine/{row_id}/delete").get_data(as_text=True)
    assert "Delete kvm-intel?" in page and "Cancel, keep it" in page
    assert connect(app.config["DATABASE"])["bank_questions"].count == 1
    assert owner.post(f"/quizzes/mine/{row_id}/delete").status_code == 303
    assert connect(app.config["DATABASE"])["bank_questions"].count == 0
    assert owner.get(f"/quizzes/mine/{row_id}/delete").status_code == 404


def test_the_bank_filters_by_area_and_type(owner, row_id):
    fill = {**SINGLE, "id": "fill-1", "area": "iaas-elements", "exact": "virsh", "action": "save"}
    owner.post("/quizzes/mine/new/fill", data=fill)
    owner.get("/quizzes/mine")

    def listed(url):
        page = owner.get(url).get_data(as_text=True)
        return [qid for qid in ("kvm-intel", "fill-1") if f'<h2 class="review-q">{qid} ' in page]

    assert listed("/quizzes/mine?area=iaas-elements") == ["fill-1"]
    assert listed("/quizzes/mine?type=single") == ["kvm-intel"]
    assert listed("/quizzes/mine") == ["kvm-intel", "fill-1"]


def test_imported_html_questions_show_sanitised_and_edit_as_html(owner):
    text = '::h::[html]<p onclick\\="x()">Is <b>LXC</b> a container?</p><script>x()</script>{T####Yes.}'
    owner.post("/quizzes/import", data={"area": "vm-and-containers", "text": text})
    page = owner.get("/quizzes/mine").get_data(as_text=True)
    assert "<p>Is <b>LXC</b> a container?</p>" in page and "<script>x()" not in page
    assert "General feedback:</strong> Yes." in page
    form = owner.get("/quizzes/mine/1/edit").get_data(as_text=True)
    assert '<option value="html" selected>' in form


def test_a_problem_names_the_option_row_on_screen(owner):
    data = {**SINGLE, "option-0-text": "", "option-0-explanation": "", "correct": "1"}
    data.update({"option-3-text": "kvm", "option-3-explanation": "", "action": "save"})
    page = owner.post("/quizzes/mine/new/single", data=data).get_data(as_text=True)
    assert "option 4, explanation: must not be empty" in page


def test_wildcard_answers_show_as_moodle_wrote_them(owner):
    owner.post("/quizzes/import", data={"area": "vm-and-containers", "text": "::w::Which tomb?{=*tomb*}"})
    page = owner.get("/quizzes/mine").get_data(as_text=True)
    assert "<code>.*tomb.*</code> (Moodle wildcard <code>*tomb*</code>)" in page


def test_an_imported_question_with_many_options_shows_them_all_and_is_refused_not_cut(owner):
    answers = " ".join(f"~opt{n}" for n in range(9))
    owner.post(
        "/quizzes/import", data={"area": "vm-and-containers", "text": f"::many::Pick.{{=right {answers}}}"}
    )
    form = owner.get("/quizzes/mine/1/edit").get_data(as_text=True)
    assert 'value="opt8"' in form
    data = {"id": "many", "area": "vm-and-containers", "difficulty": "2", "stem": "Pick.", "explanation": "e",
            "correct": "0", "text_format": "html", "action": "save"}  # fmt: skip
    data.update({f"option-{n}-text": f"opt{n}" for n in range(10)})
    data.update({f"option-{n}-explanation": "x" for n in range(10)})
    page = owner.post("/quizzes/mine/1/edit", data=data).get_data(as_text=True)
    assert "options: at most 8 allowed, found 10" in page
