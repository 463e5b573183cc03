"""Launch buttons: open any notebook of the kit on Binder or on a course's JupyterHub.

``kit.launch_links()`` returns one row per notebook with its Binder link and, when a hub is known, its nbgitpuller
link (built by ``kit.classroom.pull_link``, the link the hub test uses). ``kit.launch_buttons()`` shows them as
buttons. The repository comes from the argument, else the ``KIT_REPOSITORY`` environment variable, else this
checkout's ``git remote``; the hub from the argument, else ``KIT_HUB_URL``.

``python -m kit.launch --repo URL [--hub URL] --write-readme`` rewrites the README's table of launch buttons (between
its ``launch-buttons`` markers) for the address where an instructor hosts the kit; a test checks that the committed
table is exactly what this module builds for the addresses its marker names.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pandas as pd

from .classroom import ClassroomError, _origin_url, _web_address, notebook_names, pull_link

BINDER = "https://mybinder.org"
BADGE = "https://mybinder.org/badge_logo.svg"
START = "<!-- launch-buttons:start"
END = "<!-- launch-buttons:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def _repository(repo) -> str | None:
    """Return the repository given, else KIT_REPOSITORY, else this checkout's origin if it is a web address."""
    if repo is not None:
        return repo
    if os.environ.get("KIT_REPOSITORY"):
        return os.environ["KIT_REPOSITORY"]
    origin = _origin_url()
    if origin and urlsplit(origin).scheme in ("http", "https"):
        return origin
    return None  # no origin, or a local path or ssh address that Binder and hubs cannot clone


def binder_link(repo: str, notebook: str = "00_start_here.ipynb", branch: str = "main") -> str:
    """Return the mybinder.org link that builds ``repo`` (from requirements.txt) and opens ``notebook`` in JupyterLab."""
    if not isinstance(repo, str) or not repo.strip():
        raise ClassroomError("give the kit's git repository, e.g. --repo https://github.com/OWNER/REPO")
    scheme, netloc, path, query, fragment = _web_address(repo, "repository", "https://github.com/OWNER/REPO")
    if query or fragment:
        raise ClassroomError(f"{repo!r}: give the repository's address only, without '?' or '#' parts")
    if not isinstance(branch, str) or not re.fullmatch(r"[A-Za-z0-9._/-]+", branch) or ".." in branch:
        raise ClassroomError(f"{branch!r} is not a branch name (letters, digits, '.', '_', '-', '/')")
    fname = next((f for f in notebook_names() if notebook in (f, f.removesuffix(".ipynb"), f[:2])), None)
    if fname is None:
        raise ClassroomError(f"unknown notebook {notebook!r}; choose one of: {', '.join(notebook_names())}")
    where = f"?urlpath={quote(f'lab/tree/notebooks/{fname}', safe='/')}"
    parts = [p for p in path.split("/") if p]
    if netloc == "github.com" and len(parts) == 2:
        owner, name = parts[0], parts[1].removesuffix(".git")
        return f"{BINDER}/v2/gh/{owner}/{name}/{quote(branch, safe='')}{where}"
    # any other git host: Binder's git provider takes the whole address, escaped
    full = f"{scheme}://{netloc}{path}"
    return f"{BINDER}/v2/git/{quote(full, safe='')}/{quote(branch, safe='')}{where}"


def launch_links(repo=None, hub=None, branch: str = "main") -> pd.DataFrame:
    """Return one row per notebook: number, title, binder (link) and hub (nbgitpuller link, or empty with no hub)."""
    from .course import PLAN

    repo = _repository(repo)
    if repo is None:
        raise ClassroomError("the kit's repository address is not known here: give it, e.g. "
                             "kit.launch_links(repo='https://github.com/OWNER/REPO'), or set KIT_REPOSITORY")
    hub = hub or os.environ.get("KIT_HUB_URL") or None
    rows = []
    for number, fname, title, _ in PLAN:
        rows.append({"number": number, "title": title, "binder": binder_link(repo, fname, branch),
                     "hub": pull_link(hub, repo, branch, fname) if hub else ""})
    return pd.DataFrame(rows)


def launch_markdown(repo: str, hub: str | None = None, branch: str = "main") -> str:
    """Return the README's table of launch buttons (Markdown), between its markers."""
    links = launch_links(repo, hub, branch)
    marker = f"{START} repo={repo}" + (f" hub={hub}" if hub else "") + f" branch={branch} -->"
    head = "| notebook | Binder | " + ("your hub |" if hub else "") + "\n|---|---|" + ("---|" if hub else "")
    lines = [marker, head]
    for r in links.itertuples():
        cells = f"| {r.number} {r.title} | [![Launch on Binder]({BADGE})]({r.binder}) |"
        if hub:
            cells += f" [open on the hub]({r.hub}) |"
        lines.append(cells)
    lines.append(END)
    return "\n".join(lines)


def readme_block(text: str) -> tuple[str, dict]:
    """Return the README's launch block and the settings its marker names (repo, hub, branch)."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ClassroomError(f"README.md has no launch-buttons block ({START} … {END})")
    block = text[start:end + len(END)]
    first = block.splitlines()[0]
    settings = dict(re.findall(r"(repo|hub|branch)=(\S+)", first.removesuffix("-->")))
    return block, settings


def write_readme(repo: str, hub: str | None = None, branch: str = "main", path: Path = README) -> Path:
    """Rewrite the README's launch block for ``repo`` (and ``hub``); return the README's path."""
    text = path.read_text(encoding="utf-8")
    block, _ = readme_block(text)
    new = text.replace(block, launch_markdown(repo, hub, branch))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)
    return path


class LaunchButtons:
    """The launch buttons of every notebook, shown as a table of links (HTML in a notebook, text elsewhere)."""

    def __init__(self, links: pd.DataFrame | None, message: str = ""):
        self.links, self.message = links, message

    def _repr_html_(self) -> str:
        if self.links is None:
            return f"<p class='kit-launch'>{html.escape(self.message)}</p>"
        hub = bool(self.links["hub"].astype(bool).any())
        head = "<tr><th scope='col'>Notebook</th><th scope='col'>Binder</th>" + (
            "<th scope='col'>Your course hub</th>" if hub else "") + "</tr>"
        rows = []
        for r in self.links.itertuples():
            name = html.escape(f"{r.number} {r.title}")
            cell = (f"<td><a href='{html.escape(r.binder)}' target='_blank' rel='noopener'>"
                    f"Open {html.escape(r.number)} on Binder</a></td>")
            if hub:
                cell += (f"<td><a href='{html.escape(r.hub)}' target='_blank' rel='noopener'>"
                         f"Open {html.escape(r.number)} on the hub</a></td>")
            rows.append(f"<tr><td>{name}</td>{cell}</tr>")
        note = f"<p>{html.escape(self.message)}</p>" if self.message else ""
        return f"<table class='kit-table kit-launch'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>{note}"

    def __repr__(self) -> str:
        if self.links is None:
            return self.message
        return "\n".join(f"{r.number} {r.title}: {r.binder}" + (f"  hub: {r.hub}" if r.hub else "")
                         for r in self.links.itertuples())


def launch_buttons(repo=None, hub=None, branch: str = "main") -> LaunchButtons:
    """Return the launch buttons of every notebook; with no known repository, a note on how to set it."""
    repo = _repository(repo)
    if repo is None:
        return LaunchButtons(None, "Launch buttons appear here once the kit's home is known: your instructor sets "
                                   "KIT_REPOSITORY (and KIT_HUB_URL for a course hub), or see the README's table "
                                   "of launch buttons.")
    links = launch_links(repo, hub, branch)
    message = "" if links["hub"].astype(bool).any() else (
        "No course hub is set: on a JupyterHub, your instructor's links open the same notebooks (KIT_HUB_URL).")
    return LaunchButtons(links, message)


def main(argv=None) -> int:
    """Run ``python -m kit.launch``; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m kit.launch", description=__doc__.split("\n")[0])
    parser.add_argument("--repo", default=None, help="the kit's git repository (default: KIT_REPOSITORY or origin)")
    parser.add_argument("--hub", default=None, help="a JupyterHub's address, e.g. https://hub.example.edu")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--write-readme", action="store_true", help="rewrite the README's launch-buttons table")
    args = parser.parse_args(argv)
    try:
        repo = _repository(args.repo)
        if not repo:
            raise ClassroomError("give the kit's git repository, e.g. --repo https://github.com/OWNER/REPO")
        if args.write_readme:
            print(f"wrote {write_readme(repo, args.hub, args.branch)}")
        else:
            print(launch_markdown(repo, args.hub, args.branch))
    except ClassroomError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
