"""An exam's typed answer is saved as it is typed, not only when the field is left."""

import re

from playwright.sync_api import expect


def _first_fill_question(page):
    """Walk the exam's questions until one asks for a typed answer; its address."""
    base = page.url.rsplit("/", 1)[0]
    for number in range(1, 61):
        page.goto(f"{base}/{number}")
        if page.get_by_label("Your answer").count():
            return page.url
    raise AssertionError("the exam has no fill-in question")


def _start_exam(page):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start an exam").click()
    expect(page.get_by_role("heading", name="Exam 102.6: question 1 of 60")).to_be_visible()


def test_a_typed_answer_survives_a_reload_straight_after_typing(page):
    _start_exam(page)
    url = _first_fill_question(page)
    answer = page.get_by_label("Your answer")
    answer.focus()
    page.keyboard.type("modprobe kvm")
    page.reload()  # at once: the field was never left
    expect(page.get_by_label("Your answer")).to_have_value("modprobe kvm")
    assert page.url == url
    number = url.rsplit("/", 1)[1]
    expect(page.get_by_role("link", name=f"Question {number}, answered")).to_be_visible()


def test_typing_saves_after_a_pause_one_request_at_a_time(page):
    _start_exam(page)
    _first_fill_question(page)
    saves = []
    page.on(
        "request",
        lambda r: saves.append(r) if r.method == "POST" and "autosave" in (r.post_data or "") else None,
    )
    answer = page.get_by_label("Your answer")
    answer.focus()
    page.keyboard.type("virt-what", delay=20)  # quicker than the pause: one save at its end
    status = page.get_by_role("status").filter(has_text="Answer saved.")
    expect(status).to_be_visible()
    expect(answer).to_be_focused()
    assert len(saves) == 1
    assert "virt-what" in saves[0].post_data
    page.keyboard.press("Tab")  # leaving the field sends nothing new: that answer is saved
    page.wait_for_timeout(800)
    assert len(saves) == 1
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("virt-what")
    expect(page.get_by_role("link", name=re.compile(r"^Question \d+, answered$"))).to_have_count(1)


def test_a_practice_answer_typed_but_not_sent_comes_back_after_a_reload(page):
    page.goto("/quizzes/")
    page.get_by_role("checkbox", name="Type the answer").check()
    page.get_by_role("button", name="Start practice").click()
    answer = page.get_by_label("Your answer")
    answer.focus()
    page.keyboard.type("virsh list")
    page.reload()
    answer = page.get_by_label("Your answer")
    expect(answer).to_have_value("virsh list")
    page.get_by_role("button", name="Answer").press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"^(Correct\.|Not quite\.)$"))).to_be_focused()
    expect(page.get_by_label("Your answer")).to_have_value("virsh list")
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('guestlab-draft:'))") == []
