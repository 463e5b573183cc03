"""The course plan, the glossary view and the set-up check widget."""
import pytest

import kit
from kit.course import PLAN, SetupCheck, plan_figure


def test_plan_lists_every_notebook_with_its_time():
    plan = kit.notebooks()
    assert list(plan["number"]) == [f"{i:02d}" for i in range(len(PLAN))]
    assert (plan["minutes"] > 0).all()
    assert plan.loc[plan["number"] == "00", "ready"].item() is True


def test_plan_marks_missing_notebooks_as_not_ready(tmp_path, monkeypatch):
    import kit.course as course

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "00_start_here.ipynb").write_text("{}")
    monkeypatch.setattr(course, "ROOT", tmp_path)
    assert list(kit.notebooks()["ready"]) == [True] + [False] * (len(PLAN) - 1)


def test_plan_figure_highlights_the_chosen_notebooks():
    fig = plan_figure(2)
    colours = list(fig.data[0].marker.color)
    assert colours[:2] == ["#0072B2"] * 2 and set(colours[2:]) == {"#BBBBBB"}
    total = sum(m for _, _, _, m in PLAN[:2])
    assert f"about {total} minutes" in fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


@pytest.mark.parametrize("bad", [-1, 99, "3", 2.5, None])
def test_plan_figure_rejects_impossible_choices(bad):
    with pytest.raises(kit.DataError, match="whole number from 0 to"):
        plan_figure(bad)


def test_setup_check_slider_updates_the_chart():
    check = kit.check_setup()
    assert isinstance(check, SetupCheck)
    first = check.figure
    check.slider.value = 5
    assert check.figure is not first
    assert "00–04" in check.figure.layout.title.text
    check.slider.value = 0
    assert check.figure.layout.title.text == "No notebooks chosen yet"
    assert "the kit is installed" in check.versions.value
