"""The kit's look: a colour-blind-safe palette and one layout for every chart."""
from __future__ import annotations

# Okabe & Ito's palette, distinguishable with the common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000", "grey": "#999999",
}
SEQUENCE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky_blue", "yellow", "black")]

# One colour per timeline track, used by every chart that shows tracks.
TRACK_COLOURS = {
    "ga_resolutions": OKABE_ITO["grey"], "gge": OKABE_ITO["blue"], "oewg": OKABE_ITO["orange"],
    "poa": OKABE_ITO["green"], "russia_proposals": OKABE_ITO["vermillion"],
    "global_mechanism": OKABE_ITO["purple"], "cybercrime": OKABE_ITO["black"], "context": OKABE_ITO["sky_blue"],
}
TRACK_LABELS = {
    "ga_resolutions": "General Assembly resolutions", "gge": "Groups of Governmental Experts (GGE)",
    "oewg": "Open-ended Working Groups (OEWG)", "poa": "Programme of Action (PoA)",
    "russia_proposals": "Russia's proposals", "global_mechanism": "Global Mechanism (permanent)",
    "cybercrime": "Cybercrime convention (crime track)", "context": "Related context",
}
# Votes: yes / no / abstain, in colours that do not rely on red versus green.
VOTE_COLOURS = {"yes": OKABE_ITO["blue"], "no": OKABE_ITO["vermillion"], "abstain": OKABE_ITO["grey"]}

# Colours for *text* on white. Okabe–Ito's vermillion (3.9:1), green (3.4:1), orange and grey fail WCAG AA's
# 4.5:1 for text, so words use these darker shades of the same hues; chart fills keep the palette above.
TEXT_COLOURS = {"error": "#B34700", "success": "#007A5A", "info": OKABE_ITO["blue"], "muted": "#555555"}

# ---------------------------------------------------------------------------- widgets

# The class every exercise widget carries, so the CSS below touches exercises only.
EXERCISE_CLASS = "kit-exercise-widget"

# ipywidgets 8 gives each radio label a fixed 20 px height and checkbox / dropdown labels `white-space: nowrap`:
# a long option then runs over the next one or is cut off. In exercises, labels wrap and grow instead.
EXERCISE_CSS = """<style>
.{c} .widget-radio-box label {{display: flex; align-items: flex-start; height: auto; white-space: normal;
  overflow-wrap: anywhere; min-height: var(--jp-widgets-radio-item-height); line-height: 20px; margin-bottom: 4px}}
.{c} .widget-radio-box input {{float: none; order: -1; flex: 0 0 auto; height: 20px}}
.{c} .widget-checkbox {{height: auto; min-height: var(--jp-widgets-inline-height)}}
.{c} .widget-checkbox .widget-label-basic {{display: flex; align-items: flex-start; white-space: normal;
  overflow: visible; overflow-wrap: anywhere; line-height: 20px; padding: 4px 0}}
.{c} .widget-checkbox input[type='checkbox'] {{flex: 0 0 auto; align-self: flex-start; height: 20px}}
.{c} .widget-dropdown {{height: auto; min-height: var(--jp-widgets-inline-height); flex-wrap: wrap; row-gap: 4px}}
.{c} .widget-dropdown > .widget-label {{flex: 1 1 20em; height: auto; white-space: normal; overflow-wrap: anywhere;
  line-height: 20px; text-align: left; padding: 4px 0}}
.{c} .widget-dropdown > select {{flex: 0 1 auto; min-width: 12em; max-width: 100%;
  height: var(--jp-widgets-inline-height)}}
</style>""".format(c=EXERCISE_CLASS)

# ipywidgets 8 draws sliders with noUiSlider, whose handles (role="slider") have no accessible name: a screen
# reader announces "slider, 3" without saying what it sets. This names each handle after its slider's
# description, now and whenever a slider is drawn again (one observer per page).
SLIDER_NAMES_JS = r"""(function () {
  function clean(s) { return (s || '').replace(/[\u200b\s]+/g, ' ').trim(); }
  function name() {
    document.querySelectorAll('.widget-slider').forEach(function (slider) {
      var label = slider.querySelector(':scope > .widget-label');
      var text = clean(label && label.textContent) || 'Value';
      var handles = slider.querySelectorAll('.noUi-handle');
      handles.forEach(function (handle, i) {
        var own = handles.length > 1 ? text + (i === 0 ? ' (from)' : ' (to)') : text;
        if (handle.getAttribute('aria-label') !== own) handle.setAttribute('aria-label', own);
      });
    });
  }
  name();
  if (window.kitSliderNames) return;
  var pending = false;
  window.kitSliderNames = new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; name(); });
  });
  window.kitSliderNames.observe(document.body, {childList: true, subtree: true});
})();"""


def _has_slider(widget) -> bool:
    if "Slider" in type(widget).__name__:
        return True
    return any(_has_slider(child) for child in (getattr(widget, "children", None) or ()))


def slider_names(widget) -> dict | None:
    """Return a raw display bundle that names ``widget``'s slider handles for screen readers (None: no slider).

    Raw, with no text/plain: nothing shows in the notebook, and no repr is saved in it.
    """
    return {"application/javascript": SLIDER_NAMES_JS} if _has_slider(widget) else None


def _register_template() -> str:
    """Register the kit's light chart template (white, light grid, Okabe–Ito colours) with plotly; return its name.

    A small template keeps every figure update fast: plotly's built-in templates cost milliseconds to copy.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    grid = {"gridcolor": "#E5E8EE", "zerolinecolor": "#C9CED8", "linecolor": "#C9CED8", "automargin": True}
    pio.templates["kit"] = go.layout.Template(layout={
        "paper_bgcolor": "white", "plot_bgcolor": "white", "colorway": SEQUENCE,
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#222222"},
        "xaxis": grid, "yaxis": grid, "hoverlabel": {"align": "left"},
    })
    return "kit"


TEMPLATE = _register_template()


def layout(title: str, x_title: str | None = None, y_title: str | None = None, height: int = 420, **extra) -> dict:
    """Return the kit's layout as a plain dict (title, axis titles, template, margins), for go.Figure(layout=...)."""
    out = {"title": {"text": title, "x": 0.01, "xanchor": "left"}, "template": TEMPLATE, "height": height,
           "margin": {"l": 10, "r": 10, "t": 60, "b": 40}, "legend": {"title": {"text": ""}}}
    if x_title is not None:
        out["xaxis"] = {"title": {"text": x_title}}
    if y_title is not None:
        out["yaxis"] = {"title": {"text": y_title}}
    for key, value in extra.items():  # e.g. yaxis={"autorange": "reversed"} merges with the axis title
        out[key] = {**out.get(key, {}), **value} if isinstance(value, dict) else value
    return out


def apply_layout(fig, title: str, x_title: str | None = None, y_title: str | None = None, height: int = 420, **extra):
    """Give ``fig`` the kit's layout in one update (faster than several); return it."""
    fig.update_layout(layout(title, x_title, y_title, height, **extra))
    return fig
