"""Every kind of event the code writes to the history is a declared EventKind (the admin and the timeline
name them), and the promises' kinds, built from their states, too."""
import re
from pathlib import Path

from encours.collections.models import PromiseState
from encours.collections.views_templates import HISTORY_KIND as TEMPLATE_KIND
from encours.history.models import EventKind

SOURCE = Path(__file__).resolve().parents[2] / "encours"
LITERAL_KIND = re.compile(r"record\(\s*[\w.]+,\s*\"([a-z_.]+)\"")


def test_every_event_kind_written_is_declared():
    written = {kind for path in SOURCE.rglob("*.py") for kind in LITERAL_KIND.findall(path.read_text())}
    assert len(written) >= 9  # the pattern finds the calls
    written |= {f"promise.{state}" for state in (PromiseState.KEPT, PromiseState.BROKEN)} | {TEMPLATE_KIND}
    written |= {f"order.{s}" for s in ("released", "rejected", "invoiced", "cancelled")}  # risk/orders.py
    assert written - set(EventKind.values) == set()
