"""Every public function of kit, given a bad argument, answers with the kit's own clear error, never a traceback
from inside pandas, plotly or ipywidgets."""
import contextlib
import inspect
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kit
from kit.exercises import ExerciseError

# Valid values for required arguments, so that each test changes one argument at a time.
REQUIRED = {
    "votes": lambda: kit.load("votes"), "events": lambda: kit.load("events"), "names": lambda: ["Ada", "Bo"],
    "choices": lambda: None, "name": lambda: "events", "source_ids": lambda: ["a_res_77_37"],
    "table": lambda: kit.load("norms"), "df": lambda: kit.load("norms"), "exercise_id": lambda: "start_two_bodies",
    "delegation_id": lambda: "russia", "claim_id": lambda: "p02_consensus", "event_id": lambda: "a_res_77_37",
    "dimension": lambda: "format", "option": lambda: "poa_only",
    "state": lambda: "russia", "package": lambda: None, "first": lambda: "oewg_2021", "second": lambda: "poa", "term": lambda: "consensus", "notebook": lambda: "02",
}
SKIP = {"set_name", "export_answers"}  # they write the student's own files; tested in test_classroom.py
KIT_ERRORS = (kit.DataError, ExerciseError)

BAD = st.one_of(st.none(), st.integers(-5, 500), st.floats(allow_nan=True), st.text(max_size=12),
                st.lists(st.text(max_size=6), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
                st.just(object()), st.just(()), st.just([]), st.builds(lambda: pd.DataFrame({"a": [1, 2]})))


def _public_functions():
    out = []
    for name in sorted(n for n in dir(kit) if not n.startswith("_")):
        f = getattr(kit, name)
        if inspect.isfunction(f) and name not in SKIP:
            params = [p for p in inspect.signature(f).parameters.values()
                      if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
            for p in params:
                out.append((name, p.name))
    return out


def _call(fname, pname, value):
    f = getattr(kit, fname)
    kwargs = {}
    for p in inspect.signature(f).parameters.values():
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            continue
        if p.name == pname:
            kwargs[p.name] = value
        elif p.default is inspect.Parameter.empty:
            if p.name not in REQUIRED:
                pytest.skip(f"no valid value known for {fname}({p.name})")
            kwargs[p.name] = REQUIRED[p.name]()
    with contextlib.redirect_stdout(io.StringIO()):
        return f(**kwargs)


@pytest.mark.parametrize("fname,pname", _public_functions(), ids=lambda x: x)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=BAD)
def test_bad_arguments_get_the_kits_own_error(fname, pname, value):
    try:
        _call(fname, pname, value)
    except KIT_ERRORS as err:
        assert str(err), f"{fname}({pname}={value!r}) raised an empty error"
    except pytest.skip.Exception:
        raise
    except Exception as err:  # noqa: BLE001 - this is exactly what the test looks for
        pytest.fail(f"kit.{fname}({pname}={value!r}) raised {type(err).__name__}: {err}")
