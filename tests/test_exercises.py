"""The exercises engine: grading every question type, saving answers so that none is ever lost."""
import json
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kit.data as data
from kit import exercises as exm
from kit.answers import AnswerStore

SAMPLE = {
    "notebook": "99_sample",
    "exercises": [
        {"id": "s_mc", "type": "multiple_choice", "objective": "o", "prompt": "Pick B",
         "options": ["A", "B", "C"], "answer": "B", "explanation": "B is right.", "source_ids": ["a_res_77_37"]},
        {"id": "s_ms", "type": "multiple_select", "objective": "o", "prompt": "Pick A and C",
         "options": ["A", "B", "C", "D"], "answer": ["A", "C"], "explanation": "A and C.", "source_ids": ["a_res_77_37"]},
        {"id": "s_ord", "type": "ordering", "objective": "o", "prompt": "Order 1-2-3",
         "items": ["one", "two", "three"], "explanation": "Counting.", "source_ids": ["a_res_77_37"]},
        {"id": "s_match", "type": "matching", "objective": "o", "prompt": "Match",
         "pairs": [["GGE", "experts"], ["OEWG", "all States"], ["GGE 2019", "experts"]],
         "explanation": "By membership.", "source_ids": ["a_res_77_37"]},
        {"id": "s_free", "type": "free_text", "objective": "o", "prompt": "Argue", "min_words": 3,
         "model_answer": "A model <answer>.", "explanation": "Look at the votes."},
    ],
}


@pytest.fixture
def sample(tmp_path, monkeypatch):
    """The kit's data with one sample exercise of each type added; answers go to a private file."""
    import shutil
    from tests.notebook_list import ROOT

    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    (copy / "exercises" / "99_sample.json").write_text(json.dumps(SAMPLE), encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", copy)
    monkeypatch.setenv("KIT_ANSWERS_FILE", str(tmp_path / "answers" / "my_answers.json"))
    data.clear_caches()
    exm._load_all.cache_clear()
    yield tmp_path / "answers" / "my_answers.json"
    data.clear_caches()
    exm._load_all.cache_clear()


# ------------------------------------------------------------------ grading

@pytest.mark.parametrize("ex_id,right,wrong,partial_score", [
    ("s_mc", "B", "A", 0.0),
    ("s_ms", ["C", "A"], ["A", "B"], 0.0),
    ("s_ord", ["one", "two", "three"], ["one", "three", "two"], 1 / 3),
    ("s_match", {"GGE": "experts", "OEWG": "all States", "GGE 2019": "experts"},
     {"GGE": "experts", "OEWG": "experts", "GGE 2019": "all States"}, 1 / 3),
])
def test_right_and_wrong_answers(sample, ex_id, right, wrong, partial_score):
    good = exm.check(ex_id, right)
    assert good.correct is True and good.score == 1.0 and good.feedback == "Correct."
    bad = exm.check(ex_id, wrong)
    assert bad.correct is False and bad.score == pytest.approx(partial_score, abs=1e-3)
    assert not bad.explanation and not bad.source_ids, "a first wrong answer gets a pointer, not the explanation"
    last = exm.check(ex_id, wrong, attempts=exm.MAX_ATTEMPTS)
    assert last.explanation and last.source_ids == ("a_res_77_37",) and last.answer_text


@pytest.mark.parametrize("ex_id,malformed,hint", [
    ("s_mc", "Z", "choose one of: A; B; C"),
    ("s_mc", 2, "choose one of"),
    ("s_ms", "A", "give a list of options"),
    ("s_ms", ["A", "Z"], "unknown option"),
    ("s_ord", ["one", "two"], "put all of these in order"),
    ("s_ord", ["one", "one", "two"], "put all of these in order"),
    ("s_match", {"GGE": "experts"}, "match each of these"),
    ("s_match", {"GGE": "x", "OEWG": "experts", "GGE 2019": "experts"}, "unknown match"),
    ("s_free", "   ", "write your answer"),
    ("s_free", "too short", "at least 3"),
    ("s_free", None, "write your answer"),
])
def test_malformed_answers_get_a_clear_error(sample, ex_id, malformed, hint):
    with pytest.raises(exm.ExerciseError, match=hint):
        exm.check(ex_id, malformed)


def test_free_text_reveals_the_model_answer_only_after_submission(sample):
    widget = exm.exercise("s_free")
    assert "model" not in widget.feedback.value.lower()
    widget.controls[0].value = "The vote shows a divided Assembly."
    result = widget.submit()
    assert result.correct is None and result.model_answer == "A model <answer>."
    assert "Model answer" in widget.feedback.value and "&lt;answer&gt;" in widget.feedback.value


def test_unknown_exercise_suggests_a_close_id(sample):
    with pytest.raises(exm.ExerciseError, match="did you mean 's_mc'"):
        exm.check("s_mcc", "B")


def test_catalog_and_answer_key_list_every_exercise(sample):
    cat = exm.catalog()
    assert {"s_mc", "s_ms", "s_ord", "s_match", "s_free", "start_two_bodies"} <= set(cat["id"])
    assert cat.set_index("id").loc["s_free", "auto_checked"] == False  # noqa: E712
    key = exm.answer_key().set_index("id")
    assert key.loc["s_ord", "answer"] == "one → two → three"
    with pytest.raises(exm.ExerciseError, match="choose one of"):
        exm.catalog("nope")


@pytest.mark.parametrize("broken,msg", [
    ({"id": "x", "type": "essay", "objective": "o", "prompt": "p"}, "is not one of"),
    ({"id": "x", "type": "multiple_choice", "objective": "o", "prompt": "p", "options": ["a", "b"], "answer": "c",
      "explanation": "e", "source_ids": ["a_res_77_37"]}, "must be one of the options"),
    ({"id": "x", "type": "multiple_choice", "objective": "o", "prompt": "p", "options": ["a", "b"], "answer": "a",
      "explanation": "e", "source_ids": ["nope"]}, "unknown source id"),
    ({"id": "x", "type": "ordering", "objective": "o", "prompt": "p", "items": ["a", "b", "c"]}, "needs an 'explanation'"),
])
def test_a_broken_exercise_file_names_the_exercise(sample, broken, msg):
    path = data.DATA_DIR / "exercises" / "98_broken.json"
    path.write_text(json.dumps({"notebook": "98", "exercises": [broken]}), encoding="utf-8")
    exm._load_all.cache_clear()
    with pytest.raises(exm.ExerciseError, match=msg) as err:
        exm.all_exercises()
    assert "98_broken.json" in str(err.value)


# ------------------------------------------------------------------ widgets, driven like a student

def test_widget_multiple_choice_right_then_wrong(sample):
    w = exm.exercise("s_mc")
    w.controls[0].value = "B"
    w.submit_button.click()
    assert "✔ Correct." in w.feedback.value and "B is right." in w.feedback.value
    w.controls[0].value = "C"
    w.submit_button.click()
    assert "✘ Not quite." in w.feedback.value


def test_widget_without_an_answer_says_so(sample):
    w = exm.exercise("s_mc")
    w.submit_button.click()
    assert "choose an answer first" in w.feedback.value


def test_widget_ordering_and_matching(sample):
    w = exm.exercise("s_ord")
    assert [c.description for c in w.controls] != ["one", "two", "three"]  # not shown in the right order
    for c in w.controls:
        c.value = str(["one", "two", "three"].index(c.description) + 1)
    assert w.submit().correct
    w.controls[0].value = w.controls[1].value
    w.submit_button.click()
    assert "different position" in w.feedback.value
    m = exm.exercise("s_match")
    for c in m.controls:
        c.value = {"GGE": "experts", "OEWG": "all States", "GGE 2019": "experts"}[c.description]
    assert m.submit().correct


def test_widget_multiple_select(sample):
    w = exm.exercise("s_ms")
    for c in w.controls:
        c.value = c.description in {"A", "C"}
    assert w.submit().correct


# ------------------------------------------------------------------ answers are never lost

def test_answers_are_restored_after_a_restart(sample):
    w = exm.exercise("s_mc")
    w.controls[0].value = "B"
    w.submit()
    t = exm.exercise("s_free")
    t.controls[0].value = "My argued answer is here."
    t.submit()
    # a new kernel: new widgets read the file again
    again, text = exm.exercise("s_mc"), exm.exercise("s_free")
    assert again.controls[0].value == "B" and "Your saved answer" in again.feedback.value
    assert text.controls[0].value == "My argued answer is here." and "Model answer" in text.feedback.value
    saved = json.loads(sample.read_text(encoding="utf-8"))["answers"]
    assert saved["s_mc"]["correct"] is True and saved["s_free"]["attempts"] == 1


def test_concurrent_saves_from_two_notebooks_keep_every_answer(sample):
    stores = [AnswerStore(sample), AnswerStore(sample)]
    errors = []

    def work(n):
        try:
            for i in range(25):
                stores[n].save(f"q{n}_{i}", {"answer": i})
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    answers = AnswerStore(sample).load()["answers"]
    assert len(answers) == 50


def test_a_corrupt_answers_file_is_kept_aside_and_the_student_told(sample):
    sample.parent.mkdir(parents=True, exist_ok=True)
    sample.write_text('{"format": "un-cyber-kit answers", "answers": {"s_mc": ', encoding="utf-8")
    w = exm.exercise("s_mc")
    assert "was damaged" in w.feedback.value
    kept = list(sample.parent.glob("my_answers.unreadable-*.json"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").endswith('"s_mc": ')
    w.controls[0].value = "B"
    w.submit()
    assert json.loads(sample.read_text(encoding="utf-8"))["answers"]["s_mc"]["answer"] == "B"
    # a second damaged file is kept too, not written over the first
    sample.write_text("not json", encoding="utf-8")
    AnswerStore(sample).load()
    assert len(list(sample.parent.glob("my_answers.unreadable-*.json"))) == 2


def test_html_and_script_in_free_text_are_escaped_and_never_run(sample):
    w = exm.exercise("s_free")
    w.controls[0].value = "<script>alert('x')</script> <img src=x onerror=alert(1)> words"
    w.submit()
    again = exm.exercise("s_free")
    assert "<script>" not in again.feedback.value and "<img" not in again.feedback.value
    assert again.controls[0].value.startswith("<script>")  # kept exactly, as text


# ------------------------------------------------------------------ property-based: any input, no crash, nothing lost

answers_strategy = st.one_of(
    st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=50),
    st.lists(st.text(max_size=8), max_size=5), st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4),
    st.sampled_from(["A", "B", "C", "D", "one", "two", "three"]),
    st.lists(st.sampled_from(["A", "B", "C", "D", "one", "two", "three"]), max_size=5),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ex_id=st.sampled_from(["s_mc", "s_ms", "s_ord", "s_match", "s_free"]), answer=answers_strategy)
def test_any_input_gets_a_grade_or_a_clear_error_and_is_saved(sample, ex_id, answer):
    store = AnswerStore(sample)
    before = store.load()["answers"]
    try:
        result = exm.submit(ex_id, answer, store)
    except exm.ExerciseError as err:
        assert ex_id in str(err)
        assert store.load()["answers"] == before  # a rejected answer changes nothing
    else:
        assert result.correct in (True, False, None)
        saved = store.load()["answers"]
        assert saved[ex_id]["answer"] == exm._jsonable(answer)  # the latest answer
        if ex_id == "s_free":
            assert saved[ex_id]["versions"][-1]["answer"] == answer
            assert saved[ex_id]["submitted"] == saved[ex_id]["versions"][0]["answer"]  # the first, kept
        assert set(before) <= set(saved)  # no earlier answer lost


def test_answers_go_to_the_kit_folder_when_it_is_the_students(monkeypatch, tmp_path):
    from kit import answers

    monkeypatch.delenv("KIT_ANSWERS_FILE", raising=False)
    monkeypatch.setattr(answers, "_belongs_to_user", lambda folder: True)
    assert answers.default_path().parts[-2:] == ("answers", "my_answers.json")
    assert answers.default_path().parent.parent == answers.Path(answers.__file__).resolve().parent.parent
    # a kit installed once for a whole class: each student's answers go to their own home folder
    monkeypatch.setattr(answers, "_belongs_to_user", lambda folder: False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert answers.default_path() == tmp_path / "answers" / "my_answers.json"
    monkeypatch.setenv("KIT_ANSWERS_FILE", str(tmp_path / "x.json"))
    assert answers.default_path() == tmp_path / "x.json"
