"""Fast checks (no browser) behind the accessibility fixes the browser tests confirm: readable text colours, the
exercise CSS scoped to exercises, slider handles named only where there are sliders."""
import re
from pathlib import Path

import pytest

from kit import style

KIT = Path(style.__file__).parent


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str = "#FFFFFF") -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula():
    assert contrast("#000000") == pytest.approx(21)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes AA on white


@pytest.mark.parametrize("name", sorted(style.TEXT_COLOURS))
def test_text_colours_are_readable_on_white(name):
    assert contrast(style.TEXT_COLOURS[name]) >= 4.5, f"{name}: {contrast(style.TEXT_COLOURS[name]):.2f}:1"


def test_no_kit_text_in_a_colour_that_fails_on_white():
    """Text in CSS (`color:`) uses no colour below 4.5:1 on white; chart fills (marker colours) are not text."""
    bad = []
    for path in sorted(KIT.glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for colour in re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6}|#[0-9A-Fa-f]{3})\b", line):
                full = colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])
                if contrast(full) < 4.5:
                    bad.append(f"{path.name}:{n}: {colour} ({contrast(full):.2f}:1)")
    assert not bad, bad


def test_exercise_css_touches_only_exercises():
    rules = re.findall(r"^([^{}\n][^{}]*)\{", style.EXERCISE_CSS.replace("<style>", ""), re.M)
    assert rules
    for selector_list in rules:
        for selector in selector_list.split(","):
            assert selector.strip().startswith(f".{style.EXERCISE_CLASS} "), selector


def test_exercise_widget_carries_the_class_and_css():
    from kit.exercises import ExerciseWidget

    ex = ExerciseWidget("votes_without_a_vote")
    assert style.EXERCISE_CLASS in ex.widget._dom_classes
    assert any(getattr(c, "value", None) == style.EXERCISE_CSS for c in ex.widget.children)


def test_slider_handles_are_named_only_where_there_are_sliders():
    import ipywidgets as w

    assert style.slider_names(w.VBox([w.Dropdown(options=["a"])])) is None
    bundle = style.slider_names(w.VBox([w.HBox([w.IntRangeSlider()])]))
    assert list(bundle) == ["application/javascript"]  # no text/plain: nothing shows, no repr is saved
    assert "aria-label" in bundle["application/javascript"]
