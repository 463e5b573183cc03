"""The kit's data: load a validated table, cite its sources.

Every table in ``data/`` is described in ``data/datapackage.json`` (a Frictionless
Data Package). ``load(name)`` reads a table once, checks it against that schema
(required cells, allowed values, patterns, dates, unique ids, and that every
``source_ids`` entry exists in ``sources.csv``) and returns a pandas DataFrame.
A problem in the data raises ``DataError`` naming the file, line and column.
"""
from __future__ import annotations

import codecs
import csv
import difflib
import html
import io
import json
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["DataError", "load", "cite", "tables", "schema", "validate_all", "DATA_DIR"]


def _default_data_dir() -> Path:
    """Return where the data is: $KIT_DATA_DIR if set; else the data shipped inside the installed package (kit/_data,
    in a wheel: see pyproject.toml); else the repository's own data/ (a checkout, an editable install)."""
    if os.environ.get("KIT_DATA_DIR"):
        return Path(os.environ["KIT_DATA_DIR"])
    from importlib.resources import files

    packaged = files(__package__).joinpath("_data")
    if isinstance(packaged, Path) and packaged.joinpath("datapackage.json").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


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
        text = path.read_text(encoding="utf-8-sig")
        package = json.loads(text)
    except FileNotFoundError:
        raise DataError(f"no data package at {path}: the kit's data folder is missing") from None
    except UnicodeDecodeError as err:
        raise DataError(f"data/{path.name} is not UTF-8 text ({err.reason} at byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise DataError(f"{path.name} is not valid JSON: {err}") from None
    resources = package.get("resources") if isinstance(package, dict) else None
    lines = _resource_lines(text)
    if not isinstance(resources, list):
        raise DataError(f"data/{path.name}: needs a list of 'resources' (one per table)")
    for i, r in enumerate(resources):
        if not isinstance(r, dict) or not isinstance(r.get("name"), str) or not r["name"]:
            line = lines[i] if i < len(lines) else "?"
            raise DataError(f"data/{path.name}, line {line}: resource {i + 1} needs a 'name'")
        r["kit:line"] = lines[i] if i < len(lines) else None
    return package


def _resource_lines(text: str) -> list[int]:
    """Return the line of datapackage.json on which each resource starts (so that a problem can name it)."""
    m = re.search(r'"resources"\s*:\s*\[', text)
    if not m:
        return []
    decoder, i, lines = json.JSONDecoder(), m.end(), []
    try:
        while True:
            while i < len(text) and text[i] in " \t\r\n,":
                i += 1
            if i >= len(text) or text[i] == "]":
                return lines
            lines.append(text.count("\n", 0, i) + 1)
            _, i = decoder.raw_decode(text, i)
    except json.JSONDecodeError:
        return lines


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
            where = f"data/datapackage.json, line {r.get('kit:line') or '?'} (resource {name!r})"
            if not isinstance(r.get("path"), str) or not r["path"].strip():
                raise DataError(f"{where}: no 'path': give the CSV file the table is read from, e.g. "
                                f"\"path\": \"{name}.csv\"")
            schema = r.get("schema")
            if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not all(
                    isinstance(f, dict) and isinstance(f.get("name"), str) for f in schema["fields"]):
                raise DataError(f"{where}: needs a 'schema' with a list of 'fields', each with a 'name'")
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


def _open_quote_column(text: str) -> int:
    """Return the index of the cell whose opening quote is never closed, in a row that starts ``text``."""
    col, quoted, opened = 0, False, 0
    for ch in text:
        if quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted, opened = True, col
        elif ch == ",":
            col += 1
    return opened


def _read_rows(resource: dict) -> tuple[list[str], list[dict], list[int]]:
    """Return (header, rows, lines): the cells of a table as text, and the line of the file on which each row starts.

    A problem that stops the file from being read as a table (not UTF-8, a row with too few or too many cells, a
    quote never closed, a NUL, no rows) raises DataError naming the file, the line and, where there is one, the column.
    A UTF-8 byte order mark at the start is accepted.
    """
    fname = f"data/{resource['path']}"
    path = DATA_DIR / resource["path"]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"table {resource['name']!r} is described in datapackage.json but {fname} "
                        "is missing") from None
    except OSError as err:
        raise DataError(f"{fname} could not be read ({err.strerror or err.__class__.__name__})") from None
    raw = raw.removeprefix(codecs.BOM_UTF8)  # a byte order mark, as some spreadsheets save: accepted
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise DataError(f"{fname}, line {line}: the byte 0x{raw[err.start]:02x} (byte {col} of the line) is not "
                        "UTF-8 text; save the file as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, rows, lines = None, [], []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells:
                continue  # a blank line
            if header is None:
                header = cells
                continue
            where = f"{fname}, line {line}"
            if len(cells) > len(header):
                raise DataError(f"{where}: more cells than columns in the header ({len(cells)} cells, "
                                f"{len(header)} columns)")
            if len(cells) < len(header):
                raise DataError(f"{where}, column {header[len(cells)]!r}: the row ends after {len(cells)} of "
                                f"{len(header)} cells (is a comma or a closing quote missing?)")
            rows.append(dict(zip(header, cells)))
            lines.append(line)
    except csv.Error as err:
        rest = "".join(text.splitlines(keepends=True)[start - 1:])
        col = _open_quote_column(rest)
        column = f"column {header[col]!r}" if header and col < len(header) else f"cell {col + 1}"
        if "unexpected end of data" in str(err):
            raise DataError(f"{fname}, line {start}, {column}: a quoted cell is never closed (a '\"' is "
                            "missing)") from None
        raise DataError(f"{fname}, line {start}, {column}: cannot be read as CSV ({err})") from None
    if header is None:
        raise DataError(f"{fname} is empty: a table needs a header line and at least one row")
    for cells, line in [(header, 1)] + [(list(r.values()), n) for r, n in zip(rows, lines)]:
        for name, cell in zip(header, cells):
            if "\0" in cell:
                raise DataError(f"{fname}, line {line}, column {name!r}: a NUL character (\\0) in the cell; "
                                "remove it")
    if not rows:
        raise DataError(f"{fname} has a header but no rows: a table needs at least one row")
    return header, rows, lines


def _check_rows(resource: dict, header: list[str], rows: list[dict], source_ids: set | None,
                lines: list[int] | None = None) -> list[str]:
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
        line = lines[i] if lines else i + 2  # the line the row starts on (a quoted cell may span lines)
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


def _check_foreign_keys(resource: dict, rows: list[dict], lines: list[int]) -> list[str]:
    problems = []
    for fk in resource["schema"].get("foreignKeys", []):
        field = fk["fields"]
        target = _resource(fk["reference"]["resource"])
        _, target_rows, _ = _read_rows(target)
        valid = {r[fk["reference"]["fields"]] for r in target_rows}
        for row, line in zip(rows, lines):
            if row[field] and row[field] not in valid:
                problems.append(f"data/{resource['path']}, line {line}, column {field!r}: {row[field]!r} is not in "
                                f"data/{target['path']}; choose one of: {', '.join(sorted(valid))}")
    return problems


def _problems(name: str) -> list[str]:
    resource = _resource(name)
    header, rows, lines = _read_rows(resource)
    source_ids = None
    if name != "sources":
        _, src_rows, _ = _read_rows(_resource("sources"))
        source_ids = {r["source_id"] for r in src_rows}
    problems = _check_rows(resource, header, rows, source_ids, lines)
    if not {f["name"] for f in resource["schema"]["fields"]} <= set(header):
        return problems  # columns missing: said above; the foreign keys cannot be checked
    return problems + _check_foreign_keys(resource, rows, lines)


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
    _, rows, _ = _read_rows(resource)
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
    if isinstance(ids, str):
        ids = [ids]
    if isinstance(ids, (pd.DataFrame, dict)) or not hasattr(ids, "__iter__"):
        raise DataError(f"give the ids as a list of texts, e.g. ['a', 'b'], not {type(ids).__name__}")
    ids = list(ids)
    if not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in ids):
        raise DataError("give the ids as a list of texts, e.g. ['a', 'b']")
    key = id_column or table.columns[0]
    if not isinstance(key, str) or key not in table.columns:
        raise DataError(f"{name}.csv has no column {key!r}; choose one of: {', '.join(table.columns)}")
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


# How much a source can carry (the ``reliability`` column of sources.csv; see data/README.md). Each label has a
# short badge text, a plain-words explanation (the badge's tooltip) and colours whose text contrast is at least
# 4.5:1 (WCAG AA) against the badge's own background and against white.
RELIABILITY = {
    "official_record": ("UN record", "A UN document, record or meeting coverage", "#E3EEF8", "#0B4F85"),
    "official_statement": ("Official statement", "A government's or organisation's own text: what it says, "
                           "in its own words", "#E2F2EC", "#0B5E45"),
    "state_media": ("State media", "A news outlet owned or run by a State: check it against a record",
                    "#FBEBDD", "#8A3B00"),
    "edited_analysis": ("Edited analysis", "A journal, think tank or newspaper: written and edited by people, "
                        "with a view of its own", "#EEEEEE", "#383838"),
    "ai_summary": ("AI summary", "Machine-written: a lead to a record, never confirmation of a fact on its own",
                   "#F5E6F0", "#7A2860"),
    "copy": ("Copy", "A third-party copy of another text: find the original before relying on it",
             "#FFF4CC", "#6B5000"),
}
WEAK_RELIABILITY = ("ai_summary", "copy")  # never confirm a fact alone (tests/test_reliability.py)


def _reliability_of(source) -> str:
    if isinstance(source, str):
        return source
    try:
        value = source.get("reliability", "")
    except (AttributeError, TypeError):
        return ""
    return value if isinstance(value, str) else ""


def reliability_label(source) -> str:
    """Return the short label of a source's reliability (a source row, or its ``reliability`` value), or ''."""
    entry = RELIABILITY.get(_reliability_of(source))
    return entry[0] if entry else ""


def reliability_badge(source) -> str:
    """Return the HTML badge for a source row (or a ``reliability`` value), e.g. a grey 'Edited analysis'; '' if none."""
    key = _reliability_of(source)
    if key not in RELIABILITY:
        return ""
    label, meaning, background, colour = RELIABILITY[key]
    return (f'<span class="kit-badge kit-badge-{key}" title="{html.escape(meaning, quote=True)}" '
            f'style="display:inline-block;padding:0 6px;margin-right:5px;border:1px solid {colour};'
            f'border-radius:8px;background:{background};color:{colour};font-size:85%;font-weight:600;'
            f'line-height:1.5;white-space:nowrap">{html.escape(label)}</span>')


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
        return "\n".join(f"[{i}] " + self._tag(r) + ". ".join(self._parts(r)) + f". {r['url']}"
                         for i, r in enumerate(self.rows, 1))

    @staticmethod
    def _tag(r) -> str:
        label = reliability_label(r)
        return f"[{label}] " if label else ""

    __repr__ = __str__

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def ids(self) -> list[str]:
        """The source ids, in order."""
        return [r["source_id"] for r in self.rows]

    def _repr_html_(self) -> str:
        items = "".join(
            f'<li>{reliability_badge(r)}{html.escape(". ".join(self._parts(r)))}. '
            f'<a href="{html.escape(r["url"], quote=True)}" target="_blank" rel="noopener" '
            f'style="text-decoration:underline">{html.escape(r["url"])}</a></li>'
            for r in self.rows)
        return (f'<details class="kit-sources"><summary><strong>{html.escape(self.title)} ({len(self.rows)})</strong>'
                f" · click to open</summary><ol>{items}</ol></details>")

    def _repr_markdown_(self) -> str:
        return f"**{self.title} ({len(self.rows)})**\n\n" + "\n".join(
            f"{i}. {self._tag(r)}{'. '.join(self._parts(r))}. <{r['url']}>" for i, r in enumerate(self.rows, 1))


def _as_ids(source_ids) -> list[str]:
    if isinstance(source_ids, pd.DataFrame):
        if "source_ids" in source_ids.columns:
            return _as_ids(source_ids["source_ids"])
        raise DataError("cite() takes source ids, not a table without a 'source_ids' column; "
                        "pass one column, e.g. kit.cite(table['source_ids'])")
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
