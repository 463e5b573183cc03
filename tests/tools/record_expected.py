"""Run every notebook and record the outputs of cells tagged nbval-check-output into tests/expected_outputs.json."""
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.notebook_list import notebook_paths

ROOT = Path(__file__).resolve().parents[2]




def record(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "nbval-check-output" in cell.metadata.get("tags", []):
            outputs = []
            for o in cell.outputs:
                o = dict(o)
                o.pop("execution_count", None)
                outputs.append(o)
            out[cell.id] = outputs
    return out


def main():
    """Record every notebook, or only those named on the command line (the others' records are kept)."""
    target = ROOT / "tests" / "expected_outputs.json"
    chosen = [Path(a).resolve() for a in sys.argv[1:]] or notebook_paths()
    expected = json.loads(target.read_text(encoding="utf-8")) if sys.argv[1:] and target.exists() else {}
    for path in chosen:
        expected.pop(path.relative_to(ROOT).as_posix(), None)
        cells = record(path)
        if cells:
            expected[path.relative_to(ROOT).as_posix()] = cells
        print(f"{path.relative_to(ROOT)}: {len(cells)} checked cell(s)", file=sys.stderr)
    target.write_text(json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
