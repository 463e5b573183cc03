"""Write data/state_votes.csv: every Member State's plenary vote on the series' recorded votes of 2019-2023.

Source: the UN's machine-readable General Assembly resolutions (DGACM, https://github.com/UNxml/GAresolutions), whose
per-session extracts (data_extract/NN.json) list the States in favour, against and abstaining for each resolution
adopted by a recorded vote. A Member State in none of the three lists is recorded as "did not vote". The membership is
every State named in any recorded vote of the 74th-80th sessions (193, checked against un_members.csv by the tests).

Usage: python tools/make_state_votes.py GIT_DIR [COMMIT]
       (GIT_DIR: a clone or mirror of UNxml/GAresolutions; COMMIT defaults to HEAD)
"""
import csv
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

TEXTS = ["A/RES/74/28", "A/RES/74/29", "A/RES/75/32", "A/RES/75/240", "A/RES/77/36", "A/RES/77/37", "A/RES/78/16",
         "A/RES/78/237"]
SESSIONS = range(74, 81)
# spellings of one State that differ between sessions (or are garbled in an extract)
ALIASES = {"NETHERLANDS (KINGDOM OF THE)": "NETHERLANDS", "TURKEY": "TURKIYE", "TURKYYE": "TURKIYE"}
NAMES = {"TURKIYE": "Türkiye", "NETHERLANDS": "Netherlands (Kingdom of the)", "COTE D'IVOIRE": "Côte d'Ivoire",
         "GUINEA-BISSAU": "Guinea-Bissau", "TIMOR-LESTE": "Timor-Leste"}
SMALL = {"of", "the", "and", "and the"}
OUT = Path(__file__).resolve().parents[1] / "data" / "state_votes.csv"


def key(name: str) -> str:
    n = unicodedata.normalize("NFKD", name.upper().replace("\u2019", "'"))
    n = "".join(c for c in n if not unicodedata.combining(c)).strip()
    return ALIASES.get(n, n)


def display(k: str) -> str:
    if k in NAMES:
        return NAMES[k]
    words = []
    for i, w in enumerate(k.lower().split(" ")):
        bare = w.strip("()")
        if i and bare in SMALL:
            words.append(w)
        else:
            words.append("(" + bare[:1].upper() + bare[1:] + w[len(bare) + 1:] if w.startswith("(")
                         else w[:1].upper() + w[1:])
    return " ".join(words)


def extract(git_dir: str, commit: str) -> list[dict]:
    entries = []
    for s in SESSIONS:
        text = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:data_extract/{s}.json"],
                              check=True, capture_output=True, text=True).stdout
        entries += [json.loads(line) for line in text.splitlines() if line.strip()]
    return entries


def main(git_dir: str, commit: str = "HEAD") -> None:
    entries = extract(git_dir, commit)
    members = {key(n) for e in entries for k in ("MS_in_favour", "MS_against", "MS_abstaining") for n in e.get(k) or []}
    by_symbol = {e["symbol"]: e for e in entries}
    rows = []
    for sym in TEXTS:
        e = by_symbol[sym]
        vote = {}
        for k, label in (("MS_in_favour", "yes"), ("MS_against", "no"), ("MS_abstaining", "abstain")):
            for n in e[k]:
                assert key(n) not in vote, (sym, n)
                vote[key(n)] = label
        counts = {lab: sum(v == lab for v in vote.values()) for lab in ("yes", "no", "abstain")}
        assert counts == {"yes": int(e["MS_in_favour_count"]), "no": int(e["MS_against_count"]),
                          "abstain": int(e["MS_abstaining_count"])}, (sym, counts)
        for m in sorted(members):
            rows.append({"symbol": sym, "member_state": display(m), "vote": vote.get(m, "did not vote"),
                         "source_ids": "dgacm_unxml"})
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["symbol", "member_state", "vote", "source_ids"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} rows, {len(members)} Member States, {len(TEXTS)} texts")


if __name__ == "__main__":
    main(*sys.argv[1:])
