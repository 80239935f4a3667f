"""The reliability counts (inputs tried, kills survived, files lost) of the hostile, crash,
concurrency and property suites, merged into ``artifacts/reliability-counts.json``.

Test modules outside tests/hostile load this file by path (see ``load()`` in them); it has
no test-framework imports so that works from anywhere.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
COUNTS_FILE = ARTIFACTS / "reliability-counts.json"
TOTAL_KEYS = ("inputs_tried", "kills_survived", "files_lost")


def publish(section: str, counts: Mapping[str, Any]) -> None:
    """Record ``counts`` under ``section`` (replacing that section's previous record) and
    recompute the totals. ``flock`` keeps parallel pytest-xdist workers from losing updates."""
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / ".reliability-counts.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(COUNTS_FILE.read_text()) if COUNTS_FILE.exists() else {}
        except ValueError:
            data = {}
        sections = data.setdefault("sections", {})
        sections[section] = {**counts, "recorded_at": round(time.time(), 3)}
        data["totals"] = {k: sum(int(s.get(k, 0)) for s in sections.values()) for k in TOTAL_KEYS}
        tmp = COUNTS_FILE.with_name(COUNTS_FILE.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, COUNTS_FILE)


def read() -> dict[str, Any]:
    """The whole record (empty when none was written yet)."""
    try:
        data: dict[str, Any] = json.loads(COUNTS_FILE.read_text())
        return data
    except (OSError, ValueError):
        return {}


def summary_lines(since: float) -> list[str]:
    """Human lines for the sections recorded at or after ``since`` (numbers summed per group:
    the part of a section name before ``::``), then the totals of the whole record."""
    data = read()
    groups: dict[str, dict[str, int]] = {}
    for name, counts in data.get("sections", {}).items():
        if counts.get("recorded_at", 0) < since:
            continue
        group = groups.setdefault(name.split("::", 1)[0], {})
        for key, value in counts.items():
            if key != "recorded_at" and isinstance(value, int):
                group[key] = group.get(key, 0) + value
    if not groups:
        return []
    lines = []
    for name, counts in sorted(groups.items()):
        lines.append(f"{name}: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    totals = data.get("totals", {})
    lines.append("TOTAL " + ", ".join(f"{k.replace('_', ' ')}={totals.get(k, 0)}" for k in TOTAL_KEYS)
                 + f"  ({COUNTS_FILE.relative_to(REPO)})")
    return lines
