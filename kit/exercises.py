"""Exercises with immediate feedback, shared by every notebook.

Questions, answers and explanations live in ``data/exercises/*.json`` (one file
per notebook), not in notebook code. ``check(id, answer)`` grades an answer (a
pure function); ``exercise(id)`` shows it as a widget that grades, explains,
cites its sources and saves the answer as it is given; ``catalog()`` lists every
exercise in the kit and ``answer_key()`` their answers, for the instructor.

Question types: ``multiple_choice`` (one option), ``multiple_select`` (several
options), ``ordering`` (put items in order), ``matching`` (match each left item
to one right item) and ``free_text`` (an argued answer, with a model answer
shown only after the student submits).

Feedback teaches before it tells. A wrong answer gets the item's ``hint`` (what to
check), never the answer; the explanation, the answer and the sources come after a
correct answer, after ``MAX_ATTEMPTS`` answers, or when the student presses "Show the
answer". Options appear in an order of each student's own (seeded by the student id,
else the name, else a fixed seed, and the exercise id): the same on every re-run,
different between students; answers are checked by value, never by position.

What is recorded per item, in the answers file and the hand-in: ``answer`` (the
latest), ``score``/``final`` (the latest score), ``attempts``, ``first_answer`` and
``first_attempt`` (correct on the first try; None for records saved before it was
kept), ``shown`` (the answer was asked for). A free-text item keeps ``submitted`` (the
first submission, exactly as submitted: the one graded, unless the instructor decides
to grade a later version), ``versions`` (every different text submitted, with its
time) and ``copied_model`` (the submission is mostly the model answer: see
``copy_measures``).
"""
from __future__ import annotations

import difflib
import html
import json
import os
import random
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import data as _data
from .answers import AnswerStore, AnswersError
from .style import EXERCISE_CLASS, EXERCISE_CSS, TEXT_COLOURS
from .widgets import display_widget

ERROR_STYLE = f'style="color:{TEXT_COLOURS["error"]}"'  # readable on white (WCAG AA)

LEVELS = ("remember", "understand", "apply", "analyse", "evaluate", "create")  # Bloom's revised taxonomy
TYPES = ("multiple_choice", "multiple_select", "ordering", "matching", "free_text")
AUTO_CHECKED = TYPES[:4]
MAX_TEXT = 20_000  # the longest free-text answer accepted (a longer one is refused, never cut)
MAX_ATTEMPTS = 3   # after this many answers to an auto-checked item, the explanation and the answer are shown
FIXED_SEED = "un-cyber-kit"  # the option order before a student has given an id or a name (and in the static edition)
# A free-text submission is flagged copied_model when, word by word (case and punctuation ignored), it is at least
# COPY_RATIO similar to the model answer (difflib.SequenceMatcher ratio), or it contains at least COPY_SHARE of the
# model answer's runs of COPY_SHINGLE consecutive words.
COPY_RATIO = 0.6
COPY_SHINGLE = 8
COPY_SHARE = 0.5


class ExerciseError(ValueError):
    """An unknown exercise, a malformed answer, or a problem in the exercise files."""


@dataclass(frozen=True)
class Exercise:
    """One question, as written in data/exercises/<notebook>.json."""

    id: str
    notebook: str
    type: str
    prompt: str
    objective: str
    explanation: str = ""
    source_ids: tuple = ()
    options: tuple = ()          # multiple_choice, multiple_select
    answer: object = None         # multiple_choice: str; multiple_select: tuple of str
    items: tuple = ()            # ordering: the items in their correct order
    pairs: tuple = ()            # matching: ((left, right), ...)
    model_answer: str = ""       # free_text
    min_words: int = 0           # free_text
    level: str = ""              # its cognitive level (LEVELS), "" where the JSON does not set one yet
    hint: str = ""               # auto-checked: what to check after a wrong answer (never the answer)
    rubric: tuple = ()           # free_text: ((score, label, anchor), ...), highest first

    @property
    def auto_checked(self) -> bool:
        return self.type in AUTO_CHECKED

    @property
    def lefts(self) -> tuple:
        return tuple(p[0] for p in self.pairs)

    @property
    def rights(self) -> tuple:
        return tuple(sorted({p[1] for p in self.pairs}))

    def expected(self):
        """Return the correct answer in the form ``check`` accepts (None for free text)."""
        if self.type == "multiple_choice":
            return self.answer
        if self.type == "multiple_select":
            return list(self.answer)
        if self.type == "ordering":
            return list(self.items)
        if self.type == "matching":
            return dict(self.pairs)
        return None

    def shuffled(self, seq, seed: str = "", avoid_given_order: bool = True) -> list:
        """Return ``seq`` in an order fixed by ``seed`` (a student id or name; "" for the kit's fixed seed) and this
        exercise's id: the same on every re-run for one student, different between students.

        With ``avoid_given_order`` (for ordering items, whose file order is the answer) the order is never the one
        given."""
        out = list(seq)
        random.Random(f"{seed or FIXED_SEED}\x1f{self.id}").shuffle(out)
        if avoid_given_order and len(out) > 1 and out == list(seq):
            out = out[1:] + out[:1]
        return out


@dataclass
class Result:
    """The grade of one answer: ``correct`` is None for free text (not auto-checked)."""

    exercise_id: str
    correct: bool | None
    score: float | None
    feedback: str
    explanation: str = ""
    model_answer: str = ""
    source_ids: tuple = field(default_factory=tuple)
    notes: tuple = field(default_factory=tuple)  # what the student must be told about their answers file
    answer_text: str = ""     # the correct answer, once it may be shown (after MAX_ATTEMPTS, or "Show the answer")
    revealed: bool = True     # False while the explanation is held back (a wrong answer, tries left)

    def _repr_html_(self) -> str:
        return result_html(self)


def exercises_dir() -> Path:
    return _data.DATA_DIR / "exercises"


def _problem(where: str, msg: str) -> ExerciseError:
    return ExerciseError(f"{where}: {msg}")


def _build(raw: dict, notebook: str, where: str, known_sources: set) -> Exercise:
    if not isinstance(raw, dict):
        raise _problem(where, "each exercise must be a JSON object")
    ex_id, kind = raw.get("id"), raw.get("type")
    if not isinstance(ex_id, str) or not ex_id:
        raise _problem(where, "missing 'id'")
    where = f"{where} (id {ex_id!r})"
    if kind not in TYPES:
        raise _problem(where, f"type {kind!r} is not one of: {', '.join(TYPES)}")
    for key in ("prompt", "objective"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _problem(where, f"'{key}' must be a non-empty text")
    sources = tuple(raw.get("source_ids", ()))
    unknown = [s for s in sources if s not in known_sources]
    if unknown:
        raise _problem(where, f"unknown source id(s) {unknown}; add them to data/sources.csv")
    if kind in AUTO_CHECKED and (not raw.get("explanation") or not sources):
        raise _problem(where, "an auto-checked exercise needs an 'explanation' and at least one source id")
    level = raw.get("level", "")
    if level and level not in LEVELS:
        raise _problem(where, f"level {level!r} is not one of: {', '.join(LEVELS)}")
    hint = raw.get("hint", "")
    if not isinstance(hint, str):
        raise _problem(where, "'hint' must be a text")
    rubric = raw.get("rubric", [])
    if not isinstance(rubric, list) or not all(isinstance(r, dict) and {"score", "label", "anchor"} <= set(r)
                                               for r in rubric):
        raise _problem(where, "'rubric' must be a list of {score, label, anchor} levels")
    rubric = tuple(sorted(((int(r["score"]), str(r["label"]), str(r["anchor"])) for r in rubric), reverse=True))
    common = dict(id=ex_id, notebook=notebook, type=kind, prompt=raw["prompt"].strip(),
                  objective=raw["objective"].strip(), explanation=raw.get("explanation", "").strip(),
                  source_ids=sources, level=level, hint=hint.strip(), rubric=rubric)
    if kind in ("multiple_choice", "multiple_select"):
        options = tuple(raw.get("options", ()))
        if len(options) < 2 or len(set(options)) != len(options) or not all(isinstance(o, str) for o in options):
            raise _problem(where, "'options' must be at least two different texts")
        if kind == "multiple_choice":
            if raw.get("answer") not in options:
                raise _problem(where, "'answer' must be one of the options")
            return Exercise(**common, options=options, answer=raw["answer"])
        answer = tuple(raw.get("answer", ()))
        if not answer or not set(answer) <= set(options):
            raise _problem(where, "'answer' must be a non-empty list of options")
        return Exercise(**common, options=options, answer=answer)
    if kind == "ordering":
        items = tuple(raw.get("items", ()))
        if len(items) < 3 or len(set(items)) != len(items):
            raise _problem(where, "'items' must be at least three different texts, in the correct order")
        return Exercise(**common, items=items)
    if kind == "matching":
        pairs = tuple(tuple(p) for p in raw.get("pairs", ()))
        if len(pairs) < 2 or any(len(p) != 2 for p in pairs) or len({p[0] for p in pairs}) != len(pairs):
            raise _problem(where, "'pairs' must be at least two [left, right] pairs with different left items")
        return Exercise(**common, pairs=pairs)
    model = raw.get("model_answer", "")
    if not isinstance(model, str) or not model.strip():
        raise _problem(where, "a free_text exercise needs a 'model_answer'")
    return Exercise(**common, model_answer=model.strip(), min_words=int(raw.get("min_words", 0)))


@lru_cache(maxsize=None)
def _load_all(directory: Path) -> dict[str, Exercise]:
    known = set(_data.load("sources")["source_id"])
    out: dict[str, Exercise] = {}
    for path in sorted(directory.glob("*.json")):
        where = f"data/exercises/{path.name}"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise _problem(where, f"not valid JSON ({err})") from None
        notebook = doc.get("notebook") if isinstance(doc, dict) else None
        if not isinstance(notebook, str) or not isinstance(doc.get("exercises"), list):
            raise _problem(where, "must be an object with 'notebook' and a list of 'exercises'")
        for i, raw in enumerate(doc["exercises"]):
            ex = _build(raw, notebook, f"{where}, exercise {i + 1}", known)
            if ex.id in out:
                raise _problem(where, f"exercise id {ex.id!r} is used twice")
            out[ex.id] = ex
    return out


def all_exercises() -> dict[str, Exercise]:
    """Return every exercise of the kit, by id."""
    return _load_all(exercises_dir())


def get(exercise_id) -> Exercise:
    """Return one exercise; an unknown id gets an error that lists close matches."""
    exercises = all_exercises()
    if not isinstance(exercise_id, str):
        raise ExerciseError(f"an exercise id is a text such as 'start_two_bodies', not {type(exercise_id).__name__}; "
                            "kit.exercises.catalog() lists them all")
    if exercise_id not in exercises:
        hint = _data._suggest(exercise_id, exercises) if isinstance(exercise_id, str) else ""
        raise ExerciseError(f"unknown exercise {exercise_id!r}{hint}; kit.exercises.catalog() lists them all")
    return exercises[exercise_id]


def catalog(notebook: str | None = None) -> pd.DataFrame:
    """Return every exercise (or one notebook's): notebook, id, type, level, objective, auto_checked."""
    rows = [{"notebook": e.notebook, "id": e.id, "type": e.type, "level": e.level or "not set",
             "objective": e.objective, "auto_checked": e.auto_checked} for e in all_exercises().values()]
    table = pd.DataFrame(rows, columns=["notebook", "id", "type", "level", "objective", "auto_checked"])
    if notebook is not None:
        if not isinstance(notebook, str) or notebook not in set(table["notebook"]):
            raise ExerciseError(f"no exercises for notebook {notebook!r}; "
                                f"choose one of: {', '.join(sorted(set(table['notebook'])))}")
        table = table[table["notebook"] == notebook]
    return table.sort_values(["notebook", "id"]).reset_index(drop=True)


def _format_answer(ex: Exercise) -> str:
    if ex.type == "multiple_choice":
        return ex.answer
    if ex.type == "multiple_select":
        return "; ".join(ex.answer)
    if ex.type == "ordering":
        return " → ".join(ex.items)
    if ex.type == "matching":
        return "; ".join(f"{a} → {b}" for a, b in ex.pairs)
    return ex.model_answer


def rubric_text(ex: Exercise) -> str:
    """Return a free-text exercise's rubric as one line per level ("3 (strong): ..."), or "" without one."""
    return "\n".join(f"{score} ({label}): {anchor}" for score, label, anchor in ex.rubric)


def answer_key() -> pd.DataFrame:
    """Return the answer key of every exercise: notebook, id, type, level, prompt, answer, rubric, explanation,
    sources."""
    rows = [{"notebook": e.notebook, "id": e.id, "type": e.type, "level": e.level or "not set", "prompt": e.prompt,
             "answer": _format_answer(e), "rubric": rubric_text(e), "explanation": e.explanation,
             "source_ids": ";".join(e.source_ids)} for e in all_exercises().values()]
    return pd.DataFrame(rows).sort_values(["notebook", "id"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- grading (pure)

def _need(cond: bool, ex: Exercise, msg: str):
    if not cond:
        raise ExerciseError(f"{ex.id}: {msg}")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", str(text).casefold())


def copy_measures(text: str, model: str) -> dict:
    """Return how much of a free-text answer is the model answer: ``ratio`` (difflib.SequenceMatcher over the words,
    case and punctuation ignored) and ``shared`` (the share of the model's runs of COPY_SHINGLE words found in it)."""
    a, b = _words(text), _words(model)
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0
    def shingles(ws):
        return {tuple(ws[i:i + COPY_SHINGLE]) for i in range(len(ws) - COPY_SHINGLE + 1)}
    model_runs = shingles(b)
    shared = len(model_runs & shingles(a)) / len(model_runs) if model_runs else 0.0
    return {"ratio": round(ratio, 3), "shared": round(shared, 3)}


def copied_model(text: str, model: str) -> bool:
    """Return True when a submission is mostly the model answer (COPY_RATIO or COPY_SHARE reached)."""
    m = copy_measures(text, model)
    return m["ratio"] >= COPY_RATIO or m["shared"] >= COPY_SHARE


def _grade(ex: Exercise, answer) -> tuple[float, str]:
    """Return (score, feedback) for an auto-checked answer; a malformed answer gets an ExerciseError."""
    if ex.type == "multiple_choice":
        _need(isinstance(answer, str) and answer in ex.options, ex,
              f"choose one of: {'; '.join(ex.options)}")
        score = 1.0 if answer == ex.answer else 0.0
        return score, "Correct." if score == 1 else "Not quite."
    if ex.type == "multiple_select":
        _need(isinstance(answer, (list, tuple, set, frozenset)) and all(isinstance(a, str) for a in answer), ex,
              f"give a list of options chosen from: {'; '.join(ex.options)}")
        chosen = set(answer)
        _need(chosen <= set(ex.options), ex, f"unknown option(s) {sorted(chosen - set(ex.options))}; "
                                             f"choose from: {'; '.join(ex.options)}")
        right = set(ex.answer)
        hits, wrong = len(chosen & right), len(chosen - right)
        return max(0.0, (hits - wrong) / len(right)), (
            "Correct." if chosen == right else
            f"Not quite: {hits} of the {len(right)} right options chosen, {wrong} wrong one(s).")
    if ex.type == "ordering":
        _need(isinstance(answer, (list, tuple)) and sorted(map(str, answer)) == sorted(ex.items)
              and len(answer) == len(ex.items), ex, f"put all of these in order, each once: {'; '.join(sorted(ex.items))}")
        in_place = sum(a == b for a, b in zip(answer, ex.items))
        return in_place / len(ex.items), ("Correct." if in_place == len(ex.items) else
                                          f"Not quite: {in_place} of {len(ex.items)} in the right place.")
    _need(isinstance(answer, dict) and set(answer) == set(ex.lefts), ex,
          f"match each of these: {'; '.join(ex.lefts)}")
    bad = [v for v in answer.values() if v not in ex.rights]
    _need(not bad, ex, f"unknown match(es) {bad}; choose from: {'; '.join(ex.rights)}")
    right = sum(answer[a] == b for a, b in ex.pairs)
    return right / len(ex.pairs), ("Correct." if right == len(ex.pairs) else
                                   f"Not quite: {right} of {len(ex.pairs)} matched correctly.")


def _check_text(ex: Exercise, answer) -> None:
    _need(isinstance(answer, str) and answer.strip() != "", ex, "write your answer as text")
    _need(len(answer) <= MAX_TEXT, ex, f"your answer is {len(answer):,} characters long; the limit is "
                                       f"{MAX_TEXT:,} characters (about 3,000 words). Shorten it and submit again: "
                                       "nothing was saved")
    words = len(answer.split())
    if words < ex.min_words:
        raise ExerciseError(f"{ex.id}: your answer has {words} words; write at least {ex.min_words}")


def check(exercise_id, answer, attempts: int = 1, shown: bool = False) -> Result:
    """Grade ``answer`` to exercise ``exercise_id``; a malformed answer gets an error naming the valid choices.

    ``attempts`` is how many answers the student has given to it, this one included, and ``shown`` whether they
    asked to see the answer: a wrong answer gets the hint only, and the explanation, the answer and the sources
    come with a correct answer, at ``MAX_ATTEMPTS`` answers, or once shown. A free-text answer gets the model
    answer (it is checked only when submitted).
    """
    ex = get(exercise_id)
    if not ex.auto_checked:
        _check_text(ex, answer)
        return Result(ex.id, None, None, "Saved. Compare your answer with the model answer below. Your first "
                      "submission is the one graded; what you submit later is kept as a new version.",
                      ex.explanation, ex.model_answer, ex.source_ids)
    score, feedback = _grade(ex, answer)
    correct = score == 1.0
    if not correct and ex.hint:
        feedback = f"{feedback} What to check: {ex.hint}"
    if correct or shown or attempts >= MAX_ATTEMPTS:
        return Result(ex.id, correct, round(score, 3), feedback, ex.explanation, "", ex.source_ids,
                      answer_text="" if correct else _format_answer(ex))
    left = MAX_ATTEMPTS - max(attempts, 1)
    feedback += (f" Try again: the explanation is shown after {left} more answer{'s' if left > 1 else ''}, "
                 "or press Show the answer.")
    return Result(ex.id, False, round(score, 3), feedback, revealed=False)


def _jsonable(answer):
    if isinstance(answer, (set, frozenset)):
        return sorted(answer)
    if isinstance(answer, tuple):
        return list(answer)
    return answer


def _merge(ex: Exercise):
    """Return how a new answer joins the record saved before (see AnswerStore.save): first answers and free-text
    versions are kept, ``final`` follows the latest score, ``shown`` stays once set."""
    def merge(previous: dict, saved: dict) -> dict:
        previous = previous if isinstance(previous, dict) else {}
        first = "answer" not in previous
        out = {**previous, **saved, "final": saved.get("score"), "shown": bool(previous.get("shown", False))}
        if ex.auto_checked:
            if first:  # the answer asked for before answering: not a first try
                out["first_answer"] = saved["answer"]
                out["first_attempt"] = saved.get("correct") is True and not out["shown"]
            else:
                out["first_answer"] = previous.get("first_answer")
                out["first_attempt"] = previous.get("first_attempt")
            return out
        versions = previous.get("versions")
        versions = [v for v in versions if isinstance(v, dict)] if isinstance(versions, list) else []
        if not versions or versions[-1].get("answer") != saved["answer"]:
            versions.append({"answer": saved["answer"], "saved_at": saved["saved_at"],
                             "copied_model": saved.get("copied_model", False)})
        out["versions"] = versions
        out["first_attempt"] = None
        if first:
            out["submitted"], out["submitted_at"] = saved["answer"], saved["saved_at"]
        else:
            out["submitted"] = previous.get("submitted", versions[0]["answer"])
            out["submitted_at"] = previous.get("submitted_at", versions[0].get("saved_at", ""))
            out["copied_model"] = previous.get("copied_model", versions[0].get("copied_model", False))
        return out
    return merge


def submit(exercise_id, answer, store: AnswerStore | None = None) -> Result:
    """Grade an answer and save it to the student's answers file; return the grade (with feedback for this try)."""
    check(exercise_id, answer)  # a malformed answer is refused before anything is saved
    store = store or AnswerStore()
    ex = get(exercise_id)
    record = {"notebook": ex.notebook, "type": ex.type, "answer": _jsonable(answer)}
    if ex.auto_checked:
        score, _ = _grade(ex, answer)
        record.update(correct=score == 1.0, score=round(score, 3))
    else:
        record.update(correct=None, score=None, copied_model=copied_model(answer, ex.model_answer))
    saved = store.save(ex.id, record, merge=_merge(ex))
    result = check(ex.id, answer, saved.get("attempts", 1), saved.get("shown", False))
    if not ex.auto_checked and len(saved.get("versions", ())) > 1:
        result = replace(result, feedback=f"Saved as version {len(saved['versions'])}. Your first submission "
                                          f"(of {saved.get('submitted_at', '')}) is the one graded, unless your "
                                          "instructor decides otherwise.")
    notes, store.warnings = tuple(store.warnings), []  # e.g. a damaged file set aside: the student is told
    return replace(result, notes=notes) if notes else result


def reveal(exercise_id, store: AnswerStore | None = None) -> Result:
    """Show the answer and explanation of an auto-checked exercise, and record that it was shown (``shown``)."""
    ex = get(exercise_id)
    if not ex.auto_checked:
        raise ExerciseError(f"{ex.id}: the model answer appears once you submit your own answer")
    store = store or AnswerStore()
    saved = store.mark_shown(ex.id, {"notebook": ex.notebook, "type": ex.type})
    notes, store.warnings = tuple(store.warnings), []
    return Result(ex.id, saved.get("correct"), saved.get("score"), "The answer, and why:", ex.explanation, "",
                  ex.source_ids, notes=notes, answer_text=_format_answer(ex))


# ---------------------------------------------------------------------------- the widget

def _sources_html(ids) -> str:
    if not ids:
        return ""
    return _data.cite(list(ids))._repr_html_()


def result_html(result: Result) -> str:
    """Return the feedback block for a result (everything escaped)."""
    if result.correct is None:
        colour, icon = "#0072B2", "✎"
    else:
        colour, icon = ("#009E73", "✔") if result.correct else ("#D55E00", "✘")
    parts = [f'<div class="kit-feedback" style="border-left:4px solid {colour};padding:4px 10px">',
             *(f"<p {ERROR_STYLE}><b>Note:</b> {html.escape(m)}</p>" for m in result.notes),
             f"<b>{icon} {html.escape(result.feedback)}</b>"]
    if result.answer_text:
        parts.append(f"<p><b>The answer:</b> {html.escape(result.answer_text)}</p>")
    if result.explanation:
        parts.append(f"<p>{html.escape(result.explanation)}</p>")
    if result.model_answer:
        parts.append(f"<p><b>Model answer.</b> {html.escape(result.model_answer)}</p>")
    parts.append(_sources_html(result.source_ids))
    parts.append("</div>")
    return "".join(parts)


def student_seed(store: AnswerStore) -> str:
    """Return what orders a student's options: their student id, else their name, else "" (the fixed seed)."""
    try:
        name, student_id = store.identity()
    except (OSError, TimeoutError, AnswersError):
        return ""
    return student_id.strip() or name.strip()


class ExerciseWidget:
    """One exercise as controls, a Submit button (and, when auto-checked, "Show the answer") and a feedback area;
    restores a saved answer when shown again. Options appear in the student's own order (see student_seed)."""

    def __init__(self, exercise_id: str, store: AnswerStore | None = None):
        import ipywidgets as w

        self.exercise = ex = get(exercise_id)
        self.store = store or AnswerStore()
        self.result: Result | None = None
        self.seed = student_seed(self.store)
        layout = w.Layout(width="auto")
        self.prompt = w.HTML(f"<p><b>Exercise</b> <code>{html.escape(ex.id)}</code>: {html.escape(ex.prompt)}</p>")
        if ex.type == "multiple_choice":
            self.controls = [w.RadioButtons(options=ex.shuffled(ex.options, self.seed, avoid_given_order=False),
                                            value=None, description="Answer", layout=layout,
                                            style={"description_width": "initial"})]
        elif ex.type == "multiple_select":
            self.controls = [w.Checkbox(value=False, description=o, indent=False, layout=layout)
                             for o in ex.shuffled(ex.options, self.seed, avoid_given_order=False)]
        elif ex.type == "ordering":
            positions = [str(i) for i in range(1, len(ex.items) + 1)]
            self.order_items = ex.shuffled(ex.items, self.seed)
            self.controls = [w.Dropdown(options=["–"] + positions, value="–", description=item,
                                        style={"description_width": "initial"}, layout=layout)
                             for item in self.order_items]
        elif ex.type == "matching":
            rights = ex.shuffled(ex.rights, self.seed, avoid_given_order=False)
            self.controls = [w.Dropdown(options=["–"] + rights, value="–", description=left,
                                        style={"description_width": "initial"}, layout=layout)
                             for left in ex.shuffled(ex.lefts, self.seed, avoid_given_order=False)]
        else:
            self.controls = [w.Textarea(value="", placeholder="Write your answer here…", description="Answer",
                                        layout=w.Layout(width="100%", height="140px"))]
        self.submit_button = w.Button(description="Submit", button_style="primary",
                                      tooltip="Check and save your answer")
        self.show_button = w.Button(description="Show the answer", tooltip="See the answer and its explanation "
                                    "(your instructor sees that you asked)")
        self.feedback = w.HTML("")
        self.submit_button.on_click(lambda _: self.submit())
        self.show_button.on_click(lambda _: self.show())
        buttons = [self.submit_button, self.show_button] if ex.auto_checked else [self.submit_button]
        # the CSS makes long option labels wrap instead of running over the next option (see kit.style)
        self.widget = w.VBox([w.HTML(EXERCISE_CSS), self.prompt, *self.controls, w.HBox(buttons), self.feedback])
        self.widget.add_class(EXERCISE_CLASS)
        self._restore()

    def answer(self):
        """Return the answer the controls currently hold, in the form ``check`` accepts."""
        ex = self.exercise
        if ex.type == "multiple_choice":
            return self.controls[0].value
        if ex.type == "multiple_select":
            return [c.description for c in self.controls if c.value]
        if ex.type == "ordering":
            ranks = {c.description: c.value for c in self.controls}
            if "–" in ranks.values() or len(set(ranks.values())) != len(ranks):
                raise ExerciseError(f"{ex.id}: give every item a different position from 1 to {len(ranks)}")
            return [item for item, _ in sorted(ranks.items(), key=lambda kv: int(kv[1]))]
        if ex.type == "matching":
            pairs = {c.description: c.value for c in self.controls}
            if "–" in pairs.values():
                raise ExerciseError(f"{ex.id}: choose a match for every item")
            return pairs
        return self.controls[0].value

    def _guard(self, action) -> Result | None:
        """Run ``action`` (which saves); show the result, or why nothing was saved, under the buttons."""
        try:
            self.result = action()
        except ExerciseError as err:
            self.feedback.value = f'<p {ERROR_STYLE}>{html.escape(str(err))}</p>'
            return None
        except AnswersError as err:  # not saved: the message says why, and where to save instead
            self.feedback.value = self._warnings_html() + f"<p {ERROR_STYLE}><b>{html.escape(str(err))}</b></p>"
            return None
        except (OSError, TimeoutError) as err:
            self.feedback.value = (f'<p {ERROR_STYLE}>Your answer could not be saved: {html.escape(str(err))}. '
                                   "Copy it somewhere safe and tell your instructor.</p>")
            return None
        self.feedback.value = self._warnings_html() + result_html(self.result)
        return self.result

    def submit(self) -> Result | None:
        """Grade and save what the controls hold; show feedback (or the problem) under the button."""
        def action():
            answer = self.answer()
            if answer is None:
                raise ExerciseError(f"{self.exercise.id}: choose an answer first")
            return submit(self.exercise.id, answer, self.store)
        return self._guard(action)

    def show(self) -> Result | None:
        """Show the answer and its explanation, and record that the student asked (``shown``)."""
        return self._guard(lambda: reveal(self.exercise.id, self.store))

    def _warnings_html(self) -> str:
        msgs, self.store.warnings = self.store.warnings, []
        return "".join(f'<p {ERROR_STYLE}><b>Note:</b> {html.escape(m)}</p>' for m in msgs)

    def _restore(self) -> None:
        """Put a previously saved answer back into the controls and show its feedback."""
        try:
            record = self.store.get(self.exercise.id)
        except (OSError, TimeoutError, AnswersError):
            record = None
        warnings = self._warnings_html()
        if not record:
            self.feedback.value = warnings
            return
        ex, saved = self.exercise, record.get("answer")
        attempts, shown = record.get("attempts", 1), bool(record.get("shown", False))
        if "answer" not in record:  # the answer was shown before any was given
            if shown and ex.auto_checked:
                self.result = Result(ex.id, None, None, "You asked to see the answer:", ex.explanation, "",
                                     ex.source_ids, answer_text=_format_answer(ex))
                self.feedback.value = warnings + result_html(self.result)
            else:
                self.feedback.value = warnings
            return
        try:
            if ex.type == "multiple_choice" and saved in ex.options:
                self.controls[0].value = saved
            elif ex.type == "multiple_select" and isinstance(saved, list):
                for c in self.controls:
                    c.value = c.description in saved
            elif ex.type == "ordering" and isinstance(saved, list):
                for c in self.controls:
                    if c.description in saved:
                        c.value = str(saved.index(c.description) + 1)
            elif ex.type == "matching" and isinstance(saved, dict):
                for c in self.controls:
                    if saved.get(c.description) in ex.rights:
                        c.value = saved[c.description]
            elif ex.type == "free_text" and isinstance(saved, str):
                self.controls[0].value = saved
            self.result = check(ex.id, saved, attempts if isinstance(attempts, int) else 1, shown)
        except (ExerciseError, ValueError):
            self.feedback.value = warnings + "<p>Your earlier answer no longer fits this question; answer it again.</p>"
            return
        self.feedback.value = warnings + "<p><i>Your saved answer:</i></p>" + result_html(self.result)

    def static_view(self) -> str:
        """Return the question as plain HTML, for the static edition (no controls, no answer)."""
        ex = self.exercise
        options = ex.shuffled(ex.options, "", avoid_given_order=False)  # the fixed seed: no student here
        listed = {"multiple_choice": options, "multiple_select": options,
                  "ordering": ex.shuffled(ex.items), "matching": [f"{a} → ?" for a in ex.lefts]}.get(ex.type, ())
        items = "".join(f"<li>{html.escape(str(x))}</li>" for x in listed)
        return (f'<div class="kit-exercise">{self.prompt.value}<ul>{items}</ul>'
                "<p><i>Open this notebook in JupyterLab to answer and get feedback.</i></p></div>")

    _ipython_display_ = display_widget


def exercise(exercise_id: str) -> ExerciseWidget:
    """Return exercise ``exercise_id`` as a widget: answer, Submit, see feedback; the answer is saved."""
    return ExerciseWidget(exercise_id)


class Message(str):
    """A text that reads as itself in a notebook (no quotes): what set_name answers."""

    refused = False

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        style = f' {ERROR_STYLE}' if self.refused else ""
        return "".join(f"<p{style}>{html.escape(line)}</p>" for line in self.splitlines() if line.strip())


def _refused(text: str) -> Message:
    out = Message(text)
    out.refused = True
    return out


def set_name(name: str, student_id=None) -> Message:
    """Record your name and student id in your answers file (they appear on what you hand in).

    ``student_id`` is your student number, or your user name on the course hub; on a JupyterHub it defaults to your
    hub user name ($JUPYTERHUB_USER). The notebook's examples ("Your Name", "your student number") and empty names
    are refused with a message saying what to write, and nothing is recorded.
    """
    from .answers import identity_problem

    if isinstance(student_id, int) and not isinstance(student_id, bool):
        student_id = str(student_id)
    if student_id is None:
        student_id = os.environ.get("JUPYTERHUB_USER") or None
    problem = identity_problem(name, student_id)
    if problem:
        return _refused(f"Not saved: {problem} Nothing was recorded.")
    store = AnswerStore()
    store.set_student(name, student_id.strip() if isinstance(student_id, str) else None)
    notes = "".join(f"Note: {m}\n" for m in store.warnings)  # e.g. a damaged file set aside
    store.warnings = []
    data = store.load()
    recorded_id = str(data.get("student_id", ""))
    if not recorded_id:
        notes += (f"Note: no student id yet. Give it too, so your instructor can match your hand-in to you: "
                  f"kit.set_name({data['student']!r}, student_id=\"...\") with your student number (or your hub "
                  "user name) between the quotes.\n")
        return Message(notes + f"Saved: answers will be handed in as {data['student']!r}.")
    return Message(notes + f"Saved: answers will be handed in with student id {recorded_id!r}, "
                           f"as {data['student']!r}.")


def export(path=None):
    """Write your hand-in file (a readable HTML page with your answers as JSON inside); return where it is.

    It needs your name and student id (kit.set_name); without them it says what to do and writes nothing."""
    from .classroom import export_answers

    return export_answers(path)
