"""What the hub test runs on 127.0.0.1: the kit's repository over git's smart HTTP, and a real JupyterHub.

- ``GitServer``: a bare clone of the kit served by ``git http-backend`` behind a tiny threaded HTTP server (CGI by
  hand), because nbgitpuller clones with ``--depth 1``, which plain file serving ("dumb" HTTP) cannot answer.
- ``Hub``: ``jupyterhub`` with deploy/jupyterhub_config.py loaded first (what an instructor would deploy), then the
  test's own settings: the dummy authenticator, the simple local spawner (each user's home its own folder under a
  temporary directory), configurable-http-proxy from node_modules, free ports.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]
CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
VENV_BIN = Path(sys.executable).parent
GIT_ID = ["-c", "user.name=Instructor", "-c", "user.email=instructor@example.edu", "-c", "commit.gpgsign=false"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(*args, cwd=None) -> str:
    proc = subprocess.run(["git", *GIT_ID, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0"))
    if proc.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# ---------------------------------------------------------------------------- git over smart HTTP

class _GitCGI(BaseHTTPRequestHandler):
    """Hand each request to ``git http-backend`` as CGI, and its answer back to the client."""

    project_root: str = ""
    requests: list = []

    def log_message(self, *args):  # keep the test's output quiet
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _cgi(self):
        path, _, query = self.path.partition("?")
        body = self._body() if self.command == "POST" else b""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_PROJECT_ROOT": self.project_root,
               "GIT_HTTP_EXPORT_ALL": "1", "GIT_CONFIG_NOSYSTEM": "1", "HOME": self.project_root,
               "PATH_INFO": unquote(path), "QUERY_STRING": query, "REQUEST_METHOD": self.command,
               "CONTENT_TYPE": self.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
               "REMOTE_ADDR": self.client_address[0], "SERVER_PROTOCOL": "HTTP/1.0"}
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        type(self).requests.append(f"{self.command} {path}?{query}")
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=120).stdout
        sep = b"\r\n\r\n" if b"\r\n\r\n" in out else b"\n\n"
        head, _, payload = out.partition(sep)
        status, headers = 200, []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _cgi


class GitServer:
    """Serve a bare clone of a repository at http://127.0.0.1:PORT/NAME.git over git's smart HTTP protocol."""

    def __init__(self, source: Path, root: Path, name: str = "un-cyber-kit"):
        self.root, self.name = root, name
        self.bare = root / f"{name}.git"
        git("clone", "--quiet", "--bare", str(source), str(self.bare))
        handler = type("GitCGI", (_GitCGI,), {"project_root": str(root), "requests": []})
        self.handler = handler
        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{self.name}.git"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def upstream_repo(dest: Path, files_from) -> Path:
    """Make a git repository at ``dest`` holding a clean copy of the working tree (``files_from(dest)`` copies it),
    committed on branch main, as the instructor's repository would be."""
    files_from(dest)
    git("init", "--quiet", "-b", "main", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "--quiet", "-m", "The kit as in the working tree", cwd=dest)
    return dest


# ---------------------------------------------------------------------------- JupyterHub

TEST_CONFIG = """
# The hub test's settings, on top of what the instructor deploys (deploy/jupyterhub_config.py, loaded first).
load_subconfig({deploy!r})

c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.pid_file = {tmp!r} + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + {tmp!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {tmp!r} + "/cookie_secret"
c.JupyterHub.pid_file = {tmp!r} + "/jupyterhub.pid"

# Any name logs in (no password); every student's server runs as this process, its home under the temporary folder.
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
# The kit the students import: installed once for the class from the wheel, read-only to them (as in a hub image).
c.Spawner.environment.update({{"PYTHONPATH": {kit_lib!r}}})
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
"""


class Hub:
    """A JupyterHub on 127.0.0.1 behind configurable-http-proxy, whose students' homes are under ``tmp/homes``."""

    def __init__(self, tmp: Path, kit_lib: Path):
        self.tmp, self.kit_lib = tmp, kit_lib
        self.homes = tmp / "homes"
        self.homes.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc = None
        self.log = tmp / "jupyterhub.log"
        self.start_seconds = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def home(self, user: str) -> Path:
        return self.homes / user

    def prepare_home(self, user: str, lab_settings: dict) -> Path:
        """Create ``user``'s home with JupyterLab user settings in it ({"plugin/id": {...}})."""
        home = self.home(user)
        for plugin, values in lab_settings.items():
            path = home / ".jupyter" / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        return home

    def start(self, timeout: float = 90) -> "Hub":
        args = ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
                "--LabServerApp.extension_manager=readonly"]
        if os.geteuid() == 0:
            args.insert(0, "--allow-root")  # the test (and CI) runs as root
        config = self.tmp / "jupyterhub_config.py"
        config.write_text(TEST_CONFIG.format(
            deploy=str(DEPLOY_CONFIG), port=self.port, hub_port=free_port(), api_port=free_port(), chp=str(CHP),
            tmp=str(self.tmp), homes=str(self.homes), singleuser=str(VENV_BIN / "jupyterhub-singleuser"),
            args=args, kit_lib=str(self.kit_lib)))
        # The hub's own environment: the test venv first on PATH (git and node from the system); nothing of the test
        # process's KIT_* settings (KIT_ANSWERS_FILE above all: each student's answers must go to their own home).
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("KIT_", "PYTHONPATH", "JUPYTER", "VIRTUAL_ENV", "CONFIGPROXY"))}
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
        started = time.monotonic()
        self.proc = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=self.tmp, env=env,
                                     stdout=open(self.log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2) as r:
                    if r.status == 200:
                        self.start_seconds = time.monotonic() - started
                        return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"jupyterhub did not answer within {timeout} s:\n{self.tail()}")

    def tail(self, n: int = 6000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return "(no log)"

    def _children(self) -> list[int]:
        """Return the process ids of the students' servers (the hub's database) and of the proxy (its pid file)."""
        import sqlite3

        pids = []
        try:
            with sqlite3.connect(self.tmp / "jupyterhub.sqlite") as db:
                for (state,) in db.execute("select state from spawners"):
                    pid = (json.loads(state) if isinstance(state, str) else state or {}).get("pid")
                    if pid:
                        pids.append(int(pid))
        except Exception:  # no database yet, or another schema: the hub's own shutdown is what counts
            pass
        try:
            pids.append(int((self.tmp / "proxy.pid").read_text().strip()))
        except (OSError, ValueError):
            pass
        return pids

    def stop(self):
        """Stop the hub (it stops the students' servers and the proxy it started); kill what is left of them."""
        if self.proc is None:
            return
        children = self._children()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        for pid in children:  # each started by this hub, by its id (the hub's shutdown normally stopped them)
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"jupyterhub-singleuser" in cmdline or b"configurable-http-proxy" in cmdline:
                    os.kill(pid, signal.SIGTERM)
            except (OSError, ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # only this hub's own process group
        except (ProcessLookupError, PermissionError):
            pass


def unlock(path: Path):
    """Make a read-only tree removable again (the class-wide kit install) and remove it."""
    for p in [path, *path.rglob("*")]:
        try:
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        except OSError:
            pass
    shutil.rmtree(path, ignore_errors=True)
