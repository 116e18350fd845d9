"""What the bench's steps share: Django set up from the environment that bench/run.sh exports, and the results file."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / ".bench"
RESULTS = RESULTS_DIR / "results.json"


def django_setup():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dscb.settings")
    import django

    django.setup()


def results_read():
    if RESULTS.exists():
        return json.loads(RESULTS.read_text())
    return []


def results_write(entries):
    RESULTS_DIR.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(entries, indent=2) + "\n")


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
