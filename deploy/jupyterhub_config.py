# JupyterHub settings for running the kit with a class on The Littlest JupyterHub (TLJH).
#
# Install: copy this file to /opt/tljh/config/jupyterhub_config.d/un_cyber_kit.py, then `sudo tljh-config reload`.
# TLJH keeps its own settings (authenticator, users, the idle culler) in tljh-config; this file adds only what the kit
# needs. The hub test (tests/hub/test_hub.py, `make test-hub`) loads this very file first, then puts its own test
# settings on top (dummy login, a simple local spawner, ports on 127.0.0.1), so everything set here is tested.
#
# The student environment (TLJH's /opt/tljh/user) needs the kit and its pinned requirements, installed once by an
# admin from a root-owned clone, so that students can read the kit but not change it:
#     sudo git clone https://github.com/OWNER/REPO /srv/un-cyber-kit
#     cd /srv/un-cyber-kit && sudo -E /opt/tljh/user/bin/python -m pip install -r requirements.txt
# requirements.txt includes nbgitpuller, which enables itself as a Jupyter server extension on install.
# Students then arrive through the links of `python -m kit.classroom link --hub https://HUB --notebook 02`.

c = get_config()  # noqa: F821 (defined by JupyterHub when it reads this file)

# Students land in JupyterLab; the kit's nbgitpuller links open lab/tree/REPO/notebooks/NN_....ipynb.
c.Spawner.default_url = "/lab"
# A link opened when the student's server is not running (the first time, or after the idle culler stopped it) starts
# the server after a second, instead of showing a "Launch server" button the student must find and press.
c.JupyterHub.implicit_spawn_seconds = 1

# Each student's answers are saved in their own home: ~/answers/my_answers.json when the kit is installed read-only
# for the class as above (kit/answers.py, default_path). Never set KIT_ANSWERS_FILE in c.Spawner.environment: it would
# send every student's answers to the same file.

# A kernel running one of the kit's notebooks, widgets and charts drawn, took 120 to 180 MB in the hub test;
# leave room for two or three notebooks open at once.
# TLJH's systemd spawner enforces these (tljh-config's limits.memory and limits.cpu do
# the same); the test's simple spawner only passes them on as MEM_LIMIT and CPU_LIMIT.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1

# The instructor: make their account an admin (`sudo tljh-config add-item users.admin instructor`); on TLJH admins
# have sudo, which gathering hand-ins from students' homes (/home/jupyter-NAME/answers/) needs.
# Idle servers: TLJH runs jupyterhub-idle-culler itself; set its timeout with tljh-config, e.g. one hour:
#     sudo tljh-config set services.cull.timeout 3600 && sudo tljh-config reload
