"""Running the kit with a class: hand in answers, collect them into a gradebook, share links, print the answer key.

``export_answers()`` writes one hand-in file per student: an HTML page a person can
read (every student text escaped) with the machine-readable JSON inside it.
From the command line (``python -m kit.classroom ...``):

- ``collect FOLDER [--out gradebook.csv] [--format kit|canvas|moodle] [--marking DIR]``: one gradebook row per
  student, keyed by student id, reading FOLDER and the per-student subfolders that Moodle and Canvas downloads
  hold; ``kit`` gives each item's final score, first_attempt, attempts and shown, and totals; ``canvas`` and
  ``moodle`` their grade-import CSV formats (see ``lms_table``); ``--marking DIR`` one CSV per free-text question;
  two hand-ins with one id and different names, or one name with two ids, are reported as conflicts (printed, in
  the conflicts column and in <gradebook>_conflicts.csv), never merged; every entry it cannot use (a folder with no
  hand-in, a pipe, a dangling link, a hidden file, a damaged file) is listed with the reason, file names
  printed escaped; an HTML hand-in holding a script or an event handler is flagged;
- ``link --hub URL [--repo URL] [--branch main] [--notebook NAME]``: the nbgitpuller link that clones or
  updates the kit in each student's hub account (always into the folder named ``targetpath``: the repository's
  name) and opens a notebook in JupyterLab; hosts are IDNA-encoded, paths percent-encoded, ports checked;
- ``answer-key [--out docs/answer_key.md]``: the answer key, generated from the exercise files.

Student text is never executed; it is escaped wherever it is shown.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import errno
import html
import io
import ipaddress
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

from .answers import AnswerStore, scrub, _TooDeep
from .data import DataError

HANDIN_FORMAT = "un-cyber-kit hand-in"
HANDIN_VERSION = 2  # 2: student_id, and per item attempts, first_attempt, final, shown (kit.exercises)
# The student's own hand-in (kit.export_answers(), their answers file) needs a real name and a student id; without
# them it says what to do and writes nothing. Exporting a given AnswerStore (store=..., for tools) does not.
REQUIRE_IDENTITY = True
FORMATS = ("kit", "canvas", "moodle")
ASSIGNMENT = "UN cyber-diplomacy kit"  # the grade column's name in the Canvas and Moodle files (--assignment)
_JSON_TAG = re.compile(r'<script type="application/json" id="kit-handin">(.*?)</script>', re.S)
MAX_FILE_BYTES = 5_000_000
HANDIN_SUFFIXES = (".html", ".htm", ".json")
MAX_FOLDER_DEPTH = 2  # hand-ins are read in FOLDER and in per-student subfolders (Moodle, Canvas) one level further


class ClassroomError(DataError):
    """A problem with a hand-in file, a folder, a link or the answer key, said in words."""


# ---------------------------------------------------------------------------- helpers

def _kit_version() -> str:
    from . import __version__
    return __version__


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file in the same folder, then a rename); return the path."""
    path = Path(path)
    payload = re.sub("[\ud800-\udfff]", "\ufffd", text).encode("utf-8")  # a lone surrogate: shown as U+FFFD
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def shown(name) -> str:
    """Return a file name as it can be printed safely: newlines, terminal escapes, bidirectional controls and bytes
    that are not UTF-8 are written as backslash escapes, so a name can neither break a line nor drive the terminal."""
    out = []
    for ch in str(name):
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:   # a byte that is not UTF-8 in a file name (os.fsdecode's surrogateescape)
            out.append(f"\\x{o - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable():
            out.append(ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif o < 0x100:
            out.append(f"\\x{o:02x}")
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    return "".join(out)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return slug[:60] or "student"


def _score_of(exercise_id: str, record: dict):
    """Return (score, note): the kit regrades auto-checked answers itself rather than trusting a stored score."""
    from . import exercises as ex

    try:
        exercise = ex.get(exercise_id)
    except ex.ExerciseError:
        return None, "unknown exercise"
    if not exercise.auto_checked:
        return None, "free text"
    if "answer" not in record:  # the answer was shown, none given
        return None, "not answered"
    try:
        return ex.check(exercise_id, record.get("answer")).score, ""
    except (ex.ExerciseError, TypeError, ValueError):
        return 0.0, "answer no longer fits the question"


# ---------------------------------------------------------------------------- export (hand-in)

def handin_data(store: AnswerStore | None = None) -> dict:
    """Return the hand-in record: student, answers, scores (regraded by the kit), kit version, timestamp."""
    store = store or AnswerStore()
    saved = store.load()
    answers = saved.get("answers", {}) if isinstance(saved.get("answers"), dict) else {}
    scores = {}
    for ex_id, record in sorted(answers.items()):
        if isinstance(record, dict):
            score, _ = _score_of(ex_id, record)
            if score is not None:
                scores[ex_id] = score
    return {"format": HANDIN_FORMAT, "version": HANDIN_VERSION, "student": str(saved.get("student", "")),
            "student_id": str(saved.get("student_id", "")), "kit_version": _kit_version(), "exported_at": _now(),
            "answers": answers, "scores": scores,
            "total_score": round(sum(scores.values()), 3), "auto_checked_answered": len(scores)}


def _answer_text(answer) -> str:
    if isinstance(answer, dict):
        return "; ".join(f"{k} → {v}" for k, v in answer.items())
    if isinstance(answer, list):
        return "; ".join(map(str, answer))
    return str(answer)


def handin_html(record: dict) -> str:
    """Return the hand-in as one HTML page: a readable copy (all student text escaped) with the JSON inside."""
    e = html.escape
    rows = []
    for ex_id, rec in record["answers"].items():
        rec = rec if isinstance(rec, dict) else {}
        score = record["scores"].get(ex_id)
        first = {True: "yes", False: "no"}.get(rec.get("first_attempt"), "")
        rows.append(f"<tr><td><code>{e(str(ex_id))}</code></td><td>{e(str(rec.get('type', '')))}</td>"
                    f"<td style='white-space:pre-wrap'>{e(_answer_text(rec.get('answer', '')))}</td>"
                    f"<td>{'' if score is None else e(str(score))}</td><td>{e(str(rec.get('attempts', '')))}</td>"
                    f"<td>{first}</td><td>{'yes' if rec.get('shown') else ''}</td></tr>")
    # "<" is written as \u003c so no student text can close the script element.
    payload = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).replace("<", "\\u003c")
    name = record["student"] or "(no name set: run kit.set_name('Ada Lovelace', student_id='s1234567'))"
    sid = record.get("student_id", "")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Answers of {e(name)}</title></head><body>\n"
            f"<h1>UN cyber-diplomacy kit: answers of {e(name)}</h1>\n"
            f"<p>Student id: {e(sid) if sid else '(not set)'}.</p>\n"
            f"<p>Kit version {e(record['kit_version'])}; exported {e(record['exported_at'])}. "
            f"Auto-checked score: {e(str(record['total_score']))} from {record['auto_checked_answered']} "
            "auto-checked answer(s).</p>\n"
            "<table border=\"1\" cellpadding=\"4\"><tr><th>exercise</th><th>type</th><th>answer (latest)</th><th>score</th>"
            "<th>attempts</th><th>right first time</th><th>answer shown</th></tr>\n"
            + "\n".join(rows) + "\n</table>\n"
            f'<script type="application/json" id="kit-handin">{payload}</script>\n</body></html>\n')


class ExportResult:
    """Where the hand-in file was written, shown with how to download it (and anything the student must be told)."""

    written = True

    def __init__(self, path: Path, record: dict, notes=()):
        self.path, self.record, self.notes = Path(path), record, list(notes)

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        notes = "".join(f"Note: {m}\n" for m in self.notes)
        sid = self.record.get("student_id") or "(no id)"
        return (f"{notes}Saved your hand-in file: {self.path} ({len(self.record['answers'])} answer(s), "
                f"student {self.record['student'] or '(no name)'}, id {sid}).")

    def __fspath__(self) -> str:
        return str(self.path)

    def _repr_html_(self) -> str:
        e = html.escape
        try:
            rel = self.path.resolve().relative_to(Path.cwd().resolve().parent)
        except ValueError:
            rel = self.path
        notes = "".join(f'<p style="color:#B34700"><b>Note:</b> {e(m)}</p>' for m in self.notes)
        return (f"{notes}<p>✔ Saved your hand-in file: <code>{e(str(self.path))}</code> "
                f"({len(self.record['answers'])} answer(s), student {e(self.record['student'] or '(no name)')}, "
                f"id {e(self.record.get('student_id') or '(no id)')}).</p>"
                "<p><b>To hand it in:</b> in the file browser on the left, open the folder "
                f"<code>{e(str(Path(rel).parent))}</code>, right-click <code>{e(self.path.name)}</code> and choose "
                "<i>Download</i>; then upload it where your instructor asked (for example your course's "
                "learning-management system). On a shared JupyterHub your instructor may collect it directly.</p>")


class ExportRefused:
    """No hand-in was written (no real name or student id yet): says what to do, in a notebook and as text."""

    written = False
    path = None

    def __init__(self, message: str, notes=()):
        self.message, self.notes = message, list(notes)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return "".join(f"Note: {m}\n" for m in self.notes) + self.message

    def _repr_html_(self) -> str:
        notes = "".join(f'<p style="color:#B34700"><b>Note:</b> {html.escape(m)}</p>' for m in self.notes)
        return f'{notes}<p style="color:#B34700"><b>{html.escape(self.message)}</b></p>'


_EXAMPLE_PATH = "e.g. 'answers/handin.html', or leave it out: export_answers() writes it next to your answers"


def _handin_path(path, default_folder: Path, default_name: str) -> Path:
    """Return where to write the hand-in: ``path`` checked (text, no NUL, not too long; a folder gets the default name)."""
    if path is None:
        return default_folder / default_name
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise ClassroomError(f"give the hand-in file's path as text, e.g. 'answers/handin.html', not {path!r:.60}")
    text = os.fspath(path)
    if not text.strip():
        raise ClassroomError(f"give the hand-in file's path, not an empty text ({_EXAMPLE_PATH})")
    if "\0" in text:
        raise ClassroomError(f"the hand-in file's path contains a NUL character (\\0), which no file name can hold; "
                             f"give an ordinary file name ({_EXAMPLE_PATH})")
    try:
        encoded = os.fsencode(text)
    except UnicodeEncodeError:
        raise ClassroomError(f"the hand-in file's path {shown(text)!r} contains a character no file name can hold; "
                             f"give an ordinary file name ({_EXAMPLE_PATH})") from None
    if len(encoded) > 4000 or any(len(part) > 255 for part in encoded.split(os.fsencode(os.sep))):
        raise ClassroomError(f"the hand-in file's path is too long ({len(text):,} characters; a file name may have "
                             f"at most 255 and a path about 4,000); give a shorter one ({_EXAMPLE_PATH})")
    out = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or out.is_dir():
        out = out / default_name
    return out


def _write_problem(path: Path, err: OSError, answers: Path) -> str:
    code = err.errno
    safe = f"Your answers are safe in {answers}."
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (f"your hand-in file could not be written: the disk is full (no space left for {path}). {safe} "
                "Delete files you no longer need, or tell your instructor, then run export_answers() again.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or isinstance(err, PermissionError):
        return (f"your hand-in file could not be written: you cannot write in the folder {path.parent} (it is "
                f"read-only). {safe} Give another place, e.g. export_answers(os.path.expanduser('~/handin.html')).")
    if code == errno.ENAMETOOLONG:
        return f"your hand-in file could not be written: the path {path} is too long. {safe} Give a shorter one."
    if code in (errno.EISDIR, errno.ENOTDIR):
        return (f"your hand-in file could not be written: {path} is a folder, or sits inside something that is not "
                f"a folder. {safe} Give a file name such as 'answers/handin.html'.")
    return (f"your hand-in file could not be written to {path} ({err.strerror or err.__class__.__name__}). {safe} "
            "Try again, or tell your instructor.")


def export_answers(path=None, store: AnswerStore | None = None, require_identity: bool | None = None):
    """Write the student's hand-in file (HTML with the answers as JSON inside) atomically; return where it is.

    A damaged answers file met here is set aside and the student told; a hand-in that would hold no answer because
    the earlier answers were just set aside is refused, naming the file that holds them. The student's own hand-in
    (``store`` left out; ``require_identity`` None follows REQUIRE_IDENTITY) needs a real name and a student id:
    without them an ExportRefused says what to do, and nothing is written.
    """
    from .answers import identity_problem

    if require_identity is None:
        require_identity = REQUIRE_IDENTITY and store is None
    store = store or AnswerStore()
    if path is not None:
        _handin_path(path, store.path.parent, "handin.html")  # a clear error before anything is read
    record = handin_data(store)
    notes, store.warnings = list(store.warnings), []
    problem = identity_problem(record["student"], record["student_id"]) if require_identity else None
    if problem:
        return ExportRefused("No hand-in file was written (it needs your name and your student id, set with "
                             f"kit.set_name): {problem} Then run kit.export_answers() again; your answers are safe "
                             f"in {store.target()}.", notes)
    aside = store.set_aside or store.set_aside_files()
    if not record["answers"] and aside:
        told = " ".join(notes)
        raise ClassroomError((told + " " if told else "") +
                             f"No hand-in file was written: it would hold 0 answers, because your earlier answers "
                             f"file was set aside; it is kept, unchanged, as {aside[-1]}. Show that file to your "
                             "instructor, who can recover the answers in it (or hand it in as it is).")
    if aside and not store.set_aside:
        notes.append(f"An earlier answers file was set aside as {aside[-1]}: hand it in too, or show it to your "
                     "instructor.")
    stem = _slug(record["student"]) + (f"_{_slug(record['student_id'])}" if record["student_id"] else "")
    target = _handin_path(path, store.path.parent, f"handin_{stem}.html")
    try:
        written = write_atomic(target, handin_html(record))
    except OSError as err:
        raise ClassroomError(_write_problem(target, err, store.target())) from None
    return ExportResult(written, record, notes)


# ---------------------------------------------------------------------------- collect (gradebook)

def _kind(mode: int) -> str:
    """Return what a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class _ActiveContent(HTMLParser):
    """Find what in an HTML page could run in a browser: scripts, event handlers, javascript: links, embedded frames."""

    RISKY_TAGS = {"script", "iframe", "frame", "object", "embed", "applet", "base", "form", "meta"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.RISKY_TAGS and not (tag == "meta" and all(k == "charset" for k, _ in attrs)):
            self.found.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event handler ({name}=)")
            elif value and re.sub(r"[\s\x00-\x1f]+", "", value).lower().startswith(("javascript:", "vbscript:")):
                self.found.append(f"a script link ({name}=javascript:…)")

    handle_startendtag = handle_starttag


def _active_content(page: str, kit_json: re.Match) -> list[str]:
    """Return what in an HTML hand-in export_answers never writes and a browser could run (empty for a kit file)."""
    parser = _ActiveContent()
    parser.feed(page[:kit_json.start()] + page[kit_json.end():])
    parser.close()
    return list(dict.fromkeys(parser.found))


def _read_bytes(path: Path, name: str) -> bytes:
    """Return the bytes of a regular file, refusing folders, pipes and devices without ever blocking on them."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        raise ClassroomError(f"{name}: could not be read ({err.strerror or err.__class__.__name__})") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ClassroomError(f"{name}: {_kind(st.st_mode)}, not a hand-in file")
        if st.st_size > MAX_FILE_BYTES:
            raise ClassroomError(f"{name}: larger than {MAX_FILE_BYTES // 1_000_000} MB, not a hand-in file")
        try:
            raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as err:
            raise ClassroomError(f"{name}: could not be read ({err.strerror or err.__class__.__name__})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ClassroomError(f"{name}: larger than {MAX_FILE_BYTES // 1_000_000} MB, not a hand-in file")
    return raw


def read_handin(path) -> dict:
    """Return the hand-in record in a file (.html from export_answers, or .json); a bad file gets a clear error.

    ``flags`` lists what in an HTML hand-in could run in a browser (export_answers never writes any).
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise ClassroomError(f"give the hand-in file's path as text, e.g. 'handins/ada.html', not {path!r:.60}")
    text_path = os.fspath(path)
    if not text_path.strip() or "\0" in text_path:
        raise ClassroomError(f"{shown(text_path)!r} is not a file name; give the hand-in file's path, "
                             "e.g. 'handins/ada.html'")
    path = Path(text_path)
    name = shown(path.name)
    raw = _read_bytes(path, name)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise ClassroomError(f"{name}: not UTF-8 text (a byte that is not UTF-8 on line {line})") from None
    flags = []
    if path.suffix.lower() in (".html", ".htm"):
        match = _JSON_TAG.search(text)
        if not match:
            raise ClassroomError(f"{name}: no kit answers found in this HTML file")
        flags = _active_content(text, match)
        text = match.group(1)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ClassroomError(f"{name}: damaged (not valid JSON)") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise ClassroomError(f"{name}: not a kit hand-in or answers file")
    if data.get("format") not in (HANDIN_FORMAT, "un-cyber-kit answers"):
        raise ClassroomError(f"{name}: not a kit hand-in or answers file (format {data.get('format')!r:.60})")
    try:
        answers, _ = scrub(data["answers"])   # text no file can hold is shown as U+FFFD
        student, _ = scrub(data.get("student", ""))
        student_id, _ = scrub(data.get("student_id", ""))
    except _TooDeep:
        raise ClassroomError(f"{name}: answers nested too deeply to be a kit hand-in") from None
    if not isinstance(student_id, str):
        student_id = json.dumps(student_id, ensure_ascii=False)[:100]
    return {"student": student if isinstance(student, str) else json.dumps(student, ensure_ascii=False)[:200],
            "student_id": " ".join(student_id.split()),
            "answers": answers, "exported_at": scrub(str(data.get("exported_at", "")))[0],
            "kit_version": scrub(str(data.get("kit_version", "")))[0], "flags": flags}


def _cell(text: str) -> str:
    """Return text safe in a spreadsheet cell: a leading =, +, -, @ is quoted so it is never run as a formula."""
    text = " ".join(str(text).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _handin_files(folder: Path, skipped: list, depth: int = 0, prefix: str = "") -> list[tuple[Path, str]]:
    """Return (path, name shown) of every file in ``folder`` that may be a hand-in, reading per-student subfolders as
    Moodle and Canvas download them; add every other entry, with its reason, to ``skipped``."""
    found = []
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as err:
        skipped.append((prefix.rstrip("/") or str(folder), f"a folder that could not be read "
                                                           f"({err.strerror or err.__class__.__name__})"))
        return found
    for path in entries:
        name = shown(prefix + path.name)
        if path.name.startswith("."):
            skipped.append((name, "a hidden file or folder (its name starts with '.'); rename it if it is a hand-in"))
            continue
        try:
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                try:
                    st = path.stat()
                except OSError:
                    skipped.append((name, "a link to a file that does not exist"))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    skipped.append((name, "a link to a folder (links to folders are not followed)"))
                    continue
        except OSError as err:
            skipped.append((name, f"could not be read ({err.strerror or err.__class__.__name__})"))
            continue
        if stat.S_ISDIR(st.st_mode):
            if depth >= MAX_FOLDER_DEPTH:
                skipped.append((name + "/", f"a folder nested too deep (folders are read {MAX_FOLDER_DEPTH} levels "
                                            "down)"))
                continue
            inside = _handin_files(path, skipped, depth + 1, prefix + path.name + "/")
            if not inside:
                skipped.append((name + "/", "a folder with no hand-in file in it"))
            found.extend(inside)
        elif not stat.S_ISREG(st.st_mode):
            skipped.append((name, f"{_kind(st.st_mode)}, not a hand-in file"))
        elif path.suffix.lower() not in HANDIN_SUFFIXES:
            skipped.append((name, "not a hand-in file (expected .html or .json)"))
        else:
            found.append((path, name))
    return found


ITEM_FIELDS = ("first_attempt", "attempts", "shown")  # per auto-checked item, after its final score (kit format)


def _item_facts(exercise_id: str, record: dict) -> dict:
    """Return final, first_attempt, attempts, shown of one saved answer, regrading what can be regraded."""
    from . import exercises as ex

    final, _ = _score_of(exercise_id, record)
    first = ""
    if "first_answer" in record:  # regraded: the stored flag only says when the answer was shown before it
        with contextlib.suppress(ex.ExerciseError, TypeError, ValueError):
            right = ex.check(exercise_id, record["first_answer"]).score == 1.0
            first = int(right and record.get("first_attempt") is not False)
    elif isinstance(record.get("first_attempt"), bool):
        first = int(record["first_attempt"])
    attempts = record.get("attempts", "")
    attempts = attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else ""
    return {"final": final, "first_attempt": first, "attempts": attempts, "shown": int(record.get("shown") is True)}


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def _same_name(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


def _add(row: dict, field: str, note: str) -> None:
    if note not in row[field].split("; "):
        row[field] = f"{row[field]}; {note}" if row[field] else note


def gradebook(folder) -> tuple[list[dict], list[str], list[tuple[str, str]]]:
    """Return (rows, columns, skipped): one row per student from the hand-ins in ``folder`` (and its per-student
    subfolders), and every entry that could not be used, with its reason. File names are shown escaped.

    Hand-ins are keyed by student id. A newer hand-in replaces an older one only when both give the same id and the
    same name. Two hand-ins with one id and different names, or one name given with two ids, are both kept and
    reported in the ``conflicts`` column (see ``conflicts``): never merged, never replaced. Hand-ins without an id
    (kit versions before 2) are keyed by name and the folder they were found in, as before."""
    from . import exercises as ex

    folder = Path(folder) if isinstance(folder, (str, os.PathLike)) and str(folder).strip() else None
    try:
        is_dir = folder is not None and folder.is_dir()
    except (OSError, ValueError):
        is_dir = False
    if not is_dir:
        raise ClassroomError(f"{shown(folder)!s} is not a folder; give the folder that holds the students' hand-in "
                             "files")
    auto = sorted(e.id for e in ex.all_exercises().values() if e.auto_checked)
    per_item = [c for a in auto for c in (a, *(f"{a}:{f}" for f in ITEM_FIELDS))]
    columns = ["student", "student_id", "file", "exported_at", *per_item, "total_score", "first_attempt_total",
               "shown_count", "max_score", "auto_checked_answered", "free_text_answered", "flags", "conflicts"]
    found: list[dict] = []
    skipped = []
    for path, name in _handin_files(folder, skipped):
        try:
            record = read_handin(path)
        except ClassroomError as err:
            prefix = shown(path.name) + ": "  # read_handin names the file; the list names it already
            skipped.append((name, str(err).removeprefix(prefix)))
            continue
        row = {c: "" for c in columns}
        student = record["student"].strip() or f"(no name: {name})"
        row.update(student=_cell(student), student_id=_cell(record["student_id"]), file=_cell(name),
                   exported_at=_cell(record["exported_at"]),
                   flags=_cell("; ".join(f"contains {f}" for f in record["flags"])))
        total, first_total, n_shown, n_auto, n_free = 0.0, 0, 0, 0, 0
        for ex_id, rec in record["answers"].items():
            if not isinstance(rec, dict):
                continue
            ex_id = str(ex_id)
            if ex_id in auto:
                facts = _item_facts(ex_id, rec)
                row.update({f"{ex_id}:{f}": facts[f] for f in ITEM_FIELDS})
                n_shown += facts["shown"]
                first_total += facts["first_attempt"] or 0
                if facts["final"] is not None:
                    row[ex_id] = facts["final"]
                    total += facts["final"]
                    n_auto += 1
            elif _score_of(ex_id, rec)[1] == "free text" and str(rec.get("answer", "")).strip():
                n_free += 1
        row.update(total_score=round(total, 3), first_attempt_total=first_total, shown_count=n_shown,
                   max_score=len(auto), auto_checked_answered=n_auto, free_text_answered=n_free)
        row["_raw_id"], row["_student"], row["_answers"] = record["student_id"], student, record["answers"]
        found.append(row)
    rows = _resolve(found, skipped)
    return rows, columns, skipped


def _resolve(found: list[dict], skipped: list) -> list[dict]:
    """Keep one row per student; report (never merge or replace) hand-ins whose ids and names disagree."""
    kept: dict[tuple, dict] = {}

    def keep(key, row, what):
        previous = kept.get(key)
        if previous is not None:
            older, newer = sorted([previous, row], key=lambda r: r["exported_at"])
            skipped.append((older["file"], f"an older hand-in of {what}; kept {newer['file']}"))
            row = newer
        kept[key] = row

    by_id: dict[str, list[dict]] = {}
    for row in found:
        if row["_raw_id"]:
            by_id.setdefault(row["_raw_id"], []).append(row)
        else:
            # Who handed a file in is known only from where it was found: a per-student subfolder of an LMS download
            # vouches for its submitter, a name typed into the kit does not. A newer hand-in replaces an older one
            # only from the same subfolder; two that claim one name from anywhere else are both kept and flagged.
            origin = str(PurePosixPath(row["file"]).parent) if "/" in row["file"] else ""
            keep(("name", row["_student"], origin or row["file"]), row, f"{row['_student']!r} from the same folder")
            _add(row, "flags", "no student id (a hand-in from an older kit, or set_name without an id)")
    for sid, group in by_id.items():
        names: list[str] = []
        for row in group:
            same = next((n for n in names if _same_name(n, row["_student"])), None)
            if same is None:
                names.append(row["_student"])
            keep(("id", sid, _norm(same or row["_student"])), row, f"student id {sid!r} ({row['_student']!r})")
        if len(names) > 1:
            rows_here = [r for k, r in kept.items() if k[0] == "id" and k[1] == sid]
            note = (f"student id {sid!r} is given with {len(names)} different names: " +
                    ", ".join(f"{r['_student']!r} ({r['file']})" for r in rows_here) + ": check who handed in which")
            for r in rows_here:
                _add(r, "conflicts", _cell(note))
    rows = [kept[k] for k in sorted(kept, key=lambda k: tuple(map(str, k)))]
    claims: dict[str, list[dict]] = {}
    for row in rows:
        claims.setdefault(_norm(row["_student"]), []).append(row)
    for same in claims.values():
        if len(same) < 2:
            continue
        ids = {r["_raw_id"] for r in same}
        if all(r["_raw_id"] for r in same):  # one id with one name was kept once: these ids all differ
            note = (f"the name {same[0]['_student']!r} is given with {len(ids)} student ids: " +
                    ", ".join(f"{r['_raw_id']!r} ({r['file']})" for r in same) + ": check who is who")
            for r in same:
                _add(r, "conflicts", _cell(note))
        else:
            for row in same:
                others = ", ".join(r["file"] for r in same if r is not row)
                note = (f"{len(same)} hand-ins claim the name {row['_student']!r} (also {others}): check which is this "
                        "student's, since none replaced another")
                _add(row, "flags", note)
                _add(row, "conflicts", _cell(note))
    return rows


def conflicts(rows: list[dict]) -> list[dict]:
    """Return every conflict of identity in the gradebook once: {conflict, files}."""
    out: dict[str, list[str]] = {}
    for r in rows:
        for c in filter(None, str(r.get("conflicts", "")).split("; ")):
            out.setdefault(c, []).append(r["file"])
    return [{"conflict": c, "files": "; ".join(files)} for c, files in out.items()]


def flagged(rows: list[dict]) -> list[tuple[str, str]]:
    """Return (file, what) for every flag in the gradebook: content a browser could run, or a name claimed twice."""
    out = []
    for r in rows:
        for flag in filter(None, str(r.get("flags", "")).split("; ")):
            if flag.startswith("contains"):
                flag += (", which export_answers never writes: do not open it in a browser; its answers were read "
                         "as text")
            out.append((r["file"], flag))
    return out


def _csv_text(header, rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


CANVAS_ID_COLUMNS = ("SIS User ID", "SIS Login ID")


def lms_table(rows: list[dict], fmt: str, assignment: str = ASSIGNMENT,
              canvas_id: str = "SIS User ID") -> tuple[list[str], list[list]]:
    """Return (header, rows) of the gradebook in an LMS's grade-import CSV format: one grade column, ``assignment``,
    holding each student's total auto-checked score (the final score of each item, regraded by the kit).

    - ``canvas``: the Canvas Gradebook import format, the columns of Canvas's own Gradebook export: "Student", "ID",
      "SIS User ID", "SIS Login ID", "Section", then one column per assignment, and a "Points Possible" row under
      the header. The kit writes the student id as the SIS User ID (``canvas_id="SIS Login ID"`` when the ids are
      hub or campus log-ins); "ID" (Canvas's own number), the other SIS column and "Section" are left empty (the
      Section column must be there, but may be blank). Instructure's guide "How do I import grades in the
      Gradebook?" (https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/
      ta-p/807, as cited and tested in PrairieLearn issue #4547, https://github.com/PrairieLearn/PrairieLearn/
      issues/4547); Ohio State's "Import a CSV File to Carmen Grades" (https://teaching.resources.osu.edu/toolsets/
      carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades: one of Student, ID or SIS User
      ID identifies the student); VCU's "Gradebook Action Menu" (https://ts.vcu.edu/askit/teaching-and-learning/
      canvas/faculty/grading-faculty/gradebook-action-menu-faculty/). The "Points Possible" row is the one
      Canvas's own Gradebook export writes under the header; the pages above do not show it (partly confirmed).
    - ``moodle``: Moodle's "Import grades from CSV" (Grade import) format: a header row, one identifier column, one
      column per grade item. The kit's identifier column is "ID number" (the student id); at import choose
      "Identify user by": Map from "ID number" to "useridnumber" (or to "username" when the ids are hub user names
      that are also Moodle user names), and map the "assignment" column to the grade item. See MoodleDocs "Grade
      import" (https://docs.moodle.org/311/en/Grade_import).
    """
    max_score = rows[0]["max_score"] if rows else 0
    if fmt == "canvas":
        if canvas_id not in CANVAS_ID_COLUMNS:
            raise ClassroomError(f"the student id goes in one of: {', '.join(CANVAS_ID_COLUMNS)}; not {canvas_id!r}")
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment]
        body = [["Points Possible", "", "", "", "", max_score]]
        for r in rows:
            line = [r["student"], "", "", "", "", r["total_score"]]
            line[header.index(canvas_id)] = r["student_id"]
            body.append(line)
        return header, body
    if fmt == "moodle":
        return ["ID number", "Full name", assignment], [[r["student_id"], r["student"], r["total_score"]]
                                                         for r in rows]
    raise ClassroomError(f"unknown gradebook format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _text_cell(text) -> str:
    """Return a student's text for a spreadsheet cell: kept whole (newlines too), never run as a formula."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


MARKING_COLUMNS = ["student_id", "student", "file", "submitted_at", "submitted", "submitted_copied_model",
                   "latest_at", "latest", "latest_copied_model", "versions", "words", "rubric", "mark", "comment"]


def marking_tables(rows: list[dict]) -> dict[str, list[list]]:
    """Return, per free-text exercise, one row per student for marking: the first submission (the one graded, as
    submitted), the latest version, and whether each is mostly the model answer (recomputed here, see
    kit.exercises.copy_measures); empty ``mark`` and ``comment`` columns for the marker."""
    from . import exercises as ex

    out = {}
    for e in sorted((e for e in ex.all_exercises().values() if not e.auto_checked), key=lambda e: e.id):
        table = []
        for r in rows:
            rec = r.get("_answers", {}).get(e.id)
            if not isinstance(rec, dict) or not isinstance(rec.get("answer"), str):
                continue
            versions = [v for v in rec.get("versions") or [] if isinstance(v, dict) and isinstance(v.get("answer"), str)]
            first = rec.get("submitted") if isinstance(rec.get("submitted"), str) else \
                (versions[0]["answer"] if versions else rec["answer"])
            latest = versions[-1] if versions else {"answer": rec["answer"], "saved_at": rec.get("saved_at", "")}
            table.append([r["student_id"], r["student"], r["file"],
                          _cell(str(rec.get("submitted_at") or (versions[0].get("saved_at", "") if versions else ""))),
                          _text_cell(first), int(ex.copied_model(first, e.model_answer)),
                          _cell(str(latest.get("saved_at", ""))), _text_cell(latest["answer"]),
                          int(ex.copied_model(latest["answer"], e.model_answer)), max(len(versions), 1),
                          len(first.split()), "", "", ""])
        if table and e.rubric:
            table[0][MARKING_COLUMNS.index("rubric")] = ex.rubric_text(e)
        out[e.id] = table
    return out


def write_marking(rows: list[dict], folder) -> list[Path]:
    """Write one CSV per free-text exercise into ``folder`` (``<exercise id>.csv``); return the files written."""
    written = []
    for ex_id, table in marking_tables(rows).items():
        written.append(write_atomic(Path(folder) / f"{ex_id}.csv", _csv_text(MARKING_COLUMNS, table)))
    return written


def _write_gradebook(rows, columns, folder, out, fmt: str = "kit", assignment: str = ASSIGNMENT,
                     canvas_id: str = "SIS User ID") -> Path:
    default = "gradebook.csv" if fmt == "kit" else f"gradebook_{fmt}.csv"
    out = Path(out) if out is not None else Path(folder) / default
    if fmt == "kit":
        text = _csv_text(columns, [[r[c] for c in columns] for r in rows])
    else:
        text = _csv_text(*lms_table(rows, fmt, assignment, canvas_id))
    written = write_atomic(out, text)
    found = conflicts(rows)
    if found:
        write_atomic(out.with_name(out.stem + "_conflicts.csv"),
                     _csv_text(["conflict", "files"], [[_cell(c["conflict"]), _cell(c["files"])] for c in found]))
    return written


def _no_rows(folder, skipped) -> ClassroomError:
    return ClassroomError(f"no hand-in file in {shown(folder)} could be read" +
                          "".join(f"\n  skipped {n}: {why}" for n, why in skipped))


def collect(folder, out=None, fmt: str = "kit", marking=None, assignment: str = ASSIGNMENT,
            canvas_id: str = "SIS User ID") -> tuple[Path, int, list[tuple[str, str]]]:
    """Write the gradebook CSV for a folder of hand-ins (``fmt``: kit, canvas or moodle; identity conflicts also
    go to ``<gradebook>_conflicts.csv``) and, with ``marking``, one CSV per free-text question into that folder;
    return (path, students, skipped files with reasons)."""
    if fmt not in FORMATS:
        raise ClassroomError(f"unknown gradebook format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    rows, columns, skipped = gradebook(folder)
    if not rows:
        raise _no_rows(folder, skipped)
    path = _write_gradebook(rows, columns, folder, out, fmt, assignment, canvas_id)
    if marking is not None:
        write_marking(rows, marking)
    return path, len(rows), skipped


# ---------------------------------------------------------------------------- nbgitpuller link

def notebook_names() -> list[str]:
    """Return the file names of the kit's notebooks, in course order."""
    from .course import PLAN
    return [fname for _, fname, _, _ in PLAN]


def _notebook_file(name) -> str:
    valid = notebook_names()
    if isinstance(name, str):
        n = name.strip()
        for fname in valid:
            if n in (fname, fname.removesuffix(".ipynb"), fname[:2]):
                return fname
    raise ClassroomError(f"unknown notebook {name!r}; choose one of: {', '.join(valid)}")


def _origin_url() -> str | None:
    try:
        out = subprocess.run(["git", "config", "--get", "remote.origin.url"], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def _web_address(value: str, what: str, example: str) -> tuple:
    """Return (scheme, netloc, path, query, fragment) of an http(s) address, made safe to put in a link: the host
    IDNA-encoded, the port checked, the path percent-encoded; anything that cannot be parsed gets a clear error."""
    text = value.strip()
    bad = f"{value!r:.120} is not a {what} address"
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ClassroomError(f"{bad}: it contains spaces or control characters; give it as {example}")
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError as err:  # e.g. 'https://[::1' (Invalid IPv6 URL), 'https://h.org:99999', 'https://h.org:x'
        raise ClassroomError(f"{bad} ({err}); give it as {example}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ClassroomError(f"{bad}; give it with https://, e.g. {example}")
    if parts.username is not None or parts.password is not None:
        raise ClassroomError(f"{bad}: give it without a user name or password, e.g. {example}")
    if port == 0:
        raise ClassroomError(f"{bad}: port 0 is not a port; give a port from 1 to 65535, or none")
    if ":" in host:  # an IPv6 address, written in brackets
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            raise ClassroomError(f"{bad}: [{host}] is not an IPv6 address") from None
        netloc_host = f"[{host}]"
    else:
        try:
            netloc_host = host.encode("idna").decode("ascii").lower()  # bücher.de -> xn--bcher-kva.de
        except UnicodeError:
            raise ClassroomError(f"{bad}: its host name {host!r:.80} is not a valid internet name") from None
        if not all(_HOST_LABEL.fullmatch(label) for label in netloc_host.rstrip(".").split(".")):
            raise ClassroomError(f"{bad}: its host name {host!r:.80} is not a valid internet name "
                                 "(letters, digits and '-' between dots)")
    netloc = netloc_host + (f":{port}" if port else "")
    path = quote(re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", parts.path), safe="/%-._~!$&'()*+,;=:@")
    return parts.scheme, netloc, path, parts.query, parts.fragment


def _clone_folder(repo_path: str, repo: str) -> str:
    """Return the folder nbgitpuller clones the repository into: its last path segment, without '.git'."""
    segment = unquote(repo_path.rstrip("/").rsplit("/", 1)[-1])
    name = segment[:-4] if segment.lower().endswith(".git") else segment
    if name in ("", ".", "..") or any(c in name for c in "/\\\0") or not name.isprintable():
        raise ClassroomError(f"{repo!r:.120}: cannot tell the repository's name from its address; give it as "
                             "https://github.com/OWNER/REPO")
    return name


def pull_link(hub, repo=None, branch: str = "main", notebook: str = "00_start_here.ipynb") -> str:
    """Return the nbgitpuller link that clones or updates the kit in a hub account and opens ``notebook`` in JupyterLab.

    The link always names the folder to clone into (``targetpath``: the repository's name, without '.git'), and opens
    the notebook in that folder, so an address ending in '.git' or '/' opens the right one.
    """
    if not isinstance(hub, str) or not hub.strip():
        raise ClassroomError("give the hub's address, e.g. --hub https://hub.example.edu")
    scheme, netloc, hub_path, query, fragment = _web_address(hub, "hub", "https://hub.example.edu")
    if query or fragment or "?" in hub or "#" in hub:
        raise ClassroomError(f"{hub!r}: give the hub's address only, without '?' or '#' parts")
    repo = repo if repo is not None else _origin_url()
    if not isinstance(repo, str) or not repo.strip():
        raise ClassroomError("give the kit's git repository, e.g. --repo https://github.com/OWNER/REPO")
    rparts = _web_address(repo, "repository", "https://github.com/OWNER/REPO")
    if not rparts[2].strip("/"):
        raise ClassroomError(f"{repo!r} is not a repository address; give it as https://github.com/OWNER/REPO")
    if rparts[3] or rparts[4]:
        raise ClassroomError(f"{repo!r}: give the repository's address only, without '?' or '#' parts")
    target = _clone_folder(rparts[2], repo)
    if not isinstance(branch, str) or not re.fullmatch(r"[A-Za-z0-9._/-]+", branch) or ".." in branch:
        raise ClassroomError(f"{branch!r} is not a branch name (letters, digits, '.', '_', '-', '/')")
    fname = _notebook_file(notebook)
    path = hub_path.rstrip("/") + "/hub/user-redirect/git-pull"
    query = urlencode({"repo": urlunsplit(rparts), "branch": branch, "targetpath": target,
                       "urlpath": f"lab/tree/{quote(target)}/notebooks/{fname}"})
    return urlunsplit((scheme, netloc, path, query, ""))


# ---------------------------------------------------------------------------- answer key

def _md(text) -> str:
    """Return ``text`` safe inside a Markdown table cell: one line, no raw HTML, no cell breaks; quotes kept."""
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def answer_key_markdown() -> str:
    """Return docs/answer_key.md: every exercise's answer, generated from data/exercises (never edit by hand)."""
    from . import exercises as ex

    key = ex.answer_key()
    lines = ["# Answer key", "",
             "Generated from `data/exercises/*.json` by `python -m kit.classroom answer-key`: do not edit by hand. "
             "A test fails when this file is out of date. Free-text questions have a model answer, not a key: "
             "grade them with the rubric printed beside each one (score, label and what an answer at that level "
             "does), or the general rubric in [the instructor's guide](instructor_guide.md) where none is given.", ""]
    for notebook, rows in key.groupby("notebook", sort=True):
        lines += [f"## {notebook}", "", "| exercise | type | level | question | answer | sources |",
                  "|---|---|---|---|---|---|"]
        for r in rows.itertuples():
            answer = ("*model answer:* " if r.type == "free_text" else "") + _md(r.answer)
            if r.rubric:
                answer += " *Rubric:* " + " · ".join(_md(line) for line in r.rubric.splitlines())
            lines.append(f"| `{r.id}` | {r.type} | {r.level} | {_md(r.prompt)} | {answer} | {_md(r.source_ids)} |")
        lines.append("")
    return "\n".join(lines)


def write_answer_key(out="docs/answer_key.md") -> Path:
    """Write the generated answer key atomically; return its path."""
    return write_atomic(Path(out), answer_key_markdown())


# ---------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    """Run ``python -m kit.classroom``; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m kit.classroom", description=__doc__.split("\n")[0],
        epilog="collect FOLDER [--format kit|canvas|moodle] [--marking DIR]: the gradebook (kit: final score, "
               "first_attempt, attempts and shown per item, and totals; canvas or moodle: their grade-import CSV) "
               "and, with --marking, one CSV per free-text question for marking. See each command's --help.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("collect", help="turn a folder of hand-in files into a gradebook CSV (kit, Canvas or Moodle) "
                                       "and, with --marking, one CSV per free-text question",
                       description="Read every hand-in in FOLDER (and the per-student subfolders of a Moodle or "
                                   "Canvas download), keyed by student id, and write the gradebook. Hand-ins whose "
                                   "ids and names disagree are printed as conflicts and written to "
                                   "<gradebook>_conflicts.csv; none is merged or replaced.")
    p.add_argument("folder")
    p.add_argument("--out", default=None, help="the gradebook file (default: FOLDER/gradebook.csv, or "
                                               "FOLDER/gradebook_canvas.csv, FOLDER/gradebook_moodle.csv)")
    p.add_argument("--format", default="kit", choices=FORMATS, dest="fmt",
                   help="kit (default): per auto-checked item its final score and ITEM:first_attempt, "
                        "ITEM:attempts, ITEM:shown, then totals; canvas: the Canvas Gradebook import CSV (Student, "
                        "ID, SIS User ID = the student id, SIS Login ID, Section, one assignment column, a Points "
                        "Possible row); moodle: the Moodle 'Import grades from CSV' file (an ID number column = the "
                        "student id, one column per grade item)")
    p.add_argument("--assignment", default=ASSIGNMENT, help="the grade column's name in the canvas and moodle files "
                                                            f"(default: {ASSIGNMENT!r})")
    p.add_argument("--canvas-id", default="SIS User ID", choices=CANVAS_ID_COLUMNS,
                   help="the Canvas column that gets the student id (default: 'SIS User ID'; 'SIS Login ID' when the "
                        "ids are log-in names)")
    p.add_argument("--marking", default=None, metavar="DIR",
                   help="also write DIR/<exercise id>.csv for each free-text question: every student's first "
                        "submission (the one graded), latest version, copied_model flags, and empty mark and "
                        "comment columns")
    p = sub.add_parser("link", help="print the nbgitpuller link for a JupyterHub")
    p.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    p.add_argument("--repo", default=None, help="the kit's git repository (default: this checkout's origin)")
    p.add_argument("--branch", default="main")
    p.add_argument("--notebook", default="00_start_here.ipynb", help="file name, stem or number, e.g. 08")
    p = sub.add_parser("answer-key", help="write the answer key generated from the exercise files")
    p.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "answer_key.md"))
    p = sub.add_parser("chair", help="the simulation's chair: merge the class's concessions, show who blocks, "
                                     "publish the draft (the same as python -m kit.negotiation chair)")
    p.add_argument("folder", help="the folder of hand-in files written by kit.export_answers()")
    p.add_argument("--package", help="a JSON object (or file) of dimension -> option; the rest: starting draft")
    p.add_argument("--publish", help="write the draft as JSON to this path for the students (kit.class_draft)")
    args = parser.parse_args(argv)
    if args.command == "chair":
        from . import negotiation
        return negotiation.main(["chair", args.folder] + (["--package", args.package] if args.package else [])
                                + (["--publish", args.publish] if args.publish else []))
    for stream in (sys.stdout, sys.stderr):  # a name the terminal cannot show is escaped, never a crash
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
    try:
        if args.command == "collect":
            rows, columns, skipped = gradebook(args.folder)
            if not rows:
                raise _no_rows(args.folder, skipped)
            out = _write_gradebook(rows, columns, args.folder, args.out, args.fmt, args.assignment, args.canvas_id)
            print(f"Wrote {shown(out)}: {len(rows)} student(s).")
            if args.marking is not None:
                for path in write_marking(rows, args.marking):
                    print(f"Wrote {shown(path)}: for marking.")
            for name, why in skipped:
                print(f"Skipped {name}: {why}")
            for name, why in flagged(rows):
                print(f"Flagged {name}: {why}")
            found = conflicts(rows)
            for c in found:
                print(f"Conflict: {c['conflict']}")
            if found:
                print(f"Wrote {shown(out.with_name(out.stem + '_conflicts.csv'))}: {len(found)} conflict(s).")
        elif args.command == "link":
            print(pull_link(args.hub, args.repo, args.branch, args.notebook))
        else:
            print(f"Wrote {write_answer_key(args.out)}")
    except (DataError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
