"""The load benchmark: its learners read our real pages, its verdicts follow the issue's rules, and a tiny
live run of `python -m bench` ends with the JSON line the issue asks for."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import figures, pages

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"rps", "p50_ms", "p95_ms", "p99_ms", "errors", "ratio_to_ceiling"}


def test_a_learner_finds_the_token_the_static_files_and_the_choices_of_an_exam_question(client):
    start = client.post("/quizzes/exam")
    html = client.get(start.headers["Location"]).get_data(as_text=True)
    assert pages.csrf_token(html)
    statics = pages.static_files(html)
    assert len(statics) == 4 and all(path.startswith("/static/") for path in statics)
    assert [client.get(path).status_code for path in statics] == [200] * 4
    assert pages.question_position(html) == (1, 60)
    form = pages.question_form(html)
    if form.kind in ("single", "multiple"):
        assert form.options and all(f'value="{option}"' in html for option in form.options)


def test_a_learner_reads_where_a_redirect_leads_without_its_anchor(client):
    location = client.post("/labs/kvm-guest/start").headers["Location"]
    assert pages.location_path(location) == "/labs/kvm-guest"


def _window(learners, p99, failures=0, requests=1000, seconds=10.0, rss=60.0, **extra):
    total = {"requests": requests, "failures": failures, "p50_ms": 5, "p95_ms": 20, "p99_ms": p99}
    return {
        "learners": learners,
        "seconds": seconds,
        "endpoints": {extra.pop("name", "command"): total},
        "total": total,
        "user_errors": extra.pop("user_errors", 0),
        "generator_cpu": extra.pop("generator_cpu", 0.3),
        "server_cpu": 0.8,
        "worker_rss_mb": rss,
        **extra,
    }


def test_learners_held_is_the_largest_step_with_p99_under_100_ms_and_no_error():
    steps = [_window(100, 30), _window(250, 60), _window(500, 99), _window(750, 140)]
    assert figures.learners_held(steps) == 500
    assert figures.learners_held([_window(100, 30), _window(250, 40, failures=1)]) == 100
    assert figures.learners_held([_window(100, 30, user_errors=2)]) == 0
    assert figures.learners_held([_window(100, 100)]) == 0


def test_a_window_with_the_generator_at_its_limit_is_named():
    steps = [_window(100, 20), _window(250, 30, generator_cpu=0.95)]
    saturation = {"ceiling": _window(24, 10, name="ceiling", generator_cpu=0.97)}
    assert figures.generator_bound(steps, saturation) == ["250 learners", "ceiling"]
    assert "ratios to it upper bounds" in figures.table(steps, saturation)


def test_the_ramp_goes_on_through_rare_errors_but_stops_when_latency_misses():
    assert figures.worth_going_on(_window(100, 30, failures=5))
    assert not figures.worth_going_on(_window(100, 30, failures=50))
    assert not figures.worth_going_on(_window(100, 120))


def test_saturated_throughput_is_given_as_a_share_of_the_static_files():
    saturation = {
        "ceiling": _window(24, 20, requests=9000, name="ceiling"),
        "command": _window(24, 90, requests=2700, name="command"),
        "answer": _window(24, 80, requests=4500, name="answer", user_errors=3),
    }
    endpoints = figures.saturated_endpoints(saturation)
    assert endpoints["ceiling"] == {
        "rps": 900.0,
        "p50_ms": 5,
        "p95_ms": 20,
        "p99_ms": 20,
        "errors": 0,
        "ratio_to_ceiling": 1.0,
    }
    assert endpoints["command"]["ratio_to_ceiling"] == 0.3
    assert endpoints["answer"]["ratio_to_ceiling"] == 0.5 and endpoints["answer"]["errors"] == 3


def test_the_summary_reports_targets_missed_as_missed():
    steps = [_window(500, 40), _window(1000, 150, rss=120.0)]
    saturation = {
        name: _window(24, 20, requests=requests, name=name)
        for name, requests in (("ceiling", 9000), ("command", 2700), ("answer", 4500))
    }
    result = figures.summary(steps, saturation, {"cpus": 2})
    assert result["learners"] == 500 and result["worker_rss_mb"] == 120.0
    assert result["targets_met"] == {"learners": False, "ratios": False, "worker_rss": True}
    assert result["classroom"]["p99_ms"] == 40
    assert result["conditions"] == {"cpus": 2, "generator_bound": []}
    verdicts = {line.split()[0]: line.split()[-1] for line in figures.ramp_table(steps).splitlines()[1:]}
    assert verdicts == {"500": "held", "1000": "missed"}


def test_a_tiny_live_run_ends_with_the_json_line():
    """`python -m bench` for real (server, Locust, /proc), with three learners and two-second windows."""
    env = {**os.environ, "BENCH_QUICK": "1", "BENCH_STEPS": "3", "BENCH_SECONDS": "2"}
    run = subprocess.run(
        [sys.executable, "-m", "bench"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["learners"] in (0, 3)
    assert set(result["endpoints"]) >= {"ceiling", "command", "answer"}
    for name in ("ceiling", "command", "answer"):
        assert set(result["endpoints"][name]) >= FIELDS
        assert result["endpoints"][name]["rps"] > 0
    assert result["endpoints"]["ceiling"]["ratio_to_ceiling"] == 1.0
    assert 10 < result["worker_rss_mb"] < 1000


def test_a_learner_fetches_our_fingerprinted_files_once_and_revalidates_uncached_ones(client):
    html = client.get("/").get_data(as_text=True)
    stylesheet = next(path for path in pages.static_files(html) if path.endswith(".css"))
    assert pages.fresh_for_a_while(client.get(stylesheet).headers["Cache-Control"])
    assert not any(pages.fresh_for_a_while(value) for value in ("", "no-cache", "max-age=0", "no-store"))


@pytest.fixture(autouse=True)
def _no_locust_in_this_process():
    """Locust patches the standard library with gevent on import; the live run keeps it in a subprocess."""
    yield
    assert "locust" not in sys.modules
