"""The environments and deployment files agree with each other and with what the hub test runs.

- requirements.txt is what students need (Binder and hub images build it alone): nbgitpuller in, test tools out;
  requirements-dev.txt adds the test tools on top of it, every package pinned once.
- deploy/values.yaml (Zero to JupyterHub) says what deploy/jupyterhub_config.py (TLJH, loaded by the hub test) says.
"""
import re
from pathlib import Path

import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
DEV_ONLY = {"pytest", "nbval", "playwright", "hypothesis", "frictionless", "jupyterhub"}


def _pins(path: Path) -> dict:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            name = re.sub(r"[-_.]+", "-", name).lower()
            assert name not in pins, f"{path.name}: {name} pinned twice"
            pins[name] = version
        elif line and not line.startswith(("-e ", "-r ")):
            raise AssertionError(f"{path.name}: not a pin: {line!r}")
    return pins


def test_student_and_dev_requirements_are_split():
    student, dev = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    assert student.get("nbgitpuller") and {"jupyterlab", "ipywidgets", "pandas", "plotly", "ipykernel"} <= set(student)
    assert not DEV_ONLY & set(student), f"test tools in requirements.txt: {DEV_ONLY & set(student)}"
    assert DEV_ONLY <= set(dev)
    assert not set(student) & set(dev), f"pinned in both files: {set(student) & set(dev)}"
    text = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert re.search(r"^-r requirements\.txt$", text, re.M)
    assert re.search(r"^-e \.$", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)


def test_binder_and_the_hub_image_build_the_student_set():
    assert not (ROOT / "binder").exists() and not (ROOT / "environment.yml").exists(), \
        "Binder would build binder/ or environment.yml instead of requirements.txt"
    assert (ROOT / "runtime.txt").read_text().strip().startswith("python-3")
    docker = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "-r requirements.txt" in docker and "requirements-dev" not in docker


def _tljh_config() -> Config:
    c = Config()
    code = (ROOT / "deploy" / "jupyterhub_config.py").read_text(encoding="utf-8")
    exec(compile(code, "deploy/jupyterhub_config.py", "exec"), {"get_config": lambda: c, "c": c})
    return c


def test_z2jh_values_say_what_the_tested_hub_config_says():
    c = _tljh_config()
    values = yaml.safe_load((ROOT / "deploy" / "values.yaml").read_text(encoding="utf-8"))
    single = values["singleuser"]
    assert single["defaultUrl"] == c.Spawner.default_url == "/lab"
    assert values["hub"]["config"]["JupyterHub"]["implicit_spawn_seconds"] == c.JupyterHub.implicit_spawn_seconds
    assert single["memory"]["limit"] == c.Spawner.mem_limit
    assert single["cpu"]["limit"] == c.Spawner.cpu_limit
    assert single["storage"]["type"] == "dynamic" and single["storage"]["homeMountPath"] == "/home/jovyan"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    for env in (single.get("extraEnv") or {}, dict(c.Spawner.get("environment", {}))):
        assert "KIT_ANSWERS_FILE" not in env, "one answers path for every student"
