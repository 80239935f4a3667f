"""``netkit.yaml``: loading, defaults and validation, every problem reported at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic
from netkit.durations import parse_duration
from netkit.model import Config, FieldSpec, Tier
from netkit.yamlsource import Field, load_mapping

CONFIG_NAME = "netkit.yaml"

DEFAULT_TIERS: dict[int, Tier] = {
    1: Tier(1, "Inner circle", parse_duration("30d"), 20, 30),  # type: ignore[arg-type]
    2: Tier(2, "Valued", parse_duration("90d"), 50, 70),  # type: ignore[arg-type]
    3: Tier(3, "Broader network", parse_duration("180d"), 100, None),  # type: ignore[arg-type]
}

FIELD_TYPES = ("string", "text", "number", "integer", "boolean", "date", "list", "url", "email")

#: sections owned by other modules (quality weights, notes folders, watch); validated there
EXTRA_SECTIONS = ("quality", "notes", "watch", "pages_options", "report")

KNOWN_KEYS = ("version", "contacts", "pages", "log_heading", "default_tier", "tiers", "fields", *EXTRA_SECTIONS)


def default_config() -> Config:
    """The configuration a vault gets when ``netkit.yaml`` says nothing but ``version``."""
    return Config(tiers=dict(DEFAULT_TIERS))


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read and validate ``root/netkit.yaml``. Unreadable file: raise OSError (environment)."""
    raw = (root / CONFIG_NAME).read_bytes()
    return parse_config(raw)


def parse_config(raw: bytes) -> tuple[Config, list[Diagnostic]]:
    """Validate config bytes; invalid settings fall back to their defaults, with a diagnostic."""
    path = CONFIG_NAME
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return default_config(), [diag_mod.make(path, 1, 1, "file.encoding",
                                                f"netkit.yaml is not UTF-8 (byte {exc.start})",
                                                hint="save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    loaded = load_mapping(text, path=path, file_text=text, line_offset=0, what="config")
    diags = list(loaded.diagnostics)
    f = loaded.fields

    def err(field: Field, code: str, message: str, hint: str, *, at_key: bool = False,
            severity: str = "error", at: tuple[object, ...] = ()) -> None:
        if at_key:
            line, col = field.key_line, field.key_column
        else:
            line, col = field.locate(*at)
        diags.append(diag_mod.make(path, line, col, code, message, hint=hint, text=text, severity=severity))  # type: ignore[arg-type]

    for key, field in f.items():
        if key not in KNOWN_KEYS:
            err(field, "config.unknown-key", f"unknown setting `{key}`",
                "known settings: " + ", ".join(KNOWN_KEYS[:7]), at_key=True, severity="warning")

    version = 1
    if "version" not in f:
        if loaded.ok:
            diags.append(diag_mod.make(path, 1, 1, "config.version", "netkit.yaml has no `version`",
                                       hint="add `version: 1` as the first line", text=text))
    elif f["version"].value != 1 or isinstance(f["version"].value, bool):
        err(f["version"], "config.version", f"unsupported config version `{f['version'].value}`",
            "this netkit understands `version: 1`")

    contacts: tuple[str, ...] = ("contacts",)
    if "contacts" in f:
        v = f["contacts"].value
        if isinstance(v, str) and _safe_folder(v):
            contacts = (v,)
        elif isinstance(v, list) and v and all(isinstance(x, str) and _safe_folder(x) for x in v):
            contacts = tuple(v)
        else:
            err(f["contacts"], "config.type", "`contacts` must be a folder inside the vault, or a list of them",
                "e.g. `contacts: contacts` or `contacts: [people, work/people]`")

    pages = "pages"
    if "pages" in f:
        v = f["pages"].value
        if isinstance(v, str) and _safe_folder(v):
            pages = v
        else:
            err(f["pages"], "config.type", "`pages` must be a folder inside the vault", "e.g. `pages: pages`")

    log_heading = "Log"
    if "log_heading" in f:
        v = f["log_heading"].value
        if isinstance(v, str) and v.strip():
            log_heading = v.strip()
        else:
            err(f["log_heading"], "config.type", "`log_heading` must be the text of a heading", "e.g. `log_heading: Log`")

    tiers = dict(DEFAULT_TIERS)
    if "tiers" in f:
        parsed = _parse_tiers(f["tiers"], err)
        if parsed is not None:
            tiers = parsed

    default_tier = 3 if 3 in tiers else min(tiers)
    if "default_tier" in f:
        v = f["default_tier"].value
        if isinstance(v, int) and not isinstance(v, bool) and v in tiers:
            default_tier = v
        else:
            err(f["default_tier"], "config.tier", f"`default_tier` {v!r} is not one of the tiers",
                "tiers defined: " + ", ".join(str(k) for k in sorted(tiers)))

    fields: dict[str, FieldSpec] = {}
    if "fields" in f:
        fields = _parse_fields(f["fields"], err)

    extra = {k: f[k].value for k in EXTRA_SECTIONS if k in f}
    config = Config(
        version=version,
        contacts=contacts,
        pages=pages,
        log_heading=log_heading,
        default_tier=default_tier,
        tiers=tiers,
        fields=fields,
        extra=extra,
    )
    return config, diags


def _safe_folder(value: str) -> bool:
    """A relative folder that stays inside the vault."""
    p = Path(value)
    return bool(value.strip()) and not p.is_absolute() and ".." not in p.parts and "\\" not in value


def _parse_tiers(field: Field, err: Callable[..., None]) -> dict[int, Tier] | None:
    v = field.value
    if not isinstance(v, dict) or not v:
        err(field, "config.type", "`tiers` must map tier numbers to settings",
            "e.g. `1: {label: Inner circle, cadence: 30d, target: [20, 30]}`")
        return None
    tiers: dict[int, Tier] = {}
    for key, spec in v.items():
        if not isinstance(key, int) or isinstance(key, bool) or key < 0:
            err(field, "config.tier", f"tier key `{key}` must be a whole number", "use 1, 2, 3 …", at=(key,))
            continue
        if not isinstance(spec, dict):
            err(field, "config.type", f"tier {key} must be a mapping with label, cadence, target",
                "e.g. `{label: Valued, cadence: 90d, target: [50, 70]}`", at=(key,))
            continue
        for unknown in sorted(set(spec) - {"label", "cadence", "target"}, key=str):
            err(field, "config.unknown-key", f"unknown tier setting `{unknown}` in tier {key}",
                "tier settings: label, cadence, target", severity="warning", at=(key,))
        label = spec.get("label", f"Tier {key}")
        if not isinstance(label, str):
            err(field, "config.type", f"tier {key}: `label` must be text", "quote it", at=(key, "label"))
            label = f"Tier {key}"
        cadence_text = spec.get("cadence")
        cadence = parse_duration(cadence_text) if isinstance(cadence_text, str) else None
        if cadence is None:
            err(field, "config.duration", f"tier {key}: cadence {cadence_text!r} is not a duration",
                "write <n>d, <n>w, <n>m or <n>y, e.g. `cadence: 90d`", at=(key, "cadence"))
            default = DEFAULT_TIERS.get(key)
            cadence = default.cadence if default else parse_duration("180d")
        tmin: int | None = None
        tmax: int | None = None
        target = spec.get("target")
        if target is not None:
            if (
                isinstance(target, list) and len(target) == 2
                and all(t is None or (isinstance(t, int) and not isinstance(t, bool) and t >= 0) for t in target)
            ):
                tmin, tmax = target
            else:
                err(field, "config.type", f"tier {key}: `target` must be [min, max] (max may be null)",
                    "e.g. `target: [50, 70]` or `target: [100, null]`", at=(key, "target"))
        tiers[key] = Tier(key, label, cadence, tmin, tmax)  # type: ignore[arg-type]
    return tiers or None


def _parse_fields(field: Field, err: Callable[..., None]) -> dict[str, FieldSpec]:
    v = field.value
    if v is None:
        return {}
    if not isinstance(v, dict):
        err(field, "config.type", "`fields` must map field names to types",
            "e.g. `fields: {pronouns: string, kids: list}`")
        return {}
    out: dict[str, FieldSpec] = {}
    for name, typ in v.items():
        if not isinstance(name, str):
            err(field, "config.type", f"field name `{name}` must be text", "quote it", at=(name,))
            continue
        if typ not in FIELD_TYPES:
            err(field, "config.field-type", f"field `{name}` has unknown type `{typ}`",
                "types: " + ", ".join(FIELD_TYPES), at=(name,))
            continue
        out[name] = FieldSpec(name, str(typ))
    return out
