"""The kit's data: load a validated table, cite its sources.

Every table in ``data/`` is described in ``data/datapackage.json`` (a Frictionless
Data Package). ``load(name)`` reads a table once, checks it against that schema
(required cells, allowed values, patterns, dates, unique ids, and that every
``source_ids`` entry exists in ``sources.csv``) and returns a pandas DataFrame.
A problem in the data raises ``DataError`` naming the file, line and column.
"""
from __future__ import annotations

import csv
import difflib
import html
import json
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["DataError", "load", "cite", "tables", "schema", "validate_all", "DATA_DIR"]


def _default_data_dir() -> Path:
    return Path(os.environ.get("KIT_DATA_DIR") or Path(__file__).resolve().parent.parent / "data")


DATA_DIR = _default_data_dir()


class DataError(ValueError):
    """A problem in the kit's data, or a request for data that does not exist."""


def _suggest(value, choices) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=3)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


@lru_cache(maxsize=None)
def _package(data_dir: Path) -> dict:
    path = data_dir / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"no data package at {path}: the kit's data folder is missing") from None
    except json.JSONDecodeError as err:
        raise DataError(f"{path.name} is not valid JSON: {err}") from None


def tables() -> list[str]:
    """Return the names of the tables ``load`` accepts."""
    return [r["name"] for r in _package(DATA_DIR)["resources"]]


def schema(name: str) -> dict:
    """Return the Table Schema of table ``name`` (as in datapackage.json)."""
    return _resource(name)["schema"]


def _resource(name) -> dict:
    if not isinstance(name, str):
        raise DataError(f"a table name must be a string, not {type(name).__name__}; "
                        f"choose one of: {', '.join(tables())}")
    for r in _package(DATA_DIR)["resources"]:
        if r["name"] == name:
            return r
    raise DataError(f"unknown table {name!r}{_suggest(name, tables())}; choose one of: {', '.join(tables())}")


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(text: str):
    """Return (Timestamp of the start of the period, precision) for YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError."""
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError("not an ISO date (use YYYY-MM-DD, or YYYY-MM / YYYY where only that is known)")
    year, month, day = m.groups()
    precision = "day" if day else "month" if month else "year"
    try:
        ts = pd.Timestamp(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError("is not a real calendar date") from None
    return ts, precision


def _read_rows(resource: dict) -> tuple[list[str], list[dict]]:
    path = DATA_DIR / resource["path"]
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            rows = []
            for row in reader:
                if None in row:
                    raise DataError(f"data/{path.name}, line {reader.line_num}: more cells than columns in the header")
                rows.append(row)
    except FileNotFoundError:
        raise DataError(f"table {resource['name']!r} is described in datapackage.json but data/{path.name} "
                        "is missing") from None
    except UnicodeDecodeError as err:
        raise DataError(f"data/{path.name} is not UTF-8 text: {err}") from None
    return header, rows


def _check_rows(resource: dict, header: list[str], rows: list[dict], source_ids: set | None) -> list[str]:
    """Return every problem found in the rows of one table, each naming file, line and column."""
    fname = f"data/{resource['path']}"
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    problems = []
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    if missing or extra:
        if missing:
            problems.append(f"{fname}: columns missing from the header: {', '.join(missing)}")
        if extra:
            problems.append(f"{fname}: columns not in datapackage.json: {', '.join(extra)}")
        return problems
    pk = resource["schema"].get("primaryKey")
    pk = [pk] if isinstance(pk, str) else list(pk or [])
    seen = {}
    for i, row in enumerate(rows):
        line = i + 2  # line 1 is the header
        key = tuple(row[k] for k in pk)
        label = ", ".join(f"{k}={row[k]!r}" for k in pk) if pk else f"row {i + 1}"
        where = f"{fname}, line {line} ({label})"
        if pk:
            if key in seen:
                problems.append(f"{where}: duplicate id; line {seen[key]} has the same {', '.join(pk)}")
            seen.setdefault(key, line)
        for field in fields:
            name, value = field["name"], row[field["name"]]
            c = field.get("constraints", {})
            if value != value.strip():
                problems.append(f"{where}, column {name!r}: leading or trailing spaces in {value!r}")
            if value == "":
                if c.get("required"):
                    problems.append(f"{where}, column {name!r}: required value is empty")
                continue
            if field.get("type") == "integer":
                if not re.fullmatch(r"-?\d+", value):
                    problems.append(f"{where}, column {name!r}: {value!r} is not a whole number")
                    continue
                n = int(value)
                if "minimum" in c and n < c["minimum"]:
                    problems.append(f"{where}, column {name!r}: {n} is below the minimum {c['minimum']}")
                if "maximum" in c and n > c["maximum"]:
                    problems.append(f"{where}, column {name!r}: {n} is above the maximum {c['maximum']}")
            if "enum" in c and value not in c["enum"]:
                problems.append(f"{where}, column {name!r}: {value!r} is not allowed{_suggest(value, c['enum'])}; "
                                f"choose one of: {', '.join(c['enum'])}")
            if field.get("kit:date"):
                try:
                    parse_date(value)
                except ValueError as err:
                    problems.append(f"{where}, column {name!r}: {value!r} {err}")
                continue
            if "pattern" in c and not re.fullmatch(c["pattern"], value):
                problems.append(f"{where}, column {name!r}: {value!r} does not match the pattern {c['pattern']}")
            ref = field.get("kit:references")
            if ref and source_ids is not None and ref["resource"] == "sources":
                for sid in value.split(field.get("kit:list", ";")):
                    if sid and sid not in source_ids:
                        problems.append(f"{where}, column {name!r}: unknown source id {sid!r}"
                                        f"{_suggest(sid, source_ids)}; add it to data/sources.csv")
    return problems


def _check_foreign_keys(resource: dict, rows: list[dict]) -> list[str]:
    problems = []
    for fk in resource["schema"].get("foreignKeys", []):
        field = fk["fields"]
        target = _resource(fk["reference"]["resource"])
        _, target_rows = _read_rows(target)
        valid = {r[fk["reference"]["fields"]] for r in target_rows}
        for i, row in enumerate(rows):
            if row[field] and row[field] not in valid:
                problems.append(f"data/{resource['path']}, line {i + 2}, column {field!r}: {row[field]!r} is not in "
                                f"data/{target['path']}; choose one of: {', '.join(sorted(valid))}")
    return problems


def _problems(name: str) -> list[str]:
    resource = _resource(name)
    header, rows = _read_rows(resource)
    source_ids = None
    if name != "sources":
        _, src_rows = _read_rows(_resource("sources"))
        source_ids = {r["source_id"] for r in src_rows}
    return _check_rows(resource, header, rows, source_ids) + _check_foreign_keys(resource, rows)


def _to_frame(resource: dict, rows: list[dict]) -> pd.DataFrame:
    fields = resource["schema"]["fields"]
    df = pd.DataFrame(rows, columns=[f["name"] for f in fields], dtype=object)
    for field in fields:
        name = field["name"]
        col = df[name].replace("", None)
        if field.get("type") == "integer":
            df[name] = pd.array([int(v) if v is not None else None for v in col], dtype="Int64")
        elif field.get("kit:date"):
            parsed = [parse_date(v) if v is not None else (pd.NaT, None) for v in col]
            df[name] = pd.to_datetime(pd.Series([p[0] for p in parsed], index=df.index, dtype="datetime64[ns]"))
            df[f"{name}_precision"] = [p[1] for p in parsed]
            df[f"{name}_label"] = col.astype("string")
        elif field.get("kit:list"):
            sep = field["kit:list"]
            df[name] = [[x for x in v.split(sep) if x] if v is not None else [] for v in col]
        else:
            df[name] = col.astype("string")
    return df


@lru_cache(maxsize=None)
def _load_cached(name: str, data_dir: Path) -> pd.DataFrame:
    problems = _problems(name)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DataError(f"table {name!r} failed validation ({len(problems)} problem(s)):\n  {shown}{more}")
    resource = _resource(name)
    _, rows = _read_rows(resource)
    return _to_frame(resource, rows)


def load(name: str) -> pd.DataFrame:
    """Return table ``name`` as a validated DataFrame (a fresh copy: changing it does not change the kit).

    Dates become Timestamps (the start of the period) with ``<col>_precision``
    ('day', 'month' or 'year') and ``<col>_label`` (the date as written);
    ``;``-separated columns such as ``source_ids`` become lists.
    """
    _resource(name)  # a clear error for a wrong type or an unknown name, before the cache sees it
    return _load_cached(name, DATA_DIR).copy()


def rows(name: str, ids, id_column: str | None = None) -> pd.DataFrame:
    """Return the rows of table ``name`` whose id is in ``ids``, in that order; a missing id is a clear error."""
    table = load(name)
    key = id_column or table.columns[0]
    indexed = table.set_index(key)
    missing = [i for i in ids if i not in indexed.index]
    if missing:
        raise DataError(f"{name}.csv has no row(s) {missing}{_suggest(missing[0], indexed.index)}")
    return indexed.loc[list(ids)].reset_index()


def clear_caches() -> None:
    """Forget every table read so far, so that the next ``load`` reads the files again (after editing data/)."""
    _package.cache_clear()
    _load_cached.cache_clear()
    _sources_by_id.cache_clear()


def validate_all() -> list[str]:
    """Return every problem in every table (an empty list when the data are valid)."""
    problems = []
    for name in tables():
        try:
            problems.extend(_problems(name))
        except DataError as err:
            problems.append(str(err))
    return problems


class Citation:
    """A formatted list of sources; shows as one folded, numbered list in a notebook (click to open)."""

    def __init__(self, rows: list[dict], title: str = "Sources"):
        self.rows = rows
        self.title = title

    def titled(self, title: str) -> "Citation":
        """Return the same sources under another heading (e.g. "Sources of notebook 01")."""
        return Citation(self.rows, title)

    @staticmethod
    def _parts(r) -> list[str]:
        parts = [r["title"], r["publisher"]]
        if r.get("symbol"):
            parts.append(r["symbol"])
        if r.get("date"):
            parts.append(r["date"])
        return parts

    def __str__(self) -> str:
        return "\n".join(f"[{i}] " + ". ".join(self._parts(r)) + f". {r['url']}" for i, r in enumerate(self.rows, 1))

    __repr__ = __str__

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def ids(self) -> list[str]:
        """The source ids, in order."""
        return [r["source_id"] for r in self.rows]

    def _repr_html_(self) -> str:
        items = "".join(
            f'<li>{html.escape(". ".join(self._parts(r)))}. '
            f'<a href="{html.escape(r["url"], quote=True)}" target="_blank" rel="noopener">{html.escape(r["url"])}</a></li>'
            for r in self.rows)
        return (f'<details class="kit-sources"><summary><strong>{html.escape(self.title)} ({len(self.rows)})</strong>'
                f" · click to open</summary><ol>{items}</ol></details>")

    def _repr_markdown_(self) -> str:
        return f"**{self.title} ({len(self.rows)})**\n\n" + "\n".join(
            f"{i}. {'. '.join(self._parts(r))}. <{r['url']}>" for i, r in enumerate(self.rows, 1))


def _as_ids(source_ids) -> list[str]:
    if isinstance(source_ids, str):
        return [s.strip() for s in source_ids.split(";") if s.strip()]
    try:
        items = list(source_ids)
    except TypeError:
        raise DataError(f"cite() takes a source id, a ';'-separated string or a list of ids, "
                        f"not {type(source_ids).__name__}") from None
    out = []
    for item in items:
        out.extend(_as_ids(item) if isinstance(item, (str, list, tuple)) else [str(item)])
    return out


def cite(source_ids) -> Citation:
    """Return the formatted sources for ``source_ids`` ('a;b', ['a', 'b'] or a column of such lists), in order, once each."""
    ids = list(dict.fromkeys(_as_ids(source_ids)))
    by_id = _sources_by_id(DATA_DIR)
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        hints = "".join(_suggest(u, by_id) for u in unknown[:1])
        raise DataError(f"unknown source id(s): {', '.join(map(repr, unknown))}{hints}; "
                        "see kit.load('sources') for the valid ids")
    return Citation([dict(by_id[i]) for i in ids])


@lru_cache(maxsize=None)
def _sources_by_id(data_dir: Path) -> dict:
    """Return {source_id: row as a dict of strings}, built once (widgets cite sources on every update)."""
    sources = _load_cached("sources", data_dir)
    records = sources.assign(date=sources["date_label"]).to_dict("records")
    return {r["source_id"]: {k: ("" if pd.isna(v) else v) for k, v in r.items()} for r in records}
