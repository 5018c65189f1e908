"""The lab path in a browser: groups, progress and "Next"; a worked solution after the lab is passed; and
a lab on a phone (390 px, down to 320 px): story and tasks first, no focus jump, nothing wider than the
screen."""

import re

from conftest import assert_accessible, terminal
from playwright.sync_api import expect

from simulator import list_scenarios

# What spills out of its box: the page scrolling sideways, or an element whose content is wider than the
# element itself, unless that element scrolls or clips its content (a code block, the terminal) on purpose.
OVERFLOWING = """() => {
  const spilled = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) spilled.push("the page scrolls sideways");
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (["inline", "none", "contents"].includes(style.display)) continue;
    if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) continue;
    if (["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const text = (el.textContent || "").trim().slice(0, 40);
      spilled.push(el.tagName + (el.id ? "#" + el.id : "") + ": " + text);
    }
  }
  return spilled;
}"""


def test_the_path_leads_to_the_first_unfinished_lab(page):
    page.goto("/labs/")
    headings = page.get_by_role("heading", level=2)
    expect(headings).to_have_text(["1. Hosts", "2. Guests", "3. Containers", "4. Cloning", "5. Cloud"])
    expect(page.get_by_text(re.compile(rf"^\d+ of {len(list_scenarios())} labs finished$"))).to_be_visible()
    assert_accessible(page)

    page.goto("/labs/intel-vtx-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    answer = page.get_by_label("Can this CPU run hardware-accelerated VMs?")
    answer.fill("yes, VT-x")
    answer.press("Enter")
    expect(page.get_by_text(re.compile(r"^Passed:"))).to_have_count(1)
    terminal(page).fill("sudo modprobe kvm_intel")
    terminal(page).press("Enter")
    done = page.get_by_text("Lab complete: every check passes.")
    expect(done).to_be_visible()
    next_link = page.locator(".lab-done").get_by_role("link")
    expect(next_link).to_have_text("An AMD EPYC server as a KVM host")

    solution = page.get_by_text("Show a solution")
    solution.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Why it works:")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Run sudo modprobe kvm_intel")).to_be_visible()
    assert_accessible(page)

    page.goto("/labs/")
    expect(page.get_by_text(f"1 of {len(list_scenarios())} labs finished")).to_be_visible()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Can this Intel laptop"))
    expect(card).to_contain_text("Finished: 5 of 5 points")
    nxt = page.get_by_role("link", name="Next: An AMD EPYC server as a KVM host")
    nxt.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("An AMD EPYC server as a KVM host")


def test_a_lab_on_a_phone_opens_on_its_story_and_tasks(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/labs/kvm-guest")
    page.get_by_role("button", name="Start this lab").click()
    story = page.get_by_text("You were handed SSH access to web01")
    expect(story).to_be_in_viewport()
    expect(terminal(page)).not_to_be_focused()
    tasks = page.get_by_role("heading", name=re.compile(r"^Tasks"))
    terminal_heading = page.get_by_role("heading", name="Terminal")
    assert tasks.bounding_box()["y"] < terminal_heading.bounding_box()["y"]
    assert page.evaluate(OVERFLOWING) == []
    assert_accessible(page)

    terminal(page).fill("systemd-detect-virt --help-me-with-a-rather-long-option-name-that-does-not-exist")
    terminal(page).press("Enter")
    expect(page.get_by_role("log", name="Terminal output")).to_contain_text("unrecognized option")
    expect(terminal(page)).to_be_focused()
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate(OVERFLOWING) == []


def test_the_lab_list_and_quiz_feedback_fit_a_320_px_screen(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/labs/")
    assert page.evaluate(OVERFLOWING) == []
    page.goto("/quizzes/")
    page.get_by_role("checkbox", name="Type the answer").check()
    page.get_by_role("button", name="Start practice").click()
    page.get_by_label("Your answer").fill("echo a-long-answer-without-a-space-in-it-to-break-the-line-at")
    page.get_by_role("button", name="Answer").click()
    expect(page.get_by_role("heading", name="Not quite.")).to_be_visible()
    assert page.evaluate(OVERFLOWING) == []
