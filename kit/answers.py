"""The student's answers file: every answer saved as it is given, never lost.

Writes are atomic (a temporary file, then a rename) and happen under a lock, so
two notebooks saving at the same moment both keep their answers. A file that
cannot be read is moved aside (never overwritten) and the student is told.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

FORMAT = "un-cyber-kit answers"
VERSION = 1


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
    return {"format": FORMAT, "version": VERSION, "student": "", "answers": {}}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextlib.contextmanager
def _locked(path: Path, timeout: float = 10.0):
    """Hold an exclusive lock on ``path``.lock (a lock file created atomically; stale locks expire)."""
    lock = path.with_name(path.name + ".lock")
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            break
        except FileExistsError:
            try:
                if time.time() - lock.stat().st_mtime > 30:  # left behind by a crashed kernel
                    lock.unlink(missing_ok=True)
                    continue
            except FileNotFoundError:
                continue
            if time.monotonic() > deadline:
                raise TimeoutError(f"another notebook is still saving to {path.name}; try again") from None
            time.sleep(0.01)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _valid(data) -> bool:
    return (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("answers"), dict))


class AnswerStore:
    """The answers file of one student. ``warnings`` lists what the student must be told (e.g. a file set aside)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.warnings: list[str] = []

    def _read_unlocked(self) -> dict:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return empty()
        except (OSError, UnicodeDecodeError) as err:
            return self._set_aside(f"could not be read ({err.__class__.__name__})")
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return self._set_aside("was damaged (not valid JSON)")
        if not _valid(data):
            return self._set_aside("is not a kit answers file")
        return data

    def _set_aside(self, why: str) -> dict:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.unreadable-{stamp}{self.path.suffix}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.stem}.unreadable-{stamp}-{n}{self.path.suffix}")
            n += 1
        os.replace(self.path, target)
        self.warnings.append(f"Your answers file {self.path.name} {why}. It was kept, unchanged, as {target.name}, "
                             "and a new file was started. Show both files to your instructor.")
        return empty()

    def _write_unlocked(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def load(self) -> dict:
        """Return the whole answers file (an empty one if there is none yet)."""
        if not self.path.exists():
            return empty()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path):
            return self._read_unlocked()

    def get(self, exercise_id: str) -> dict | None:
        """Return the saved record of one exercise, or None."""
        return self.load()["answers"].get(exercise_id)

    def save(self, exercise_id: str, record: dict) -> dict:
        """Save one answer (read, change, write atomically under the lock); return the record as saved."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path):
            data = self._read_unlocked()
            previous = data["answers"].get(exercise_id, {})
            saved = dict(record, saved_at=_now(), attempts=int(previous.get("attempts", 0)) + 1)
            data["answers"][exercise_id] = saved
            self._write_unlocked(data)
        return saved

    def set_student(self, name: str) -> None:
        """Record the student's name in the answers file."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("give your name as text, e.g. set_name('Ada Lovelace')")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path):
            data = self._read_unlocked()
            data["student"] = name.strip()[:200]
            self._write_unlocked(data)
