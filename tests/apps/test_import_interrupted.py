"""An import killed in the middle leaves nothing half-done, and running it again imports the file exactly once."""
import json
import os
import signal
import subprocess
import time

from bench.import_bench import write_fec
from tests.apps.test_cli import ENCOURS, database_url, run  # noqa: F401 (database_url is a fixture)

INVOICES = 60_000


def outstanding_in_file(path) -> str:
    """Sum of the 411 debits of the generated file (every other line after the header), in text."""
    cents = sum(int(line.split("\t")[11].replace(",", "")) for line in path.read_text().splitlines()[1::2])
    return f"{cents // 100}.{cents % 100:02d}"


def test_a_killed_import_leaves_nothing_and_the_rerun_completes_it_once(database_url, tmp_path):  # noqa: F811
    path = tmp_path / "BIGFEC.txt"
    write_fec(path, customers=2_000, items=INVOICES)
    run(database_url, "init")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["ENCOURS_DATABASE_URL"] = database_url
    process = subprocess.Popen([*ENCOURS, "import", "fec", str(path)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4.0)  # here: about 3 s to start and read, 2.5 s to write; the kill lands while writing
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    after_kill = json.loads(run(database_url, "ageing", "--as-of", "2030-01-01", "--format", "json").stdout)
    # all or nothing: the kill may also land after the commit, while the process exits
    assert after_kill["total"] in ("0.00", outstanding_in_file(path))
    finished = after_kill["total"] != "0.00"

    summary = json.loads(run(database_url, "import", "fec", path, "--format", "json").stdout)
    assert summary["already_imported"] if finished else summary["documents_created"] == INVOICES
    again = json.loads(run(database_url, "import", "fec", path, "--format", "json").stdout)
    assert again["already_imported"]
    kpi = json.loads(run(database_url, "kpi", "--as-of", "2030-01-01", "--format", "json").stdout)
    assert kpi["outstanding"] == outstanding_in_file(path)
