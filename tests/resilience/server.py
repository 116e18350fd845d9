"""A real gunicorn (2 workers) on the test database, and a small HTTP client that signs in and keeps its cookies.

The server runs the test settings against pytest-django's test database, so it sees what a test commits: tests
that use it need transactional_db (django_db(transaction=True)).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'<input[^>]*name="version"[^>]*>')
VALUE_ATTR = re.compile(r'value="(\d+)"')


def database_url(name=None):
    """A postgres:// address of the test database (or of another database on the same server)."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    where = f"{db['HOST'] or ''}" + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{credentials}{where}/{urllib.parse.quote(name or db['NAME'], safe='')}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn dscb.wsgi with 2 workers on a free loopback port, serving the test database."""

    def __init__(self, workers=2, database=None):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database or database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            # No connection outlives its request, so nothing holds the test database when pytest drops it.
            "CONN_MAX_AGE": "0",
        }
        command = [sys.executable, "-m", "gunicorn", "dscb.wsgi", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "60"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_until_up()
        except Exception:
            self.stop()
            raise

    def _wait_until_up(self, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                status, _, _ = Browser(self.port).request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {seconds} s:\n{self.output()}")

    def output(self):
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


class Browser:
    """One person's cookies and connection to the server."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.connection = None

    def connect(self):
        """Open the connection now, so that a later request only sends."""
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.connection.connect()

    def request(self, method, path, fields=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            # gunicorn's sync workers close every connection after one answer.
            self.connection.close()
            self.connection = None
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), content

    def sign_in(self, username, password):
        status, _, page = self.request("GET", "/accounts/login/")
        assert status == 200, page
        fields = {"csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1), "username": username, "password": password}
        status, location, page = self.request("POST", "/accounts/login/", fields)
        assert status == 302 and "/accounts/login/" not in location, f"signing in as {username}: {status} {page}"
        return self


def form_fields(page):
    """The CSRF token and the version of an update form page."""
    token, version = CSRF_INPUT.search(page), VERSION_INPUT.search(page)
    assert token and version, page
    return token.group(1), int(VALUE_ATTR.search(version.group(0)).group(1))
