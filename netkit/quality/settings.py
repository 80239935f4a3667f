"""The ``quality:`` section of ``netkit.yaml``: weights and thresholds, validated. Pure.

Every setting is optional. A bad value is reported (``config.type``, an error, like the rest
of netkit.yaml's validation) and replaced by its default, so one typo never stops
``netkit health``; an unknown key is a ``config.unknown-key`` warning. ``netkit.yaml`` is
parsed by :mod:`netkit.config`, which keeps this section raw in ``config.extra["quality"]``
without positions, so the diagnostics point at line 1 of the file.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.model import Config

CONFIG_FILE = "netkit.yaml"

#: the five per-relationship indicators, in display order
INDICATORS: tuple[str, ...] = ("recency", "frequency", "reciprocity", "responsiveness", "depth")

#: default weights of the strength score (docs/quality.md explains each choice)
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "recency": 0.25,
    "frequency": 0.20,
    "reciprocity": 0.20,
    "responsiveness": 0.10,
    "depth": 0.25,
}

#: scalar settings: name -> (kind, minimum, maximum); "ratio" is a float, "int" a whole number
_SCALARS: Mapping[str, tuple[str, float, float]] = {
    "growth_weeks": ("int", 1, 52),
    "inbound_days": ("int", 1, 3650),
    "unanswered_after": ("int", 1, 1000),
    "one_way_after": ("int", 1, 1000),
    "fading_ratio": ("ratio", 0.0, 1.0),
    "homogeneous_share": ("ratio", 0.0, 1.0),
    "homogeneous_evenness": ("ratio", 0.0, 1.0),
    "diversity_min": ("int", 2, 1_000_000),
    "concentration_top": ("int", 1, 1000),
    "concentration_warn": ("ratio", 0.0, 1.0),
    "active_limit": ("int", 1, 1_000_000),
}

KNOWN_KEYS: tuple[str, ...] = ("weights", "growth_band", *_SCALARS)


@dataclasses.dataclass(frozen=True, slots=True)
class QualitySettings:
    """Validated quality settings; the defaults are the documented ones."""

    #: strength weights in :data:`INDICATORS` order (need not sum to 1: they are normalised)
    weights: tuple[float, ...] = tuple(DEFAULT_WEIGHTS[k] for k in INDICATORS)
    #: healthy pace of new contacts per week: (min, max); max None = no upper limit
    growth_band: tuple[float, float | None] = (5.0, 10.0)
    #: how many past weeks the growth pace looks at
    growth_weeks: int = 8
    #: the window of "inbound signals" (touchpoints they started, value received)
    inbound_days: int = 90
    #: this many replies missing in a row flags a relationship `unanswered`
    unanswered_after: int = 3
    #: this many one-directional initiations (or value exchanges), none back, flags one-way
    one_way_after: int = 3
    #: `fading` when the last half-year has fewer than this share of the half-year before
    fading_ratio: float = 0.5
    #: a dimension is homogeneous when one value holds at least this share ...
    homogeneous_share: float = 0.6
    #: ... or when its evenness (normalised Shannon entropy) is below this
    homogeneous_evenness: float = 0.5
    #: fewer known values than this in a dimension: too few to judge diversity
    diversity_min: int = 5
    #: concentration looks at the share of touchpoints that go to this many people
    concentration_top: int = 5
    #: warn when that share is above this (Dunbar: ~40% of social time goes to the closest 5)
    concentration_warn: float = 0.6
    #: more active relationships than this gets a warning (Dunbar's number)
    active_limit: int = 150

    def weight(self, indicator: str) -> float:
        """The weight of one indicator."""
        return self.weights[INDICATORS.index(indicator)]

    def to_json(self) -> dict[str, Any]:
        """The effective settings, as they would be written in netkit.yaml."""
        data: dict[str, Any] = {
            "weights": dict(zip(INDICATORS, self.weights, strict=True)),
            "growth_band": list(self.growth_band),
        }
        for name in _SCALARS:
            data[name] = getattr(self, name)
        return data


DEFAULT_SETTINGS = QualitySettings()


def parse_quality_settings(raw: object) -> tuple[QualitySettings, list[Diagnostic]]:
    """Validate a raw ``quality:`` section; bad values fall back to their defaults."""
    diags: list[Diagnostic] = []

    def error(message: str, hint: str) -> None:
        diags.append(diag_mod.make(CONFIG_FILE, 1, 1, "config.type", message, hint=hint))

    def unknown(key: str, where: str, known: tuple[str, ...]) -> None:
        diags.append(diag_mod.make(CONFIG_FILE, 1, 1, "config.unknown-key",
                                   f"unknown setting `{key}` in {where}",
                                   severity="warning", hint="known settings: " + ", ".join(known)))

    if raw is None:  # `quality:` absent, or present and empty
        return DEFAULT_SETTINGS, diags
    if not isinstance(raw, Mapping):
        error("`quality` must be a mapping of settings; using the defaults",
              "e.g. `quality: {weights: {recency: 0.3}, growth_band: [5, 10]}`")
        return DEFAULT_SETTINGS, diags

    values: dict[str, Any] = {}
    for key in raw:
        if key not in KNOWN_KEYS:
            unknown(str(key), "`quality`", KNOWN_KEYS)
    if "weights" in raw:
        values["weights"] = _parse_weights(raw["weights"], error, unknown)
    if "growth_band" in raw:
        band = _parse_band(raw["growth_band"])
        if band is None:
            error(f"quality: `growth_band` {raw['growth_band']!r} must be [min, max] new contacts per week "
                  "(numbers, min <= max; max may be null); using [5, 10]",
                  "e.g. `growth_band: [5, 10]`")
        else:
            values["growth_band"] = band
    for name, (kind, low, high) in _SCALARS.items():
        if name not in raw:
            continue
        value = _parse_scalar(raw[name], kind, low, high)
        if value is None:
            default = getattr(DEFAULT_SETTINGS, name)
            what = "a whole number" if kind == "int" else "a number"
            error(f"quality: `{name}` {raw[name]!r} must be {what} from {_num(low)} to {_num(high)}; using {default}",
                  f"e.g. `{name}: {default}`")
        else:
            values[name] = value
    return dataclasses.replace(DEFAULT_SETTINGS, **values), diags


def quality_settings(config: Config) -> QualitySettings:
    """The effective quality settings of a vault (problems ignored: defaults used)."""
    return parse_quality_settings(config.extra.get("quality"))[0]


def quality_config_diagnostics(config: Config) -> list[Diagnostic]:
    """Problems in the ``quality:`` section of netkit.yaml (positions: line 1)."""
    return parse_quality_settings(config.extra.get("quality"))[1]


def _parse_weights(raw: object, error: Any, unknown: Any) -> tuple[float, ...]:
    """Named weights override the defaults one by one; all zero is invalid."""
    defaults = tuple(DEFAULT_WEIGHTS[k] for k in INDICATORS)
    if not isinstance(raw, Mapping):
        error("quality: `weights` must map indicators to numbers; using the defaults",
              "e.g. `weights: {recency: 0.3, depth: 0.2}`")
        return defaults
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in raw.items():
        if key not in DEFAULT_WEIGHTS:
            unknown(str(key), "`quality.weights`", INDICATORS)
            continue
        number = _parse_scalar(value, "ratio", 0.0, math.inf)
        if number is None:
            error(f"quality: weight `{key}` {value!r} must be a number >= 0; using {DEFAULT_WEIGHTS[key]}",
                  f"e.g. `{key}: {DEFAULT_WEIGHTS[key]}`")
            continue
        weights[key] = number
    result = tuple(weights[k] for k in INDICATORS)
    if sum(result) <= 0:
        error("quality: the weights are all zero; using the defaults",
              "give at least one indicator a weight above 0")
        return defaults
    return result


def _parse_band(raw: object) -> tuple[float, float | None] | None:
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        return None
    low = _parse_scalar(raw[0], "ratio", 0.0, math.inf)
    high = None if raw[1] is None else _parse_scalar(raw[1], "ratio", 0.0, math.inf)
    if low is None or (raw[1] is not None and (high is None or high < low)):
        return None
    return low, high


def _parse_scalar(raw: object, kind: str, low: float, high: float) -> Any:
    """A number in [low, high] (a whole number for "int"), or None."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    if not math.isfinite(raw) or not low <= raw <= high:
        return None
    if kind == "int":
        return int(raw) if float(raw).is_integer() else None
    return float(raw)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
