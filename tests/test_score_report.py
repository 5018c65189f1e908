"""The exam's score report and its review: what a learner reads after submitting."""

import json
import re

import pytest

from web.db import connect


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def _question(app, qid):
    return app.extensions["guestlab.bank"].questions[qid]


def _right(question):
    if question.type == "single":
        return {"option": sorted(question.correct_option_ids)[0]}
    if question.type == "multiple":
        return {"option": sorted(question.correct_option_ids)}
    return {"answer": question.fill.exact[0]}


def _wrong(question):
    if question.type == "fill":
        return {"answer": "definitely not it"}
    return {"option": [o.id for o in question.options if not o.correct][0]}


@pytest.fixture
def submitted_exam(app, client, db):
    """An exam with question 1 right, question 2 wrong, question 3 flagged and not answered, the rest
    not answered; submitted. Returns its question ids."""
    client.post("/quizzes/exam")
    ids = json.loads(db["attempts"].get(1)["question_ids"])
    base = "/quizzes/attempts/1"
    client.post(f"{base}/1", data={**_right(_question(app, ids[0])), "go": "save"})
    client.post(f"{base}/2", data={**_wrong(_question(app, ids[1])), "go": "save"})
    client.post(f"{base}/3", data={"go": "flag"})
    client.post(f"{base}/submit")
    return ids


def test_the_report_opens_on_a_banner_with_the_scaled_score(client, submitted_exam):
    page = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert "Not passed" in page and "210 / 800: not passed" in page
    assert "1 of 60 right (1%); 500 passes" in page
    assert re.search(r"Time used: \d+ s of 1 h 30 min\.", page)


def test_weak_areas_are_marked_and_offer_a_practice(client, submitted_exam):
    page = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert page.count("below the pass line</span>") == 5
    assert page.count('name="area" value=') == 5
    assert 'aria-labelledby="area-chart-title area-chart-desc"' in page


def test_the_review_opens_on_the_wrong_answers_only(client, submitted_exam):
    page = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert 'aria-current="true"' in page and "Wrong (1)</a>" in page
    assert "Not answered (58)" in page and "Flagged (1)" in page and "All (60)" in page
    assert re.findall(r"Question (\d+): ", page) == ["2"]


def test_not_answered_is_not_shown_as_wrong(client, submitted_exam):
    page = client.get("/quizzes/attempts/1/review?show=unanswered").get_data(as_text=True)
    numbers = re.findall(r"Question (\d+): ", page)
    assert len(numbers) == 58 and "1" not in numbers and "2" not in numbers
    assert page.count('<span class="verdict unanswered">not answered</span>') == 58
    assert '<span class="verdict wrong">' not in page


def test_the_flagged_filter_shows_the_flagged_question(client, submitted_exam):
    page = client.get("/quizzes/attempts/1/review?show=flagged").get_data(as_text=True)
    assert re.findall(r"Question (\d+): ", page) == ["3"]
    assert '<span class="tag">flagged</span>' in page


def test_options_are_labelled_your_choice_and_correct_answer_only(app, client, submitted_exam):
    question = _question(app, submitted_exam[1])
    page = client.get("/quizzes/attempts/1/review?show=wrong").get_data(as_text=True)
    if question.type == "fill":
        assert "<code>definitely not it</code>" in page
    else:
        assert page.count("Your choice</span>") == 1
        assert page.count("Correct answer</span>") == len(question.correct_option_ids)
    assert "Wrong:" not in page


def test_a_filter_asked_by_htmx_swaps_only_the_questions_and_takes_the_focus(htmx, submitted_exam):
    fragment = htmx.get("/quizzes/attempts/1/review?show=all").get_data(as_text=True)
    assert fragment.startswith('\n<section id="review-questions"') or fragment.lstrip().startswith(
        '<section id="review-questions"'
    )
    assert "<html" not in fragment and "Not passed" not in fragment
    current = re.search(r"<a [^>]*aria-current=\"true\"[^>]*>", fragment).group(0)
    assert "data-focus-after-swap" in current and "show=all" in current


def test_every_question_cites_where_to_read_more(client, submitted_exam):
    page = client.get("/quizzes/attempts/1/review?show=all").get_data(as_text=True)
    assert page.count("Read more:") == 60
    assert page.count("LPIC-1 objective 102.6, <q>Understand") == 60


def test_the_scores_of_earlier_exams_are_charted(app, client, db, submitted_exam):
    client.post("/quizzes/exam")
    client.post("/quizzes/attempts/2/submit")
    page = client.get("/quizzes/attempts/2/review").get_data(as_text=True)
    assert "Your exam scores" in page
    assert "Attempt 1, Exam 102.6" in page and "Attempt 2, Exam 102.6" in page and "(this attempt)" in page


def test_the_review_cites_cloud_inits_module_for_a_cloud_config_key_and_mkswaps_page(client, db):
    client.post("/quizzes/exam")
    db["attempts"].update(1, {"question_ids": json.dumps(["cloud-config-keys-users", "swap-uuid-tools"])})
    client.post("/quizzes/attempts/1/submit")
    page = client.get("/quizzes/attempts/1/review?show=all").get_data(as_text=True)
    assert "hostname(5)" not in page
    assert (
        "cloud-init's documentation of the <code>ssh_authorized_keys</code> key, in its module reference: "
        '<a href="https://docs.cloud-init.io/en/24.3/reference/modules.html#ssh">SSH</a>'
    ) in page
    assert (
        "the manual page mkswap(8), section DESCRIPTION (type <code>man 8 mkswap</code> in any lab)" in page
    )
