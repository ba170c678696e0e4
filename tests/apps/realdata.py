"""Where the real files are, and an independent reading of a FEC's customer balances for the tests."""
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FEC_DIR = SHARED / "realdata" / "fec" / "neolegal-fec-reader"
FEC_FILES = sorted(p for p in FEC_DIR.glob("*") if p.suffix.lower() == ".txt")


def fec_411_balances(path: Path) -> tuple[dict[str, Decimal], str]:
    """Debit - credit per customer account (CompAuxNum, else CompteNum) over the lines of accounts 411…,
    and the latest EcritureDate/PieceDate as YYYYMMDD. Deliberately simple: no code shared with the reader."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    lines = [line for line in re.split(r"\r*\n|\r", text) if line.strip()]
    separator = "\t" if "\t" in lines[0] else "|"
    names = [name.strip().lower() for name in lines[0].split(separator)]
    col = {name: i for i, name in enumerate(names)}
    balances: dict[str, Decimal] = defaultdict(Decimal)
    latest = "00000000"
    for line in lines[1:]:
        fields = line.split(separator)
        latest = max(latest, fields[col["ecrituredate"]].strip(), fields[col["piecedate"]].strip() or "0")
        account = fields[col["comptenum"]].strip()
        if not account.startswith("411"):
            continue
        code = fields[col["compauxnum"]].strip() or account
        debit = Decimal(fields[col["debit"]].strip().replace(",", ".") or "0")
        credit = Decimal(fields[col["credit"]].strip().replace(",", ".") or "0")
        balances[code] += debit - credit
    return dict(balances), latest
