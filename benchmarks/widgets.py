"""Every widget interaction `make bench` times: (name, build the widget, steps that each change one control)."""
import kit


def _set(attr, values, key=None):
    """Return steps that set control ``attr`` (or ``attr[key]``) to each of ``values`` in turn."""
    def make(value):
        def step(widget):
            control = getattr(widget, attr)
            control = control[key] if key is not None else control
            control.value = value
        return step
    return [make(v) for v in values]


def _options(widget, attr, key=None):
    control = getattr(widget, attr)
    control = control[key] if key is not None else control
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def _cycle(make, attr, key=None, n=6):
    """Return steps cycling a single-choice control through its first ``n`` options."""
    return _set(attr, _options(make(), attr, key)[:n], key)


INTERACTIONS = [
    ("start (00): move the slider", kit.check_setup, _set("slider", [1, 5, 8, 2, 0, 7])),
    ("exercise: choose an option", lambda: kit.exercise("start_two_bodies"),
     _set("controls", ["The First Committee of the General Assembly", "The plenary of the General Assembly"], 0)),
    ("explorer (01): change paragraph", kit.explorer, _cycle(kit.explorer, "paragraph", n=13)),
    ("explorer (01): change claim type", kit.explorer, _cycle(kit.explorer, "claim_type")),
    ("timeline (02): change years", kit.timeline, _set("years", [(2010, 2025), (1998, 2025), (2015, 2020), (2018, 2023)])),
    ("timeline (02): change tracks", kit.timeline,
     _set("tracks", [("gge", "oewg"), ("gge", "oewg", "poa"), ("poa", "russia_proposals", "global_mechanism"),
                     ("ga_resolutions", "gge", "oewg", "poa", "russia_proposals", "global_mechanism")])),
    ("timeline (02): before / after the paper", kit.timeline, _set("period", ["before", "after", "all"])),
    ("timeline (02): select an event", kit.timeline, _cycle(kit.timeline, "event", n=10)),
    ("votes (03): change texts", kit.compare_votes,
     _set("texts", [("A/RES/73/27", "A/RES/73/266"), ("A/RES/75/240", "A/RES/77/37"),
                    ("A/RES/73/27", "A/RES/73/266", "A/RES/75/240", "A/RES/77/37")])),
    ("comparison (04): change mechanisms", kit.compare_mechanisms,
     _set("mechanisms", [("oewg_2021", "poa"), ("gge", "oewg_2019", "oewg_2021"), ("poa", "ru_rid", "global_mechanism")])),
    ("comparison (04): change a weight", kit.compare_mechanisms, _set("weights", [0, 3, 5, 1], "inclusiveness")),
    ("comparison (04): change dimensions", kit.compare_mechanisms,
     _set("dimensions", [("membership", "decision_making"), ("mandate", "legal_nature", "creation")])),
    ("norms (05): change norm", kit.norms_browser, _cycle(kit.norms_browser, "norm", n=11)),
    ("practice (07): change pillar", kit.practice_explorer, _cycle(kit.practice_explorer, "pillar", n=5)),
    ("positions (06): change legal question", kit.positions_explorer,
     _cycle(kit.positions_explorer, "question", n=8)),
    ("positions (06): change region", kit.positions_explorer, _cycle(kit.positions_explorer, "region")),
    ("positions (06): choose a State", kit.positions_explorer, _cycle(kit.positions_explorer, "state", n=16)),
    ("simulation (08): change a design choice", kit.mechanism_designer,
     _set("controls", ["consensus", "vote_fallback"], "decision_making")),
    ("simulation (08): change delegation card", kit.delegation_cards, _cycle(kit.delegation_cards, "choice")),
]
