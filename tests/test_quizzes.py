import datetime
import json

import pytest

from quiz.render import markdown_to_html
from web.db import connect


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def _start_practice(client, **form):
    response = client.post("/quizzes/practice", data={"size": "5", **form})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def _attempt(db, attempt_id=1):
    row = db["attempts"].get(attempt_id)
    return {**row, "question_ids": json.loads(row["question_ids"])}


def _question(app, qid):
    return app.extensions["guestlab.bank"].questions[qid]


def _right_form(question):
    if question.type == "single":
        return {"option": sorted(question.correct_option_ids)[0]}
    if question.type == "multiple":
        return {"option": sorted(question.correct_option_ids)}
    return {"answer": question.fill.exact[0]}


def _wrong_form(question):
    if question.type == "fill":
        return {"answer": "definitely not it"}
    wrong = [o.id for o in question.options if not o.correct]
    return {"option": wrong[0]}


def test_dashboard_lists_practice_and_exam_for_a_visitor(client):
    page = client.get("/quizzes/").get_data(as_text=True)
    assert "Start practice" in page and "Start an exam" in page


def test_practice_question_page_does_not_leak_the_answer(app, client, db):
    url = _start_practice(client, type="single")
    page = client.get(url).get_data(as_text=True)
    question = _question(app, _attempt(db)["question_ids"][0])
    assert markdown_to_html(question.options[0].text) in page
    for option in question.options:
        assert markdown_to_html(option.explanation) not in page
    assert markdown_to_html(question.explanation) not in page
    assert 'class="option right"' not in page


def test_practice_answer_gives_feedback_with_the_explanations(app, client, db, htmx):
    url = _start_practice(client, type="single")
    question = _question(app, _attempt(db)["question_ids"][0])
    response = htmx.post(url, data=_wrong_form(question))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert "Not quite." in page and "You chose this; it is wrong." in page
    assert db["answers"].count == 1 and db["cards"].count == 1


def test_practice_first_answer_stands_and_a_second_submit_is_idempotent(app, client, db):
    url = _start_practice(client, type="single")
    question = _question(app, _attempt(db)["question_ids"][0])
    client.post(url, data=_wrong_form(question))
    client.post(url, data=_right_form(question))
    assert db["answers"].get((1, question.id))["correct"] == 0
    assert "You chose this; it is wrong." in client.get(url).get_data(as_text=True)


def test_fill_answer_accepts_optional_sudo_where_the_bank_allows_it(app, client, db):
    bank = app.extensions["guestlab.bank"]
    question = next(
        q for q in bank.questions.values() if q.type == "fill" and q.fill.optional_sudo and q.fill.exact
    )
    url = _start_practice(client, type="fill")
    attempt = _attempt(db)
    number = (
        attempt["question_ids"].index(question.id) + 1 if question.id in attempt["question_ids"] else None
    )
    if number is None:
        db["attempts"].update(1, {"question_ids": json.dumps([question.id])})
        number = 1
    client.post(
        url.rsplit("/", 1)[0] + f"/{number}", data={"answer": "  sudo   " + question.fill.exact[0] + " "}
    )
    assert db["answers"].get((1, question.id))["correct"] == 1


def test_what_i_got_wrong_offers_only_missed_questions(app, client, db):
    url = _start_practice(client, type="single")
    ids = _attempt(db)["question_ids"]
    client.post(url, data=_wrong_form(_question(app, ids[0])))
    client.post(url[:-1] + "2", data=_right_form(_question(app, ids[1])))
    _start_practice(client, mode="wrong")
    assert _attempt(db, 2)["question_ids"] == [ids[0]]


def test_learner_cannot_open_another_learners_attempt(app, client, auth):
    auth.signup()
    _start_practice(client)
    auth.logout()
    other = app.test_client()
    other.post("/signup", data={"username": "eve", "password": "correct horse battery", "invite": ""})
    assert other.get("/quizzes/attempts/1/1").status_code == 404
    assert other.post("/quizzes/attempts/1/1", data={"option": "a"}).status_code == 404
    assert other.get("/quizzes/attempts/1/review").status_code == 404


def _start_exam(client):
    response = client.post("/quizzes/exam")
    assert response.status_code == 303
    return response.headers["Location"]


def test_exam_has_sixty_questions_and_no_feedback_before_submit(app, client, db, htmx):
    url = _start_exam(client)
    attempt = _attempt(db)
    assert len(attempt["question_ids"]) == 60
    assert all(_question(app, q).type != "lab" for q in attempt["question_ids"])
    question = _question(app, attempt["question_ids"][0])
    page = htmx.post(url, data={**_right_form(question), "go": "save"}).get_data(as_text=True)
    assert "Answer saved." in page and "Correct." not in page
    assert client.get(f"/quizzes/attempts/{attempt['id']}/review").status_code == 303


def test_exam_resumes_where_it_was_and_submits_once(app, client, db):
    url = _start_exam(client)
    attempt = _attempt(db)
    first = _question(app, attempt["question_ids"][0])
    client.post(url, data={**_right_form(first), "go": "next"})
    assert _start_exam(client) == url
    assert "checked" in client.get(url).get_data(as_text=True) or first.type == "fill"
    client.post(f"/quizzes/attempts/{attempt['id']}/submit")
    result = json.loads(db["attempts"].get(attempt["id"])["result"])
    assert result["correct"] == 1 and result["total"] == 60 and 200 <= result["scaled"] < 500
    client.post(f"/quizzes/attempts/{attempt['id']}/submit")
    assert json.loads(db["attempts"].get(attempt["id"])["result"]) == result


def test_exam_answers_after_the_deadline_are_refused_and_the_exam_submitted(app, client, db):
    url = _start_exam(client)
    past = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)).isoformat(timespec="seconds")
    db["attempts"].update(1, {"deadline": past})
    question = _question(app, _attempt(db)["question_ids"][0])
    response = client.post(url, data=_right_form(question))
    assert response.status_code == 303 and response.headers["Location"].endswith("/review")
    assert db["answers"].count == 0
    assert db["attempts"].get(1)["submitted_at"] is not None


def test_exam_flag_for_review_shows_in_the_summary(client, db, htmx):
    url = _start_exam(client)
    page = htmx.post(url, data={"go": "flag"}).get_data(as_text=True)
    assert "Flagged for review." in page
    summary = client.get("/quizzes/attempts/1/summary").get_data(as_text=True)
    assert "flagged for review" in summary


def test_review_shows_choices_and_explanations_after_submit(app, client, db):
    url = _start_practice(client, type="single")
    question = _question(app, _attempt(db)["question_ids"][0])
    client.post(url, data=_wrong_form(question))
    page = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert "Your choice</span>" in page and "Correct answer</span>" in page
    assert "Wrong:" not in page


def test_guest_practice_is_kept_when_they_log_in(app, client, db, auth):
    other = app.test_client()
    other.post("/signup", data={"username": "ada", "password": "correct horse battery", "invite": ""})
    url = _start_practice(client, type="single")
    question = _question(app, _attempt(db)["question_ids"][0])
    client.post(url, data=_wrong_form(question))
    auth.login()
    ada = next(db["users"].rows_where("username = 'ada'"))
    assert db["attempts"].get(1)["user_id"] == ada["id"]
    assert db["cards"].count_where("user_id = ?", [ada["id"]]) == 1
    assert "in progress" in client.get("/quizzes/").get_data(as_text=True)


def test_exam_date_is_saved(client, auth, db):
    auth.signup()
    client.post("/quizzes/exam-date", data={"exam_date": "2027-01-15"})
    assert db["users"].get(1)["exam_date"] == "2027-01-15"
    response = client.post("/quizzes/exam-date", data={"exam_date": "not a date"})
    assert response.status_code == 303
    assert db["users"].get(1)["exam_date"] == "2027-01-15"


def test_bank_check_json_meets_the_counts(runner):
    result = runner.invoke(args=["bank", "check", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["questions"] >= 150


def test_bank_check_refuses_a_corrupted_bank_naming_the_file(runner, tmp_path):
    (tmp_path / "broken.yaml").write_text(
        "area: vm-and-containers\nquestions:\n  - id: x\n    type: single\n  stem: ["
    )
    result = runner.invoke(args=["bank", "check", str(tmp_path)])
    assert result.exit_code != 0
    assert "broken.yaml" in result.output


def test_exports_are_for_instructors_only(client, auth):
    assert client.get("/quizzes/export.gift").status_code == 303
    auth.signup()
    assert client.get("/quizzes/export.gift").status_code == 403
    assert client.get("/quizzes/export.xml").status_code == 403


def test_exports_are_downloads(client, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    gift = client.get("/quizzes/export.gift")
    assert gift.status_code == 200 and "attachment" in gift.headers["Content-Disposition"]
    assert "::" in gift.get_data(as_text=True)
    xml = client.get("/quizzes/export.xml")
    assert xml.get_data(as_text=True).lstrip().startswith("<?xml") or "<quiz>" in xml.get_data(as_text=True)


def test_mastery_counts_lab_checks_too(app, client, auth):
    auth.signup()
    before = client.get("/quizzes/").get_data(as_text=True)
    client.post("/labs/intel-vtx-host/start")
    client.post("/labs/intel-vtx-host/run", data={"line": "sudo modprobe kvm_intel"})
    after = client.get("/quizzes/").get_data(as_text=True)
    chart = after.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert chart != before.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Virtual machines and containers" in chart


def test_lab_question_embeds_the_learners_terminal_and_is_graded_by_its_checks(app, client, db, htmx):
    url = _start_practice(client, type="lab")
    question = _question(app, _attempt(db)["question_ids"][0])
    page = client.get(url).get_data(as_text=True)
    assert "Start the lab for this question" in page
    client.post(f"/labs/{question.scenario}/start", data={"next": url})
    page = client.get(url).get_data(as_text=True)
    assert 'id="terminal-output"' in page and 'id="command-line"' in page
    response = htmx.post(url, data={})
    assert "Not quite." in response.get_data(as_text=True)
    assert db["answers"].get((1, question.id))["correct"] == 0


def test_flagging_keeps_the_chosen_answer(app, client, db, htmx):
    url = _start_exam(client)
    question = _question(app, _attempt(db)["question_ids"][0])
    htmx.post(url, data={**_right_form(question), "go": "flag"})
    row = db["answers"].get((1, question.id))
    assert row["flagged"] == 1 and json.loads(row["response"]) is not None


def test_an_empty_exam_answer_does_not_count_as_answered(app, client, db):
    url = _start_exam(client)
    client.post(url, data={"go": "save"})
    summary = client.get("/quizzes/attempts/1/summary").get_data(as_text=True)
    assert "You have answered 0 of 60 questions." in summary


def test_exam_autosave_saves_without_a_page(app, client, db):
    url = _start_exam(client)
    question = _question(app, _attempt(db)["question_ids"][0])
    response = client.post(url, data={**_right_form(question), "go": "autosave"})
    assert response.status_code == 204
    assert json.loads(db["answers"].get((1, question.id))["response"]) is not None


def test_an_autosave_after_the_deadline_is_refused_in_words_not_acknowledged(app, client, db):
    url = _start_exam(client)
    past = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)).isoformat(timespec="seconds")
    db["attempts"].update(1, {"deadline": past})
    question = _question(app, _attempt(db)["question_ids"][0])
    response = client.post(url, data={**_right_form(question), "go": "autosave"})
    assert response.status_code == 409
    assert "Time is up" in response.get_data(as_text=True)
    assert db["answers"].count == 0 and db["attempts"].get(1)["submitted_at"] is not None


def test_an_exam_submitted_in_another_tab_refuses_this_tabs_answers_and_flags(app, client, db, htmx):
    url = _start_exam(client)
    question = _question(app, _attempt(db)["question_ids"][0])
    client.post("/quizzes/attempts/1/submit")
    autosave = client.post(url, data={**_right_form(question), "go": "autosave"})
    assert autosave.status_code == 409 and "already" not in autosave.get_data(as_text=True)
    assert "has been submitted" in autosave.get_data(as_text=True)
    flag = htmx.post(url, data={"go": "flag"})
    assert flag.headers["HX-Redirect"].endswith("/quizzes/attempts/1/review")
    assert db["answers"].count == 0


def test_an_answer_racing_the_submit_is_not_stored_after_it(app, client, db):
    """The store itself refuses: the view checked the attempt was open, then another request submitted it."""
    from web import quiz_store

    _start_exam(client)
    question_id = _attempt(db)["question_ids"][0]
    client.post("/quizzes/attempts/1/submit")
    assert quiz_store.save_answer(db, 1, question_id, "a", None) is False
    assert quiz_store.set_flag(db, 1, question_id, True) is False
    assert db["answers"].count == 0


def test_starting_the_exam_twice_at_once_gives_one_exam(app, client, db):
    from web import quiz_store

    _start_exam(client)
    user_id = db["attempts"].get(1)["user_id"]
    again = quiz_store.start_exam(db, user_id, "Exam 102.6", ["x"], None)
    assert again == 1 and db["attempts"].count == 1


def test_save_and_next_moves_on_with_the_new_address(app, client, db, htmx):
    url = _start_exam(client)
    question = _question(app, _attempt(db)["question_ids"][0])
    response = htmx.post(url, data={**_right_form(question), "go": "next"})
    assert response.headers["HX-Push-Url"].endswith("/quizzes/attempts/1/2")
    assert "question 2 of 60" in response.get_data(as_text=True)


def test_resume_returns_to_the_question_the_learner_was_on(client):
    _start_exam(client)
    client.get("/quizzes/attempts/1/7")
    assert _start_exam(client).endswith("/quizzes/attempts/1/7")


def test_a_huge_attempt_number_is_a_404_not_a_500(client):
    _start_practice(client)
    assert client.get("/quizzes/attempts/999999999999999999999999999999/1").status_code == 404
    assert client.post("/quizzes/attempts/999999999999999999999999999999/submit").status_code == 404


def test_saving_an_empty_exam_answer_says_so(client, htmx):
    url = _start_exam(client)
    page = htmx.post(url, data={"go": "save"}).get_data(as_text=True)
    assert "No answer given to that question." in page and "Answer saved." not in page


def _keys_of(question):
    """What gives a question's answer away on a page: its explanations."""
    return [markdown_to_html(o.explanation) for o in question.options if o.explanation] + [
        markdown_to_html(question.explanation)
    ]


def test_practice_review_shows_keys_only_for_questions_answered(app, client, db):
    url = _start_practice(client, type="single")
    answered, unanswered = (_question(app, qid) for qid in _attempt(db)["question_ids"][:2])
    client.post(url, data=_wrong_form(answered))
    page = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert all(key in page for key in _keys_of(answered))
    assert not any(key in page for key in _keys_of(unanswered))
    assert "Answer question 2</a> to see its explanation." in page


def test_a_finished_practice_refuses_answers_and_stores_nothing(app, client, db, htmx):
    url = _start_practice(client, type="single")
    question = _question(app, _attempt(db)["question_ids"][0])
    client.post("/quizzes/attempts/1/submit")
    fragment = htmx.post(url, data=_right_form(question))
    page = client.post(url, data=_right_form(question))
    assert fragment.status_code == page.status_code == 409
    assert "<html" not in fragment.get_data(as_text=True)
    for response in (fragment, page):
        assert "This practice is finished, so it takes no more answers." in response.get_data(as_text=True)
    assert db["answers"].count == 0 and db["cards"].count == 0
    review = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert not any(key in review for key in _keys_of(question))


def test_practice_cannot_start_while_an_exam_is_running(client, db):
    exam_url = _start_exam(client)
    response = client.post("/quizzes/practice", data={"size": "5"})
    assert response.status_code == 303 and response.headers["Location"] == exam_url
    assert "Practice shows answers, so it opens again once you submit the exam." in client.get(
        exam_url
    ).get_data(as_text=True)
    assert db["attempts"].count == 1


def test_practice_starts_once_a_timed_out_exam_is_submitted(client, db):
    _start_exam(client)
    past = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)).isoformat(timespec="seconds")
    db["attempts"].update(1, {"deadline": past})
    assert "/quizzes/attempts/2/1" in _start_practice(client)
    assert db["attempts"].get(1)["submitted_at"] is not None


def test_an_open_practice_keeps_back_the_keys_of_the_running_exam(app, client, db, htmx):
    url = _start_practice(client, type="single")
    seen, unseen = (_question(app, qid) for qid in _attempt(db)["question_ids"][:2])
    client.post(url, data=_wrong_form(seen))
    _start_exam(client)
    exam_ids = _attempt(db, 2)["question_ids"]
    db["attempts"].update(2, {"question_ids": json.dumps([seen.id, unseen.id, *exam_ids[2:]])})

    refused = htmx.post(url[:-1] + "2", data=_right_form(unseen))
    assert refused.status_code == 409
    assert "its answer stays hidden until you submit the exam" in refused.get_data(as_text=True)
    assert db["answers"].count_where("attempt_id = 1") == 1
    for page in (client.get(url), client.get("/quizzes/attempts/1/review")):
        text = page.get_data(as_text=True)
        assert not any(key in text for key in _keys_of(seen) + _keys_of(unseen))
        assert "You chose this; it is wrong." not in text and "Your choice, wrong" not in text

    client.post("/quizzes/attempts/2/submit")
    review = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert all(key in review for key in _keys_of(seen))


def test_a_typed_command_is_graded_by_running_it_and_a_wrong_one_says_why(app, client, db):
    url = _start_practice(client, type="fill")
    db["attempts"].update(1, {"question_ids": json.dumps(["fill-lsmod-grep-kvm", "fill-modprobe-kvm-intel"])})
    first, second = url.rsplit("/", 1)[0] + "/1", url.rsplit("/", 1)[0] + "/2"
    page = client.post(first, data={"answer": "sudo lsmod | egrep KVM -i"}, follow_redirects=True)
    assert "Correct." in page.get_data(as_text=True)
    page = client.post(second, data={"answer": "modprobe kvm"}, follow_redirects=True).get_data(as_text=True)
    assert "Not quite." in page and "<code>kvm</code> is the common core" in page
    assert [row["correct"] for row in db["answers"].rows] == [1, 0]


def test_a_question_number_out_of_range_says_how_many_there_are(client):
    url = _start_practice(client)
    past_the_end = url.rsplit("/", 1)[0] + "/6"
    for response in (client.get(past_the_end), client.post(past_the_end, data={"option": "a"})):
        assert response.status_code == 404
        assert "This practice has 5 questions, so there is no question 6." in response.get_data(as_text=True)


def test_an_exam_date_years_away_is_refused_in_words(client, auth, db):
    auth.signup()
    far = datetime.date.today() + datetime.timedelta(days=3 * 365)
    response = client.post("/quizzes/exam-date", data={"exam_date": far.isoformat()}, follow_redirects=True)
    assert "That date is more than two years away." in response.get_data(as_text=True)
    assert db["users"].get(1)["exam_date"] is None
    client.post("/quizzes/exam-date", data={"exam_date": "9999-12-31"})
    assert db["users"].get(1)["exam_date"] is None


def _mastery_label(page: str) -> str:
    return page.split('class="mastery-chart" role="img" aria-label="', 1)[1].split('"', 1)[0]


def test_an_exam_submitted_with_unanswered_questions_counts_them_against_mastery(app, client, auth, db):
    auth.signup()
    url = _start_exam(client)
    attempt = _attempt(db)
    first = _question(app, attempt["question_ids"][0])
    client.post(url, data={**_right_form(first), "go": "next"})
    client.post(f"/quizzes/attempts/{attempt['id']}/submit")
    label = _mastery_label(client.get("/quizzes/").get_data(as_text=True))
    # one right answer among the exam's 60 questions: no area is at 100%, every area of the exam was seen
    assert "100%" not in label and "not practised yet" not in label


def test_an_unfinished_practice_counts_only_its_answers_in_mastery(app, client, auth, db):
    auth.signup()
    url = _start_practice(client, area="guest-integration")
    first = _question(app, _attempt(db)["question_ids"][0])
    client.post(url, data=_right_form(first))
    label = _mastery_label(client.get("/quizzes/").get_data(as_text=True))
    assert "Guest drivers, tools and cloud-init: 100%" in label
    assert label.count("not practised yet") >= 4
