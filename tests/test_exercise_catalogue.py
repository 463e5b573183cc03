"""The exercise catalogue: no position or length tell, a mix of cognitive levels, hints and rubrics (issue 15).

Measures whatever exercise files exist in data/exercises (new files are included automatically), as written in
the JSON. Run with ``-s`` to see the figures; they are also in every assertion message.
"""
import json

from tests.notebook_list import ROOT

LEVELS = ["remember", "understand", "apply", "analyse", "evaluate", "create"]
AUTO = {"multiple_choice", "multiple_select", "ordering", "matching"}


def _items():
    out = []
    for path in sorted((ROOT / "data" / "exercises").glob("*.json")):
        for e in json.loads(path.read_text(encoding="utf-8"))["exercises"]:
            out.append((path.name, e))
    return out


def _answers(e):
    a = e.get("answer")
    return [a] if isinstance(a, str) else list(a or [])


def _tells():
    """(items with options, correct first, correct longest) over multiple_choice and multiple_select items."""
    n = first = longest = 0
    for _, e in _items():
        if e["type"] not in ("multiple_choice", "multiple_select"):
            continue
        opts, ans = e["options"], set(_answers(e))
        n += 1
        first += opts[0] in ans
        longest += any(len(o) == max(map(len, opts)) for o in ans)
    return n, first, longest


def _tell_message():
    n, first, longest = _tells()
    return n, first, longest, (f"{n} choice items: correct option first in {first} ({first / n:.0%}), "
                               f"longest in {longest} ({longest / n:.0%})")


def test_no_position_tell():
    n, first, _, msg = _tell_message()
    print(msg)
    assert n > 0, msg
    assert first <= 0.40 * n, msg


# Issue 15 (closed): the correct option is the longest in at most a third of the choice items.
def test_no_length_tell():
    n, _, longest, msg = _tell_message()
    print(msg)
    assert longest <= n / 3, msg


def _levels():
    items = _items()
    bad = [e["id"] for _, e in items if e.get("level") not in LEVELS]
    counts = {lv: sum(e.get("level") == lv for _, e in items) for lv in LEVELS}
    high = sum(counts[lv] for lv in LEVELS[2:])
    msg = f"{len(items)} items, levels {counts}, apply or above {high} ({high / len(items):.0%}); no valid level: {bad}"
    return items, bad, high, msg


def test_every_item_has_a_valid_level():
    _, bad, _, msg = _levels()
    print(msg)
    assert not bad, msg


def test_most_items_ask_for_application_or_more():
    items, _, high, msg = _levels()
    print(msg)
    assert high >= 0.60 * len(items), msg


def _correct_texts(e):
    if e["type"] in ("multiple_choice", "multiple_select"):
        return _answers(e)
    return []


def test_auto_checked_items_have_a_hint_that_does_not_give_the_answer():
    problems = []
    for name, e in _items():
        if e["type"] not in AUTO:
            continue
        hint = e.get("hint")
        if not isinstance(hint, str) or not hint.strip():
            problems.append(f"{name}:{e['id']}: no hint")
            continue
        for c in _correct_texts(e):
            if c.strip().lower() in hint.lower():
                problems.append(f"{name}:{e['id']}: hint contains the answer {c!r}")
    print(f"hint problems: {len(problems)}")
    assert not problems, "\n".join(problems)


def test_free_text_items_have_anchored_rubrics():
    problems = []
    for name, e in _items():
        if e["type"] != "free_text":
            continue
        rubric = e.get("rubric") or []
        scores = [r.get("score") for r in rubric if isinstance(r, dict)]
        anchored = [r for r in rubric if isinstance(r, dict) and str(r.get("anchor", "")).strip()
                    and str(r.get("label", "")).strip()]
        if len(anchored) < 3 or len(set(scores)) != len(scores) or len(anchored) != len(rubric):
            problems.append(f"{name}:{e['id']}: rubric needs >= 3 anchored levels with distinct scores")
    print(f"rubric problems: {len(problems)}")
    assert not problems, "\n".join(problems)
