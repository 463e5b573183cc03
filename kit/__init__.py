"""The UN cyber-diplomacy teaching kit.

One call, one result: ``kit.load("events")`` gives a table, ``kit.cite(ids)``
its sources, ``kit.exercise(id)`` an exercise with instant feedback,
``kit.sources("01")`` a notebook's sources, ``kit.notebooks()`` the course plan, ``kit.check_setup()`` a quick test that
widgets and charts work in this browser.
"""
from .data import DataError, cite, load, tables
from .sources import sources
from .course import check_setup, glossary, notebooks
from . import exercises
from .exercises import exercise

# --- reading the paper, law or norms (notebooks 01, 05)
from .paper import (argument_map, argument_map_figure, claim_card, claim_types_by_paragraph, explorer,
                    paper_claims, paper_context, reading_table)
from .norms import (binding_terms, convention_positions, convention_record, framework_pillars, framework_reports,
                    norms_browser, norms_table, rules_based_order_comparison)
# --- norms in practice (notebook 07)
from .practice import (accreditation_summary, accreditation_table, crime_and_security_tracks, poc_figure,
                       poc_participation, poc_summary, practice_explorer, practice_pillars, practice_table)
# --- international law in cyberspace (notebook 06)
from . import law
from .law import (legal_questions_table, position_card_html, position_vocabulary, positions_explorer, positions_grid,
                  positions_matrix, scenario_toolkit)
# --- timeline and votes (notebooks 02, 03)
from .timeline import timeline, timeline_events, timeline_figure, event_details
from .votes import compare_votes, vote_table, vote_figure, adoption_summary, adoption_figure, cross_votes, how_voted
# --- comparing mechanisms (notebook 04)
from . import compare
from .compare import (compare_mechanisms, comparison_html, comparison_sources, comparison_table, mandate_overlap,
                      mandate_overlap_figure, mandate_sources, mechanism_list, mechanism_scores, origins_figure,
                      origins_summary, outcome_2025, outcome_sources, overlap_between, overlap_summary,
                      outcome_html, score_figure, score_sources, score_summary, scores_html, scoring_rubric,
                      weighted_scores)
# --- simulation, review, classroom (notebooks 08, 09)
from .simulation import (assign_roles, compare_with_2025, consensus, delegation_card, delegation_cards,
                         landmarks, mechanism_designer, one_concession_away, role_assigner, single_concessions,
                         zone_of_agreement, zone_summary)
from .exercises import export as export_answers, set_name


def class_plan(n_students: int):
    """Return the rounds of the 90-minute class negotiation for n_students (20-40) (see kit.negotiation)."""
    from .negotiation import class_plan as plan  # imported here so that `python -m kit.negotiation` runs cleanly
    return plan(n_students)


def compare_routes(draft=None):
    """Return the debrief table: the class's package and concessions beside the 2025 outcome and its route."""
    from .negotiation import compare_routes as routes
    return routes(draft)


def coalitions():
    """Return the caucus groups of the class negotiation: delegations linked by their cards' likely allies."""
    from .negotiation import coalitions as groups
    return groups()


def concede(delegation_id, dimension, option, *, preference=None, lift_red_line=False, justification=None,
            store=None):
    """Record one concession of your delegation, with its justification, in your answers file (kit.negotiation)."""
    from .negotiation import concede as move
    return move(delegation_id, dimension, option, preference=preference, lift_red_line=lift_red_line,
                justification=justification, store=store)


def class_draft(path=None):
    """Read the chair's published draft ($KIT_CLASS_DRAFT if path is left out); before one, a message."""
    from .negotiation import class_draft as draft
    return draft(path)
# --- opening the kit on Binder or a course hub (notebook 00, README)


def launch_buttons(repo=None, hub=None, branch: str = "main"):
    """Return the Binder and hub launch buttons of every notebook (see kit.launch)."""
    from .launch import launch_buttons as buttons  # imported here so that `python -m kit.launch` runs cleanly
    return buttons(repo, hub, branch)


def launch_links(repo=None, hub=None, branch: str = "main"):
    """Return one row per notebook with its Binder link and, with a hub, its nbgitpuller link (see kit.launch)."""
    from .launch import launch_links as links
    return links(repo, hub, branch)


__version__ = "0.1.0"

# What ``from kit import *`` gives, and what a linter treats as the kit's public names (tests/test_public_api.py).
__all__ = [
    "DataError", "cite", "load", "tables", "sources", "check_setup", "glossary", "notebooks", "exercises", "exercise",
    "argument_map", "argument_map_figure", "claim_card", "claim_types_by_paragraph", "explorer", "paper_claims",
    "paper_context", "reading_table", "binding_terms", "convention_positions", "convention_record",
    "framework_pillars", "framework_reports", "norms_browser", "norms_table", "rules_based_order_comparison",
    "law", "legal_questions_table", "position_card_html", "position_vocabulary", "positions_explorer",
    "positions_grid", "positions_matrix", "scenario_toolkit",
    "accreditation_summary", "accreditation_table", "crime_and_security_tracks", "poc_figure", "poc_participation",
    "poc_summary", "practice_explorer", "practice_pillars", "practice_table",
    "timeline", "timeline_events", "timeline_figure", "event_details", "compare_votes", "vote_table", "vote_figure",
    "adoption_summary", "adoption_figure", "cross_votes", "how_voted", "compare", "compare_mechanisms", "comparison_html",
    "comparison_sources", "comparison_table", "mandate_overlap", "mandate_overlap_figure", "mandate_sources",
    "mechanism_list", "mechanism_scores", "origins_figure", "origins_summary", "outcome_2025", "outcome_sources",
    "overlap_between", "overlap_summary", "outcome_html", "score_figure", "score_sources", "score_summary",
    "scores_html", "scoring_rubric", "weighted_scores", "assign_roles", "compare_with_2025", "consensus",
    "delegation_card", "delegation_cards", "landmarks", "mechanism_designer", "one_concession_away",
    "role_assigner", "single_concessions", "zone_of_agreement", "zone_summary", "export_answers", "set_name",
    "launch_buttons", "launch_links", "class_plan", "coalitions", "compare_routes", "concede", "class_draft",
]

# In a notebook, show every table whole: wrapped text, lists as "a; b", gaps as "not confirmed" (kit.display).
from .display import register_table_display as _register_tables  # noqa: E402 (after the public names)

_register_tables()

# In a notebook, draw plotly figures without loading plotly's renderer machinery (see kit.widgets.plotly_bundle).
from .widgets import register_fast_plotly_display as _register  # noqa: E402

_register()
