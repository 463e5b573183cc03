"""Launch buttons: a Binder and a hub link for every notebook, in the README and in notebook 00."""
import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import kit
from kit import launch
from kit.classroom import ClassroomError
from kit.course import PLAN
from tests.notebook_list import ROOT

REPO = "https://github.com/un-cyber-kit/un-cyber-kit"
HUB = "https://hub.example.edu"


def test_every_notebook_gets_a_binder_link_that_opens_it():
    links = kit.launch_links(repo=REPO)
    assert list(links["number"]) == [n for n, *_ in PLAN]
    for r, (_, fname, _, _) in zip(links.itertuples(), PLAN):
        parts = urlsplit(r.binder)
        assert parts.netloc == "mybinder.org" and parts.path == "/v2/gh/un-cyber-kit/un-cyber-kit/main"
        assert parse_qs(parts.query)["urlpath"] == [f"lab/tree/notebooks/{fname}"]
        assert (ROOT / "notebooks" / fname).exists()
    assert (links["hub"] == "").all(), "no hub given, no hub link"


def test_hub_links_are_the_nbgitpuller_links_the_hub_test_uses():
    links = kit.launch_links(repo=REPO + ".git", hub=HUB, branch="course-2027")
    for r, (_, fname, _, _) in zip(links.itertuples(), PLAN):
        assert r.hub == kit.classroom.pull_link(HUB, REPO + ".git", "course-2027", fname)
        q = parse_qs(urlsplit(r.hub).query)
        assert q["targetpath"] == ["un-cyber-kit"] and q["urlpath"] == [f"lab/tree/un-cyber-kit/notebooks/{fname}"]
        assert urlsplit(r.binder).path.endswith("/un-cyber-kit/course-2027"), ".git is not part of Binder's path"


def test_a_repository_off_github_uses_binders_git_provider():
    link = launch.binder_link("https://gitlab.example.org/teach/kit.git", "03")
    parts = urlsplit(link)
    assert parts.path.startswith("/v2/git/") and parts.path.endswith("/main")
    assert unquote(parts.path.split("/")[3]) == "https://gitlab.example.org/teach/kit.git"
    assert parse_qs(parts.query)["urlpath"] == ["lab/tree/notebooks/03_votes_and_coalitions.ipynb"]


@pytest.mark.parametrize("repo,branch,notebook,words", [
    ("git@github.com:a/b.git", "main", "00", "https://"),
    ("https://github.com/a/b?x=1", "main", "00", "without '?'"),
    (REPO, "a..b", "00", "branch"),
    (REPO, "main", "42", "choose one of: 00_start_here.ipynb"),
])
def test_bad_addresses_get_a_clear_error(repo, branch, notebook, words):
    with pytest.raises(ClassroomError, match=words.replace("?", r"\?").replace(".", r"\.")):
        launch.binder_link(repo, notebook, branch)


def test_without_a_known_home_the_buttons_say_how_to_set_it(monkeypatch):
    monkeypatch.delenv("KIT_REPOSITORY", raising=False)
    monkeypatch.setattr(launch, "_origin_url", lambda: "/srv/checkouts/kit")  # a local clone: not a web address
    shown = kit.launch_buttons()
    assert shown.links is None and "KIT_REPOSITORY" in shown._repr_html_()
    monkeypatch.setenv("KIT_REPOSITORY", REPO)
    monkeypatch.setenv("KIT_HUB_URL", HUB)
    page = kit.launch_buttons()._repr_html_()
    assert page.count("on Binder</a>") == len(PLAN) and page.count("on the hub</a>") == len(PLAN)


def test_readme_table_is_what_the_kit_builds_for_the_addresses_it_names():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block, settings = launch.readme_block(text)
    assert settings.get("repo"), "the marker names the repository the table is built for"
    assert block == launch.launch_markdown(settings["repo"], settings.get("hub"), settings.get("branch", "main")), (
        "README's launch buttons are out of date: run python -m kit.launch --repo URL [--hub URL] --write-readme")
    assert block.count("mybinder.org/v2/") == len(PLAN)


def test_write_readme_replaces_only_the_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Kit\n\nbefore\n\n{launch.launch_markdown(REPO)}\n\nafter\n", encoding="utf-8")
    launch.write_readme("https://github.com/other/kit", HUB, path=readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Kit\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    assert "other/kit" in text and REPO not in text and text.count("on the hub") == len(PLAN)


def test_command_line_prints_the_table_and_refuses_a_bad_address(capsys):
    assert launch.main(["--repo", REPO, "--hub", HUB]) == 0
    assert capsys.readouterr().out.count("git-pull") == len(PLAN)
    assert launch.main(["--repo", "ftp://x.org/k"]) == 2
    assert "https://" in capsys.readouterr().err


def test_notebook_00_shows_the_launch_buttons():
    nb = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert "kit.launch_buttons()" in code


def test_all_names_the_public_api():
    exported = set(kit.__all__)
    assert len(exported) == len(kit.__all__), "a name is listed twice in kit.__all__"
    assert all(hasattr(kit, n) for n in exported)
    public = {n for n in dir(kit) if not n.startswith("_") and getattr(getattr(kit, n), "__module__", "kit")
              .startswith("kit") and not isinstance(getattr(kit, n), type(kit))}
    modules = {"exercises", "compare"}
    assert public - exported == set(), f"public but not in __all__: {sorted(public - exported)}"
    assert modules <= exported
