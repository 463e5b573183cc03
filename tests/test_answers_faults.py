"""Students' work under faults: a crashed save, a damaged or wrong-shaped file, a read-only folder, a full disk, a
symlinked file, long or unencodable text. Nothing crashes, nothing acknowledged is lost, and the student is told."""
import errno
import json
import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kit
from kit import classroom as cr
from kit import exercises as exm
from kit.answers import FORMAT, MAX_NAME, AnswersError, AnswerStore

MC, MC2, FREE = "review_norms_count", "review_oewg_vote", "review_reflect_learning"
WORDS = " word" * 40  # the free-text exercise asks for 30 words at least


@pytest.fixture
def answers(tmp_path, monkeypatch):
    """The student's answers file, in a private folder (what kit.exercise, set_name and export use)."""
    path = tmp_path / "answers" / "my_answers.json"
    monkeypatch.setenv("KIT_ANSWERS_FILE", str(path))
    return path


@pytest.fixture(autouse=True)
def _handins_without_identity(monkeypatch):
    """These tests are about saving under faults, most of them before any name is set: the student's own hand-in
    is exported here without the name and student id it needs in class (that refusal: tests/test_assessment.py)."""
    monkeypatch.setattr(cr, "REQUIRE_IDENTITY", False)


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _lock_is_free(path: Path) -> bool:
    lock = FileLock(str(path) + ".lock", timeout=0)
    lock.acquire()
    lock.release()
    return True


# ------------------------------------------------------------------ a crash while saving; the lock never blocks reading

@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a writer in the middle of a save")
def test_a_writer_killed_while_saving_blocks_nothing_and_its_temp_file_is_removed(answers):
    exm.submit(MC, "11", AnswerStore(answers))
    pid = os.fork()
    if pid == 0:  # the child: killed (kill -9) after writing its temporary file, before the rename
        try:
            os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
            exm.submit(MC2, "157-6-14", AnswerStore(answers))
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert len(_temps(answers.parent)) == 1, "the killed writer left its temporary file"
    start = time.monotonic()
    widget = kit.exercise(MC)
    assert time.monotonic() - start < 2, "restoring waited for a lock held by a dead process"
    assert widget.controls[0].value == "11" and "Your saved answer" in widget.feedback.value
    other = kit.exercise(MC2)
    other.controls[0].value = "104-50-20"
    start = time.monotonic()
    assert other.submit().correct and time.monotonic() - start < 2
    assert "another notebook" not in other.feedback.value
    assert _temps(answers.parent) == [], "the dead writer's temporary file is removed at the next save"
    assert set(AnswerStore(answers).load()["answers"]) == {MC, MC2}


def test_old_temp_files_go_and_a_live_writers_fresh_one_stays(answers):
    exm.submit(MC, "11", AnswerStore(answers))
    live = os.getppid() if hasattr(os, "getppid") else os.getpid()
    fresh = answers.parent / f".my_answers.json.{live}.abc123.tmp"
    stale = answers.parent / f".my_answers.json.{live}.def456.tmp"
    legacy = answers.parent / ".my_answers.json.xyz789.tmp"  # written before temp names carried their writer's pid
    for p in (fresh, stale, legacy):
        p.write_text("{", encoding="utf-8")
    for p in (stale, legacy):
        os.utime(p, (time.time() - 120, time.time() - 120))
    exm.submit(MC2, "157-6-14", AnswerStore(answers))
    assert _temps(answers.parent) == [fresh.name]


def test_restoring_never_waits_for_the_lock(answers):
    exm.submit(MC, "11", AnswerStore(answers))
    held = FileLock(str(answers) + ".lock")
    held.acquire()  # another notebook is in the middle of a save
    try:
        start = time.monotonic()
        widget = kit.exercise(MC)
        assert time.monotonic() - start < 1.5
        assert widget.controls[0].value == "11"
        store = AnswerStore(answers)
        store.lock_timeout = 0.2
        with pytest.raises(AnswersError, match="another notebook has been saving to my_answers.json"):
            store.save(MC2, {"answer": "157-6-14"})
        assert json.loads(answers.read_text(encoding="utf-8"))["answers"].keys() == {MC}
        page = Path(cr.export_answers(answers.parent / "h.html").path).read_text(encoding="utf-8")  # no waiting
        assert MC in page
    finally:
        held.release()


# ------------------------------------------------------------------ a damaged file met first by set_name, submit, export

DAMAGED = '{"format": "un-cyber-kit answers", "answers": {"review_norms_count": '


def _aside(answers: Path) -> list[Path]:
    return sorted(answers.parent.glob("my_answers.unreadable-*.json"))


def test_set_name_tells_the_student_about_a_damaged_file(answers):
    answers.parent.mkdir(parents=True)
    answers.write_text(DAMAGED, encoding="utf-8")
    said = kit.set_name("Ada")
    [kept] = _aside(answers)
    assert "was damaged (not valid JSON)" in said and str(kept) in said and said.endswith("'Ada'.")
    assert kept.read_text(encoding="utf-8") == DAMAGED


def test_submit_tells_the_student_about_a_damaged_file(answers):
    answers.parent.mkdir(parents=True)
    answers.write_text(DAMAGED, encoding="utf-8")
    result = exm.submit(MC, "11")
    [kept] = _aside(answers)
    assert result.correct and len(result.notes) == 1 and "was damaged" in result.notes[0] and str(kept) in result.notes[0]
    assert "was damaged" in exm.result_html(result) and "was damaged" in result._repr_html_()


def test_export_refuses_an_empty_hand_in_right_after_a_damaged_file_was_set_aside(answers):
    answers.parent.mkdir(parents=True)
    answers.write_text(DAMAGED, encoding="utf-8")
    with pytest.raises(cr.ClassroomError) as err:
        kit.export_answers()
    [kept] = _aside(answers)
    msg = str(err.value)
    assert "was damaged" in msg and "No hand-in file was written: it would hold 0 answers" in msg and str(kept) in msg
    assert not list(answers.parent.glob("handin_*.html"))
    with pytest.raises(cr.ClassroomError, match="it would hold 0 answers"):  # asked again: still refused
        kit.export_answers()
    exm.submit(MC, "11")
    out = kit.export_answers()
    assert len(out.record["answers"]) == 1 and str(kept) in repr(out) and str(kept) in out._repr_html_()


# ------------------------------------------------------------------ well-formed files of the wrong shape

GOOD = {"answer": "11", "notebook": "09_review", "type": "multiple_choice", "correct": True, "score": 1.0,
        "attempts": 1, "saved_at": "2026-01-01T00:00:00+00:00"}


def _doc(**records) -> str:
    return json.dumps({"format": FORMAT, "version": 1, "student": "Ada", "answers": {MC: GOOD, **records}})


def _nested(depth: int):
    value = "157-6-14"
    for _ in range(depth):
        value = [value]
    return value


PARTLY = {  # one record cannot be used: the others are kept
    "a record that is text": _doc(**{MC2: "157-6-14"}),
    "attempts that is text": _doc(**{MC2: {**GOOD, "answer": "157-6-14", "attempts": "two"}}),
    "attempts that is null": _doc(**{MC2: {**GOOD, "answer": "157-6-14", "attempts": None}}),
    "attempts below zero": _doc(**{MC2: {**GOOD, "answer": "157-6-14", "attempts": -1}}),
    "attempts that is true": _doc(**{MC2: {**GOOD, "answer": "157-6-14", "attempts": True}}),
    "an answer nested 100 deep": _doc(**{MC2: {**GOOD, "answer": _nested(100)}}),
}
WHOLLY = {  # the whole file cannot be used
    "100,000 open brackets": '{"format": "un-cyber-kit answers", "answers": ' + "[" * 100_000,
    "100,000 nested brackets": "[" * 100_000 + "]" * 100_000,
    "a student name that is a number": json.dumps({"format": FORMAT, "student": 5, "answers": {MC: GOOD}}),
    "answers that are a list": json.dumps({"format": FORMAT, "answers": [GOOD]}),
    "a list, not an object": json.dumps([GOOD]),
    "bytes that are not UTF-8": b'{"format": "un-cyber-kit answers", "answers": {"\xff": 1}}',
}


@pytest.mark.parametrize("content", list(PARTLY.values()) + list(WHOLLY.values()),
                         ids=list(PARTLY) + list(WHOLLY))
def test_a_wrong_shaped_file_is_set_aside_with_a_message_and_never_crashes(answers, content):
    answers.parent.mkdir(parents=True)
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    answers.write_bytes(raw)
    partly = raw in [c.encode("utf-8") for c in PARTLY.values()]
    widget = kit.exercise(MC)   # never crashes
    [kept] = _aside(answers)
    assert kept.read_bytes() == raw, "the file set aside is the student's file, unchanged"
    assert "Note:" in widget.feedback.value and kept.name in widget.feedback.value
    if partly:
        assert widget.controls[0].value == "11", "the answers that can be used are kept"
        assert "shape the kit cannot use" in widget.feedback.value
    other = kit.exercise(MC2)
    other.controls[0].value = "104-50-20"
    assert other.submit().correct
    saved = AnswerStore(answers).load()["answers"]
    assert saved[MC2]["attempts"] == 1 and (MC in saved) == partly
    assert cr.export_answers().record["answers"].keys() == saved.keys()


# ------------------------------------------------------------------ a read-only folder

@pytest.fixture
def read_only(monkeypatch):
    """Make a folder read-only; as root (who may write anyway) refuse writes there the way the OS does for a student."""
    made = []

    def make(folder: Path):
        folder = folder.resolve()
        folder.chmod(0o555)
        made.append(folder)
        if os.access(folder, os.W_OK):
            real_open, real_replace, real_unlink = os.open, os.replace, os.unlink

            def inside(p) -> bool:
                return Path(os.fsdecode(p)).resolve().parent == folder

            def refuse(p):
                raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(p))

            def fake_open(p, flags, *a, **k):
                if inside(p) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                    refuse(p)
                return real_open(p, flags, *a, **k)

            def fake_replace(src, dst, *a, **k):
                if inside(src) or inside(dst):
                    refuse(dst)
                return real_replace(src, dst, *a, **k)

            def fake_unlink(p, *a, **k):
                if inside(p):
                    refuse(p)
                return real_unlink(p, *a, **k)

            monkeypatch.setattr(os, "open", fake_open)
            monkeypatch.setattr(os, "replace", fake_replace)
            monkeypatch.setattr(os, "unlink", fake_unlink)
        return folder

    yield make
    for folder in made:
        folder.chmod(0o755)


def test_a_read_only_folder_restores_and_says_where_to_save_instead(answers, read_only):
    exm.submit(MC, "11", AnswerStore(answers))
    before = answers.read_bytes()
    read_only(answers.parent)
    widget = kit.exercise(MC)
    assert widget.controls[0].value == "11" and "Your saved answer" in widget.feedback.value
    other = kit.exercise(MC2)
    other.controls[0].value = "104-50-20"
    assert other.submit() is None
    text = other.feedback.value
    assert "Your answer could not be saved: you cannot write in the folder" in text and "read-only" in text
    assert "KIT_ANSWERS_FILE" in text and "copy the kit into your home folder" in text
    assert answers.read_bytes() == before
    with pytest.raises(AnswersError, match="Your name could not be saved: you cannot write"):
        kit.set_name("Ada")
    with pytest.raises(cr.ClassroomError, match="could not be written: you cannot write in the folder"):
        kit.export_answers()


def test_a_damaged_file_in_a_read_only_folder_is_reported_and_left_alone(answers, read_only):
    answers.parent.mkdir(parents=True)
    answers.write_text(DAMAGED, encoding="utf-8")
    read_only(answers.parent)
    widget = kit.exercise(MC)
    assert "was damaged" in widget.feedback.value and "could not be moved aside yet" in widget.feedback.value
    assert answers.read_text(encoding="utf-8") == DAMAGED and not _aside(answers)


# ------------------------------------------------------------------ a full disk

@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_says_so_keeps_the_old_file_and_leaks_no_lock(answers, monkeypatch, call):
    exm.submit(MC, "11", AnswerStore(answers))
    before = answers.read_bytes()
    widget = kit.exercise(MC2)
    widget.controls[0].value = "104-50-20"

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, call, full)
        assert widget.submit() is None
        with pytest.raises(AnswersError, match="could not be saved: the disk is full"):
            exm.submit(MC2, "104-50-20")
    assert "Your answer could not be saved: the disk is full" in widget.feedback.value
    assert "Your earlier answers are unchanged" in widget.feedback.value
    assert answers.read_bytes() == before, "the old file is intact"
    assert _temps(answers.parent) == [], "no temporary file left behind"
    assert _lock_is_free(answers), "no leaked lock"
    assert widget.submit().correct, "once there is space again, Submit works at once"


def test_export_on_a_full_disk_gives_the_kits_error(answers, monkeypatch):
    exm.submit(MC, "11", AnswerStore(answers))
    with monkeypatch.context() as m:
        m.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
        with pytest.raises(cr.ClassroomError, match="could not be written: the disk is full") as err:
            kit.export_answers()
    assert str(answers) in str(err.value), "the message says where the answers are safe"
    assert not list(answers.parent.glob("handin_*")) and _temps(answers.parent) == []


# ------------------------------------------------------------------ a symlinked answers file

@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_saving_through_a_symlink_updates_its_target_and_keeps_the_link(tmp_path, monkeypatch):
    real = tmp_path / "synced" / "answers.json"
    real.parent.mkdir()
    link = tmp_path / "answers" / "my_answers.json"
    link.parent.mkdir()
    link.symlink_to(real)
    monkeypatch.setenv("KIT_ANSWERS_FILE", str(link))
    exm.submit(MC, "11")
    kit.set_name("Ada")
    exm.submit(MC2, "157-6-14")
    assert link.is_symlink() and os.readlink(link) == str(real)
    saved = json.loads(real.read_text(encoding="utf-8"))
    assert set(saved["answers"]) == {MC, MC2} and saved["student"] == "Ada"
    assert kit.exercise(MC).controls[0].value == "11"
    assert sorted(p.name for p in link.parent.iterdir()) == ["my_answers.json"], "nothing written beside the link"


# ------------------------------------------------------------------ long text, names, unencodable text

def test_long_text_is_refused_before_saving_never_cut(answers):
    longest = ("w " * (exm.MAX_TEXT // 2))[:exm.MAX_TEXT]
    exm.submit(FREE, longest)
    assert AnswerStore(answers).get(FREE)["answer"] == longest, "an answer at the limit is kept whole"
    too_long = "word " * 200_000  # 1 MB
    with pytest.raises(exm.ExerciseError, match="1,000,000 characters long; the limit is 20,000 characters"):
        exm.submit(FREE, too_long)
    assert AnswerStore(answers).get(FREE)["answer"] == longest and AnswerStore(answers).get(FREE)["attempts"] == 1
    widget = kit.exercise(FREE)
    widget.controls[0].value = longest + "x"
    assert widget.submit() is None and "the limit is 20,000 characters" in widget.feedback.value
    assert "nothing was saved" in widget.feedback.value


def test_a_long_name_is_refused_not_cut(answers):
    with pytest.raises(kit.DataError, match=f"give at most {MAX_NAME} characters"):
        kit.set_name("A" * (MAX_NAME + 1))
    assert kit.set_name("A" * MAX_NAME).endswith("A" * MAX_NAME + "'.")


def test_lone_surrogates_are_replaced_visibly_and_the_student_told(answers, tmp_path):
    result = exm.submit(FREE, "broken \ud83d emoji" + WORDS)
    assert result.notes and "replaced by \ufffd" in result.notes[0]
    assert AnswerStore(answers).get(FREE)["answer"].startswith("broken \ufffd emoji")
    said = kit.set_name("Zo\udce9")
    assert "replaced by \ufffd" in said and said.endswith("'Zo\ufffd'.")
    widget = kit.exercise(FREE)
    widget.controls[0].value = "\udfff lone low surrogate" + WORDS
    assert widget.submit() is not None and "replaced by \ufffd" in widget.feedback.value
    out = kit.export_answers()
    page = Path(out.path).read_text(encoding="utf-8")
    assert "\ufffd lone low surrogate" in page
    # a file that holds a lone surrogate as a JSON escape (valid JSON) is read and exported all the same
    raw = json.dumps({"format": FORMAT, "student": "\ud800", "answers": {FREE: {"answer": "\udc00" + WORDS}}})
    other = tmp_path / "other.json"
    other.write_text(raw, encoding="ascii")
    store = AnswerStore(other)
    assert store.load()["student"] == "\ufffd"
    assert Path(cr.export_answers(tmp_path / "o.html", store=store).path).exists()
    hand = tmp_path / "hand"
    hand.mkdir()
    (hand / "a.json").write_text(raw, encoding="ascii")
    assert cr.collect(hand)[1] == 1


# ------------------------------------------------------------------ the public API: the kit's own clear error

def test_export_answers_bad_paths(answers):
    exm.submit(MC, "11")
    for bad, needle in [("", "not an empty text"), ("   ", "not an empty text"),
                        ("answers/a\0b.html", "contains a NUL character"),
                        ("x" * 300 + ".html", "is too long"), ("/".join(["d" * 200] * 30), "is too long"),
                        ("\ud800.html", "a character no file name can hold"), (b"h.html", "as text"),
                        (pd.DataFrame({"a": [1]}), "as text")]:
        with pytest.raises(cr.ClassroomError, match=needle):
            kit.export_answers(bad)
    folder = answers.parent / "out"
    folder.mkdir()
    assert Path(kit.export_answers(folder).path) == folder / "handin_student.html"  # a folder: the file goes in it


def test_catalog_read_handin_and_ids_of_the_wrong_type():
    frame = pd.DataFrame({"id": ["start_two_bodies"]})
    for bad in ([], frame, 3, {"a": 1}):
        with pytest.raises(exm.ExerciseError, match="no exercises for notebook"):
            exm.catalog(bad)
    for bad in (None, frame, 3, "", "a\0b"):
        with pytest.raises(cr.ClassroomError):
            cr.read_handin(bad)
    for call in (exm.get, kit.exercise, lambda x: exm.check(x, "A"), lambda x: exm.submit(x, "A")):
        with pytest.raises(exm.ExerciseError, match="an exercise id is a text such as 'start_two_bodies', not DataFrame"):
            call(frame)
    with pytest.raises(kit.DataError, match="not a table without a 'source_ids' column"):
        kit.cite(frame)
    assert len(kit.cite(kit.load("norms"))) > 0  # a table with a source_ids column: its sources
    with pytest.raises(kit.DataError, match="give the ids as a list of texts"):
        kit.data.rows("events", frame)
    with pytest.raises(AnswersError, match="an exercise id is a text"):
        AnswerStore(Path("unused.json")).save(frame, {"answer": 1})


def test_compare_votes_bodies_set_to_none_shows_a_message():
    comparer = kit.compare_votes()
    shown = comparer.figure
    comparer.bodies.value = None
    assert "choose the bodies to show" in comparer.area.message.value
    assert comparer.figure is shown, "the last good chart stays"


# ------------------------------------------------------------------ property: random damage, hostile text

HOSTILE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=()), max_size=40),  # any code point, lone surrogates too
    st.sampled_from(["</script><script>alert(1)</script>", "\x00\x1b[31m\r\n", "=cmd|' /C calc'!A0", "\u202e",
                     "\ud800", "x" * (exm.MAX_TEXT + 1)]),
)
DAMAGE = st.one_of(
    st.binary(max_size=60),
    st.sampled_from([b"", b"{", b"[]", b"null", b'{"format": "un-cyber-kit answers"}', ("[" * 5000).encode()]),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=5)),
                 lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=4), c, max_size=3)),
                 max_leaves=8).map(lambda v: json.dumps({"format": FORMAT, "answers": {MC: v, "x": v}}).encode()),
    st.tuples(st.integers(0, 400), st.binary(min_size=1, max_size=8)).map(lambda t: ("cut", *t)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(st.tuples(st.just("submit"), st.sampled_from([MC, FREE]),
                                          st.one_of(HOSTILE, st.sampled_from(["11", "8"]))),
                                st.tuples(st.just("damage"), DAMAGE)), min_size=1, max_size=7))
def test_random_damage_and_hostile_text_crash_nothing_lose_nothing_and_tell(tmp_path_factory, steps):
    folder = tmp_path_factory.mktemp("p")
    path = folder / "my_answers.json"
    acknowledged = {}          # answers the kit said it saved since the file was last damaged
    damaged = None             # the bytes of the last damage, which must never be destroyed
    for step in steps:
        if step[0] == "damage":
            damage = step[1]
            if isinstance(damage, tuple):  # cut the current file and write some bytes over its end
                _, at, tail = damage
                damage = (path.read_bytes() if path.exists() else b"")[:at] + tail
            path.write_bytes(damage)
            damaged, acknowledged = damage, {}
            continue
        _, ex_id, text = step
        answer = text + WORDS if ex_id == FREE else text
        store = AnswerStore(path)
        before = set(path.parent.glob("my_answers.unreadable-*.json"))
        try:
            result = exm.submit(ex_id, answer, store)
        except exm.ExerciseError as err:
            assert ex_id in str(err)
            continue
        new_aside = set(path.parent.glob("my_answers.unreadable-*.json")) - before
        if new_aside:
            assert any("kept, unchanged, as" in n for n in result.notes), "a file set aside: the student is told"
            assert damaged in [p.read_bytes() for p in new_aside], "the damaged file is kept exactly"
        damaged = None  # read: set aside (checked above) or usable as it was
        acknowledged[ex_id] = store.get(ex_id)["answer"]
        if "\ufffd" in acknowledged[ex_id] and "\ufffd" not in answer:
            assert any("replaced by" in n for n in result.notes), "a replaced character: the student is told"
        saved = AnswerStore(path).load()["answers"]
        for k, v in acknowledged.items():
            assert saved[k]["answer"] == v, "an acknowledged answer was lost"
    if damaged is not None and path.exists():  # never read since: still there, or set aside unchanged
        kept = [p.read_bytes() for p in path.parent.glob("my_answers.unreadable-*.json")]
        assert path.read_bytes() == damaged or damaged in kept


# ------------------------------------------------------------------ the assessment engine's records under faults

def test_show_the_answer_on_a_damaged_file_sets_it_aside_and_tells(answers):
    answers.parent.mkdir(parents=True)
    answers.write_text(DAMAGED, encoding="utf-8")
    widget = kit.exercise(MC)
    widget.show()
    [kept] = _aside(answers)
    assert kept.read_text(encoding="utf-8") == DAMAGED and "The answer:" in widget.feedback.value
    assert AnswerStore(answers).get(MC)["shown"] is True


def test_a_full_disk_while_showing_the_answer_records_nothing_and_says_so(answers, monkeypatch):
    exm.submit(MC, "8", AnswerStore(answers))
    before = answers.read_bytes()
    widget = kit.exercise(MC)
    with monkeypatch.context() as m:
        m.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
        assert widget.show() is None
    assert "the disk is full" in widget.feedback.value and "The answer:" not in widget.feedback.value
    assert answers.read_bytes() == before and _lock_is_free(answers)
