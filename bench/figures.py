"""The benchmark's verdicts from measured windows: when a ramp step held, the learners held, the ratios of
saturated endpoints to the static file's, the human table and the JSON line.

A window is a plain dict, so these rules can be checked on recorded figures:
{"learners": N, "seconds": S, "endpoints": {NAME: {"requests", "failures", "p50_ms", "p95_ms", "p99_ms"}},
 "total": {same keys}, "user_errors": exceptions raised in learners, "generator_cpu": share of one core,
 "server_cpu": cores busy, "worker_rss_mb": largest worker, "failure_messages": {MESSAGE: COUNT}}.
"""

P99_TARGET_MS = 100
LEARNERS_TARGET = 1000
RATIO_TARGET = 0.5
RSS_TARGET_MB = 150
SATURATED = ("ceiling", "command", "answer")
GENERATOR_BOUND = 0.9
"""Above this share of its core, the load generator rather than the server may be what limits a window."""
NOTHING = {"requests": 0, "failures": 0, "p50_ms": 0, "p95_ms": 0, "p99_ms": 0}


def errors(window: dict) -> int:
    """Failed requests and exceptions raised in a learner's own code (a page it could not read, say)."""
    return window["total"]["failures"] + window.get("user_errors", 0)


def held(window: dict) -> bool:
    return (
        window["total"]["requests"] > 0 and errors(window) == 0 and window["total"]["p99_ms"] < P99_TARGET_MS
    )


def worth_going_on(window: dict) -> bool:
    """Whether the ramp takes another step: latency held, and errors (if any) are rare enough that the
    next step still says something about the server's capacity rather than only about the error."""
    total = window["total"]
    return (
        total["requests"] > 0
        and total["p99_ms"] < P99_TARGET_MS
        and errors(window) <= total["requests"] / 100
    )


def learners_held(steps: list[dict]) -> int:
    """N_HELD: the most learners of a ramp step in which p99 stayed under the target with no error."""
    return max((step["learners"] for step in steps if held(step)), default=0)


def endpoint(figures: dict, seconds: float) -> dict:
    return {
        "rps": round(figures["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
        "p99_ms": figures["p99_ms"],
        "errors": figures["failures"],
    }


def saturated_endpoints(saturation: dict[str, dict]) -> dict[str, dict]:
    """Each saturated endpoint's figures, its throughput given as a share of the static file's."""
    result = {
        name: endpoint(window["endpoints"].get(name, NOTHING), window["seconds"])
        for name, window in saturation.items()
    }
    for name, window in saturation.items():
        result[name]["errors"] += window.get("user_errors", 0)
    ceiling = result["ceiling"]["rps"]
    for figures in result.values():
        figures["ratio_to_ceiling"] = round(figures["rps"] / ceiling, 3) if ceiling else None
    return result


def summary(steps: list[dict], saturation: dict[str, dict], conditions: dict) -> dict:
    """The JSON line: the issue's keys first, then the held step's mix and what the run ran on."""
    learners = learners_held(steps)
    endpoints = saturated_endpoints(saturation)
    windows = steps + list(saturation.values())
    rss = round(max(window["worker_rss_mb"] for window in windows), 1)
    held_step = next((step for step in steps if step["learners"] == learners and held(step)), None)
    result = {"learners": learners, "endpoints": endpoints, "worker_rss_mb": rss}
    if held_step is not None:
        result["classroom"] = {
            "rps": round(held_step["total"]["requests"] / held_step["seconds"], 1),
            "p99_ms": held_step["total"]["p99_ms"],
            "endpoints": {
                name: endpoint(figures, held_step["seconds"])
                for name, figures in held_step["endpoints"].items()
            },
        }
    result["targets_met"] = {
        "learners": learners >= LEARNERS_TARGET,
        "ratios": all((endpoints[name]["ratio_to_ceiling"] or 0) >= RATIO_TARGET for name in SATURATED),
        "worker_rss": rss < RSS_TARGET_MB,
    }
    result["conditions"] = {**conditions, "generator_bound": generator_bound(steps, saturation)}
    return result


def generator_bound(steps: list[dict], saturation: dict[str, dict]) -> list[str]:
    """The windows whose figures the load generator may have held down: a busy generator sends late."""
    bound = [f"{step['learners']} learners" for step in steps if step["generator_cpu"] >= GENERATOR_BOUND]
    return bound + [name for name, window in saturation.items() if window["generator_cpu"] >= GENERATOR_BOUND]


def _columns(rows: list[list]) -> str:
    """Rows of cells, each column right-aligned to its widest cell."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows
    )


def table(steps: list[dict], saturation: dict[str, dict]) -> str:
    """For people: each ramp step, the failures seen, the last step's requests, the saturated endpoints."""
    parts = [ramp_table(steps)] if steps else []
    failures = [
        f"{count} x {message[:150]} ({window['learners']} users)"
        for window in steps + list(saturation.values())
        for message, count in window.get("failure_messages", {}).items()
    ]
    parts += ["\n".join(failures)] if failures else []
    parts += [endpoint_table(steps[-1])] if steps else []
    parts += [saturation_table(saturation)] if saturation else []
    bound = generator_bound(steps, saturation)
    if bound:
        parts.append(
            f"The load generator used over {GENERATOR_BOUND:.0%} of its core in: {', '.join(bound)}. There "
            "the server may have had more to give; a bound ceiling makes the ratios to it upper bounds."
        )
    return "\n\n".join(parts)


def ramp_table(steps: list[dict]) -> str:
    rows = [
        ["learners", "rps", "p50 ms", "p95 ms", "p99 ms", "errors", "server cores", "generator", "rss MB", ""]
    ]
    for step in steps:
        total = step["total"]
        rows.append(
            [
                step["learners"],
                f"{total['requests'] / step['seconds']:.1f}",
                total["p50_ms"],
                total["p95_ms"],
                total["p99_ms"],
                errors(step),
                f"{step['server_cpu']:.2f}",
                f"{step['generator_cpu']:.0%}",
                f"{step['worker_rss_mb']:.1f}",
                "held" if held(step) else "missed",
            ]
        )
    return _columns(rows)


def endpoint_table(window: dict) -> str:
    """Each request of the classroom mix in one window, slowest p99 first."""
    rows = [[f"at {window['learners']} learners", "rps", "p50 ms", "p95 ms", "p99 ms", "errors"]]
    for name, figures in sorted(window["endpoints"].items(), key=lambda item: -item[1]["p99_ms"]):
        row = endpoint(figures, window["seconds"])
        rows.append([name, row["rps"], row["p50_ms"], row["p95_ms"], row["p99_ms"], row["errors"]])
    return _columns(rows)


def saturation_table(saturation: dict[str, dict]) -> str:
    """Each hammered endpoint: throughput, its share of the static file's, and server CPU per request."""
    rows = [["saturated", "rps", "p50 ms", "p99 ms", "errors", "ratio", "server cpu ms", "generator"]]
    for name, row in saturated_endpoints(saturation).items():
        window = saturation[name]
        requests = window["endpoints"].get(name, NOTHING)["requests"]
        cpu_ms = window["server_cpu"] * window["seconds"] * 1000 / requests if requests else 0.0
        ratio = "-" if row["ratio_to_ceiling"] is None else f"{row['ratio_to_ceiling']:.2f}"
        rows.append(
            [
                name,
                row["rps"],
                row["p50_ms"],
                row["p99_ms"],
                row["errors"],
                ratio,
                f"{cpu_ms:.2f}",
                f"{window['generator_cpu']:.0%}",
            ]
        )
    return _columns(rows)
