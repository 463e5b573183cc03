"""The kit works with no network: every notebook runs with the network cut off, and nothing tries to fetch."""
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.notebook_list import ROOT, notebook_paths

# Blocks every connection that does not stay on this machine (a fallback where network namespaces are unavailable).
GUARD = textwrap.dedent('''
    import socket
    _connect = socket.socket.connect
    def _local(address):
        host = address[0] if isinstance(address, tuple) else address
        return isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost") or "/" in host)
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address):
            raise OSError(f"network access blocked by the kit's offline test: {address}")
        return _connect(self, address)
    socket.socket.connect = connect
    _getaddrinfo = socket.getaddrinfo
    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost") and not str(host).startswith("127.") and host != "::1":
            raise socket.gaierror(f"name lookup blocked by the kit's offline test: {host}")
        return _getaddrinfo(host, *args, **kwargs)
    socket.getaddrinfo = getaddrinfo
''')


def _namespace_available() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    try:
        return subprocess.run(["unshare", "-rn", "ip", "link", "set", "lo", "up"], capture_output=True,
                              timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """Return a function that runs a command with no network: in a new network namespace, or with sockets guarded."""
    import os

    guard_dir = tmp_path_factory.mktemp("guard")
    (guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=f"{guard_dir}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    namespace = _namespace_available()

    def run(args, timeout=900):
        cmd = [str(a) for a in args]
        if namespace:  # a private network namespace with only the loopback interface up
            cmd = ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *cmd]
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)

    run.mode = "network namespace" if namespace else "socket guard"
    return run


def test_the_offline_harness_really_blocks_the_network(offline):
    result = offline([sys.executable, "-c",
                      "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/', timeout=5)"])
    assert result.returncode != 0, f"{offline.mode}: a web request succeeded"


def test_every_notebook_runs_offline(offline):
    paths = [p.relative_to(ROOT) for p in notebook_paths()]
    result = offline([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                      "--nbval-current-env", *paths])
    assert result.returncode == 0, f"{offline.mode}:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
    assert " passed" in result.stdout
