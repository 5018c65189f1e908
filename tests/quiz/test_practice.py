import random

from quiz.model import Question
from quiz.practice import choose_practice


def _q(qid, area="vm-and-containers", type_="single", terms=()):
    return Question(id=qid, type=type_, area=area, stem=qid, explanation="", terms=terms)


QUESTIONS = [
    _q("a"),
    _q("b", area="iaas-elements"),
    _q("c", type_="fill", terms=("guest-drivers",)),
    _q("d", area="iaas-elements", type_="fill"),
]


def _choose(**kw):
    args = {"areas": set(), "terms": set(), "types": set(), "size": 10, "rng": random.Random(1)}
    return choose_practice(QUESTIONS, **{**args, **kw})


def test_no_filter_takes_every_question_once():
    assert sorted(_choose()) == ["a", "b", "c", "d"]


def test_filters_combine():
    assert sorted(_choose(areas={"iaas-elements"})) == ["b", "d"]
    assert _choose(areas={"iaas-elements"}, types={"fill"}) == ["d"]
    assert _choose(terms={"guest-drivers"}) == ["c"]


def test_size_caps_the_session():
    assert len(_choose(size=2)) == 2


def test_missed_or_due_questions_keep_their_priority_order():
    assert _choose(among=["d", "x", "a"]) == ["d", "a"]
    assert _choose(among=["d", "a"], types={"single"}) == ["a"]
