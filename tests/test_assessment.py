"""The assessment engine (issue 15): feedback that teaches, attempts recorded, per-student option order, free-text
versions and copies of the model answer, identity (name and student id), gradebooks for Canvas, Moodle and the kit,
marking sheets, and the store's public update (issue 14)."""
import csv
import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kit
import kit.data as data
from kit import classroom as cr
from kit import exercises as exm
from kit import negotiation
from kit.answers import FORMAT, AnswersError, AnswerStore
from tests.notebook_list import ROOT

MODEL = ("The paper argues that the Open-ended Working Group is the only inclusive format and that a Programme of "
         "Action would duplicate it; the vote of 2022 shows most States disagreed, but consensus still matters for "
         "any permanent mechanism because a format without the objecting States cannot claim to speak for all.")
HONEST = ("I think the strongest point is about inclusiveness, but the record of votes cuts against the claim that "
          "only one format can be legitimate. Many States voted for the other track. What I would want to know is "
          "whether the objecting States would take part in a mechanism they had voted against.")
SAMPLE = {"notebook": "99_sample", "exercises": [
    {"id": "a_mc", "type": "multiple_choice", "objective": "o", "prompt": "How many?", "level": "remember",
     "options": ["seven", "nine", "eleven", "thirteen", "fifteen"], "answer": "eleven",
     "hint": "Count the norms in the report's list.", "explanation": "The report lists eleven norms.",
     "source_ids": ["a_res_77_37"]},
    {"id": "a_free", "type": "free_text", "objective": "o", "prompt": "Argue", "min_words": 20,
     "model_answer": MODEL, "explanation": "Weigh the vote against the claim."},
]}


@pytest.fixture
def answers(tmp_path, monkeypatch):
    """The kit's data with the sample exercises added; the student's answers in a private file; not on a hub."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    (copy / "exercises" / "99_sample.json").write_text(json.dumps(SAMPLE), encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", copy)
    path = tmp_path / "answers" / "my_answers.json"
    monkeypatch.setenv("KIT_ANSWERS_FILE", str(path))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    data.clear_caches()
    exm._load_all.cache_clear()
    yield path
    data.clear_caches()
    exm._load_all.cache_clear()


def _saved(path: Path, ex_id: str) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["answers"][ex_id]


# ------------------------------------------------------------------ 1. feedback that teaches, attempts recorded

def test_a_wrong_answer_gets_the_hint_and_the_explanation_only_after_max_attempts(answers):
    assert exm.MAX_ATTEMPTS == 3
    for _ in range(1, exm.MAX_ATTEMPTS):
        r = exm.submit("a_mc", "nine")
        assert r.correct is False and "Count the norms" in r.feedback and "Try again" in r.feedback
        assert not r.explanation and not r.answer_text and not r.source_ids
        html_out = exm.result_html(r)
        assert "eleven" not in html_out and "lists eleven norms" not in html_out
    last = exm.submit("a_mc", "seven")
    assert last.explanation == "The report lists eleven norms." and last.answer_text == "eleven"
    assert "The answer:</b> eleven" in exm.result_html(last)
    rec = _saved(answers, "a_mc")
    assert (rec["attempts"], rec["first_attempt"], rec["final"], rec["shown"]) == (3, False, 0.0, False)


def test_a_correct_first_try_is_recorded_and_stays_when_a_later_answer_is_wrong(answers):
    first = exm.submit("a_mc", "eleven")
    assert first.correct and first.explanation and not first.answer_text
    exm.submit("a_mc", "nine")
    rec = _saved(answers, "a_mc")
    assert rec["first_attempt"] is True and rec["final"] == 0.0 and rec["attempts"] == 2
    assert rec["first_answer"] == "eleven" and rec["answer"] == "nine"


def test_show_the_answer_button_shows_it_and_records_shown(answers):
    w = exm.exercise("a_mc")
    assert [b.description for b in w.widget.children[-2].children] == ["Submit", "Show the answer"]
    w.show_button.click()
    assert "The answer:</b> eleven" in w.feedback.value and "lists eleven norms" in w.feedback.value
    assert 'class="kit-feedback"' in w.feedback.value
    rec = _saved(answers, "a_mc")
    assert rec["shown"] is True and rec["attempts"] == 0 and "answer" not in rec
    again = exm.exercise("a_mc")  # after a restart, the shown answer is shown again
    assert "The answer:</b> eleven" in again.feedback.value
    again.controls[0].value = "eleven"
    assert again.submit().correct
    rec = _saved(answers, "a_mc")
    assert rec["first_attempt"] is False, "right after seeing the answer is not right first time"
    assert rec["shown"] is True and rec["attempts"] == 1
    assert not hasattr(exm.exercise("a_free"), "show_button") or \
        exm.exercise("a_free").show_button not in exm.exercise("a_free").widget.children[-2].children
    with pytest.raises(exm.ExerciseError, match="once you submit your own"):
        exm.reveal("a_free")


def _wrong_answers(ex):
    if ex.type == "multiple_choice":
        return [o for o in ex.options if o != ex.answer]
    if ex.type == "multiple_select":
        wrong = [o for o in ex.options if o not in ex.answer]
        return [wrong[:1], list(ex.answer[:1]) + wrong[:1]] if wrong else [list(ex.answer[:1])]
    if ex.type == "ordering":
        return [list(reversed(ex.items)), ex.items[1:] + ex.items[:1]]
    rights = list(ex.rights)
    return [{left: rights[(rights.index(right) + 1) % len(rights)] for left, right in ex.pairs}]


def _answer_texts(ex) -> list[str]:
    if ex.type == "multiple_choice":
        return [ex.answer]
    if ex.type == "multiple_select":
        return list(ex.answer)
    return [exm._format_answer(ex)]


@pytest.mark.parametrize("ex", [e for e in exm.all_exercises().values() if e.auto_checked], ids=lambda e: e.id)
def test_no_feedback_before_the_explanation_gives_the_answer_away(ex):
    for wrong in _wrong_answers(ex):
        for attempts in range(1, exm.MAX_ATTEMPTS):
            result = exm.check(ex.id, wrong, attempts=attempts)
            if result.correct:
                continue
            shown_html = exm.result_html(result)
            assert not result.revealed and not result.explanation
            for text in _answer_texts(ex):
                assert text not in result.feedback and text not in shown_html, \
                    f"{ex.id}: the feedback to a wrong answer gives away {text!r}"
        assert exm.check(ex.id, wrong, attempts=exm.MAX_ATTEMPTS).explanation == ex.explanation


def test_attempts_travel_in_the_hand_in(answers, tmp_path):
    store = AnswerStore(answers)
    store.set_student("Ada", "s1")
    exm.submit("a_mc", "nine", store)
    exm.submit("a_mc", "eleven", store)
    page = Path(cr.export_answers(tmp_path / "h.html", store=store).path).read_text(encoding="utf-8")
    record = json.loads(cr._JSON_TAG.search(page).group(1))
    rec = record["answers"]["a_mc"]
    assert (rec["attempts"], rec["first_attempt"], rec["final"], rec["shown"]) == (2, False, 1.0, False)
    assert record["student_id"] == "s1" and record["student"] == "Ada"


def test_old_answer_files_are_read_and_their_records_migrated(answers):
    answers.parent.mkdir(parents=True)
    old = {"format": FORMAT, "version": 1, "student": "Ada", "answers": {
        "a_mc": {"answer": "nine", "notebook": "99_sample", "type": "multiple_choice", "correct": False, "score": 0.0,
                 "attempts": 2, "saved_at": "2026-01-01T00:00:00+00:00"},
        "a_free": {"answer": HONEST, "notebook": "99_sample", "type": "free_text", "correct": None, "score": None,
                   "attempts": 1, "saved_at": "2026-01-01T00:00:00+00:00"}}}
    answers.write_text(json.dumps(old), encoding="utf-8")
    store = AnswerStore(answers)
    loaded = store.load()
    assert not store.warnings and loaded["student_id"] == ""
    mc, free = loaded["answers"]["a_mc"], loaded["answers"]["a_free"]
    assert (mc["final"], mc["shown"], mc["first_attempt"], mc["attempts"]) == (0.0, False, None, 2)
    assert free["submitted"] == HONEST and free["versions"] == [{"answer": HONEST,
                                                                 "saved_at": "2026-01-01T00:00:00+00:00"}]
    r = exm.submit("a_mc", "seven", store)  # the third answer: the explanation comes
    assert r.explanation and _saved(answers, "a_mc")["attempts"] == 3
    assert _saved(answers, "a_mc")["first_attempt"] is None, "not known for an answer saved before it was kept"


# ------------------------------------------------------------------ 2. order without tells

def _order(path: Path, name=None, student_id=None) -> list:
    store = AnswerStore(path)
    if name:
        store.set_student(name, student_id)
    return list(exm.ExerciseWidget("a_mc", store).controls[0].options)


def test_options_appear_in_each_students_own_order_stable_across_reruns(answers, tmp_path):
    ex = exm.get("a_mc")
    before = _order(answers)
    assert before == ex.shuffled(ex.options, "", avoid_given_order=False), "before a name or id: the fixed seed"
    assert _order(answers) == before
    orders = {tuple(_order(tmp_path / f"s{i}.json", "Same Name", f"id{i}")) for i in range(12)}
    assert len(orders) > 3, "students with different ids see different orders"
    one = _order(tmp_path / "a.json", "Ada", "s1")
    assert _order(tmp_path / "a.json") == one, "the same order when the notebook is run again"
    assert _order(tmp_path / "b.json", "Bo", "s1") == one, "seeded by the id, not the name"
    assert _order(tmp_path / "c.json", "Chen") == ex.shuffled(ex.options, "Chen", avoid_given_order=False)
    # the seed also depends on the exercise: one student does not see every item in the same pattern
    other = exm.Exercise(id="other", notebook="x", type="multiple_choice", prompt="p", objective="o",
                         options=ex.options, answer=ex.answer)
    assert any(other.shuffled(ex.options, f"id{i}") != ex.shuffled(ex.options, f"id{i}") for i in range(5))


def test_checking_is_by_value_whatever_the_position(answers, tmp_path):
    for i in range(6):
        store = AnswerStore(tmp_path / f"p{i}.json")
        store.set_student("X", f"id{i}")
        w = exm.ExerciseWidget("a_mc", store)
        w.controls[0].value = "eleven"
        assert w.submit().correct
        assert AnswerStore(tmp_path / f"p{i}.json").get("a_mc")["answer"] == "eleven"


# ------------------------------------------------------------------ 3. free text: versions, copies of the model

def test_free_text_keeps_the_submission_and_saves_edits_as_versions(answers):
    w = exm.exercise("a_free")
    assert MODEL not in w.feedback.value, "no model answer before a submission"
    w.controls[0].value = HONEST
    first = w.submit()
    assert first.model_answer == MODEL
    w.controls[0].value = HONEST + " Having read the model answer, I add that consensus matters."
    second = w.submit()
    assert "version 2" in second.feedback and "first submission" in second.feedback
    w.submit()  # the same text again: no new version
    rec = _saved(answers, "a_free")
    assert rec["submitted"] == HONEST and rec["answer"].endswith("consensus matters.")
    assert [v["answer"] for v in rec["versions"]] == [HONEST, rec["answer"]] and rec["attempts"] == 3
    assert all(v["saved_at"] for v in rec["versions"]) and rec["submitted_at"] == rec["versions"][0]["saved_at"]
    assert rec["copied_model"] is False


def _lightly_edited(text: str) -> str:
    words = text.split()
    for i in range(4, len(words), 9):
        words[i] = "indeed"
    return " ".join(words) + " That is my view."


def test_a_submission_that_is_mostly_the_model_answer_is_flagged(answers):
    assert exm.copied_model(MODEL, MODEL)
    assert exm.copied_model(_lightly_edited(MODEL), MODEL)
    assert exm.copied_model(MODEL.upper().replace(";", "."), MODEL), "case and punctuation do not hide a copy"
    assert not exm.copied_model(HONEST, MODEL)
    m = exm.copy_measures(_lightly_edited(MODEL), MODEL)
    assert m["ratio"] >= exm.COPY_RATIO and exm.copy_measures(HONEST, MODEL)["ratio"] < exm.COPY_RATIO
    exm.submit("a_free", _lightly_edited(MODEL))
    assert _saved(answers, "a_free")["copied_model"] is True


@pytest.mark.parametrize("ex", [e for e in exm.all_exercises().values() if not e.auto_checked], ids=lambda e: e.id)
def test_every_model_answer_pasted_or_lightly_edited_is_flagged_and_an_unrelated_text_is_not(ex):
    assert exm.copied_model(ex.model_answer, ex.model_answer)
    assert exm.copied_model(_lightly_edited(ex.model_answer), ex.model_answer)
    assert not exm.copied_model(HONEST, ex.model_answer)


# ------------------------------------------------------------------ 4. identity

@pytest.mark.parametrize("name,student_id", [("Your Name", "s1"), ("  your name ", "s1"), ("", "s1"), ("   ", "s1"),
                                             ("Ada", "your student number"), ("Ada", "  "), ("Ada", ""),
                                             (None, "s1")])
def test_set_name_refuses_the_examples_with_a_message_and_records_nothing(answers, name, student_id):
    said = kit.set_name(name, student_id=student_id)
    assert said.startswith("Not saved:") and said.refused and "Nothing was recorded" in said
    assert "kit.set_name(" in said and "<p" in said._repr_html_()
    assert not answers.exists(), "a refused name leaves nothing recorded"


def test_set_name_records_name_and_id_and_the_hub_user_is_the_default_id(answers, monkeypatch):
    said = kit.set_name("Ada Lovelace", student_id="s1234567")
    assert said.endswith("student id 's1234567', as 'Ada Lovelace'.") and not said.refused
    assert AnswerStore(answers).identity() == ("Ada Lovelace", "s1234567")
    kit.set_name("Ada King")  # not on a hub: the id recorded before stays
    assert AnswerStore(answers).identity() == ("Ada King", "s1234567")
    monkeypatch.setenv("JUPYTERHUB_USER", "student1")
    kit.set_name("Ada Student")
    assert AnswerStore(answers).identity() == ("Ada Student", "student1")
    kit.set_name("Ada Student", student_id=20261234)
    assert AnswerStore(answers).identity() == ("Ada Student", "20261234")


def test_export_without_a_name_and_id_explains_and_writes_nothing(answers):
    exm.submit("a_mc", "eleven")
    out = kit.export_answers()
    assert out.written is False and out.path is None
    assert "No hand-in file was written" in repr(out) and "kit.set_name(" in repr(out)
    assert "Traceback" not in out._repr_html_() and "kit.set_name(" in out._repr_html_()
    assert not list(answers.parent.glob("handin_*"))
    said = kit.set_name("Ada")  # a name, no id, not on a hub
    assert "no student id yet" in said and said.endswith("'Ada'.")
    out = kit.export_answers()
    assert out.written is False and "student id" in repr(out) and not list(answers.parent.glob("handin_*"))
    kit.set_name("Ada", student_id="s1")
    out = kit.export_answers()
    assert out.written and Path(out.path).name == "handin_ada_s1.html"
    record = cr.read_handin(out.path)
    assert (record["student"], record["student_id"]) == ("Ada", "s1")


def _handin(folder: Path, file: str, student: str, student_id, stamp: str, answer="11", extra=None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rec = {"format": cr.HANDIN_FORMAT, "version": 2, "student": student, "exported_at": stamp,
           "answers": {"review_norms_count": {"answer": answer, "type": "multiple_choice", **(extra or {})}}}
    if student_id is not None:
        rec["student_id"] = student_id
    (folder / file).write_text(json.dumps(rec), encoding="utf-8")


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_collect_keys_by_id_and_reports_conflicts_never_merging(tmp_path):
    hand = tmp_path / "h"
    _handin(hand, "ada_old.json", "Ada Lovelace", "s1", "2026-01-01T00:00:00+00:00", "8")
    _handin(hand, "ada_new.json", "Ada Lovelace", "s1", "2026-02-01T00:00:00+00:00", "11")  # replaces the old
    _handin(hand, "eve.json", "Eve", "s1", "2026-03-01T00:00:00+00:00", "8")     # Ada's id, another name
    _handin(hand, "bo1.json", "Bo", "s2", "2026-01-01T00:00:00+00:00")
    _handin(hand, "bo2.json", "Bo", "s3", "2026-01-01T00:00:00+00:00")            # Bo's name, a second id
    _handin(hand, "chen.json", "Chen", "s4", "2026-01-01T00:00:00+00:00")
    out, n, skipped = cr.collect(hand)
    rows = {r["file"]: r for r in _rows(out)}
    assert n == 5 and set(rows) == {"ada_new.json", "eve.json", "bo1.json", "bo2.json", "chen.json"}
    assert dict(skipped)["ada_old.json"].startswith("an older hand-in of student id 's1'")
    assert "student id 's1' is given with 2 different names" in rows["eve.json"]["conflicts"]
    assert rows["eve.json"]["conflicts"] == rows["ada_new.json"]["conflicts"]
    assert "the name 'Bo' is given with 2 student ids" in rows["bo1.json"]["conflicts"]
    assert rows["chen.json"]["conflicts"] == "" and rows["chen.json"]["student_id"] == "s4"
    assert rows["ada_new.json"]["review_norms_count"] == "1.0" and rows["eve.json"]["review_norms_count"] == "0.0"
    listed = _rows(out.with_name("gradebook_conflicts.csv"))
    assert len(listed) == 2 and {"eve.json" in c["files"] for c in listed} == {True, False}
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(hand), "--out",
                          str(tmp_path / "g.csv")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Conflict: student id 's1' is given with 2 different names" in run.stdout
    assert "Conflict: the name 'Bo' is given with 2 student ids" in run.stdout and "g_conflicts.csv" in run.stdout


# ------------------------------------------------------------------ 5. gradebooks and marking

@pytest.fixture
def handins(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    hand = tmp_path / "handins"
    free = [e for e in exm.all_exercises().values() if not e.auto_checked][0]
    for sid, name, answers in [("s1", "Ada", [("review_norms_count", "11")]),
                               ("s2", "Bo", [("review_norms_count", "8"), ("review_norms_count", "11")])]:
        store = AnswerStore(tmp_path / sid / "my_answers.json")
        store.set_student(name, sid)
        for ex_id, answer in answers:
            exm.submit(ex_id, answer, store)
        text = free.model_answer if sid == "s2" else HONEST + " " + "because " * free.min_words
        exm.submit(free.id, text, store)
        exm.submit(free.id, text + " An edit made later.", store)
        cr.export_answers(hand / f"{sid}.html", store=store)
    return hand, free


def test_kit_gradebook_has_first_attempt_final_attempts_shown_and_totals(handins):
    hand, _ = handins
    out, n, _ = cr.collect(hand)
    rows = {r["student_id"]: r for r in _rows(out)}
    q = "review_norms_count"
    assert (rows["s1"][q], rows["s1"][f"{q}:first_attempt"], rows["s1"][f"{q}:attempts"],
            rows["s1"][f"{q}:shown"]) == ("1.0", "1", "1", "0")
    assert (rows["s2"][q], rows["s2"][f"{q}:first_attempt"], rows["s2"][f"{q}:attempts"]) == ("1.0", "0", "2")
    assert rows["s1"]["first_attempt_total"] == "1" and rows["s2"]["first_attempt_total"] == "0"
    assert rows["s1"]["total_score"] == "1.0" and rows["s1"]["shown_count"] == "0"
    assert rows["s1"]["review_oewg_vote:first_attempt"] == ""  # not answered


def test_a_first_attempt_claimed_in_the_file_is_regraded(tmp_path):
    hand = tmp_path / "h"
    _handin(hand, "eve.json", "Eve", "s9", "2026-01-01T00:00:00+00:00", "11",
            {"first_answer": "8", "first_attempt": True, "attempts": 2})
    row = _rows(cr.collect(hand)[0])[0]
    assert row["review_norms_count:first_attempt"] == "0" and row["review_norms_count"] == "1.0"


def test_canvas_and_moodle_files_follow_their_import_formats(handins, tmp_path):
    hand, _ = handins
    canvas, _, _ = cr.collect(hand, tmp_path / "canvas.csv", fmt="canvas")
    with open(canvas, encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    max_score = str(sum(e.auto_checked for e in exm.all_exercises().values()))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", cr.ASSIGNMENT]
    assert table[1] == ["Points Possible", "", "", "", "", max_score]
    assert sorted(table[2:]) == [["Ada", "", "s1", "", "", "1.0"], ["Bo", "", "s2", "", "", "1.0"]]
    login, _, _ = cr.collect(hand, tmp_path / "login.csv", fmt="canvas", canvas_id="SIS Login ID")
    with open(login, encoding="utf-8", newline="") as fh:
        assert sorted(list(csv.reader(fh))[2:])[0] == ["Ada", "", "", "s1", "", "1.0"]
    moodle, _, _ = cr.collect(hand, tmp_path / "moodle.csv", fmt="moodle", assignment="Kit review")
    with open(moodle, encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["ID number", "Full name", "Kit review"]
    assert sorted(table[1:]) == [["s1", "Ada", "1.0"], ["s2", "Bo", "1.0"]]
    with pytest.raises(cr.ClassroomError, match="choose one of: kit, canvas, moodle"):
        cr.collect(hand, fmt="blackboard")
    for doc in ("Points Possible", "SIS User ID", "https://docs.moodle.org/", "useridnumber"):
        assert doc in inspect.getdoc(cr.lms_table)


def test_marking_sheets_hold_every_students_text_submission_latest_and_copy_flag(handins, tmp_path):
    hand, free = handins
    marking = tmp_path / "marking"
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(hand), "--format", "canvas",
                          "--marking", str(marking)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (hand / "gradebook_canvas.csv").exists() and f"{free.id}.csv" in run.stdout
    rows = {r["student_id"]: r for r in _rows(marking / f"{free.id}.csv")}
    assert set(rows) == {"s1", "s2"}
    assert rows["s2"]["submitted"] == free.model_answer and rows["s2"]["submitted_copied_model"] == "1"
    assert rows["s2"]["latest"] == free.model_answer + " An edit made later." and rows["s2"]["versions"] == "2"
    assert rows["s1"]["submitted_copied_model"] == "0" and rows["s1"]["latest"].endswith("An edit made later.")
    assert rows["s1"]["submitted_at"] and rows["s1"]["latest_at"] and rows["s1"]["mark"] == ""
    assert {p.stem for p in marking.iterdir()} == {e.id for e in exm.all_exercises().values() if not e.auto_checked}


def test_help_documents_formats_and_marking():
    top = subprocess.run([sys.executable, "-m", "kit.classroom", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    sub = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert top.returncode == 0 and "--format" in top.stdout and "--marking" in top.stdout
    assert sub.returncode == 0 and "canvas" in sub.stdout and "moodle" in sub.stdout and "Points" in sub.stdout
    assert "first_attempt" in sub.stdout and "--marking DIR" in sub.stdout


# ------------------------------------------------------------------ 6. the store's public update (issue 14)

def test_concede_uses_the_stores_public_update(tmp_path, monkeypatch):
    assert "._update(" not in inspect.getsource(negotiation) and "store.update(" in inspect.getsource(negotiation)
    store = AnswerStore(tmp_path / "a.json")
    assert store.update("Your note", lambda d: d["answers"].setdefault("note:1", {"answer": "x"})) == {"answer": "x"}
    assert store.get("note:1") == {"answer": "x"}
    before = (tmp_path / "a.json").read_bytes()
    with monkeypatch.context() as m:  # a full disk: the file is left as it was, and the message says so
        m.setattr("os.fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
        with pytest.raises(AnswersError, match="Your note could not be saved: the disk is full"):
            store.update("Your note", lambda d: d["answers"].clear())
    assert (tmp_path / "a.json").read_bytes() == before
    moved = negotiation.concede("russia", "format", "poa_only", preference=0, lift_red_line=True,
                                justification="Open to all States.", store=store)
    assert store.get(moved["move"])["type"] == "concession"
