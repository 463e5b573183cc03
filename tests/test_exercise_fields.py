"""Levels, hints and rubrics from the exercise files reach students and instructors (issue 15, first part)."""
import json

import pytest

import kit
from kit import exercises as exm
from kit.classroom import answer_key_markdown
from tests.notebook_list import ROOT


def _wrong(ex):
    if ex.type == "multiple_choice":
        return next(o for o in ex.options if o != ex.answer)
    if ex.type == "multiple_select":
        return [o for o in ex.options if o not in ex.answer][:1]
    if ex.type == "ordering":
        return list(reversed(ex.items))
    return {left: next(r for r in ex.rights if r != right) for left, right in ex.pairs}


def test_catalog_shows_each_items_level():
    cat = kit.exercises.catalog()
    assert "level" in cat.columns
    assert set(cat["level"]) <= set(exm.LEVELS) | {"not set"}
    assert cat.loc[cat["id"] == "sim_debrief", "level"].item() == "evaluate"


@pytest.mark.parametrize("ex", [e for e in exm.all_exercises().values() if e.auto_checked and e.hint],
                         ids=lambda e: e.id)
def test_a_wrong_answer_gets_the_hint_and_not_the_answer(ex):
    result = exm.check(ex.id, _wrong(ex))
    assert result.correct is False and ex.hint in result.feedback
    answers = [ex.answer] if ex.type == "multiple_choice" else list(ex.answer or ())
    assert not any(a in result.feedback for a in answers), "the feedback gives the answer away"


def test_rubrics_are_read_in_order_and_printed_in_the_answer_key():
    ex = exm.get("sim_debrief")
    assert [score for score, _, _ in ex.rubric] == [3, 2, 1, 0]
    key = kit.exercises.answer_key().set_index("id")
    assert key.loc["sim_debrief", "rubric"].startswith("3 (strong): ")
    assert "*Rubric:* 3 (strong):" in answer_key_markdown()


def test_a_bad_level_or_rubric_in_a_file_is_named(tmp_path):
    known = set(kit.load("sources")["source_id"])
    raw = json.loads((ROOT / "data" / "exercises" / "08_negotiation_simulation.json").read_text(encoding="utf-8")
                     )["exercises"][-1]
    with pytest.raises(exm.ExerciseError, match="level 'hard' is not one of: remember"):
        exm._build({**raw, "level": "hard"}, "x", "here", known)
    with pytest.raises(exm.ExerciseError, match="'rubric' must be a list"):
        exm._build({**raw, "rubric": [{"score": 3}]}, "x", "here", known)
