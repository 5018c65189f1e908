"""Every scenario's worked solution, played step by step as a learner would, passes all its checks."""

import pytest

from simulator import World, list_scenarios, load_scenario


@pytest.mark.parametrize("scenario_id", [s["id"] for s in list_scenarios()])
def test_the_solution_passes_every_check(scenario_id):
    solution = load_scenario(scenario_id).get("solution")
    assert solution is not None, "every lab offers a worked solution once passed or out of hints"
    world = World.new(scenario_id)
    for step in solution["steps"]:
        if "run" in step:
            world.run(step["run"])
        else:
            answer = step["answer"]
            text = answer.get("text") or world.run(answer["from"]).stdout.strip()
            world.answer(answer["task"], text)
    failing = [(c["id"], c["detail"]) for c in world.grade()["checks"] if not c["passed"]]
    assert failing == []
