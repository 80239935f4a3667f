"""Jinja2 for page templates, sandboxed: vault templates are untrusted.

Built-in templates ship in ``netkit/templates/``; a file of the same name in the vault's
``.netkit/templates/`` overrides one. Every template renders in a
:class:`~jinja2.sandbox.SandboxedEnvironment` with ``StrictUndefined``:

* no access to Python internals (the sandbox refuses ``__globals__``, ``|attr`` tricks and
  unsafe ``str.format``);
* templates are read only from the two template folders; a vault template that is a symbolic
  link, or any name with ``..`` or ``/``, is refused;
* a render that runs longer than :data:`RENDER_SECONDS` or produces more than
  :data:`MAX_OUTPUT` characters (plus :data:`OUTPUT_PER_CONTACT` per contact in the
  context: a page of a 100,000-person vault may list them all) is stopped; ``*`` and ``**`` on huge operands are refused;
* errors become diagnostics with the template's file and line, never a traceback.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import sandbox

from netkit import diagnostics as diag_mod
from netkit.diagnostics import Diagnostic

BUILTIN_DIR = Path(__file__).resolve().parent / "templates"
VAULT_TEMPLATE_DIR = ".netkit/templates"
RENDER_SECONDS = 5.0
MAX_OUTPUT = 5_000_000
#: ... plus this much per contact in the page context: a page may list everyone (Tiers.md
#: holds a ~120-character line per person), so a fixed cap would refuse the built-in pages
#: of a very large vault while still stopping a runaway template long before memory runs out
OUTPUT_PER_CONTACT = 1_000
MAX_TEMPLATE_BYTES = 256 * 1024
_MAX_OPERAND = 100_000


class RenderLimitError(Exception):
    """A template ran too long or produced too much output."""


class _Budget:
    def __init__(self) -> None:
        self.deadline = time.monotonic() + RENDER_SECONDS

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimitError(f"rendering took longer than {RENDER_SECONDS:g} s")


class LimitedEnvironment(sandbox.SandboxedEnvironment):
    """The sandbox plus time and size limits, checked on every call, attribute and item access."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.budget = _Budget()
        self.max_output = MAX_OUTPUT  # set per render (see output_limit)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        self.budget.check()
        if operator_name == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right * left.bit_length() > 100_000:
                raise RenderLimitError("number too large in template")
            if isinstance(right, float) and abs(right) > 1000:
                raise RenderLimitError("exponent too large in template")
            return operator.pow(left, right)
        if operator_name == "*":
            for a, b in ((left, right), (right, left)):
                if isinstance(a, (str, list, tuple)) and isinstance(b, int) and b * max(len(a), 1) > _MAX_OPERAND:
                    raise RenderLimitError("repetition too large in template")
            return operator.mul(left, right)
        result = operator.add(left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > self.max_output:
            raise RenderLimitError("value too large in template")
        return result

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        self.budget.check()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.budget.check()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.budget.check()
        return super().getitem(obj, argument)


class _SafeLoader(jinja2.BaseLoader):
    """Vault overrides first, then built-ins; only plain file names, no links out.

    A vault template that is a symbolic link, or a template folder that leads outside the
    vault, is refused loudly (a diagnostic), never silently replaced by the built-in: the user
    must learn that their override is not in effect.
    """

    def __init__(self, vault_dir: Path | None, root: Path | None) -> None:
        self.vault_dir = vault_dir
        self.folder_refused = False
        #: vault templates refused since the last render (the built-in was used instead)
        self.refusals: list[str] = []
        if vault_dir is not None and root is not None:
            real_root = os.path.realpath(root)
            real_dir = os.path.realpath(vault_dir)
            inside = real_dir.startswith(real_root + os.sep)
            # any link on the way (".netkit" or "templates") could lead anywhere
            linked = vault_dir.is_symlink() or vault_dir.parent.is_symlink()
            self.folder_refused = linked or not inside

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if "/" in template or "\\" in template or template.startswith(".") or ".." in template:
            raise jinja2.TemplateNotFound(template)
        for folder in (self.vault_dir, BUILTIN_DIR):
            if folder is None:
                continue
            path = folder / template
            try:
                if folder is self.vault_dir:
                    if not os.path.lexists(path):
                        continue
                    if self.folder_refused:
                        self.refusals.append(f"{VAULT_TEMPLATE_DIR} leads outside the vault (a symbolic link); "
                                             f"netkit will not read templates from it, so the built-in "
                                             f"{template} was used")
                        continue
                    if path.is_symlink():
                        self.refusals.append(f"{VAULT_TEMPLATE_DIR}/{template} is a symbolic link; netkit reads "
                                             "only plain template files, so the built-in one was used")
                        continue
                if not path.is_file():
                    continue
                raw = path.read_bytes()
            except OSError:
                continue
            if len(raw) > MAX_TEMPLATE_BYTES:
                raise jinja2.TemplateError(f"template {template} is larger than {MAX_TEMPLATE_BYTES} bytes")
            mtime = path.stat().st_mtime
            source = raw.decode("utf-8", "replace")
            return source, str(path), lambda p=path, m=mtime: p.exists() and p.stat().st_mtime == m
        raise jinja2.TemplateNotFound(template)


@dataclasses.dataclass
class Renderer:
    """Renders templates by name; collects diagnostics instead of raising."""

    root: Path | None
    filters: Mapping[str, Callable[..., Any]] = dataclasses.field(default_factory=dict)
    autoescape: bool = False
    env: LimitedEnvironment = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        vault_dir = (self.root / VAULT_TEMPLATE_DIR) if self.root is not None else None
        self.env = LimitedEnvironment(
            loader=_SafeLoader(vault_dir if vault_dir and vault_dir.is_dir() else None, self.root),
            undefined=jinja2.StrictUndefined,
            autoescape=self.autoescape,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(self.filters)

    def template_path(self, name: str) -> str:
        """The vault-relative (override) or package path a template name resolves to."""
        if self.root is not None:
            candidate = self.root / VAULT_TEMPLATE_DIR / name
            if os.path.lexists(candidate):
                return f"{VAULT_TEMPLATE_DIR}/{name}"
        return f"netkit/templates/{name}"

    def render(self, name: str, context: Mapping[str, Any], *, head: str = "") -> tuple[str | None, list[Diagnostic]]:
        """Render one template; on any failure return None and a diagnostic.

        ``head`` is put in front of the output in the same join (the page marker: a page
        of a large vault is tens of megabytes, and adding it afterwards would copy it)."""
        shown = self.template_path(name)
        self.env.budget = _Budget()
        limit = self.env.max_output = output_limit(context)
        loader = self.env.loader
        refused: list[Diagnostic] = []
        if isinstance(loader, _SafeLoader):
            loader.refusals.clear()
        try:
            template = self.env.get_template(name)
            chunks: list[str] = [head]
            size = 0  # the template's output only: the head does not count towards the limit
            for chunk in _generate(template, context):
                size += len(chunk)
                if size > limit:
                    raise RenderLimitError(f"the page is larger than {limit} characters")
                self.env.budget.check()
                chunks.append(chunk)
            if isinstance(loader, _SafeLoader):
                refused = [diag_mod.make(shown, 1, 1, "template.unsafe", message,
                                         hint="replace the link with a real file inside the vault")
                           for message in dict.fromkeys(loader.refusals)]
            return "".join(chunks), refused
        except jinja2.TemplateSyntaxError as exc:
            return None, [diag_mod.make(shown, exc.lineno or 1, 1, "template.syntax",
                                        f"template syntax error: {exc.message}",
                                        hint="fix the template, or delete it to use the built-in one",
                                        text=exc.source)]
        except jinja2.TemplateNotFound as exc:
            return None, [diag_mod.make(shown, 1, 1, "template.missing", f"template not found: {exc.name}",
                                        hint="templates may only include other templates from the same folder")]
        except jinja2.exceptions.SecurityError as exc:
            return None, [diag_mod.make(shown, _template_line(exc, shown), 1, "template.unsafe",
                                        f"the template tried something unsafe: {exc}",
                                        hint="templates can only format the data netkit gives them")]
        except RenderLimitError as exc:
            return None, [diag_mod.make(shown, _template_line(exc, shown), 1, "template.limit", str(exc),
                                        hint="simplify the template")]
        except RecursionError:
            return None, [diag_mod.make(shown, 1, 1, "template.limit", "the template recursed too deeply",
                                        hint="remove the recursive macro")]
        except Exception as exc:  # undefined names, type errors in user templates
            return None, [diag_mod.make(shown, _template_line(exc, shown), 1, "template.error",
                                        f"template error: {type(exc).__name__}: {exc}",
                                        hint="check the names used against docs/pages.md")]


def output_limit(context: Mapping[str, Any]) -> int:
    """The most characters one page (or value) may have: :data:`MAX_OUTPUT`, plus
    :data:`OUTPUT_PER_CONTACT` per contact the context counts (``counts.contacts``)."""
    counts = context.get("counts")
    contacts = counts.get("contacts") if isinstance(counts, Mapping) else None
    if type(contacts) is not int or contacts < 0:
        return MAX_OUTPUT
    return MAX_OUTPUT + OUTPUT_PER_CONTACT * contacts


def _generate(template: jinja2.Template, context: Mapping[str, Any]) -> Iterator[str]:
    yield from template.generate(dict(context))


def _template_line(exc: BaseException, shown: str) -> int:
    """The template line Jinja's rewritten traceback points at, if any."""
    tb = exc.__traceback__
    line = 1
    name = shown.rsplit("/", 1)[-1]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
