"""Every widget interaction `make bench` times: (name, build the widget, steps that each change one control)."""


def _setup_check():
    import kit
    return kit.check_setup()


def _exercise():
    import kit
    return kit.exercise("start_two_bodies")


INTERACTIONS = [
    ("check_setup: move the slider", _setup_check,
     [lambda w, v=v: setattr(w.slider, "value", v) for v in (1, 5, 8, 2, 0, 7)]),
    ("exercise: choose an option", _exercise,
     [lambda w, v=v: setattr(w.controls[0], "value", v) for v in w_opts] if (w_opts := [
         "The First Committee of the General Assembly", "The plenary of the General Assembly"]) else []),
]
