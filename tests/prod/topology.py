"""The production topology on loopback: nginx (Debian's package) configured from the
README's example site, two daphne processes with production settings, on the machine's
PostgreSQL and Redis.

    python -m tests.prod.topology up             # serve until Ctrl-C (`make prod-local`)
    python -m tests.prod.topology run -- CMD ... # start, run CMD, stop; exits with CMD's code

The nginx site is docs/deploy/nginx.conf with only what a loopback run must change: the
addresses and ports, a self-signed certificate, the project's folders, and `$http_host`
for `$host` (the port is part of the origin here). Daphne runs exactly as the systemd unit
starts it, and like the unit's `Restart=always` / `RestartSec=2`, a process that dies is
started again after two seconds. Each start begins from a fresh database (migrated, the
demo seeded) and an empty Redis database. While it runs, `.prod-local/state.json` (the
path is in PROD_LOCAL_STATE for CMD) says where everything is; stopping leaves nothing
running.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
WORKDIR = Path(os.environ.get("PROD_LOCAL_DIR", ROOT / ".prod-local"))
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).with_name("daphne"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RESTART_SEC = 2  # as the systemd unit says
START_TIMEOUT = 120  # seconds: Django + Wagtail import slowly on a loaded 2-core machine


@dataclass
class Config:
    https_port: int = int(os.environ.get("PROD_LOCAL_HTTPS_PORT", "8443"))
    http_port: int = int(os.environ.get("PROD_LOCAL_HTTP_PORT", "8080"))
    daphne_ports: list[int] = field(
        default_factory=lambda: [
            int(port) for port in os.environ.get("PROD_LOCAL_DAPHNE_PORTS", "8001,8002").split(",")
        ]
    )
    database_url: str = os.environ.get(
        "PROD_LOCAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/conseil_prod_local"
    )
    redis_url: str = os.environ.get("PROD_LOCAL_REDIS_URL", "redis://127.0.0.1:6379/3")

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"


def django_env(config: Config, workdir: Path) -> dict[str, str]:
    """The environment file of docs/deploy/env.example, for this loopback address."""
    origins = f"https://127.0.0.1:{config.https_port},https://localhost:{config.https_port}"
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "council.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": origins,
        "BASE_URL": config.url,
        "DATABASE_URL": config.database_url,
        "REDIS_URL": config.redis_url,
        "CHANNEL_PREFIX": "prodlocal",
        "CACHE_PREFIX": "prodlocal",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "staticfiles"),
        # The demo's accounts, so that people can log in (they skip the TOTP set-up).
        "DEMO": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("EMAIL_HOST", "SMS_GATEWAY_URL", "SQLITE_PATH", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    return env


def nginx_site(config: Config, workdir: Path) -> str:
    """docs/deploy/nginx.conf, moved to loopback."""
    site = (ROOT / "docs" / "deploy" / "nginx.conf").read_text()
    # The upstream's servers on this run's ports, with the site's parameters (fail_timeout…).
    params = re.search(r"    server 127\.0\.0\.1:\d+([^;\n]*);\n", site)
    options = params.group(1) if params else ""
    upstreams = "".join(f"    server 127.0.0.1:{port}{options};\n" for port in config.daphne_ports)
    site, count = re.subn(r"(    server 127\.0\.0\.1:\d+[^;\n]*;\n)+", upstreams, site)
    if not count:
        raise RuntimeError("docs/deploy/nginx.conf no longer lists its daphne servers")
    replacements = [
        (r"listen 80;", f"listen 127.0.0.1:{config.http_port};"),
        (r"listen 443 ssl( http2)?;", f"listen 127.0.0.1:{config.https_port} ssl http2;"),
        (r"\n *listen \[::\]:[^\n]*;", ""),
        (r"server_name conseil\.example\.org;", "server_name 127.0.0.1 localhost;"),
        (r"https://\$host\$request_uri", f"https://$host:{config.https_port}$request_uri"),
        (r"/etc/letsencrypt/live/conseil\.example\.org/fullchain\.pem", str(workdir / "cert.pem")),
        (r"/etc/letsencrypt/live/conseil\.example\.org/privkey\.pem", str(workdir / "key.pem")),
        (r"/srv/conseil-ouvert/staticfiles", f"{workdir}/staticfiles"),
        (r"/srv/conseil-ouvert/media/", f"{workdir}/media/"),
        (r"proxy_set_header Host \$host;", "proxy_set_header Host $http_host;"),
    ]
    for pattern, replacement in replacements:
        site, found = re.subn(pattern, replacement.replace("\\", "\\\\"), site)
        count += found
        if not found:
            raise RuntimeError(f"docs/deploy/nginx.conf no longer has {pattern!r}")
    if "/srv/" in site or "/etc/letsencrypt/" in site:
        raise RuntimeError("docs/deploy/nginx.conf names a server path this run does not move")
    return site


def nginx_main(workdir: Path) -> str:
    temp = workdir / "nginx-temp"
    return f"""# Generated by tests/prod/topology.py: the http block of /etc/nginx/nginx.conf.
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
worker_rlimit_nofile 16384;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
daemon off;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {workdir}/site.conf;
}}
"""


def open_files_limit() -> None:
    """The unit's LimitNOFILE for this process and what it starts (daphne, nginx, the
    command): a live room's sockets are open files. At most the hard limit."""
    unit = (ROOT / "docs" / "deploy" / "conseil-ouvert@.service").read_text()
    match = re.search(r"^LimitNOFILE=(\d+)$", unit, re.MULTILINE)
    if match is None:
        raise RuntimeError("docs/deploy/conseil-ouvert@.service no longer sets LimitNOFILE")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = int(match.group(1))
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))


def _run(command: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as output:
        subprocess.run(command, cwd=ROOT, env=env, stdout=output, stderr=output, check=True)


def _psql(database_url: str, sql: str) -> None:
    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def prepare(config: Config, workdir: Path, env: dict[str, str]) -> None:
    """A fresh database with the demo, an empty Redis database, static files, certificate."""
    if workdir.exists():
        shutil.rmtree(workdir)
    for folder in ("media", "nginx-temp"):
        (workdir / folder).mkdir(parents=True)
    log = workdir / "prepare.log"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7",
            "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(workdir / "key.pem"), "-out", str(workdir / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    name = urlsplit(config.database_url).path.lstrip("/")
    _psql(config.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(config.database_url, f'CREATE DATABASE "{name}"')
    redis = ["redis-cli", "-u", config.redis_url]
    subprocess.run([*redis, "flushdb"], check=True, capture_output=True)
    manage = [PYTHON, str(ROOT / "manage.py")]
    _run([*manage, "migrate", "--noinput", "-v0"], env, log)
    _run([*manage, "seed_demo"], env, log)
    _run([*manage, "collectstatic", "--noinput", "--clear", "-v0"], env, log)
    (workdir / "site.conf").write_text(nginx_site(config, workdir))
    (workdir / "nginx.conf").write_text(nginx_main(workdir))


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ssl_context(workdir: Path = WORKDIR) -> ssl.SSLContext:
    """A client context that trusts the topology's self-signed certificate."""
    return ssl.create_default_context(cafile=str(workdir / "cert.pem"))


@dataclass
class Running:
    """A running topology, as its state file describes it (for tests and benchmarks)."""

    state_path: Path

    @property
    def state(self) -> dict:
        # Read each time: a restarted daphne has a new pid.
        return json.loads(self.state_path.read_text())

    @property
    def url(self) -> str:
        return self.state["url"]

    @property
    def ssl(self) -> ssl.SSLContext:
        return ssl_context(Path(self.state["workdir"]))

    @property
    def env(self) -> dict[str, str]:
        """The environment the daphne processes run with (settings, database, Redis)."""
        return {**os.environ, **self.state["env"], "PYTHONPATH": str(ROOT)}

    def run(self, *args: str, timeout: float = 300) -> str:
        """Run Python (`-m module …`, `-c code`) in that environment; its output."""
        result = subprocess.run(
            [PYTHON, *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(
                f"python {' '.join(args)[:80]} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def python(self, code: str, timeout: float = 120) -> str:
        """Run Django code against the topology's database; its output."""
        return self.run("-c", "import django; django.setup()\n" + code, timeout=timeout)

    @classmethod
    def from_environment(cls) -> Running | None:
        path = os.environ.get("PROD_LOCAL_STATE")
        return cls(Path(path)) if path and Path(path).exists() else None


class Topology:
    def __init__(self, config: Config | None = None, workdir: Path = WORKDIR) -> None:
        self.config = config or Config()
        self.workdir = workdir
        self.env: dict[str, str] = {}
        self.daphne: dict[int, subprocess.Popen[bytes]] = {}
        self.nginx: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    # --- processes ----------------------------------------------------------------------

    def _start_daphne(self, port: int) -> None:
        # ExecStart of docs/deploy/conseil-ouvert@.service.
        command = [
            DAPHNE, "--bind", "127.0.0.1", "--port", str(port), "--proxy-headers",
            "council.asgi:application",
        ]  # fmt: skip
        log = (self.workdir / f"daphne-{port}.log").open("ab")
        self.daphne[port] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )

    def _supervise(self) -> None:
        while not self._stopping.wait(0.2):
            for port, process in list(self.daphne.items()):
                if process.poll() is None:
                    continue
                if self._stopping.wait(RESTART_SEC):
                    return
                self._start_daphne(port)
                self.write_state()

    def write_state(self) -> None:
        state = {
            "url": self.config.url,
            "http_url": f"http://127.0.0.1:{self.config.http_port}",
            "cert": str(self.workdir / "cert.pem"),
            "workdir": str(self.workdir),
            "daphne": [
                {"port": port, "pid": process.pid, "url": f"http://127.0.0.1:{port}"}
                for port, process in self.daphne.items()
            ],
            "nginx_pid": self.nginx.pid if self.nginx else None,
            "database_url": self.config.database_url,
            "redis_url": self.config.redis_url,
            "env": {
                name: self.env[name]
                for name in (
                    "DJANGO_ENV", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS",
                    "CSRF_TRUSTED_ORIGINS", "BASE_URL", "DATABASE_URL", "REDIS_URL",
                    "CHANNEL_PREFIX", "CACHE_PREFIX", "MEDIA_ROOT", "STATIC_ROOT", "DEMO",
                )
            },
        }  # fmt: skip
        path = self.workdir / "state.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2))
        temporary.replace(path)

    def wait_until_serving(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        context = ssl_context(self.workdir)
        while time.monotonic() < deadline:
            if all(_port_open(port) for port in self.daphne):
                try:
                    with urllib.request.urlopen(
                        self.config.url + "/healthz", context=context, timeout=5
                    ) as response:
                        if response.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass
            for port, process in self.daphne.items():
                if process.poll() is not None:
                    raise RuntimeError(f"daphne on port {port} exited:\n{self.log(port)}")
            time.sleep(0.5)
        raise RuntimeError("the topology did not answer /healthz in time")

    def log(self, port: int) -> str:
        return (self.workdir / f"daphne-{port}.log").read_text(errors="replace")[-5000:]

    def start(self) -> None:
        busy = [
            port
            for port in (self.config.https_port, self.config.http_port, *self.config.daphne_ports)
            if _port_open(port)
        ]
        if busy:
            raise RuntimeError(f"ports already in use: {busy}")
        self.env = django_env(self.config, self.workdir)
        open_files_limit()
        print(f"Preparing {self.config.database_url} (migrate, demo, static files)…", flush=True)
        prepare(self.config, self.workdir, self.env)
        for port in self.config.daphne_ports:
            self._start_daphne(port)
        subprocess.run([NGINX, "-t", "-q", "-c", str(self.workdir / "nginx.conf")], check=True)
        nginx_log = (self.workdir / "nginx-stdout.log").open("ab")
        self.nginx = subprocess.Popen(
            [NGINX, "-c", str(self.workdir / "nginx.conf")],
            stdout=nginx_log,
            stderr=nginx_log,
            start_new_session=True,
        )
        self.write_state()
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()
        self.wait_until_serving()

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor:
            self._supervisor.join(timeout=RESTART_SEC + 5)
        processes = [*self.daphne.values(), *([self.nginx] if self.nginx else [])]
        for process in processes:
            if process.poll() is None:
                # nginx: SIGQUIT is a graceful stop; daphne: SIGTERM.
                process.send_signal(signal.SIGQUIT if process is self.nginx else signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        (self.workdir / "state.json").unlink(missing_ok=True)
        left = [
            port
            for port in (self.config.https_port, self.config.http_port, *self.config.daphne_ports)
            if _port_open(port)
        ]
        if left:
            raise RuntimeError(f"still listening after the stop: {left}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="serve until interrupted")
    run = sub.add_parser("run", help="start, run a command, stop")
    run.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args()

    topology = Topology()
    # SIGTERM (CI's timeout, `kill`) stops like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        topology.start()
        if args.command == "up":
            print(
                f"\n  Conseil ouvert (production settings, nginx + "
                f"{len(topology.daphne)} daphne): {topology.config.url}/\n"
                f"  certificate: {topology.workdir / 'cert.pem'} (self-signed)\n"
                "  Demo accounts as for `make run`. Ctrl-C stops everything.\n",
                flush=True,
            )
            while True:
                time.sleep(3600)
        argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
        env = {**os.environ, "PROD_LOCAL_STATE": str(topology.workdir / "state.json")}
        return subprocess.run(argv, cwd=ROOT, env=env).returncode
    except KeyboardInterrupt:
        return 130 if args.command == "run" else 0
    finally:
        topology.stop()


if __name__ == "__main__":
    sys.exit(main())
