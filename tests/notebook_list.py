"""The notebooks the tests run: every notebook in notebooks/ and the template in docs/."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def notebook_paths() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "docs").glob("*.ipynb"))
