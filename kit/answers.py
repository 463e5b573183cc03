"""The student's answers file: every answer saved as it is given, never lost.

Writes are atomic (a temporary file, then a rename) and happen under an OS-level lock (``filelock``: ``fcntl`` or
``msvcrt``, released by the operating system when the process dies), so two notebooks saving at the same moment both
keep their answers and a crashed kernel never leaves a lock that blocks the next save. Reading never waits for the
lock: the file is only ever replaced whole, so a reader sees the old file or the new one. A file that cannot be used
(not JSON, not a kit answers file, records of the wrong shape) is moved aside, never overwritten, and the student is
told; the answers in it that can be used are kept. When an answer cannot be saved (a read-only folder, a full disk)
the student is told why and what to do, and the file on disk is left as it was.

The file holds the student's ``student`` (name) and ``student_id`` (a student number or hub user name), and one
record per exercise. What the exercises engine records per item (``attempts``, ``first_attempt``, ``final``,
``shown``; for free text ``submitted`` and ``versions``) is described in kit.exercises; files written before these
fields existed are read as they are, the missing fields filled in (``migrate``).
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from .data import DataError

FORMAT = "un-cyber-kit answers"
VERSION = 2              # 2: student_id, and per-item attempts/first_attempt/final/shown/versions
MAX_NAME = 200          # characters in a student's name
MAX_ID = 100            # characters in a student id
EXERCISE_TYPES = ("multiple_choice", "multiple_select", "ordering", "matching", "free_text")  # kit.exercises.TYPES
# What a notebook shows before the student writes their own: never accepted as a name or an id.
PLACEHOLDER_NAMES = ("your name", "your full name", "name", "student", "first last", "firstname lastname")
PLACEHOLDER_IDS = ("your student number", "your student id", "student number", "student id", "your id", "id",
                   "your hub user name", "your user name", "12345678")
MAX_DEPTH = 20          # nesting of lists and objects inside one answer; deeper is not an answer the kit wrote
STALE_TEMP_SECONDS = 60  # a temporary file older than this, or whose writer is gone, was left by a crashed save
_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


class AnswersError(DataError):
    """Your answers file could not be read or written: the message says why, and what to do."""


def default_path() -> Path:
    """Return where answers are saved.

    $KIT_ANSWERS_FILE if set; else answers/my_answers.json in the kit's own folder when that folder belongs to the
    student (a laptop, Binder, a clone in a hub home folder); else ~/answers/my_answers.json (a kit installed once,
    read-only or owned by someone else, for a whole class on a shared hub).
    """
    env = os.environ.get("KIT_ANSWERS_FILE")
    if env:
        return Path(env).expanduser()
    kit_root = Path(__file__).resolve().parent.parent
    if _belongs_to_user(kit_root):
        return kit_root / "answers" / "my_answers.json"
    return Path.home() / "answers" / "my_answers.json"


def _belongs_to_user(folder: Path) -> bool:
    if not os.access(folder, os.W_OK):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or folder.stat().st_uid == getuid()


def empty() -> dict:
    return {"format": FORMAT, "version": VERSION, "student": "", "student_id": "", "answers": {}}


def _plain(text: str) -> str:
    return " ".join(str(text).strip().strip("\"'<>[](){}").split()).casefold()


def identity_problem(name, student_id) -> str | None:
    """Return what is wrong with a name and student id given to set_name (in words, with what to do), or None.

    ``student_id`` None is not checked (set_name then records the name only); "" is a missing id."""
    example = "kit.set_name(\"Ada Lovelace\", student_id=\"s1234567\")"
    if not isinstance(name, str) or not name.strip():
        return f"give your name as text, between the quotes: {example}."
    if _plain(name) in PLACEHOLDER_NAMES:
        return (f"{name.strip()!r} is the example in the notebook, not your name: replace it with your own name, "
                f"e.g. {example}, and run the cell again.")
    if len(name.strip()) > MAX_NAME:
        return None  # AnswerStore.set_student refuses it, saying how long it may be
    if student_id is None:
        return None
    if not isinstance(student_id, str) or not student_id.strip():
        return (f"give your student id too (your student number, or your user name on the course hub): {example}.")
    if _plain(student_id) in PLACEHOLDER_IDS:
        return (f"{student_id.strip()!r} is the example in the notebook, not your student id: replace it with your "
                f"student number (or your hub user name), e.g. {example}, and run the cell again.")
    if len(student_id.strip()) > MAX_ID or any(not c.isprintable() for c in student_id.strip()):
        return f"a student id is at most {MAX_ID} printable characters, e.g. s1234567."
    return None


def migrate(record: dict) -> dict:
    """Return a saved answer with the fields the engine records now, filled in for a record saved before them.

    ``attempts`` stays as saved (the store has always counted them); ``final`` is the saved score; ``shown`` is
    False; ``first_attempt`` is None (not known); a free-text answer's only known version is its saved text.
    """
    if "answer" not in record or record.get("type") not in EXERCISE_TYPES:  # e.g. kit.negotiation's concessions
        return record
    out = dict(record)
    out.setdefault("attempts", 1)
    out.setdefault("final", record.get("score"))
    out.setdefault("shown", False)
    out.setdefault("first_attempt", None)
    if record.get("type") == "free_text" and isinstance(record.get("answer"), str):
        out.setdefault("submitted", record["answer"])
        out.setdefault("versions", [{"answer": record["answer"], "saved_at": record.get("saved_at", "")}])
    return out


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------- text that cannot be saved

class _TooDeep(ValueError):
    pass


def scrub(value, depth: int = 0):
    """Return (value, n): ``value`` with every lone surrogate (text no file can hold) replaced by '\ufffd', and n.

    Raises ``_TooDeep`` for lists or objects nested more than ``MAX_DEPTH`` deep.
    """
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, str):
        clean, n = _SURROGATES.subn(REPLACEMENT, value)
        return clean, n
    if isinstance(value, dict):
        out, total = {}, 0
        for k, v in value.items():
            ck, n1 = scrub(k, depth + 1) if isinstance(k, str) else (k, 0)
            cv, n2 = scrub(v, depth + 1)
            out[ck] = cv
            total += n1 + n2
        return out, total
    if isinstance(value, (list, tuple)):
        items = [scrub(v, depth + 1) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0


def _replaced_note(n: int, what: str, again: str) -> str:
    return (f"{n} character(s) in {what} could not be saved as text (a broken character, often left by copying and "
            f"pasting) and were replaced by {REPLACEMENT}. Check {what} and {again} if needed.")


# ---------------------------------------------------------------------------- the shape of the file

def _record_problem(record) -> str | None:
    """Return why one saved answer cannot be used, or None."""
    if not isinstance(record, dict):
        kind = {str: "text", list: "a list", int: "a number", float: "a number", bool: "true or false",
                type(None): "null"}.get(type(record), type(record).__name__)
        return f"is {kind}, not a saved answer"
    attempts = record.get("attempts", 0)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
        return f"has attempts {attempts!r}, not a whole number from 0"
    if "saved_at" in record and not isinstance(record["saved_at"], str):
        return "has a saved_at that is not a date"
    try:
        scrub(record)
    except _TooDeep:
        return f"is nested more than {MAX_DEPTH} levels deep"
    return None


def _parse(text: str):
    """Return (data, why, dropped): the usable content of a file, why the file cannot be used as it is (or None), and
    the exercise ids whose records were dropped, each with its reason."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None, "was damaged (not valid JSON)", []
    except RecursionError:
        return None, "was damaged (brackets nested too deeply)", []
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("answers"), dict):
        return None, "is not a kit answers file", []
    student = data.get("student", "")
    if not isinstance(student, str):
        return None, f"has a student name that is not text ({student!r:.40})", []
    student_id = data.get("student_id", "")
    if not isinstance(student_id, str):
        return None, f"has a student id that is not text ({student_id!r:.40})", []
    dropped = []
    answers = {}
    for ex_id, record in data["answers"].items():
        problem = _record_problem(record)
        if problem:
            dropped.append(f"{ex_id!r:.60} {problem}")
        else:
            answers[ex_id] = migrate(scrub(record)[0])
    clean = dict(data, student=scrub(student)[0], student_id=scrub(student_id)[0], answers=answers)
    if dropped:
        return clean, f"held {len(dropped)} answer(s) in a shape the kit cannot use ({'; '.join(dropped[:3])}" + \
            ("; …" if len(dropped) > 3 else "") + ")", dropped
    return clean, None, []


def _encode(data: dict) -> bytes:
    try:
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as err:  # the store's own checks make this a programming error
        raise AnswersError(f"this answer cannot be saved: it is not made of text, numbers and lists ({err})") from None


# ---------------------------------------------------------------------------- temporary files of crashed saves

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp$")


def _temp_prefix(target: Path) -> str:
    return f".{target.name[:100]}.{os.getpid()}."


def _process_gone(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows; rely on the age alone there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. PermissionError: the process exists and belongs to someone else
        return False
    return False


def _remove_stale_temps(target: Path) -> None:
    """Delete the temporary files that crashed saves of ``target`` left behind (called with the lock held)."""
    prefix = f".{target.name[:100]}."
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                m = _TEMP.match(entry.name)
                old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS
                if old or (m and _process_gone(int(m["pid"]))):
                    os.unlink(entry.path)


# ---------------------------------------------------------------------------- saying what went wrong

def _save_problem(err: BaseException, target: Path, what: str) -> str:
    """Return what the student is told when ``what`` ('Your answer', 'Your name') could not be saved."""
    code = getattr(err, "errno", None)
    if isinstance(err, Timeout):
        return (f"{what} could not be saved: another notebook has been saving to {target.name} for more than "
                "10 seconds. Press Submit again in a moment; if this keeps happening, restart the other notebook's "
                "kernel. Copy your answer somewhere safe until it is saved.")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (f"{what} could not be saved: the disk is full (no space left for {target}). Your earlier answers "
                "are unchanged in that file. Delete files you no longer need, or tell your instructor, then submit "
                "again; until then copy your answer somewhere safe.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or isinstance(err, PermissionError):
        return (f"{what} could not be saved: you cannot write in the folder {target.parent} (it is read-only). "
                "Your earlier answers can still be read. To save your answers somewhere else, set KIT_ANSWERS_FILE "
                "to a file in your home folder (in a cell: import os; os.environ['KIT_ANSWERS_FILE'] = "
                "os.path.expanduser('~/answers/my_answers.json'), then run the exercise cell again), or copy the "
                "kit into your home folder. Until then copy your answer somewhere safe.")
    if code == errno.ENAMETOOLONG:
        return f"{what} could not be saved: the path of the answers file {target} is too long; set KIT_ANSWERS_FILE " \
               "to a shorter path."
    reason = getattr(err, "strerror", None) or err.__class__.__name__
    return (f"{what} could not be saved to {target} ({reason}). Your earlier answers are unchanged. Copy your answer "
            "somewhere safe and tell your instructor.")


# ---------------------------------------------------------------------------- the store

class AnswerStore:
    """The answers file of one student. ``warnings`` lists what the student must be told (e.g. a file set aside)."""

    lock_timeout = 10.0

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.warnings: list[str] = []
        self.set_aside: list[Path] = []   # files this store moved aside, in order

    # -- paths
    def target(self) -> Path:
        """Return the file actually written: the answers file with every symbolic link resolved."""
        return Path(os.path.realpath(self.path))

    def set_aside_files(self) -> list[Path]:
        """Return every earlier answers file kept aside next to this one (oldest first)."""
        target = self.target()
        def when(p: Path):
            m = re.search(r"unreadable-(\d{8}-\d{6})(?:-(\d+))?", p.name)
            return (m[1], int(m[2] or 0)) if m else ("", 0)

        with contextlib.suppress(OSError):
            return sorted(target.parent.glob(f"{target.stem}.unreadable-*{target.suffix}"), key=when)
        return []

    # -- locking
    @contextlib.contextmanager
    def _lock(self, timeout: float | None = None):
        """Hold the OS-level lock of the answers file; raise Timeout or OSError as they come."""
        target = self.target()
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(target.with_name(target.name + ".lock")),
                        timeout=self.lock_timeout if timeout is None else timeout)
        with lock:
            yield target

    @contextlib.contextmanager
    def _locked(self, what: str):
        """Hold the lock to save ``what``; a lock that cannot be had becomes an AnswersError saying why."""
        entered = False
        try:
            with self._lock() as target:
                entered = True
                yield target
        except (Timeout, OSError) as err:
            if entered:
                raise
            raise AnswersError(_save_problem(err, self.target(), what)) from None

    # -- reading
    def _read(self, target: Path):
        """Return (data, why, dropped) for the file now on disk (no lock: the file is only ever replaced whole)."""
        try:
            raw = target.read_bytes()
        except FileNotFoundError:
            return empty(), None, []
        except OSError as err:
            return None, f"could not be read ({err.strerror or err.__class__.__name__})", []
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[:err.start].count(b"\n") + 1
            return None, f"was damaged (a byte that is not UTF-8 text on line {line})", []
        return _parse(text)

    def _set_aside(self, target: Path, why: str, data: dict | None) -> dict:
        """Move the file on disk aside (the lock is held); keep the answers in it that can be used; tell the student."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.stem}.unreadable-{stamp}{target.suffix}")
        n = 1
        while aside.exists():
            aside = target.with_name(f"{target.stem}.unreadable-{stamp}-{n}{target.suffix}")
            n += 1
        os.replace(target, aside)
        self.set_aside.append(aside)
        kept = data if data is not None else empty()
        if kept["answers"] or kept.get("student"):
            try:
                self._write(target, kept)
            except OSError as err:
                self.warnings.append(f"Your answers file {target.name} {why}. The whole file was kept, unchanged, "
                                     f"as {aside}; the answers in it that can be used could not be copied into a new "
                                     f"file ({err.strerror or err.__class__.__name__}), so they are only in {aside}. "
                                     "Show it to your instructor.")
                return kept
            self.warnings.append(f"Your answers file {target.name} {why}. The whole file was kept, unchanged, as "
                                 f"{aside}; your other {len(kept['answers'])} answer(s) were kept in {target.name}. "
                                 "Show both files to your instructor.")
        else:
            self.warnings.append(f"Your answers file {target.name} {why}. It was kept, unchanged, as {aside}, and "
                                 "a new file was started. Show both files to your instructor.")
        return kept

    def _read_locked(self, target: Path) -> dict:
        data, why, _ = self._read(target)
        if why is None:
            return data
        return self._set_aside(target, why, data)

    def load(self) -> dict:
        """Return the whole answers file (an empty one if there is none yet); never waits for a notebook that saves."""
        target = self.target()
        data, why, _ = self._read(target)
        if why is None:
            return data
        # Damaged: move it aside now if the lock is free (another notebook may have just replaced it: read again).
        try:
            with self._lock(timeout=0) as target:
                return self._read_locked(target)
        except (Timeout, OSError) as err:
            reason = ("another notebook is saving" if isinstance(err, Timeout) else
                      "the folder is read-only" if isinstance(err, PermissionError) or
                      getattr(err, "errno", None) == errno.EROFS else err.strerror or err.__class__.__name__)
            self.warnings.append(f"Your answers file {target} {why}. It could not be moved aside yet ({reason}), so "
                                 "it was left unchanged; the answers in it that can be used are shown. Show the file "
                                 "to your instructor.")
            return data if data is not None else empty()

    def get(self, exercise_id: str) -> dict | None:
        """Return the saved record of one exercise, or None."""
        return self.load()["answers"].get(exercise_id)

    # -- writing
    def _write(self, target: Path, data: dict) -> None:
        payload = memoryview(_encode(data))
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
        try:
            try:
                while payload:
                    payload = payload[os.write(fd, payload):]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)  # the target, not the link: a symlinked answers file stays a link
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def update(self, what: str, change):
        """Read the file, call ``change(data)`` on it, write it atomically, all under the lock; return what
        ``change`` returned. ``what`` ('Your answer', 'Your concession') names what is saved in the message a failure
        gets (an AnswersError: the file is left as it was). For kit modules that keep records of their own in the
        answers file (kit.negotiation's concessions)."""
        return self._update(what, change)

    def _update(self, what: str, change):
        """Read, change, write atomically under the lock; a failure leaves the file as it was and says why."""
        with self._locked(what) as target:
            _remove_stale_temps(target)
            try:
                data = self._read_locked(target)
                out = change(data)
                data["version"] = VERSION  # migrated on reading (see migrate): written in the current format
                self._write(target, data)
            except OSError as err:
                raise AnswersError(_save_problem(err, target, what)) from None
        return out

    def save(self, exercise_id: str, record: dict, merge=None) -> dict:
        """Save one answer (read, change, write atomically under the lock); return the record as saved.

        ``merge(previous, saved)``, when given, returns the record to keep from the one saved before (``{}`` if none)
        and the new one (with ``attempts`` and ``saved_at`` set): the exercises engine keeps first attempts and
        free-text versions this way, under the same lock.
        """
        if not isinstance(exercise_id, str) or not exercise_id:
            raise AnswersError(f"an exercise id is a text such as 'start_two_bodies', not {type(exercise_id).__name__}")
        if not isinstance(record, dict):
            raise AnswersError(f"a saved answer is a dict, not {type(record).__name__}")
        try:
            clean, replaced = scrub(record)
        except _TooDeep:
            raise AnswersError(f"this answer is nested more than {MAX_DEPTH} levels deep and cannot be saved") from None
        _encode(clean)  # refuse what cannot be written before touching the file

        def change(data):
            previous = data["answers"].get(exercise_id, {})
            saved = dict(clean, saved_at=_now(), attempts=previous.get("attempts", 0) + 1)
            if merge is not None:
                saved = merge(previous, saved)
            data["answers"][exercise_id] = saved
            return saved

        saved = self._update("Your answer", change)
        if replaced:
            self.warnings.append(_replaced_note(replaced, "your answer", "submit it again"))
        return saved

    def mark_shown(self, exercise_id: str, base: dict) -> dict:
        """Record that the student asked to see the answer of ``exercise_id`` (``shown``: True); ``base`` is the
        record to start from when nothing was saved yet. Return the record as saved."""
        clean = scrub(base)[0]

        def change(data):
            previous = data["answers"].get(exercise_id)
            saved = dict(previous) if isinstance(previous, dict) else dict(clean, attempts=0, saved_at=_now())
            saved["shown"] = True
            data["answers"][exercise_id] = saved
            return saved

        return self._update("That you saw the answer", change)

    def identity(self) -> tuple[str, str]:
        """Return (name, student id) as recorded ("" where not set)."""
        data = self.load()
        return str(data.get("student", "")), str(data.get("student_id", ""))

    def set_student(self, name: str, student_id: str | None = None) -> None:
        """Record the student's name (and student id, when given: None keeps the one recorded) in the answers file."""
        if not isinstance(name, str) or not name.strip():
            raise AnswersError("give your name as text, e.g. set_name('Ada Lovelace', student_id='s1234567')")
        name, replaced = scrub(name.strip())
        if len(name) > MAX_NAME:
            raise AnswersError(f"your name is {len(name):,} characters long; give at most {MAX_NAME} characters "
                               "(nothing was saved)")
        if student_id is not None:
            if not isinstance(student_id, str) or not student_id.strip():
                raise AnswersError("give your student id as text, e.g. student_id='s1234567'")
            student_id = scrub(student_id.strip())[0]
            if len(student_id) > MAX_ID:
                raise AnswersError(f"your student id is {len(student_id):,} characters long; give at most {MAX_ID} "
                                   "(nothing was saved)")

        def change(data):
            data["student"] = name
            if student_id is not None:
                data["student_id"] = student_id

        self._update("Your name", change)
        if replaced:
            self.warnings.append(_replaced_note(replaced, "your name", "run set_name again"))
