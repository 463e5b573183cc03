"""The sources of each notebook, and of each part of it, as one short call: ``kit.sources("01")``.

A notebook's source list is built here from the tables it shows, so a student's code cell stays one short line
and the list never drifts from the data. ``kit.sources("02")`` gives every source notebook 02 draws on (its
parts, the tables it shows and its exercises), de-duplicated, in one folded block; ``kit.sources("02", "2018")``
gives the sources of one part.
"""
from __future__ import annotations

from .data import Citation, DataError, cite, load


def _ids(citation: Citation) -> list[str]:
    return citation.ids


def _column(frame) -> list:
    return list(frame["source_ids"])


def _parts() -> dict:
    """Return {notebook: {part: function returning source ids}}, in the order the parts appear."""
    from . import compare, law, norms, paper, practice
    from .timeline import timeline_events
    from .votes import vote_table

    def reports():
        return _column(timeline_events(load("events"), tracks=["gge", "oewg"],
                                                kinds=["report", "no_consensus"]))

    return {
        "00": {"example": lambda: ["a_res_77_37", "ru_poa_position_2023"]},
        "01": {
            "paper": lambda: ["ru_poa_position_2023", "a_res_77_37", "unidir_poa_drawing_parallels",
                              "unoda_poa_consultations_2023"],
            "context": lambda: _column(paper.paper_context()) + ["digwatch_oewg2_2nd_session_org"],
            "claims": lambda: _column(load("paper_arguments")),
        },
        "02": {
            "reports": reports,
            "2018": lambda: ["press_gadis3619", "regnum_2532333", "digwatch_73_266_adopted", "unoda_oewg_2019_page",
                             "cybilportal_un_gge", "directions_poa_2020"],
            "after": lambda: ["a_res_77_37", "digwatch_apr1", "digwatch_apr2", "unoda_meeting_76825",
                              "digwatch_poc_directory", "digwatch_oewg_report_2025", "a_res_80_16"],
            "record": lambda: ["ru_poa_position_2023", "unoda_infosec_page", "a_65_201", "a_68_98", "a_70_174",
                               "a_75_816", "a_76_135", "a_80_257", "a_res_80_16"],
        },
        "03": {
            "votes": lambda: _column(vote_table(load("votes"))),
            "adoption": lambda: ["unvotes_voeten", "natsurvey_background", "unoda_infosec_page", "regnum_2532333",
                                 "sputnik_76_19", "a_res_80_16", "dgacm_unxml"],
            "coalitions": lambda: ["dgacm_unxml", "a_res_77_36", "a_res_77_37", "a_res_78_16", "a_res_78_237"],
            "record": lambda: ["ru_poa_position_2023", "press_gadis3619", "regnum_2532333", "digwatch_gge_oewg_2018",
                               "press_gadis3659", "press_gadis3704", "digwatch_poa_vote_2022", "unvotes_voeten"],
        },
        "04": {
            "mechanisms": lambda: _column(load("mechanisms")),
            "comparison": lambda: _ids(compare.comparison_sources()),
            "scores": lambda: _ids(compare.score_sources()),
            "overlap": lambda: _ids(compare.mandate_sources()),
            "outcome": lambda: _ids(compare.outcome_sources()),
            "record": lambda: ["a_res_73_27", "a_res_75_240", "a_res_77_37", "a_res_80_16", "a_79_214", "a_80_257",
                               "ru_poa_position_2023"],
        },
        "05": {
            "framework": lambda: (_column(norms.framework_pillars()) + _column(norms.framework_reports())
                                  + ["dfat_framework"]),
            "norms": lambda: _column(load("norms")),
            "binding": lambda: _column(norms.binding_terms()),
            "convention": lambda: _column(norms.convention_record()) + _column(norms.convention_positions()),
            "rules_based_order": lambda: _column(norms.rules_based_order_comparison()) + ["ru_poa_position_2023"],
        },
        "07": {
            "confidence_building": lambda: (practice.practice_sources("confidence_building")
                                            + _column(practice.poc_participation())),
            "capacity_building": lambda: practice.practice_sources("capacity_building"),
            "stakeholders": lambda: (practice.practice_sources("stakeholders")
                                     + _column(practice.accreditation_table())),
            "cybercrime": lambda: (practice.practice_sources("cybercrime")
                                   + _column(practice.crime_and_security_tracks())),
            "ukraine": lambda: practice.practice_sources("ukraine"),
            "record": lambda: ["a_75_816", "a_80_257", "a_res_80_16", "ru_poa_position_2023"],
        },
        "06": {
            "agreed": lambda: ["a_68_98", "a_70_174", "a_75_816", "a_76_135", "ccdcoe_np_kenya_2021",
                               "japan_akahori_2021_06", "dfat_framework"],
            "questions": lambda: _column(law.legal_questions_table()),
            "matrix": lambda: _column(law.positions_grid().query("source_ids.str.len() > 0")) + ["cybilportal_un_gge"],
            "scenario": lambda: _column(law.scenario_toolkit()) + ["ccdcoe_due_diligence", "ccdcoe_countermeasures"],
            "paper": lambda: ["ru_poa_position_2023", "india_oewg_2019", "russiaun_arria_2020", "japan_akahori_2020_09",
                              "au_psc_1196_communique", "digwatch_au_cap_2024", "digwatch_oewg11_part5", "a_80_257",
                              "lawfare_permanent_process_2025"],
        },
        "08": {
            "setting": lambda: ["digwatch_oewg_report_2025", "a_res_80_16", "digwatch_oewg8_highlights",
                                "digwatch_poa_proposal_2020", "digwatch_oewg7_closure", "russiaun_611123",
                                "tass_1776027", "digwatch_convention_2023"],
            "cards": lambda: _column(load("positions")),
            "model": lambda: _column(load("stances")) + _column(load("design_options")) + ["digwatch_oewg8_highlights"],
            "record": lambda: ["digwatch_poa_vote_2022", "press_agdsi3705", "digwatch_gm_kickoff_2026",
                               "digwatch_oewg9_other_matters", "digwatch_final_report_summary_2025",
                               "lawfare_permanent_process_2025", "unoda_meeting_76825"],
        },
        "09": {
            "review": lambda: ["digwatch_poa_vote_2022", "press_gadis3659", "a_70_174", "digwatch_convention_2023",
                               "lawfare_permanent_process_2025", "unoda_meeting_76825"],
        },
    }


def _exercise_ids(number: str) -> list[str]:
    from .exercises import all_exercises

    return [s for e in all_exercises().values() if e.notebook.startswith(number + "_") for s in e.source_ids]


def parts(notebook: str) -> list[str]:
    """Return the names of the parts of ``notebook`` ("00" to "09") that have their own source list."""
    return list(_parts()[_check_notebook(notebook)])


def _check_notebook(notebook) -> str:
    known = list(_parts())
    number = notebook[:2] if isinstance(notebook, str) else None
    if number not in known:
        raise DataError(f"sources() takes a notebook number, one of: {', '.join(known)} (e.g. kit.sources('01')), "
                        f"not {notebook!r}")
    return number


def sources(notebook, part: str | None = None) -> Citation:
    """Return the sources of a notebook ("01"), or of one part of it ("01", "context"), as one folded list.

    Without ``part``: every source the notebook draws on, its exercises included, once each, in order.
    """
    number = _check_notebook(notebook)
    table = _parts()[number]
    if part is None:
        ids = [s for make in table.values() for s in make()] + _exercise_ids(number)
        return cite(ids).titled(f"Sources of notebook {number}")
    if not isinstance(part, str) or part not in table:
        raise DataError(f"notebook {number} has no part {part!r}; choose one of: {', '.join(table)}")
    return cite(table[part]())
