"""Write data/datapackage.json: the Table Schema of every table in data/ (run after changing a schema)."""
import json
from pathlib import Path

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
IDS = r"^[a-z0-9_]+(;[a-z0-9_]+)*$"
ID = r"^[a-z0-9_]+$"
CONF = ["confirmed", "partly confirmed"]
# How much a source can carry (see data/README.md): the first four can confirm a fact; a machine-written
# summary or a third-party copy never confirms one alone (tests/test_reliability.py).
RELIABILITY = ["official_record", "official_statement", "state_media", "edited_analysis", "ai_summary", "copy"]
SIM_DIMENSIONS = ["format", "membership", "decision_making", "duration", "legal_nature", "stakeholders", "accreditation", "thematic_groups", "international_law", "cb_funding", "review_cycle", "name"]
SRC = {"kit:list": ";", "kit:references": {"resource": "sources", "field": "source_id"}}


def f(name, type="string", required=False, enum=None, pattern=None, minimum=None, description="", **extra):
    field = {"name": name, "type": type, "description": description}
    c = {}
    if required:
        c["required"] = True
    if enum:
        c["enum"] = enum
    if pattern:
        c["pattern"] = pattern
    if minimum is not None:
        c["minimum"] = minimum
    if c:
        field["constraints"] = c
    field.update(extra)
    return field


def date(name, required=True, description="ISO date: YYYY-MM-DD, or YYYY-MM / YYYY where only that is known"):
    return f(name, required=required, pattern=DATE, description=description, **{"kit:date": True})


def sources_field(required=True):
    return f("source_ids", required=required, pattern=IDS,
             description="';'-separated ids of rows in sources.csv", **SRC)


def confidence():
    return f("confidence", required=True, enum=CONF, description="confirmed, or partly confirmed (see data/README.md)")


TABLES = {
    "sources": dict(
        title="Sources",
        description="Every source any other table cites: UN documents (with symbol and URL), press releases, analyses.",
        fields=[
            f("source_id", required=True, pattern=ID, description="stable id, e.g. a_res_77_37"),
            f("title", required=True),
            f("publisher", required=True),
            date("date", required=False, description="publication date (ISO, may be partial or empty)"),
            f("symbol", description="UN document symbol where one exists"),
            f("url", required=True, pattern=r"^https?://\S+$", description="where a reader can open it"),
            f("kind", required=True, enum=["un_resolution", "un_decision", "un_report", "un_document",
                                           "un_press_release", "un_web_page", "government", "research",
                                           "news_analysis", "dataset", "position_paper"]),
            f("reliability", required=True, enum=RELIABILITY,
              description="what kind of source it is, for weighing it: official_record (a UN document, record or "
                          "meeting coverage), official_statement (a government's or organisation's own text), "
                          "state_media, edited_analysis (journals, think tanks, newspapers), ai_summary "
                          "(machine-written) or copy (a third-party copy of another text)"),
        ],
        primaryKey="source_id",
    ),
    "events": dict(
        title="Timeline events",
        description="The GGE, OEWG, PoA and Global Mechanism processes 1998-2026: one row per event or body.",
        fields=[
            f("event_id", required=True, pattern=ID),
            date("date"),
            date("end_date", required=False, description="last day of a body or session (empty for one-day events)"),
            f("track", required=True, enum=["ga_resolutions", "gge", "oewg", "poa", "russia_proposals",
                                            "global_mechanism", "cybercrime", "context"]),
            f("kind", required=True, enum=["resolution", "decision", "body", "session", "report", "no_consensus",
                                           "proposal", "consultation", "launch", "statement", "meeting",
                                           "accreditation", "other"]),
            f("title", required=True),
            f("symbol"),
            f("summary", required=True, description="what happened, in our words"),
            confidence(),
            sources_field(),
        ],
        primaryKey="event_id",
    ),
    "votes": dict(
        title="Votes",
        description="Adoptions of the resolutions of this field, by body; tallies only where recorded and confirmed.",
        fields=[
            f("vote_id", required=True, pattern=ID),
            f("symbol", description="resolution symbol (empty where not confirmed)"),
            f("draft_symbol", description="First Committee draft, e.g. A/C.1/77/L.73"),
            f("body", required=True, enum=["General Assembly", "First Committee"]),
            date("date"),
            f("adoption", required=True, enum=["recorded vote", "without a vote"]),
            f("yes", type="integer", minimum=0),
            f("no", type="integer", minimum=0),
            f("abstain", type="integer", minimum=0),
            f("lead_sponsor"),
            confidence(),
            sources_field(),
            f("note"),
        ],
        primaryKey="vote_id",
    ),
    "vote_records": dict(
        path="records/vote_records.csv",
        title="Vote records (extract)",
        description="The official records each row of votes.csv is checked against (tests/test_vote_records.py): "
                    "UN Digital Library voting records, iGov decision records, resolution texts and UN meetings "
                    "coverage, with the copy each was read in.",
        fields=[
            f("symbol", required=True, description="resolution or decision symbol"),
            f("body", required=True, enum=["General Assembly", "First Committee"]),
            date("date"),
            f("yes", type="integer", minimum=0, description="empty where the record gives no figure"),
            f("no", type="integer", minimum=0),
            f("abstain", type="integer", minimum=0),
            f("record_url", required=True, pattern=r"^https?://\S+$", description="the UN record"),
            f("copy_read", required=True, description="the copy of the record that was read"),
            f("source_id", required=True, pattern=ID, description="the record's row in sources.csv",
              **{"kit:references": {"resource": "sources", "field": "source_id"}}),
            f("record", required=True, description="what kind of record it is, and what it does not give"),
        ],
        primaryKey=["symbol", "body"],
    ),
    "state_votes": dict(
        title="Each Member State's vote",
        description="Every Member State's vote in the General Assembly plenary on the series' texts adopted by recorded "
                    "vote in 2019-2023 (74/28 and 74/29, 75/32 and 75/240, 77/36 and 77/37, 78/16 and 78/237), from "
                    "the UN's machine-readable resolutions (tools/make_state_votes.py). A State in none of the three "
                    "lists of a vote is recorded as 'did not vote'.",
        fields=[
            f("symbol", required=True, description="the resolution, e.g. A/RES/77/37 (its plenary row in votes.csv)"),
            f("member_state", required=True, description="the State, as the UN names it"),
            f("vote", required=True, enum=["yes", "no", "abstain", "did not vote"]),
            sources_field(),
        ],
        primaryKey=["symbol", "member_state"],
    ),
    "un_members": dict(
        title="UN membership",
        description="Number of UN Member States from each date on (to check vote tallies).",
        fields=[
            date("date"),
            f("members", type="integer", required=True, minimum=1),
            f("event", required=True),
            sources_field(),
        ],
        primaryKey="date",
    ),
    "mechanisms": dict(
        title="Mechanisms",
        description="The bodies and proposals the kit compares.",
        fields=[
            f("mechanism_id", required=True, pattern=ID),
            f("name", required=True),
            f("short_name", required=True),
            f("kind", required=True, enum=["body", "proposal"]),
            date("start", required=False),
            date("end", required=False),
            f("created_by"),
            f("summary", required=True),
            confidence(),
            sources_field(),
        ],
        primaryKey="mechanism_id",
    ),
    "mechanism_features": dict(
        title="Mechanism features",
        description="One row per mechanism and design dimension, in our words, sourced.",
        fields=[
            f("mechanism_id", required=True, pattern=ID),
            f("dimension", required=True, enum=["membership", "decision_making", "duration", "mandate",
                                                "legal_nature", "stakeholders", "capacity_building", "creation"]),
            f("value", required=True),
            confidence(),
            sources_field(),
        ],
        primaryKey=["mechanism_id", "dimension"],
        foreignKeys=[{"fields": "mechanism_id", "reference": {"resource": "mechanisms", "fields": "mechanism_id"}}],
    ),
    "mandate_items": dict(
        title="Mandate items",
        description="Agenda items against mechanisms, from their mandates (for the paper's ¶6-¶8).",
        fields=[
            f("mechanism_id", required=True, pattern=ID),
            f("item", required=True, enum=["threats", "norms", "international_law", "cbms", "capacity_building",
                                           "regular_institutional_dialogue", "poc_directory", "portal"]),
            f("status", required=True, enum=["in_mandate", "proposed", "not_in_mandate"]),
            f("note"),
            sources_field(),
        ],
        primaryKey=["mechanism_id", "item"],
        foreignKeys=[{"fields": "mechanism_id", "reference": {"resource": "mechanisms", "fields": "mechanism_id"}}],
    ),
    "paper_arguments": dict(
        title="The papers' arguments",
        description="Each claim of the two papers the kit tests (paper_id ru_2023: Russia's 2023 position paper, ¶1-¶12; "
                    "eu_2023: the EU's 2023 case for the PoA, ¶1-¶9 of data/papers/eu_2023.md), with a short quotation, "
                    "the record, support and counter, and the sources of support and counter.",
        fields=[
            f("paper_id", required=True, enum=["ru_2023", "eu_2023"],
              description="which paper: ru_2023 (Russian Federation, 2023) or eu_2023 (EU and its Member States, 2023)"),
            {"name": "paragraph", "type": "integer", "description": "paragraph number in that paper (¶1-¶12 or ¶1-¶9)",
             "constraints": {"required": True, "minimum": 1, "maximum": 12}},
            f("claim_id", required=True, pattern=ID),
            f("claim", required=True, description="the claim in our words"),
            f("quote", required=True, description="a short exact quotation from that paragraph"),
            f("claim_type", required=True, enum=["procedural", "institutional", "substantive", "political", "legal"]),
            f("documents_cited", description="';'-separated documents the paragraph itself cites", **{"kit:list": ";"}),
            f("record", required=True, description="what the record shows"),
            f("support", required=True, description="strongest evidence for the claim"),
            f("support_source_ids", required=True, pattern=IDS,
              description="';'-separated source_ids the support text rests on", **SRC),
            f("counter", required=True, description="strongest evidence against the claim"),
            f("counter_source_ids", required=True, pattern=IDS,
              description="';'-separated source_ids the counter text rests on (each source carries the counter of at "
                          "most two claims per paper)", **SRC),
            confidence(),
            sources_field(),
        ],
        primaryKey="claim_id",
    ),
    "positions": dict(
        title="Positions of States and groups",
        description="Stances on the PoA, a binding convention, the OEWG, the UN cybercrime convention and how international law applies: one row per statement or vote, with date and source.",
        fields=[
            f("actor_id", required=True, pattern=ID),
            f("actor", required=True),
            f("actor_kind", required=True, enum=["state", "group"]),
            f("issue", required=True, enum=["poa", "convention", "oewg", "cybercrime", "international_law"]),
            f("stance", required=True, enum=["supports", "opposes", "mixed"]),
            f("statement", required=True),
            date("date", description="when the State or group took this stance (ISO, may be partial)"),
            confidence(),
            sources_field(),
        ],
        primaryKey=["actor_id", "issue", "date"],
    ),
    "norms": dict(
        title="The 11 norms of the 2015 GGE report",
        description="A/70/174, paragraph 13 (a)-(k), summarised in our words.",
        fields=[
            f("norm_id", required=True, pattern=r"^n13[a-k]$"),
            f("letter", required=True, pattern=r"^[a-k]$"),
            f("short_title", required=True),
            f("summary", required=True),
            f("asks_states_to", required=True),
            confidence(),
            sources_field(),
        ],
        primaryKey="norm_id",
    ),
    "glossary": dict(
        title="Glossary",
        description="Terms a first-year student may not know, in our words.",
        fields=[
            f("term", required=True),
            f("definition", required=True),
            f("see_also", **{"kit:list": ";"}),
            sources_field(required=False),
        ],
        primaryKey="term",
    ),
    # --- tables added for comparing mechanisms (notebook 04)
    "mechanism_scores": dict(
        title="Mechanism scores (the kit's judgement)",
        description="The kit's own 0-2 scores of each mechanism on five criteria of the rubric in kit/compare.py, "
                    "each with its reason and the sources of the facts it rests on. A judgement, not a fact. "
                    "An empty score means unknown: no text the kit holds settles it, and it is left out of "
                    "the weighted total.",
        fields=[
            f("mechanism_id", required=True, pattern=ID),
            f("criterion", required=True, enum=["inclusiveness", "permanence", "bindingness", "stakeholder_access",
                                                "decision_rule_clarity"]),
            {"name": "score", "type": "integer",
             "description": "0, 1 or 2 (see the rubric); empty when unknown (the reason says what is missing)",
             "constraints": {"minimum": 0, "maximum": 2}},
            f("reason", required=True, description="why the kit gives this score, in our words"),
            sources_field(),
        ],
        primaryKey=["mechanism_id", "criterion"],
        foreignKeys=[{"fields": "mechanism_id", "reference": {"resource": "mechanisms", "fields": "mechanism_id"}}],
    ),
    "global_mechanism_origins": dict(
        title="What 2025 decided, and who had asked for it",
        description="Features of the Global Mechanism beside what PoA proponents and Russia asked for; "
                    "'attribution' says whether a source makes the link or it is the kit's reading.",
        fields=[
            f("feature_id", required=True, pattern=ID),
            f("feature", required=True),
            f("decided_2025", required=True, description="what the Global Mechanism has, in our words"),
            f("poa_side", required=True, description="what PoA proponents asked for"),
            f("russia_side", required=True, description="what Russia asked for"),
            f("origin", required=True, enum=["poa_proponents", "russia", "both", "compromise", "unresolved"]),
            f("attribution", required=True, enum=["sourced", "kit_reading"],
              description="sourced: a source makes the link; kit_reading: the kit's reading of the sources"),
            confidence(),
            sources_field(),
        ],
        primaryKey="feature_id",
    ),
    # --- tables added for reading the paper, law or norms (notebooks 01, 05)
    "paper_argument_map": dict(
        title="The papers' argument maps",
        description="Each paper's main conclusion and the premises that support it (our reading), each tied to "
                    "the claims of paper_arguments.csv it summarises; paper_id says which paper.",
        fields=[
            f("paper_id", required=True, enum=["ru_2023", "eu_2023"], description="which paper the node belongs to"),
            f("node_id", required=True, pattern=ID),
            f("label", required=True, description="the conclusion or premise, in our words"),
            f("kind", required=True, enum=["conclusion", "premise"]),
            f("claim_type", enum=["procedural", "institutional", "substantive", "political", "legal"],
              description="the type of the premise's claims (empty for the conclusion)"),
            f("supports", pattern=ID, description="node_id of the conclusion this premise supports"),
            f("paragraphs", required=True, pattern=r"^\d{1,2}(;\d{1,2})*$",
              description="';'-separated paragraph numbers ¶1-¶12", **{"kit:list": ";"}),
            f("claim_ids", required=True, pattern=IDS, description="';'-separated claim_ids of paper_arguments.csv",
              **{"kit:list": ";"}),
            sources_field(),
        ],
        primaryKey="node_id",
    ),
    # --- tables added for timeline and votes (notebooks 02, 03)
    # --- tables added for the simulation and classroom (notebooks 08, 09)
    "delegations": dict(
        title="Delegation cards for the negotiation simulation",
        description="One card per State or group: interests and red lines are the kit's reading of the sourced "
                    "positions in positions.csv; likely allies took the same stance on at least one issue there.",
        fields=[
            f("delegation_id", required=True, pattern=ID, description="the actor_id used in positions.csv"),
            f("name", required=True),
            f("kind", required=True, enum=["state", "group"]),
            f("interests", required=True, description="the kit's reading of what the delegation wants"),
            f("red_lines", required=True, description="the kit's reading of what it would not accept"),
            f("likely_allies", pattern=IDS, description="';'-separated delegation ids", **{"kit:list": ";"}),
            {"name": "reservation", "type": "integer",
             "description": "the kit's reading: the satisfaction (percent, -100 to 100) the delegation needs to join "
                            "consensus; groups never block",
             "constraints": {"required": True, "minimum": -100, "maximum": 100}},
            f("reservation_reading", required=True, description="why this reservation level, in the kit's reading"),
            confidence(),
            sources_field(),
        ],
        primaryKey="delegation_id",
    ),
    "design_options": dict(
        title="Design options for the future mechanism",
        description="For each design dimension, the options the class can choose, in menu order; "
                    "agreed_2025 says whether the Global Mechanism agreed in July 2025 has this option. Who "
                    "prefers or rejects which option is in stances.csv.",
        fields=[
            f("dimension", required=True, enum=SIM_DIMENSIONS),
            f("option_id", required=True, pattern=ID),
            f("label", required=True, description="the option as the menu shows it; rows are in menu order"),
            f("reading", required=True, description="why, in the kit's reading of the sourced positions"),
            f("agreed_2025", required=True, enum=["yes", "no", "not_confirmed"]),
            confidence(),
            sources_field(),
        ],
        primaryKey=["dimension", "option_id"],
    ),
    "stances": dict(
        title="Stances of delegations on each design dimension (the kit's reading)",
        description="One row per delegation and dimension where a position was found in statements made before "
                    "July 2025: the weight of the dimension for it, its preference for each option (-2 to +2; "
                    "options not listed score 0), its red lines, the reading and its sources. A delegation with no "
                    "row for a dimension has no position found there: weight 0.",
        fields=[
            f("delegation_id", required=True, pattern=ID),
            f("dimension", required=True, enum=SIM_DIMENSIONS),
            {"name": "weight", "type": "integer", "description": "how much the dimension matters to it (1 to 3)",
             "constraints": {"required": True, "minimum": 1, "maximum": 3}},
            f("preferences", required=True, pattern=r"^[a-z0-9_]+=-?[0-2](;[a-z0-9_]+=-?[0-2])*$",
              description="option=score pairs, ';'-separated, scores -2 to 2", **{"kit:list": ";"}),
            f("red_lines", pattern=IDS, description="';'-separated option ids it cannot accept", **{"kit:list": ";"}),
            f("reading", required=True, description="the kit's reading of the sourced statements, in our words"),
            confidence(),
            sources_field(),
        ],
        primaryKey=["delegation_id", "dimension"],
        foreignKeys=[{"fields": "delegation_id", "reference": {"resource": "delegations", "fields": "delegation_id"}}],
    ),
    # --- tables added for international law (notebook 06)
    "legal_questions": dict(
        title="Legal questions on how international law applies to cyberspace",
        description="One row per question: what is agreed (with the consensus text) and what is contested, "
                    "in our words, with sources.",
        fields=[
            f("question_id", required=True, pattern=ID),
            f("question", required=True),
            f("agreed_text", required=True, description="what States agree on, and the text that says so"),
            f("contested_points", required=True, description="what is still disputed, and by whom"),
            sources_field(),
        ],
        primaryKey="question_id",
    ),
    "legal_positions": dict(
        title="Positions of States and the African Union on the legal questions",
        description="One row per State and legal question where a dated, sourced position was found. A State "
                    "with no row for a question has no position found: the kit never guesses a stance.",
        fields=[
            f("state_id", required=True, pattern=ID),
            f("state", required=True),
            f("region", required=True, enum=["African", "Asia-Pacific", "Eastern European",
                                             "Latin American and Caribbean", "Western European and Others"],
              description="the UN regional group (the African Union row: African)"),
            f("question", required=True, pattern=ID, description="question_id of legal_questions.csv"),
            f("position", required=True, enum=["applies", "applies with limits", "rule", "principle only",
                                               "binding", "unsettled", "cautious", "opposes"],
              description="a short label of the stance (see data/README.md)"),
            f("statement", required=True, description="what the State said, in our words"),
            date("date", description="when the State took this position (ISO, may be partial)"),
            confidence(),
            sources_field(),
        ],
        primaryKey=["state_id", "question"],
        foreignKeys=[{"fields": "question", "reference": {"resource": "legal_questions", "fields": "question_id"}}],
    ),
    "practice_facts": dict(
        title="Norms in practice: dated facts by pillar (notebook 07)",
        description="One row per dated fact or statement on confidence-building, capacity-building, stakeholders, "
                    "the cybercrime convention and the war in Ukraine in the UN cyber talks; actor is who did or "
                    "said it, stance (where the row records a position) its stance on the subject of the row.",
        fields=[
            f("fact_id", required=True, pattern=ID),
            f("pillar", required=True, enum=["confidence_building", "capacity_building", "stakeholders",
                                             "cybercrime", "ukraine"]),
            date("date"),
            f("actor", required=True, description="the State, group, organisation or UN body that acted or spoke"),
            f("stance", enum=["supports", "opposes", "mixed"],
              description="where the row records a position: the actor's stance on the subject of the row"),
            f("fact", required=True, description="what happened or was said, in our words"),
            confidence(),
            sources_field(),
        ],
        primaryKey="fact_id",
    ),
    "poc_directory": dict(
        title="Participation in the global POC directory (notebook 07)",
        description="Dated counts about the global intergovernmental points of contact directory, only where a "
                    "source gives them; qualifier says whether the source gives an exact count or a floor.",
        fields=[
            date("date", description="the date the count refers to"),
            f("metric", required=True, enum=["states_nominated"],
              description="states_nominated: States that had nominated points of contact"),
            f("value", type="integer", required=True, minimum=0),
            f("qualifier", required=True, enum=["exactly", "more than"]),
            f("note", required=True),
            confidence(),
            sources_field(),
        ],
        primaryKey=["date", "metric"],
    ),
    "accreditation": dict(
        title="Stakeholders not accredited to the OEWG 2021-2025 (notebook 07)",
        description="Organisations blocked under the OEWG's 2022 non-objection procedure, with the State that "
                    "objected where a source names it (empty: not named in the sources read).",
        fields=[
            f("organisation", required=True),
            f("organisation_kind", required=True, enum=["think tank", "NGO", "technical community",
                                                        "capacity-building network", "company", "academic",
                                                        "public institution"]),
            f("objected_by", description="the State that objected, where a source names it"),
            date("date", description="the end of the non-objection procedure"),
            f("note", required=True),
            confidence(),
            sources_field(),
        ],
        primaryKey="organisation",
    ),
}


def main():
    resources = []
    for name, t in TABLES.items():
        schema = {"fields": t["fields"], "primaryKey": t["primaryKey"]}
        if "foreignKeys" in t:
            schema["foreignKeys"] = t["foreignKeys"]
        resources.append({
            "name": name, "path": t.get("path", f"{name}.csv"), "title": t["title"], "description": t["description"],
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": schema,
        })
    package = {
        "name": "un-cyber-kit-data",
        "title": "UN cyber-diplomacy teaching kit: data",
        "description": "Sourced facts on the UN GGE, OEWG, Programme of Action and Global Mechanism processes, "
                       "and the arguments of the Russian Federation's 2023 position paper on the PoA.",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "profile": "tabular-data-package",
        "resources": resources,
    }
    out = Path(__file__).resolve().parent.parent / "data" / "datapackage.json"
    out.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.name} with {len(resources)} tables")


if __name__ == "__main__":
    main()
