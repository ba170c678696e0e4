"""Browser tests: the real server (`encours serve`) and worker (`encours worker`) run as subprocesses on their
own SQLite files, and headless Debian Chromium drives them through Playwright.

Two servers, started when a test first needs them and stopped at the end of the session:
- ``demo_server``: a small demo portfolio and the eight demo users (one per role);
- ``import_server``: an empty database with only the accountant ``compta``, for the imports, so that the
  expected balances of the real FEC files are exact.

The tests read the databases directly (sqlite3, read-only) to compare the pages with what is stored; they
do not use pytest-django's test database. Screenshots go to var/artifacts/screenshots/.
"""
from __future__ import annotations

import gettext
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from encours.accounts.roles import Role
from tests.apps.realdata import FEC_FILES

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "artifacts" / "screenshots"
LOGS = ROOT / "var" / "artifacts" / "browser-logs"
CHROMIUM = os.environ.get("ENCOURS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}

PASSWORD = "encours-demo"
# The demo users (encours/demo/loading.py), written out here so that the tests check the demo, not copy it.
DEMO_USERS = {
    "admin": Role.ADMIN, "credit": Role.CREDIT_MANAGER, "relance1": Role.COLLECTOR, "relance2": Role.COLLECTOR,
    "compta": Role.ACCOUNTANT, "commercial1": Role.SALES, "commercial2": Role.SALES, "audit": Role.AUDITOR,
}
DEMO_CUSTOMERS, DEMO_INVOICES = 300, 5000

_french = gettext.translation("django", localedir=ROOT / "encours" / "locale", languages=["fr"], fallback=True)


def french(msgid: str) -> str:
    """The French text of a message, as the server shows it: the msgid itself when no catalogue is compiled."""
    return _french.gettext(msgid)


def french_catalogue_compiled() -> bool:
    return (ROOT / "encours" / "locale" / "fr" / "LC_MESSAGES" / "django.mo").is_file()


# --------------------------------------------------------------------------- servers
@dataclass
class Server:
    name: str
    base_url: str
    database: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read-only query on the server's database (WAL: reads while the server writes)."""
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def scalar(self, sql: str, params: tuple = ()):
        return self.query(sql, params)[0][0]


def _encours_command() -> list[str]:
    script = Path(sys.executable).with_name("encours")
    return [str(script)] if script.exists() else [sys.executable, "-m", "encours.cli"]


def _environment(database: Path, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENCOURS_", "DJANGO_"))}
    env.update(
        ENCOURS_DATABASE_URL=f"sqlite:///{database}",
        ENCOURS_VAR_DIR=str(var_dir),
        ENCOURS_SECRET_KEY="browser-tests-only-not-a-secret-" + "k" * 40,
        ENCOURS_HTTPS="false",
        ENCOURS_ALLOWED_HOSTS="127.0.0.1,localhost",
        ENCOURS_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(_encours_command() + args, env=env, cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"encours {' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_django(env: dict[str, str], code: str) -> None:
    """Run ``code`` (which sets Django up itself) in a process on the server's database."""
    done = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "encours.settings"},
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"encours serve exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"encours serve did not answer {url} within {timeout:.0f} s:\n{_tail(log)}")
            time.sleep(0.1)  # polling a condition: the port is not open yet


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # the worker finishes the task it runs, then exits
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _launch(name: str, tmp: Path, prepare) -> Server:
    """Prepare a fresh database in ``tmp`` with ``prepare(env)``, then start the server and the worker."""
    database, var_dir, port = tmp / f"{name}.sqlite3", tmp / "var", _free_port()
    env = _environment(database, var_dir)
    prepare(env)
    server = Server(name, f"http://127.0.0.1:{port}", database)
    for role, args in (("serve", ["serve", "--host", "127.0.0.1", "--port", str(port)]),
                       ("worker", ["worker", "--interval", "0.2"])):
        log = tmp / f"{name}-{role}.log"
        with log.open("wb") as out:
            server.processes.append(subprocess.Popen(
                _encours_command() + args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            ))
    _wait_until_serving(server.url("/login/"), server.processes[0], tmp / f"{name}-serve.log")
    return server


def _shut_down(server: Server, tmp: Path) -> None:
    for process in reversed(server.processes):
        _stop(process)
    LOGS.mkdir(parents=True, exist_ok=True)
    for log in tmp.glob("*.log"):
        shutil.copyfile(log, LOGS / log.name)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """`encours demo` (300 customers, 5,000 invoices) on a fresh SQLite file, served with its worker."""
    tmp = tmp_path_factory.mktemp("demo")

    def prepare(env):
        _run(["demo", "--customers", str(DEMO_CUSTOMERS), "--invoices", str(DEMO_INVOICES), "--seed", "1",
              "--no-serve"], env)

    server = _launch("demo", tmp, prepare)
    yield server
    _shut_down(server, tmp)


@pytest.fixture(scope="session")
def import_server(tmp_path_factory):
    """An empty database with only the accountant `compta`, served with its worker: imports start from zero."""
    tmp = tmp_path_factory.mktemp("imports")

    def prepare(env):
        _run(["init"], env)
        _run(["user", "add", "compta", "--role", Role.ACCOUNTANT.value, "--password-stdin"], env, stdin=PASSWORD + "\n")

    server = _launch("imports", tmp, prepare)
    yield server
    _shut_down(server, tmp)


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    expect.set_options(timeout=15_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_context(browser, locale: str = "fr-FR"):
    """A fresh browser profile (no cookies) that reaches the loopback servers only: nothing from the Internet."""
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.set_default_timeout(20_000)
    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"), lambda route: route.abort())
    return context


@pytest.fixture
def page(browser):
    context = new_context(browser)
    yield context.new_page()
    context.close()


def login(page, server: Server, username: str, password: str = PASSWORD):
    """Log in through the form; returns the response of the page the form led to."""
    page.goto(server.url("/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation() as navigation:
        page.click("form.login button[type=submit]")
    return navigation.value


def screenshot(page, name: str) -> Path:
    """A 1440×900 screenshot of what the browser shows, into var/artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture(scope="session")
def imported(browser, import_server):
    """The four real FEC files imported by `compta` through the Imports page; the page of each job."""
    assert len(FEC_FILES) == 4
    context = new_context(browser)
    page = context.new_page()
    login(page, import_server, "compta")
    jobs = {}
    for path in FEC_FILES:
        assert upload(page, import_server, path) == "done", page.locator("main").inner_text()
        jobs[path.name] = page.url
        if path.name.startswith("111111111"):
            screenshot(page, "08-import-result")
    page.goto(import_server.url("/imports/"))
    screenshot(page, "07-imports")
    yield jobs
    context.close()


# --------------------------------------------------------------------------- pages
FINISHED = re.compile(r"\bstatus-(done|refused|failed)\b")
FRENCH_AMOUNT = re.compile(r"(-|\u2212)?(\d{1,3}(?:\u202f\d{3})*),(\d{2})\u00a0€")


def french_amount(text: str) -> Decimal:
    """'1 234,56 €' (narrow no-break space between thousands, no-break space before €) as a Decimal."""
    match = FRENCH_AMOUNT.fullmatch(text.strip())
    assert match, f"not an amount in French: {text!r}"
    sign, units, cents = match.groups()
    return Decimal(f"{'-' if sign else ''}{units.replace(chr(0x202F), '')}.{cents}")


def upload(page, server, path: Path, kind: str = "fec") -> str:
    """Import ``path`` through the Imports page and wait for the worker to finish it; the job's status."""
    page.goto(server.url("/imports/"))
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("select[name=kind]").select_option(kind)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert re.search(r"/imports/\d+/$", page.url), page.url
    # The page polls its status and reloads itself once the import is finished.
    expect(page.locator("#job-status")).to_have_class(FINISHED, timeout=180_000)
    return re.search(r"status-(\w+)", page.locator("#job-status").get_attribute("class")).group(1)
