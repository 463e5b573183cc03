"""Running the kit with a class: hand in answers, collect them into a gradebook, share links, print the answer key.

``export_answers()`` writes one hand-in file per student: an HTML page a person can
read (every student text escaped) with the machine-readable JSON inside it.
From the command line (``python -m kit.classroom ...``):

- ``collect FOLDER [--out gradebook.csv]``: one gradebook row per student; files it cannot read are
  listed with the reason and skipped;
- ``link --hub URL [--repo URL] [--branch main] [--notebook NAME]``: the nbgitpuller link that clones or
  updates the kit in each student's hub account and opens a notebook in JupyterLab;
- ``answer-key [--out docs/answer_key.md]``: the answer key, generated from the exercise files.

Student text is never executed; it is escaped wherever it is shown.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import html
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from .answers import AnswerStore
from .data import DataError

HANDIN_FORMAT = "un-cyber-kit hand-in"
HANDIN_VERSION = 1
_JSON_TAG = re.compile(r'<script type="application/json" id="kit-handin">(.*?)</script>', re.S)
MAX_FILE_BYTES = 5_000_000


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


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
            "kit_version": _kit_version(), "exported_at": _now(), "answers": answers, "scores": scores,
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
        rows.append(f"<tr><td><code>{e(str(ex_id))}</code></td><td>{e(str(rec.get('type', '')))}</td>"
                    f"<td style='white-space:pre-wrap'>{e(_answer_text(rec.get('answer', '')))}</td>"
                    f"<td>{'' if score is None else e(str(score))}</td></tr>")
    # "<" is written as \u003c so no student text can close the script element.
    payload = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).replace("<", "\\u003c")
    name = record["student"] or "(no name set: run kit.exercises.set_name('Your Name'))"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Answers of {e(name)}</title></head><body>\n"
            f"<h1>UN cyber-diplomacy kit: answers of {e(name)}</h1>\n"
            f"<p>Kit version {e(record['kit_version'])}; exported {e(record['exported_at'])}. "
            f"Auto-checked score: {e(str(record['total_score']))} from {record['auto_checked_answered']} "
            "auto-checked answer(s).</p>\n"
            "<table border=\"1\" cellpadding=\"4\"><tr><th>exercise</th><th>type</th><th>answer</th><th>score</th></tr>\n"
            + "\n".join(rows) + "\n</table>\n"
            f'<script type="application/json" id="kit-handin">{payload}</script>\n</body></html>\n')


class ExportResult:
    """Where the hand-in file was written, shown with how to download it."""

    def __init__(self, path: Path, record: dict):
        self.path, self.record = Path(path), record

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return (f"Saved your hand-in file: {self.path} ({len(self.record['answers'])} answer(s), "
                f"student {self.record['student'] or '(no name)'}).")

    def __fspath__(self) -> str:
        return str(self.path)

    def _repr_html_(self) -> str:
        e = html.escape
        try:
            rel = self.path.resolve().relative_to(Path.cwd().resolve().parent)
        except ValueError:
            rel = self.path
        return (f"<p>✔ Saved your hand-in file: <code>{e(str(self.path))}</code> "
                f"({len(self.record['answers'])} answer(s), student {e(self.record['student'] or '(no name)')}).</p>"
                "<p><b>To hand it in:</b> in the file browser on the left, open the folder "
                f"<code>{e(str(Path(rel).parent))}</code>, right-click <code>{e(self.path.name)}</code> and choose "
                "<i>Download</i>; then upload it where your instructor asked (for example your course's "
                "learning-management system). On a shared JupyterHub your instructor may collect it directly.</p>")


def export_answers(path=None, store: AnswerStore | None = None) -> ExportResult:
    """Write the student's hand-in file (HTML with the answers as JSON inside) atomically; return where it is."""
    store = store or AnswerStore()
    record = handin_data(store)
    if path is None:
        path = store.path.parent / f"handin_{_slug(record['student'])}.html"
    elif not isinstance(path, (str, os.PathLike)):
        raise ClassroomError(f"give the hand-in file's path as text, e.g. 'answers/handin.html', not {path!r}")
    return ExportResult(write_atomic(Path(path), handin_html(record)), record)


# ---------------------------------------------------------------------------- collect (gradebook)

def read_handin(path) -> dict:
    """Return the hand-in record in a file (.html from export_answers, or .json); a bad file gets a clear error."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ClassroomError(f"{path.name}: larger than {MAX_FILE_BYTES // 1_000_000} MB, not a hand-in file")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ClassroomError(f"{path.name}: not UTF-8 text") from None
    except OSError as err:
        raise ClassroomError(f"{path.name}: could not be read ({err.__class__.__name__})") from None
    if path.suffix.lower() in (".html", ".htm"):
        match = _JSON_TAG.search(text)
        if not match:
            raise ClassroomError(f"{path.name}: no kit answers found in this HTML file")
        text = match.group(1)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ClassroomError(f"{path.name}: damaged (not valid JSON)") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise ClassroomError(f"{path.name}: not a kit hand-in or answers file")
    if data.get("format") not in (HANDIN_FORMAT, "un-cyber-kit answers"):
        raise ClassroomError(f"{path.name}: not a kit hand-in or answers file (format {data.get('format')!r})")
    student = data.get("student", "")
    return {"student": student if isinstance(student, str) else str(student), "answers": data["answers"],
            "exported_at": str(data.get("exported_at", "")), "kit_version": str(data.get("kit_version", ""))}


def _cell(text: str) -> str:
    """Return text safe in a spreadsheet cell: a leading =, +, -, @ is quoted so it is never run as a formula."""
    text = " ".join(str(text).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def gradebook(folder) -> tuple[list[dict], list[str], list[tuple[str, str]]]:
    """Return (rows, columns, skipped): one row per student from the hand-ins in ``folder``, and why files were skipped."""
    from . import exercises as ex

    folder = Path(folder) if isinstance(folder, (str, os.PathLike)) else None
    if folder is None or not folder.is_dir():
        raise ClassroomError(f"{folder!s} is not a folder; give the folder that holds the students' hand-in files")
    auto = sorted(e.id for e in ex.all_exercises().values() if e.auto_checked)
    columns = ["student", "file", "exported_at", *auto, "total_score", "max_score", "auto_checked_answered",
               "free_text_answered"]
    by_student: dict[str, dict] = {}
    skipped = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix.lower() not in (".html", ".htm", ".json"):
            skipped.append((path.name, "not a hand-in file (expected .html or .json)"))
            continue
        try:
            record = read_handin(path)
        except ClassroomError as err:
            skipped.append((path.name, str(err).split(": ", 1)[-1]))
            continue
        row = {c: "" for c in columns}
        student = record["student"].strip() or f"(no name: {path.name})"
        row.update(student=_cell(student), file=_cell(path.name), exported_at=_cell(record["exported_at"]))
        total, n_auto, n_free = 0.0, 0, 0
        for ex_id, rec in record["answers"].items():
            if not isinstance(rec, dict):
                continue
            score, note = _score_of(str(ex_id), rec)
            if ex_id in auto and score is not None:
                row[ex_id] = score
                total += score
                n_auto += 1
            elif note == "free text" and str(rec.get("answer", "")).strip():
                n_free += 1
        row.update(total_score=round(total, 3), max_score=len(auto), auto_checked_answered=n_auto,
                   free_text_answered=n_free)
        previous = by_student.get(student)
        if previous is not None:
            older, newer = sorted([previous, row], key=lambda r: r["exported_at"])
            skipped.append((older["file"], f"an older hand-in of {student!r}; kept {newer['file']}"))
            row = newer
        by_student[student] = row
    return [by_student[k] for k in sorted(by_student)], columns, skipped


def collect(folder, out=None) -> tuple[Path, int, list[tuple[str, str]]]:
    """Write the gradebook CSV for a folder of hand-ins; return (path, students, skipped files with reasons)."""
    rows, columns, skipped = gradebook(folder)
    if not rows:
        raise ClassroomError(f"no hand-in file in {folder} could be read" +
                             "".join(f"\n  skipped {n}: {why}" for n, why in skipped))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out = Path(out) if out is not None else Path(folder) / "gradebook.csv"
    return write_atomic(out, buf.getvalue()), len(rows), skipped


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


def pull_link(hub, repo=None, branch: str = "main", notebook: str = "00_start_here.ipynb") -> str:
    """Return the nbgitpuller link that clones or updates the kit in a hub account and opens ``notebook`` in JupyterLab."""
    if not isinstance(hub, str) or not hub.strip():
        raise ClassroomError("give the hub's address, e.g. --hub https://hub.example.edu")
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in hub.strip():
        raise ClassroomError(f"{hub!r} is not a hub address; give it with https://, e.g. https://hub.example.edu")
    if parts.query or parts.fragment:
        raise ClassroomError(f"{hub!r}: give the hub's address only, without '?' or '#' parts")
    repo = repo if repo is not None else _origin_url()
    if not isinstance(repo, str) or not repo.strip():
        raise ClassroomError("give the kit's git repository, e.g. --repo https://github.com/OWNER/REPO")
    repo = repo.strip()
    rparts = urlsplit(repo)
    if rparts.scheme not in ("http", "https") or not rparts.hostname or not rparts.path.strip("/"):
        raise ClassroomError(f"{repo!r} is not a repository address; give it as https://github.com/OWNER/REPO")
    repo_dir = rparts.path.rstrip("/").split("/")[-1].removesuffix(".git")
    if not isinstance(branch, str) or not re.fullmatch(r"[A-Za-z0-9._/-]+", branch) or ".." in branch:
        raise ClassroomError(f"{branch!r} is not a branch name (letters, digits, '.', '_', '-', '/')")
    fname = _notebook_file(notebook)
    path = parts.path.rstrip("/") + "/hub/user-redirect/git-pull"
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{repo_dir}/notebooks/{fname}"})
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


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
             "grade them with the rubric in [the instructor's guide](instructor_guide.md).", ""]
    for notebook, rows in key.groupby("notebook", sort=True):
        lines += [f"## {notebook}", "", "| exercise | type | question | answer | sources |", "|---|---|---|---|---|"]
        for r in rows.itertuples():
            answer = ("*model answer:* " if r.type == "free_text" else "") + _md(r.answer)
            lines.append(f"| `{r.id}` | {r.type} | {_md(r.prompt)} | {answer} | {_md(r.source_ids)} |")
        lines.append("")
    return "\n".join(lines)


def write_answer_key(out="docs/answer_key.md") -> Path:
    """Write the generated answer key atomically; return its path."""
    return write_atomic(Path(out), answer_key_markdown())


# ---------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    """Run ``python -m kit.classroom``; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m kit.classroom", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("collect", help="turn a folder of hand-in files into one gradebook CSV")
    p.add_argument("folder")
    p.add_argument("--out", default=None, help="the gradebook file (default: FOLDER/gradebook.csv)")
    p = sub.add_parser("link", help="print the nbgitpuller link for a JupyterHub")
    p.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    p.add_argument("--repo", default=None, help="the kit's git repository (default: this checkout's origin)")
    p.add_argument("--branch", default="main")
    p.add_argument("--notebook", default="00_start_here.ipynb", help="file name, stem or number, e.g. 06")
    p = sub.add_parser("answer-key", help="write the answer key generated from the exercise files")
    p.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "answer_key.md"))
    args = parser.parse_args(argv)
    try:
        if args.command == "collect":
            out, n, skipped = collect(args.folder, args.out)
            print(f"Wrote {out}: {n} student(s).")
            for name, why in skipped:
                print(f"Skipped {name}: {why}")
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
