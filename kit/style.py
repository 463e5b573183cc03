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
    "global_mechanism": OKABE_ITO["purple"], "context": OKABE_ITO["sky_blue"],
}
TRACK_LABELS = {
    "ga_resolutions": "General Assembly resolutions", "gge": "Groups of Governmental Experts (GGE)",
    "oewg": "Open-ended Working Groups (OEWG)", "poa": "Programme of Action (PoA)",
    "russia_proposals": "Russia's proposals", "global_mechanism": "Global Mechanism (permanent)",
    "context": "Related context",
}
# Votes: yes / no / abstain, in colours that do not rely on red versus green.
VOTE_COLOURS = {"yes": OKABE_ITO["blue"], "no": OKABE_ITO["vermillion"], "abstain": OKABE_ITO["grey"]}


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
