import json

from quiz.model import FillAnswer, Option, Question, question_from_dict, question_to_dict


def test_question_round_trips_through_a_dict():
    question = Question(
        id="q1",
        type="fill",
        area="vm-and-containers",
        stem="Type it.",
        explanation="Because.",
        terms=("virtual-machine",),
        options=(Option("a", "A", True, "yes"),),
        fill=FillAnswer(exact=("modprobe kvm",), patterns=("modprobe kvm(_intel)?",), optional_sudo=True),
    )
    assert question_from_dict(json.loads(json.dumps(question_to_dict(question)))) == question
