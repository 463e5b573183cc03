"""`make bench`: measure the kit against its floors and append the figures to benchmarks/RESULTS.md.

1. `import kit`, beside the floor: importing pandas, plotly.express and ipywidgets alone (goal: within 1.2x).
2. Each notebook run in a fresh kernel, as nbval runs it, and the whole kit, beside the floor: one kernel start plus
   those imports per notebook (goal: whole kit within 1.5x of notebooks x floor).
3. Python-side latency of every widget interaction, inside a real kernel: median and 95th percentile over at least
   100 interactions each (goal: median under 10 ms).
4. In the real browser: time from a widget change to the updated chart drawn (goal: under 300 ms), when Chromium
   and Playwright are available.
5. On a real JupyterHub (the hub test): hub start, login to an open notebook, Run All; and the install time of the
   student set (requirements.txt) against the full set (requirements-dev.txt). See benchmarks/hub.py.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
FLOOR_IMPORTS = "import pandas, plotly.express, ipywidgets"


def _median_run(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_import(runs: int = 9) -> dict:
    """Return the median wall time of `import kit` and of its floor, each in a fresh interpreter."""
    _median_run("import kit", 2)  # warm the file cache
    python = _median_run("pass", runs)
    floor = _median_run(FLOOR_IMPORTS, runs)
    kit = _median_run("import kit", runs)
    return {"python_s": python, "floor_s": floor, "kit_s": kit, "ratio": kit / floor}


def _execute(path: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def bench_notebooks(runs: int = 3) -> dict:
    """Return the median execution time of each notebook (fresh kernel each run) and of the floor notebook."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    floor_nb = ROOT / "build" / "bench_floor.ipynb"
    floor_nb.parent.mkdir(exist_ok=True)
    nb = new_notebook(cells=[new_code_cell(FLOOR_IMPORTS)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, floor_nb)
    floor = statistics.median(_execute(floor_nb) for _ in range(runs))
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    per = {p.name: statistics.median(_execute(p) for _ in range(runs)) for p in notebooks}
    total = sum(per.values())
    return {"floor_s": floor, "notebooks": per, "total_s": total, "ratio": total / (len(per) * floor)}


# Code run inside a kernel: drive every widget the kit offers and time each interaction.
KERNEL_CODE = r'''
import json, statistics, time
from benchmarks.widgets import INTERACTIONS
results = {}
for name, make, steps in INTERACTIONS:
    widget = make()
    times = []
    for i in range(max(100, len(steps))):
        step = steps[i % len(steps)]
        start = time.perf_counter()
        step(widget)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    results[name] = {"n": len(times), "median_ms": statistics.median(times),
                     "p95_ms": times[int(0.95 * (len(times) - 1))]}
print("KIT-BENCH " + json.dumps(results))
'''


def bench_widgets() -> dict:
    """Return median and 95th-percentile latency (ms) of each widget interaction, measured inside a kernel."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    out = []
    try:
        kc.execute_interactive(KERNEL_CODE, timeout=900,
                               output_hook=lambda m: out.append(m["content"].get("text", ""))
                               if m["msg_type"] == "stream" else None)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    line = next((ln for ln in "".join(out).splitlines() if ln.startswith("KIT-BENCH ")), None)
    if line is None:
        raise RuntimeError("the widget benchmark printed no result:\n" + "".join(out)[-2000:])
    return json.loads(line[len("KIT-BENCH "):])


def bench_browser() -> dict:
    """Return the time (ms) from a widget change to the redrawn chart in JupyterLab, or why it was not measured."""
    try:
        from benchmarks.browser import measure
    except ImportError as err:
        return {"skipped": f"browser benchmark unavailable: {err}"}
    return measure()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem_s = f"{mem / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        mem_s = "RAM unknown"
    return f"{os.cpu_count()} cores ({cpu}), {mem_s}, Python {platform.python_version()}, {platform.system()}"


def report(imp: dict, nbs: dict, widgets: dict, browser: dict, hub: dict | None = None,
           install: dict | None = None) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"## {now}", "", f"Machine: {machine()}.", "",
             "| measure | figure | floor | ratio | goal | met |", "|---|---|---|---|---|---|",
             f"| `import kit` | {imp['kit_s']:.2f} s | {imp['floor_s']:.2f} s (pandas + plotly.express + ipywidgets) "
             f"| {imp['ratio']:.2f}x | ≤ 1.2x | {'yes' if imp['ratio'] <= 1.2 else 'no'} |",
             f"| whole kit, {len(nbs['notebooks'])} notebooks | {nbs['total_s']:.1f} s | "
             f"{nbs['floor_s']:.2f} s per notebook (kernel start + imports) | {nbs['ratio']:.2f}x | ≤ 1.5x | "
             f"{'yes' if nbs['ratio'] <= 1.5 else 'no'} |"]
    for name, t in nbs["notebooks"].items():
        lines.append(f"| {name} | {t:.1f} s | {nbs['floor_s']:.2f} s | {t / nbs['floor_s']:.2f}x | | |")
    for name, w in widgets.items():
        lines.append(f"| widget: {name} (n={w['n']}) | median {w['median_ms']:.1f} ms, p95 {w['p95_ms']:.1f} ms | | | "
                     f"median < 10 ms | {'yes' if w['median_ms'] < 10 else 'no'} |")
    if "skipped" in browser:
        lines.append(f"| browser: widget change to chart drawn | not measured: {browser['skipped']} | | | < 300 ms | |")
    else:
        for name, b in browser.items():
            lines.append(f"| browser: {name} (n={b['n']}) | median {b['median_ms']:.0f} ms, max {b['max_ms']:.0f} ms "
                         f"| | | < 300 ms | {'yes' if b['median_ms'] < 300 else 'no'} |")
    if hub is not None and install is not None:
        from benchmarks.hub import report_rows

        lines += report_rows(hub, install)
    from benchmarks.simulation import report_rows as simulation_rows

    lines += simulation_rows()
    return "\n".join(lines) + "\n"


def main():
    sys.path.insert(0, str(ROOT))
    print("import time…", flush=True)
    imp = bench_import()
    print("notebooks…", flush=True)
    nbs = bench_notebooks()
    print("widgets…", flush=True)
    widgets = bench_widgets()
    print("browser…", flush=True)
    browser = bench_browser()
    from benchmarks.hub import measure_hub, measure_install

    print("hub…", flush=True)
    hub = measure_hub()
    print("install times…", flush=True)
    install = measure_install()
    text = report(imp, nbs, widgets, browser, hub, install)
    print(text)
    header = "# Benchmark results\n\nAppended by `make bench`; the newest run is last.\n\n"
    previous = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else header
    RESULTS.write_text(previous.rstrip("\n") + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
