"""kit.sources: each notebook's sources, de-duplicated, in one folded block; each part's sources on its own."""
import pytest

import kit
from kit.sources import parts

# Every notebook of the course plan (kit.notebooks()), so a new notebook is checked without editing this list.
NOTEBOOKS = list(kit.notebooks()["number"])


@pytest.mark.parametrize("number", NOTEBOOKS)
def test_a_notebooks_sources_are_folded_counted_and_unique(number):
    block = kit.sources(number)
    assert len(block.ids) == len(set(block.ids)) > 0
    page = block._repr_html_()
    assert page.startswith('<details class="kit-sources">') and f"Sources of notebook {number} ({len(block)})" in page
    assert page.count("<li>") == len(block)


@pytest.mark.parametrize("number", NOTEBOOKS)
def test_the_whole_notebook_covers_every_part_and_its_exercises(number):
    whole = set(kit.sources(number).ids)
    for part in parts(number):
        assert set(kit.sources(number, part).ids) <= whole, part
    exercise_ids = {s for e in kit.exercises.all_exercises().values() if e.notebook.startswith(number)
                    for s in e.source_ids}
    assert exercise_ids <= whole


def test_a_long_name_and_a_bad_choice():
    assert kit.sources("02_timeline").ids == kit.sources("02").ids
    with pytest.raises(kit.DataError, match="one of: 00, 01"):
        kit.sources("99")
    with pytest.raises(kit.DataError, match="choose one of: reports, 2018"):
        kit.sources("02", "nope")
