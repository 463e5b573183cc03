"""Class play (notebook 08): the class plan, concessions saved in the answers file, the chair's merge and draft."""
import errno
import json
import random

import pandas as pd
import pytest

from kit import negotiation, simulation
from kit.answers import AnswersError, AnswerStore
from kit.classroom import export_answers, gradebook, read_handin


@pytest.mark.parametrize("n", [20, 30, 40])
def test_class_plan_adds_to_90_and_seats_everyone(n):
    plan = negotiation.class_plan(n)
    assert plan["minutes"].sum() == 90
    assert list(plan["round"][:5]) == ["briefing", "opening", "caucus", "chair's text", "final"]
    per = int(plan["students per delegation"].iloc[0].split()[-1])
    assert per * len(simulation.delegations()) >= n


def test_coalitions_seat_every_delegation_once_with_its_allies():
    co = negotiation.coalitions()
    cards = simulation.delegations()
    seated = [d for ids in co["delegation_ids"] for d in ids.split("; ")]
    assert sorted(seated) == sorted(cards["delegation_id"]), "every delegation in exactly one caucus group"
    assert list(co["n_delegations"]) == [len(ids.split("; ")) for ids in co["delegation_ids"]]
    where = {d: i for i, ids in enumerate(co["delegation_ids"]) for d in ids.split("; ")}
    for d, allies in zip(cards["delegation_id"], cards["likely_allies"]):
        for a in negotiation._split(allies):
            assert where[a] == where[d], f"{d} caucuses apart from its likely ally {a}"
    assert len(co) >= 3 and negotiation.BRIDGE in set(co["coalition"])
    print(co[["coalition", "n_delegations"]].to_string())


def test_caucus_rows_name_delegations_and_coalitions():
    plan = negotiation.class_plan(30)
    co = negotiation.coalitions()
    for row in plan[plan["round"].isin(["caucus", "chair's text", "final"])].itertuples():
        assert row.groups.startswith(f"{len(simulation.delegations())} delegations in {len(co)} coalitions")
        for name in co["coalition"]:
            assert negotiation._short(name.split(",")[0]) in row.groups
    assert set(plan.loc[plan["round"].isin(["briefing", "opening", "debrief"]), "groups"]) == {"whole class"}


@pytest.mark.parametrize("n", [19, 41, 0])
def test_class_plan_outside_range_names_it(n):
    with pytest.raises(ValueError, match="20 to 40"):
        negotiation.class_plan(n)


# ---------------------------------------------------------------------------- concessions, merge, draft


def _store(tmp_path, name="Ada"):
    store = AnswerStore(tmp_path / name / "answers.json")
    store.set_student(name)
    return store


def _pref(stance_table, delegation_id, dimension, option):
    row = stance_table[(stance_table["delegation_id"] == delegation_id) & (stance_table["dimension"] == dimension)]
    prefs = dict(p.split("=") for p in row["preferences"].iloc[0])
    return int(prefs.get(option, 0)), list(row["red_lines"].iloc[0] or [])


def test_concede_saves_each_move_with_time_and_it_travels_in_the_handin(tmp_path):
    store = _store(tmp_path)
    first = negotiation.concede("russia", "format", "poa_only", preference=0, lift_red_line=True,
                                justification="We can accept the PoA if it stays open to all States.", store=store)
    second = negotiation.concede("russia", "decision_making", "vote_fallback", preference=-1,
                                 justification="A vote only as a last resort.", store=store)
    assert (first["move"], second["move"]) == ("move:1", "move:2")
    table = negotiation.moves(store)
    assert list(table["move"]) == ["move:1", "move:2"]
    assert list(table["option"]) == ["poa_only", "vote_fallback"]
    assert table["made_at"].iloc[0] < table["made_at"].iloc[1]
    assert table["lift_red_line"].tolist() == [True, False]
    handin = read_handin(export_answers(tmp_path / "handin.html", store=store).path)
    assert handin["answers"]["move:2"]["answer"]["justification"] == "A vote only as a last resort."
    assert handin["answers"]["move:1"]["type"] == "concession"


@pytest.mark.parametrize("change,named", [
    ({"delegation_id": "atlantis"}, "russia, france"),
    ({"dimension": "cb_funding"}, "choose one of the dimensions where it has a position: format"),
    ({"option": "treaty"}, "poa_only, standing_oewg"),
    ({"preference": 3}, "-2 to 2"),
    ({"preference": True}, "-2 to 2"),
    ({"preference": None}, "lift_red_line=True"),
    ({"justification": "   "}, "write a justification"),
    ({"justification": None}, "write a justification"),
    ({"option": "standing_oewg", "lift_red_line": True}, "its red lines there: poa_only, two_tracks"),
    ({"delegation_id": "mexico"}, "format is a dimension, but no position of mexico was found on it"),
])
def test_concede_bad_input_names_the_valid_choices(tmp_path, change, named):
    store = _store(tmp_path)
    kwargs = dict(delegation_id="russia", dimension="format", option="poa_only", preference=1,
                  justification="Because.", store=store)
    kwargs.update(change)
    with pytest.raises(simulation.DataError, match=named.replace("(", r"\(").replace("$", r"\$")):
        negotiation.concede(**kwargs)
    assert negotiation.moves(store).empty


def test_a_delegation_without_any_stance_has_nothing_to_concede():
    # Every card in the kit's data has stances; an empty stance table stands in for a card without any.
    empty = simulation.stances().iloc[0:0]
    with pytest.raises(simulation.DataError, match="no position of russia was found on any dimension"):
        negotiation._check_move("russia", "format", "poa_only", 1, False, "Because.", stance_table=empty)


def test_two_notebooks_conceding_at_once_keep_every_move(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "answers.json"

    def caucus(k):
        store = AnswerStore(path)   # each notebook has its own store on the same file
        return [negotiation.concede("egypt", "format", "poa_only", preference=k % 3 - 1,
                                    justification=f"Move {k}.", store=store)["move"] for _ in range(5)]

    with ThreadPoolExecutor(2) as pool:
        ids = [m for batch in pool.map(caucus, range(2)) for m in batch]
    table = negotiation.moves(AnswerStore(path))
    assert sorted(ids) == sorted(table["move"]) and len(set(ids)) == 10
    assert list(table["move"]) == [f"move:{i}" for i in range(1, 11)]
    assert list(table["made_at"]) == sorted(table["made_at"])   # numbered and timed under the lock


def test_concede_that_cannot_be_saved_says_why_and_keeps_the_file(tmp_path, monkeypatch):
    store = _store(tmp_path)
    negotiation.concede("china", "format", "poa_only", preference=-1, justification="First.", store=store)
    before = store.path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_write", full_disk)
    with pytest.raises(AnswersError, match="disk is full"):
        negotiation.concede("china", "format", "poa_only", preference=0, justification="Second.", store=store)
    assert store.path.read_bytes() == before


def test_apply_moves_is_pure_and_applies_in_order():
    base = simulation.stances()
    table = pd.DataFrame([
        {"delegation_id": "russia", "dimension": "format", "option": "poa_only", "preference": 1,
         "lift_red_line": True},
        {"delegation_id": "russia", "dimension": "format", "option": "poa_only", "preference": -1,
         "lift_red_line": False},
    ])
    after = negotiation.apply_moves(table, base)
    assert _pref(after, "russia", "format", "poa_only") == (-1, ["two_tracks"])
    assert _pref(base, "russia", "format", "poa_only") == (-2, ["poa_only", "two_tracks"])
    package = dict(simulation.STARTING_DRAFT, format="poa_only")
    assert "russia" in negotiation.blockers_with(package, base)
    assert negotiation.consensus_with(package, after)["cannot_accept"].get("russia") != ["poa_only"]


def test_merge_reports_conflicts_rejected_moves_and_reads_each_move_once(tmp_path):
    folder = tmp_path / "handins"
    ada, bo = _store(tmp_path, "Ada"), _store(tmp_path, "Bo")
    negotiation.concede("usa", "format", "standing_oewg", preference=1, justification="Ada's view.", store=ada)
    negotiation.concede("usa", "format", "standing_oewg", preference=-1, justification="Bo's view.", store=bo)
    export_answers(folder / "ada.html", store=ada)
    export_answers(folder / "ada_again.html", store=ada)   # the same moves handed in twice
    export_answers(folder / "bo.html", store=bo)
    tampered = read_handin(folder / "bo.html")
    tampered["answers"]["move:2"] = dict(tampered["answers"]["move:1"])
    tampered["answers"]["move:2"]["answer"] = dict(tampered["answers"]["move:1"]["answer"], option="made_up")
    tampered.update(format="un-cyber-kit hand-in")
    (folder / "cy.json").write_text(json.dumps(dict(tampered, student="Cy")), encoding="utf-8")
    state = negotiation.merge_class(folder)
    assert len(state.moves) == 3   # Ada once, Bo, Cy's valid move (its copy of Bo's move:1)
    assert [r[1].split(":")[0] for r in state.rejected] == ["move"]
    assert "made_up" in state.rejected[0][1] and "choose one of" in state.rejected[0][1]
    conflict = state.conflicts.iloc[0]
    assert (conflict["delegation_id"], conflict["option"]) == ("usa", "standing_oewg")
    assert "Ada: +1" in conflict["preferences"] and "Bo: -1" in conflict["preferences"]
    assert _pref(state.stances, "usa", "format", "standing_oewg")[0] == -1   # the latest move applies


def test_merge_of_a_missing_folder_says_so(tmp_path):
    with pytest.raises(simulation.DataError, match="is not a folder"):
        negotiation.merge_class(tmp_path / "nowhere")


def test_class_draft_before_publishing_is_a_message(tmp_path, monkeypatch):
    monkeypatch.delenv("KIT_CLASS_DRAFT", raising=False)
    assert "KIT_CLASS_DRAFT" in repr(negotiation.class_draft())
    missing = negotiation.class_draft(tmp_path / "draft.json")
    assert not missing.published and "No class draft has been published yet" in repr(missing)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert "not a class draft" in repr(negotiation.class_draft(tmp_path / "bad.json"))
    with pytest.raises(simulation.DataError, match="give the path"):
        negotiation.class_draft(42)


def test_chair_cli_prints_who_blocks_and_publishes(tmp_path, capsys):
    store = _store(tmp_path)
    negotiation.concede("china", "format", "poa_only", preference=1, lift_red_line=True,
                        justification="If all States take part.", store=store)
    export_answers(tmp_path / "handins" / "ada.html", store=store)
    draft = tmp_path / "draft.json"
    code = negotiation.main(["chair", str(tmp_path / "handins"), "--package", '{"format": "poa_only"}',
                             "--publish", str(draft)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Russian Federation blocks: red line crossed (format=poa_only" in out
    assert "China blocks" not in out
    published = negotiation.class_draft(draft)
    assert published["package"]["format"] == "poa_only" and "russia" in published["blockers"]
    assert "china" not in published["blockers"]
    assert negotiation.main(["chair", str(tmp_path / "nowhere")]) == 2


def test_a_class_of_30_concedes_hands_in_and_reads_the_chairs_draft(tmp_path, monkeypatch):
    n = 30
    plan = negotiation.class_plan(n)
    base = simulation.stances()
    # Delegations with a position to concede on (a group with none found gets a clear error instead).
    ids = [d for d in simulation.delegations()["delegation_id"] if (base["delegation_id"] == d).any()]
    per = int(plan["students per delegation"].iloc[0].split()[-1])
    options = simulation.design_options().groupby("dimension")["option_id"].apply(list).to_dict()
    rng = random.Random(14)
    folder = tmp_path / "handins"
    made, latest = [], {}
    for i in range(n):
        delegation = ids[i % len(ids)]
        store = _store(tmp_path, f"Student {i + 1:02d}")
        dims = list(base[(base["delegation_id"] == delegation) & (base["weight"] > 0)]["dimension"])
        for k in range(1 + i % 3):
            if i in (0, len(ids)) and k == 0:   # two students of one delegation who disagree: a conflict
                dim, opt, pref = "format", "standing_oewg", 1 if i == 0 else -1
            else:
                dim = rng.choice(dims)
                opt, pref = rng.choice(options[dim]), rng.randint(-2, 2)
            reds = _pref(base, delegation, dim, opt)[1]
            negotiation.concede(delegation, dim, opt, preference=pref, lift_red_line=opt in reds,
                                justification=f"Student {i + 1} moves on {dim}.", store=store)
            made.append((f"Student {i + 1:02d}", f"move:{k + 1}"))
            latest[(delegation, dim, opt)] = pref
        export_answers(folder / f"handin_{i + 1:02d}.html", store=store)
    assert per * len(simulation.delegations()) >= n

    state = negotiation.merge_class(folder)
    assert sorted(zip(state.moves["student"], state.moves["move"])) == sorted(made)
    assert len(gradebook(folder)[0]) == n   # the moves do not disturb the gradebook
    assert state.students == n and not state.rejected and not state.skipped
    planted = state.conflicts[(state.conflicts["delegation_id"] == ids[0])
                              & (state.conflicts["option"] == "standing_oewg")]
    assert len(planted) == 1 and planted["applied_from"].iloc[0] == f"Student {len(ids) + 1:02d}"
    for (delegation, dim, opt), pref in latest.items():
        assert _pref(state.stances, delegation, dim, opt)[0] == pref

    # The verdict computed directly: the kit's stances with every latest preference set and lifted red lines gone.
    direct = base.copy()
    for i, row in direct.iterrows():
        prefs = dict(p.split("=") for p in row["preferences"])
        changed = {o: p for (d, dim, o), p in latest.items() if (d, dim) == (row.delegation_id, row.dimension)}
        prefs.update({o: str(p) for o, p in changed.items()})
        direct.at[i, "preferences"] = [f"{o}={p}" for o, p in prefs.items()]
        direct.at[i, "red_lines"] = [r for r in (row["red_lines"] or []) if r not in changed]
    # A package on which the class's moves change the verdict, so the draft must use the merged stances.
    candidates = [dict(simulation.STARTING_DRAFT), dict(simulation.OUTCOME_2025)] + [
        dict(simulation.OUTCOME_2025, **{dim: opt}) for dim, opts in options.items() for opt in opts]
    package = next(p for p in candidates if simulation.consensus(p, stance_table=direct)["blockers"]
                   != simulation.consensus(p)["blockers"])
    expected = simulation.consensus(package, stance_table=direct)

    path = negotiation.publish_draft(state, package, tmp_path / "class" / "draft.json")
    monkeypatch.setenv("KIT_CLASS_DRAFT", str(path))
    for _ in range(n):   # every student reads the same draft
        draft = negotiation.class_draft()
        assert draft.published
        assert draft["consensus"] == expected["consensus"]
        assert draft["blockers"] == expected["blockers"]
    assert draft["moves"]["count"] == len(made) and draft["moves"]["students"] == n
    assert len(draft["conflicts"]) == len(state.conflicts) >= 1


def test_the_kits_own_names_call_the_same_functions(tmp_path):
    import inspect

    import kit

    for name in ("class_plan", "concede", "class_draft"):
        assert name in kit.__all__
        ours, theirs = (inspect.signature(getattr(m, name)).parameters.values() for m in (kit, negotiation))
        assert [(p.name, p.kind, p.default) for p in ours] == [(p.name, p.kind, p.default) for p in theirs]
    store = _store(tmp_path)
    assert kit.concede("iran", "format", "poa_only", preference=-1, justification="Via kit.", store=store)["move"] \
        == "move:1"
    assert kit.class_plan(25).equals(negotiation.class_plan(25))
    assert not kit.class_draft(tmp_path / "none.json").published


def test_the_classroom_command_runs_the_chair_too(tmp_path, capsys):
    from kit import classroom
    store = _store(tmp_path)
    negotiation.concede("china", "format", "poa_only", preference=1, lift_red_line=True,
                        justification="If all States take part.", store=store)
    export_answers(tmp_path / "handins" / "ada.html", store=store)
    draft = tmp_path / "draft.json"
    assert classroom.main(["chair", str(tmp_path / "handins"), "--package", '{"format": "poa_only"}',
                           "--publish", str(draft)]) == 0
    assert "Russian Federation blocks" in capsys.readouterr().out
    assert negotiation.class_draft(draft)["package"]["format"] == "poa_only"
    assert classroom.main(["chair", str(tmp_path / "nowhere")]) == 2


# ---------------------------------------------------------------------------- debrief: the two routes


OTHER_REVIEW = next(o for o in simulation.design_options().query("dimension == 'review_cycle'")["option_id"])


def test_compare_routes_sets_the_class_route_beside_2025(tmp_path):
    ada, ben = _store(tmp_path, "Ada"), _store(tmp_path, "Ben")
    negotiation.concede("russia", "format", "poa_only", preference=0, lift_red_line=True,
                        justification="Open to all States, so we can live with it.", store=ada)
    negotiation.concede("france", "review_cycle", OTHER_REVIEW, preference=1,
                        justification="A review keeps the body honest.", store=ben)
    for name, store in (("Ada", ada), ("Ben", ben)):
        export_answers(tmp_path / "in" / f"{name}.html", store=store)
    state = negotiation.merge_class(tmp_path / "in")
    package = {**simulation.STARTING_DRAFT, "decision_making": "consensus"}
    path = negotiation.publish_draft(state, package, tmp_path / "draft.json")
    routes = negotiation.compare_routes(path)
    assert list(routes.columns) == negotiation.ROUTE_COLUMNS
    assert len(routes) == len(simulation.DIMENSIONS)
    row = routes.set_index("dimension")
    fmt, dec = simulation.DIMENSIONS["format"], simulation.DIMENSIONS["review_cycle"]
    assert row.at[fmt, "your class's concessions"].startswith("Russian Federation: lifted its red line on ")
    assert "France" in row.at[dec, "your class's concessions"] and "+1" in row.at[dec, "your class's concessions"]
    assert row.at[simulation.DIMENSIONS["name"], "your class's concessions"] == "none"
    agreed = {d: o for d, o in simulation.OUTCOME_2025.items()}
    for dim, label in simulation.DIMENSIONS.items():
        expect = "yes" if package[dim] == agreed[dim] else "no"
        assert row.at[label, "same?"] in (expect, "not confirmed"), label
    assert (routes["first settled in 2025 by"] != "").all()
    # the same from the merged state directly, and before any draft: the class columns say so
    assert negotiation.compare_routes(state)["your class's concessions"].iloc[0] == row.at[fmt, "your class's concessions"]
    empty = negotiation.compare_routes(tmp_path / "nothing-yet.json")
    assert set(empty["your class ended on"]) == {"no class draft published yet"}
    print(routes.to_string())


def test_compare_routes_names_who_gave_ground_from_the_stances():
    col = negotiation.compare_routes(None).set_index("dimension")["gave ground in 2025 (the kit's reading)"]
    stance, opts = simulation.stances(), simulation.design_options()
    names = simulation.delegations().set_index("delegation_id")["name"]
    named = 0
    for dim, label in simulation.DIMENSIONS.items():
        agreed = list(opts[(opts["dimension"] == dim) & (opts["agreed_2025"] == "yes")]["option_id"])
        if not agreed:
            assert col[label].startswith("not known"), label
            continue
        gave, against = [], []
        for r in stance[stance["dimension"] == dim].itertuples():
            prefs = {k: int(v) for k, v in (p.split("=") for p in r.preferences)}
            if prefs and max(prefs.get(o, 0) for o in agreed) < max(prefs.values()):
                gave.append(r.delegation_id)
                if all(prefs.get(o, 0) < 0 or o in list(r.red_lines or []) for o in agreed):
                    against.append(r.delegation_id)
        for d in gave:
            assert names[d] in col[label], (label, d)
        for d in against:
            assert f"{names[d]} (against)" in col[label], (label, d)
        named += len(gave)
        if not gave:
            assert col[label] == "no delegation preferred another option", label
    assert named > 0, "in 2025 someone gave ground somewhere"


@pytest.mark.parametrize("bad", [42, {"package": {}}, ["draft"]])
def test_compare_routes_bad_input_says_what_it_takes(bad):
    with pytest.raises(simulation.DataError, match="class_draft"):
        negotiation.compare_routes(bad)
