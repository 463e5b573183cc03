"""Handing in, collecting, hub links and the answer key: answers are never lost, student text is never run."""
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kit
from kit import classroom as cr
from kit import exercises as exm
from kit.answers import AnswerStore
from kit.data import DataError
from tests.notebook_list import ROOT

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _store(tmp_path, name="Ada Lovelace", free=SCRIPT, student_id=None) -> AnswerStore:
    store = AnswerStore(tmp_path / "answers" / "my_answers.json")
    store.set_student(name, student_id or "s-" + _slug_of(name).lower())
    exm.submit("review_norms_count", "11", store)
    exm.submit("review_oewg_vote", "157-6-14", store)
    exm.submit("review_reflect_learning", free + " " + "word " * 40, store)
    return store


def _json_in(page: str) -> dict:
    return json.loads(cr._JSON_TAG.search(page).group(1))


# ------------------------------------------------------------------ export

def test_export_writes_one_readable_and_machine_readable_file(tmp_path):
    store = _store(tmp_path)
    result = cr.export_answers(store=store)
    path = Path(result.path)
    assert path.parent == store.path.parent and path.name == "handin_ada_lovelace_s_adalovelace.html"
    page = path.read_text(encoding="utf-8")
    data = _json_in(page)
    assert data["student"] == "Ada Lovelace" and data["kit_version"] == kit.__version__
    assert data["student_id"] == "s-adalovelace" and "Student id: s-adalovelace" in page
    assert data["exported_at"] and data["format"] == cr.HANDIN_FORMAT
    assert data["scores"] == {"review_norms_count": 1.0, "review_oewg_vote": 0.0}
    assert data["total_score"] == 1.0 and set(data["answers"]) == {"review_norms_count", "review_oewg_vote",
                                                                   "review_reflect_learning"}
    assert SCRIPT in data["answers"]["review_reflect_learning"]["answer"]   # kept exactly in the JSON
    assert path.name in result._repr_html_() and "Download" in result._repr_html_()


def test_export_escapes_student_text_everywhere(tmp_path):
    store = _store(tmp_path, name='<b>Mallory</b></script><script>alert(2)</script>')
    page = Path(cr.export_answers(tmp_path / "h.html", store=store).path).read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img" not in page and "<b>Mallory" not in page
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert "&lt;script&gt;alert(&quot;x&quot;)" in page
    assert _json_in(page)["student"].startswith("<b>Mallory</b></script>")


def test_export_is_atomic(tmp_path, monkeypatch):
    store = _store(tmp_path)
    target = tmp_path / "h.html"
    cr.export_answers(target, store=store)
    before = target.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(cr.os, "replace", boom)
    with pytest.raises(cr.ClassroomError, match="could not be written: the disk is full"):  # the kit's error
        cr.export_answers(target, store=store)
    assert target.read_bytes() == before, "a failed export must leave the last good file untouched"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == [], "temporary file left behind"


def test_export_via_kit_and_exercises(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_ANSWERS_FILE", str(tmp_path / "a" / "my_answers.json"))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    kit.set_name("Grace", student_id="g1")
    out = kit.export_answers()
    assert Path(out.path).name == "handin_grace_g1.html" and Path(out.path).exists()
    assert Path(exm.export(tmp_path / "x.html").path).exists()
    with pytest.raises(DataError, match="path as text"):
        kit.export_answers(42)


# ------------------------------------------------------------------ collect

@pytest.fixture
def folder(tmp_path):
    hand = tmp_path / "handins"
    hand.mkdir()
    for i, (name, free) in enumerate([("Ada", "plain"), ("=cmd|' /C calc'!A0", SCRIPT)]):
        store = _store(tmp_path / f"s{i}", name=name, free=free)
        cr.export_answers(hand / f"student{i}.html", store=store)
    (hand / "broken.html").write_text("<html>no answers here</html>", encoding="utf-8")
    (hand / "broken.json").write_text("{not json", encoding="utf-8")
    (hand / "binary.json").write_bytes(b"\xff\xfe\x00")
    (hand / "notes.txt").write_text("hello", encoding="utf-8")
    raw = AnswerStore(tmp_path / "s2" / "my_answers.json")   # a raw answers file, collected from a hub home folder
    raw.set_student("Chen")
    exm.submit("review_gm_treaty", "No: no mandate to negotiate a treaty was agreed", raw)
    (hand / "chen.json").write_bytes(raw.path.read_bytes())
    return hand


def _read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_collect_builds_gradebook_and_reports_skipped(folder):
    out, n, skipped = cr.collect(folder)
    assert n == 3
    rows = {r["student"]: r for r in _read_csv(out)}
    assert set(rows) == {"Ada", "Chen", "'=cmd|' /C calc'!A0"}, "a formula-like name must be quoted"
    assert rows["Ada"]["review_norms_count"] == "1.0" and rows["Ada"]["review_oewg_vote"] == "0.0"
    assert rows["Ada"]["total_score"] == "1.0" and rows["Ada"]["free_text_answered"] == "1"
    assert rows["Chen"]["review_gm_treaty"] == "1.0" and rows["Chen"]["review_norms_count"] == ""
    auto = [e.id for e in exm.all_exercises().values() if e.auto_checked]
    assert all(a in rows["Ada"] for a in auto) and rows["Ada"]["max_score"] == str(len(auto))
    reasons = dict(skipped)
    assert set(reasons) == {"broken.html", "broken.json", "binary.json", "notes.txt"}
    assert "no kit answers" in reasons["broken.html"] and "not valid JSON" in reasons["broken.json"]
    assert "UTF-8" in reasons["binary.json"]
    text = out.read_text(encoding="utf-8")
    assert "alert" not in text, "free text never goes into the gradebook"


def test_collect_regrades_instead_of_trusting_stored_scores(tmp_path):
    hand = tmp_path / "h"
    hand.mkdir()
    record = {"format": cr.HANDIN_FORMAT, "student": "Eve", "answers": {
        "review_norms_count": {"answer": "8", "score": 1.0, "type": "multiple_choice"},
        "nope_unknown": {"answer": "x", "score": 1.0}}, "scores": {"review_norms_count": 1.0}}
    (hand / "eve.json").write_text(json.dumps(record), encoding="utf-8")
    out, n, _ = cr.collect(hand, tmp_path / "gb.csv")
    row = _read_csv(out)[0]
    assert row["review_norms_count"] == "0.0" and row["total_score"] == "0.0"


def _handin(folder, name, student, stamp, answer, student_id=None):
    folder.mkdir(parents=True, exist_ok=True)
    rec = {"format": cr.HANDIN_FORMAT, "student": student, "exported_at": stamp,
           "answers": {"review_norms_count": {"answer": answer}}}
    if student_id is not None:
        rec["student_id"] = student_id
    (folder / name).write_text(json.dumps(rec), encoding="utf-8")


def test_collect_keeps_the_newest_hand_in_from_one_students_folder(tmp_path):
    hand = tmp_path / "h"
    _handin(hand / "Ada Lovelace_1001", "old.json", "Ada", "2026-01-01T00:00:00+00:00", "8")
    _handin(hand / "Ada Lovelace_1001", "new.json", "Ada", "2026-02-01T00:00:00+00:00", "11")
    _, n, skipped = cr.collect(hand)
    rows = _read_csv(hand / "gradebook.csv")
    assert n == 1 and rows[0]["review_norms_count"] == "1.0" and not rows[0]["conflicts"]
    assert rows[0]["flags"].startswith("no student id")  # a hand-in of an older kit: keyed by name and folder
    assert any("older hand-in" in why for _, why in skipped)


def test_a_hand_in_claiming_another_students_name_never_replaces_theirs(tmp_path):
    """Eve hands in a later file under Ada's name: Ada's real hand-in stays, and both are flagged."""
    for hand in (tmp_path / "lms", tmp_path / "flat"):
        lms = hand.name == "lms"
        _handin(hand / "Ada Lovelace_1001" if lms else hand, "ada.json", "Ada", "2026-01-01T00:00:00+00:00", "11")
        _handin(hand / "Eve Mallory_1002" if lms else hand, "eve.json", "Ada", "2026-02-01T00:00:00+00:00", "8")
        _, n, skipped = cr.collect(hand)
        rows = _read_csv(hand / "gradebook.csv")
        assert n == 2 and not skipped
        assert sorted(r["review_norms_count"] for r in rows) == ["0.0", "1.0"]   # the real answer is still there
        assert all("2 hand-ins claim the name 'Ada'" in r["flags"] for r in rows)


def test_collect_command_line(folder, tmp_path):
    out = tmp_path / "gradebook.csv"
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(folder), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "3 student(s)" in run.stdout and "Skipped broken.json: damaged" in run.stdout
    assert len(_read_csv(out)) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "bad.json").write_text("[]", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(empty)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "no hand-in file" in run.stderr and "bad.json" in run.stderr
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(tmp_path / "missing")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "is not a folder" in run.stderr and "Traceback" not in run.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                 st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
                              lambda c: st.one_of(st.lists(c, max_size=4),
                                                  st.dictionaries(st.text(max_size=10), c, max_size=4)),
                              max_leaves=20).map(lambda v: json.dumps(
                                  {"format": cr.HANDIN_FORMAT, "student": "X", "answers": v}
                                  if not isinstance(v, dict) else v).encode())))
def test_collect_never_crashes_on_arbitrary_files(tmp_path_factory, content):
    hand = tmp_path_factory.mktemp("h")
    (hand / "a.json").write_bytes(content)
    (hand / "b.html").write_bytes(b'<script type="application/json" id="kit-handin">' + content + b"</script>")
    try:
        out, n, skipped = cr.collect(hand)
    except cr.ClassroomError:
        return
    assert n >= 1 and out.exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=50).filter(str.strip),
       free=st.text(min_size=1, max_size=300).filter(str.strip))
def test_export_then_collect_round_trip_any_text(tmp_path_factory, name, free):
    base = tmp_path_factory.mktemp("e")
    store = AnswerStore(base / "my_answers.json")
    store.set_student(name)
    store.save("review_reflect_learning", {"answer": free, "type": "free_text", "correct": None, "score": None})
    page = Path(cr.export_answers(base / "out" / "h.html", store=store).path).read_text(encoding="utf-8")
    assert page.count("</script>") == 1
    data = _json_in(page)
    assert data["answers"]["review_reflect_learning"]["answer"] == free and data["student"] == name.strip()[:200]
    _, n, _ = cr.collect(base / "out")
    assert n == 1


# ------------------------------------------------------------------ link

def test_link_format_and_encoding():
    link = cr.pull_link("https://hub.example.edu/", "https://github.com/owner/un-cyber-kit.git", "main", "08")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    q = parse_qs(parts.query)
    assert q == {"repo": ["https://github.com/owner/un-cyber-kit.git"], "branch": ["main"],
                 "targetpath": ["un-cyber-kit"],
                 "urlpath": ["lab/tree/un-cyber-kit/notebooks/08_negotiation_simulation.ipynb"]}
    assert "repo=https%3A%2F%2Fgithub.com%2Fowner%2Fun-cyber-kit.git" in link
    assert "urlpath=lab%2Ftree%2Fun-cyber-kit%2Fnotebooks%2F08_negotiation_simulation.ipynb" in link


def test_link_keeps_hub_prefix_branch_and_notebook_names():
    link = cr.pull_link("https://uni.edu/jupyter", "https://gitlab.com/g/kit/", "course/2026", "09_review")
    parts = urlsplit(link)
    assert parts.path == "/jupyter/hub/user-redirect/git-pull"
    q = parse_qs(parts.query)
    assert q["branch"] == ["course/2026"] and "branch=course%2F2026" in link
    assert q["urlpath"] == ["lab/tree/kit/notebooks/09_review.ipynb"] and q["targetpath"] == ["kit"]
    default = parse_qs(urlsplit(cr.pull_link("https://h.org", "https://github.com/a/b")).query)
    assert default["urlpath"] == ["lab/tree/b/notebooks/00_start_here.ipynb"] and default["branch"] == ["main"]


@pytest.mark.parametrize("kwargs,needle", [
    (dict(hub="hub.example.edu"), "not a hub address"),
    (dict(hub="ftp://hub.example.edu"), "not a hub address"),
    (dict(hub="https://hub.example.edu/?x=1"), "without '?'"),
    (dict(hub=""), "give the hub"),
    (dict(hub=None), "give the hub"),
    (dict(repo="github.com/a/b"), "not a repository address"),
    (dict(repo="https://github.com/"), "not a repository address"),
    (dict(branch="main branch"), "not a branch name"),
    (dict(branch="../x"), "not a branch name"),
    (dict(notebook="09_nope"), "choose one of: 00_start_here.ipynb"),
    (dict(notebook=None), "unknown notebook"),
])
def test_link_clear_errors(kwargs, needle):
    args = dict(hub="https://h.org", repo="https://github.com/a/b", branch="main", notebook="00")
    args.update(kwargs)
    with pytest.raises(cr.ClassroomError, match=needle):
        cr.pull_link(**args)


def test_link_command_line():
    ok = subprocess.run([sys.executable, "-m", "kit.classroom", "link", "--hub", "https://h.org", "--repo",
                         "https://github.com/a/kit", "--notebook", "08"], cwd=ROOT, capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0 and ok.stdout.strip().startswith("https://h.org/hub/user-redirect/git-pull?repo=")
    bad = subprocess.run([sys.executable, "-m", "kit.classroom", "link", "--hub", "https://h.org", "--repo",
                          "https://github.com/a/kit", "--notebook", "99"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "09_review.ipynb" in bad.stderr and "Traceback" not in bad.stderr


# ------------------------------------------------------------------ answer key

def test_answer_key_is_up_to_date():
    committed = (ROOT / "docs" / "answer_key.md").read_text(encoding="utf-8")
    assert committed == cr.answer_key_markdown(), (
        "docs/answer_key.md is out of date with data/exercises: run `python -m kit.classroom answer-key`")


def test_answer_key_lists_every_exercise_and_escapes_text():
    text = cr.answer_key_markdown()
    for ex_id in exm.all_exercises():
        assert f"`{ex_id}`" in text
    assert "| `review_norms_count` | multiple_choice |" in text and "| 11 |" in text
    assert "<script" not in text


def test_answer_key_command_line(tmp_path):
    out = tmp_path / "key.md"
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "answer-key", "--out", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and out.read_text(encoding="utf-8") == cr.answer_key_markdown()


# ------------------------------------------------------------------ collect: every entry it cannot use, subfolders, names

def _export_to(path: Path, tmp_path: Path, name: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return Path(cr.export_answers(path, store=_store(tmp_path / f"s_{_slug_of(name)}", name=name, free="plain")).path)


def _slug_of(name: str) -> str:
    return "".join(c for c in name if c.isalnum()) or "x"


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "symlink"), reason="needs FIFOs and symlinks")
def test_collect_lists_every_entry_it_cannot_use_with_its_reason(tmp_path):
    hand = tmp_path / "h"
    _export_to(hand / "ada.html", tmp_path, "Ada")
    (hand / "empty_folder").mkdir()
    os.mkfifo(hand / "pipe.json")
    (hand / "gone.json").symlink_to(tmp_path / "nowhere.json")
    (hand / "..json").write_text("{}", encoding="utf-8")
    (hand / "linked_folder").symlink_to(tmp_path, target_is_directory=True)
    (hand / "subdir.json").mkdir()
    _, n, skipped = cr.collect(hand)   # never blocks on the FIFO
    reasons = dict(skipped)
    assert n == 1
    assert reasons["empty_folder/"] == "a folder with no hand-in file in it"
    assert reasons["pipe.json"] == "a named pipe (FIFO), not a hand-in file"
    assert reasons["gone.json"] == "a link to a file that does not exist"
    assert reasons["..json"].startswith("a hidden file or folder (its name starts with '.')")
    assert reasons["linked_folder"] == "a link to a folder (links to folders are not followed)"
    assert reasons["subdir.json/"] == "a folder with no hand-in file in it"
    with pytest.raises(cr.ClassroomError, match="a named pipe"):
        cr.read_handin(hand / "pipe.json")


def test_collect_reads_per_student_subfolders_as_moodle_and_canvas_download_them(tmp_path):
    hand = tmp_path / "submissions"
    _export_to(hand / "Ada Lovelace_123456_assignsubmission_file_" / "handin_ada_lovelace.html", tmp_path, "Ada")
    _export_to(hand / "Grace Hopper_654321_assignsubmission_file_" / "handin_grace.html", tmp_path, "Grace")
    (hand / "Chen Li_111_assignsubmission_onlinetext_").mkdir()
    (hand / "Chen Li_111_assignsubmission_onlinetext_" / "onlinetext.html").write_text("<p>hi</p>", encoding="utf-8")
    _export_to(hand / "a" / "b" / "c" / "deep.html", tmp_path, "Deep")
    out, n, skipped = cr.collect(hand)
    rows = {r["student"]: r for r in _read_csv(out)}
    assert set(rows) == {"Ada", "Grace"} and n == 2
    assert rows["Ada"]["file"] == "Ada Lovelace_123456_assignsubmission_file_/handin_ada_lovelace.html"
    reasons = dict(skipped)
    assert reasons["Chen Li_111_assignsubmission_onlinetext_/onlinetext.html"] == "no kit answers found in this HTML file"
    assert "nested too deep" in reasons["a/b/c/"]


@pytest.mark.skipif(sys.platform == "win32", reason="newlines and escapes in file names")
def test_collect_prints_hostile_file_names_escaped(tmp_path):
    hand = tmp_path / "h"
    _export_to(hand / "ada.html", tmp_path, "Ada")
    evil = "x\n\x1b[2J\x1b[31mFAKE: all good\u202e.json"
    (hand / evil).write_text("{not json", encoding="utf-8")
    (hand / os.fsdecode(b"bad\xff.json")).write_text("[]", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(hand)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout and "\u202e" not in run.stdout
    assert "Skipped x\\n\\x1b[2J\\x1b[31mFAKE: all good\\u202e.json: damaged (not valid JSON)" in run.stdout
    assert "Skipped bad\\xff.json: not a kit hand-in" in run.stdout
    assert all(line.startswith(("Wrote ", "Skipped ", "Flagged ")) for line in run.stdout.splitlines())


def test_collect_flags_html_hand_ins_with_scripts_or_event_handlers(tmp_path):
    hand = tmp_path / "h"
    clean = _export_to(hand / "clean.html", tmp_path, "Ada")   # its free text holds <script> and onerror= as text
    page = clean.read_text(encoding="utf-8")
    tampered = {
        "script.html": page.replace("<body>", "<body><script>fetch('//evil')</script>"),
        "handler.html": page.replace("<body>", '<body><img src=x onerror="alert(1)">'),
        "link.html": page.replace("<body>", '<body><a href=" JaVaScRiPt:alert(1)">x</a>'),
    }
    for i, (name, text) in enumerate(tampered.items()):
        (hand / name).write_text(text.replace('"student": "Ada"', f'"student": "S{i}"'), encoding="utf-8")
    out, n, _ = cr.collect(hand)
    rows = {r["file"]: r for r in _read_csv(out)}
    assert n == 4 and rows["clean.html"]["flags"] == ""
    assert rows["script.html"]["flags"] == "contains a <script> element"
    assert rows["handler.html"]["flags"] == "contains an event handler (onerror=)"
    assert "script link" in rows["link.html"]["flags"]
    assert cr.read_handin(hand / "clean.html")["flags"] == []
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(hand)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert "Flagged handler.html: contains an event handler (onerror=), which export_answers never writes: " \
           "do not open it in a browser" in run.stdout
    assert "Flagged clean.html" not in run.stdout


# ------------------------------------------------------------------ link: parsing, IDNA, ports, targetpath

@pytest.mark.parametrize("kwargs,needle", [
    (dict(hub="https://[::1"), "is not a hub address (Invalid IPv6 URL)"),
    (dict(repo="https://[::1/x"), "is not a repository address (Invalid IPv6 URL)"),
    (dict(hub="https://h.org:99999"), "Port out of range"),
    (dict(hub="https://h.org:abc"), "is not a hub address"),
    (dict(hub="https://h.org:0"), "port 0 is not a port"),
    (dict(repo="https://github.com:70000/a/b"), "Port out of range"),
    (dict(hub="https://user:secret@h.org"), "without a user name or password"),
    (dict(hub="https://exa mple.org"), "spaces or control characters"),
    (dict(hub="https://h.org/\x1b[31m"), "spaces or control characters"),
    (dict(hub="https://-bad-.org"), "not a valid internet name"),
    (dict(hub="https://a..b.org"), "not a valid internet name"),
    (dict(repo="https://github.com/a/.git"), "cannot tell the repository's name"),
    (dict(repo="https://github.com/a/%2e%2e"), "cannot tell the repository's name"),
    (dict(repo="https://github.com/a/b?x=1"), "without '?' or '#'"),
])
def test_link_refuses_what_it_cannot_parse_with_the_kits_error(kwargs, needle):
    args = dict(hub="https://h.org", repo="https://github.com/a/b", branch="main", notebook="00")
    args.update(kwargs)
    with pytest.raises(cr.ClassroomError, match=re.escape(needle)):
        cr.pull_link(**args)


def test_link_encodes_non_ascii_hosts_and_paths_and_keeps_ports():
    link = cr.pull_link("https://Bücher.example:8443/jüpyter/", "https://gitlab.bücher.example/g/ünï-kit")
    parts = urlsplit(link)
    assert parts.netloc == "xn--bcher-kva.example:8443" and parts.path == "/j%C3%BCpyter/hub/user-redirect/git-pull"
    q = parse_qs(parts.query)
    assert q["repo"] == ["https://gitlab.xn--bcher-kva.example/g/%C3%BCn%C3%AF-kit"]
    assert q["targetpath"] == ["ünï-kit"] and q["urlpath"] == ["lab/tree/%C3%BCn%C3%AF-kit/notebooks/00_start_here.ipynb"]
    assert link.isascii()
    assert urlsplit(cr.pull_link("http://[::1]:8000", "https://github.com/a/b")).netloc == "[::1]:8000"


@pytest.mark.parametrize("repo", ["https://github.com/owner/kit.git", "https://github.com/owner/kit/",
                                  "https://github.com/owner/kit.git/", "https://github.com/owner/kit"])
def test_link_always_names_the_folder_nbgitpuller_clones_into(repo):
    q = parse_qs(urlsplit(cr.pull_link("https://h.org", repo, notebook="02")).query)
    assert q["targetpath"] == ["kit"]
    assert q["urlpath"][0].startswith("lab/tree/kit/notebooks/02_") and q["repo"] == [repo]


def test_link_command_line_parse_error_is_the_kits():
    run = subprocess.run([sys.executable, "-m", "kit.classroom", "link", "--hub", "https://[::1", "--repo",
                          "https://github.com/a/kit"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "is not a hub address" in run.stderr and "Traceback" not in run.stderr
