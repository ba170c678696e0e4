"""`encours serve` as production runs it, behind a TLS proxy on the same machine: one waitress process, or
several gunicorn processes with --workers. The proxy's X-Forwarded-Proto is believed from 127.0.0.1 only."""
import http.client
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import (
    ROOT,
    _encours_command,
    _environment,
    _free_port,
    _run,
    _stop,
    _tail,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX systems")


def get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "localhost", **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def wait_until_answering(port: int, process: subprocess.Popen, log) -> None:
    """Any answer will do (plain http gets a redirect to https, which a URL opener would follow)."""
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, f"encours serve exited with {process.returncode}:\n{_tail(log)}"
        try:
            get(port, "/login/", {})
            return
        except OSError:
            assert time.monotonic() < deadline, f"encours serve did not answer within 90 s:\n{_tail(log)}"
            time.sleep(0.1)  # polling a condition: the port is not open yet


@pytest.mark.parametrize("workers", [1, 2])
def test_behind_a_tls_proxy_pages_are_served_and_plain_http_is_redirected(tmp_path, workers):
    env = _environment(tmp_path / "serve.sqlite3", tmp_path / "var")
    _run(["init"], env)
    env["ENCOURS_HTTPS"] = "true"
    port, log = _free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _encours_command() + ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_answering(port, process, log)
        proxied = get(port, "/login/", {"X-Forwarded-Proto": "https"})
        assert proxied.status == 200, f"{proxied.status} {proxied.getheader('Location')}"
        assert "Secure" in (proxied.getheader("Set-Cookie") or "")  # the CSRF cookie, for https only
        direct = get(port, "/login/", {})
        assert direct.status == 301 and direct.getheader("Location") == "https://localhost/login/"
    finally:
        _stop(process)
