"""vCard import (2.1, 3.0, 4.0) and vCard 4.0 export.

Why a hand-written parser rather than ``vobject`` (which the tests still use, as an
independent reader of what :func:`export_vcard` writes): checked against vobject 0.9.9,

* a vCard 2.1 quoted-printable value continued with a ``=`` soft line break on an
  *unindented* next line — exactly what Android's and Outlook's exporters write for long
  or non-ASCII values — makes ``readComponents`` raise ``ParseError`` and abandons the
  whole file, not just the card;
* one malformed line anywhere likewise raises and loses every card, with no way to report
  "line N was skipped" and carry on, which the import contract requires;
* year-less birthdays (``--0315``, Apple's ``BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15``)
  come back as raw strings: vobject does not misread them, but does not interpret them
  either, so that logic would have to live here anyway.

The parser works on the input's bytes mapped one-to-one onto ``latin-1`` characters, so
that structure (names, parameters, folding) is parsed on ASCII while each value is decoded
in its own ``CHARSET`` (vCard 2.1 allows a different one per property) after
quoted-printable decoding.

Supported: line unfolding (CRLF/LF/CR + space or tab), 2.1 quoted-printable with soft line
breaks, ``CHARSET=``, 2.1 bare parameters (``TEL;CELL;PREF:``), 3.0/4.0 ``TYPE=`` lists and
quoted parameter values, group prefixes (``item1.EMAIL`` with Apple's ``item1.X-ABLabel``),
text escapes (``\\,`` ``\\;`` ``\\n`` ``\\\\``), many cards per file, UTF-8/UTF-16 BOMs.
Fields: ``FN``, ``N``, ``EMAIL``, ``TEL``, ``ORG``, ``TITLE`` (``ROLE`` as a fallback),
``BDAY`` (``19900517``, ``1990-05-17``, ``--0517``, ``--05-17``, Apple omit-year), ``URL`` and
``X-SOCIALPROFILE`` for LinkedIn, ``NOTE``, ``CATEGORIES`` (tags), ``ADR`` (location). Every other
property — ``X-`` extensions, ``ADR``, ``UID``, ``NICKNAME``, other URLs — is kept in ``extra``;
inline binary data (base64 ``PHOTO``/``LOGO``/``SOUND``/``KEY``) is recorded as
``("PHOTO", "omitted")`` without the data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import quopri
import re
from collections.abc import Iterable

from netkit.formats.records import (
    ImportedPerson,
    ParseProblem,
    ParseResult,
    dedupe,
    escape_text,
    fold_line,
    is_plausible_email,
    normalise_email,
    normalise_linkedin,
    normalise_tag,
    normalise_url,
    parse_birthday,
)
from netkit.model import Birthday, Contact

# --------------------------------------------------------------------------------------
# reading: bytes -> logical lines -> properties -> cards
# --------------------------------------------------------------------------------------

_PHYSICAL_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"[ \t]*(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)")
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]+$")
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
_BINARY_PROPS = {"PHOTO", "LOGO", "SOUND", "KEY"}
_SKIPPED_PROPS = {"VERSION", "PRODID", "REV", "X-ABLABEL"}


@dataclasses.dataclass(slots=True)
class _Prop:
    """One unfolded content line, parsed; ``raw`` is the value still undecoded."""

    line: int
    group: str | None
    name: str
    params: dict[str, list[str]]
    raw: str

    def param(self, key: str) -> str | None:
        values = self.params.get(key)
        return values[0] if values else None

    @property
    def types(self) -> set[str]:
        return {t.upper() for t in self.params.get("TYPE", [])}

    @property
    def encoding(self) -> str:
        return (self.param("ENCODING") or "").upper()

    @property
    def is_preferred(self) -> bool:
        return "PREF" in self.types or self.param("PREF") == "1"


def _to_utf8_bytes(data: bytes) -> bytes:
    """Strip a UTF-8 BOM; transcode UTF-16 (BOM, or the NUL pattern of ``BEGIN``) to UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    if len(data) >= 2 and data[0] != 0 and data[1] == 0:
        return data.decode("utf-16-le", errors="replace").encode("utf-8")
    if len(data) >= 2 and data[0] == 0 and data[1] != 0:
        return data.decode("utf-16-be", errors="replace").encode("utf-8")
    return data


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfold physical lines into (first line number, logical line) pairs.

    Three kinds of continuation: RFC folding (a line starting with space or tab continues
    the previous one, minus that one character); vCard 2.1 quoted-printable soft breaks
    (a QP value ending in ``=`` continues on the next line, usually *not* indented); and
    2.1 base64 blocks whose data lines some writers leave unindented.
    """
    out: list[tuple[int, str]] = []
    current: list[str] | None = None
    start = 0
    head = ""  # the current line's text before its first ":" (upper-cased), for QP/base64
    for number, physical in enumerate(_PHYSICAL_BREAK.split(text), start=1):
        if current is not None:
            joined_tail = current[-1]
            if physical[:1] in (" ", "\t") and not (
                "QUOTED-PRINTABLE" in head and joined_tail.endswith("=")
            ):
                current.append(physical[1:])
                continue
            if (
                "QUOTED-PRINTABLE" in head
                and joined_tail.endswith("=")
                and physical.strip().upper() != "END:VCARD"
            ):
                # a QP soft line break: drop the "=" and carry on with the next line as is
                current[-1] = joined_tail[:-1]
                current.append(physical)
                continue
            if (
                ("BASE64" in head or "ENCODING=B" in head)
                and ":" not in physical
                and _BASE64_LINE.match(physical)
            ):
                current.append(physical)
                continue
            out.append((start, "".join(current)))
            current = None
        if not physical.strip():
            continue  # blank lines separate cards in some exports and end 2.1 base64 data
        current = [physical]
        start = number
        head = physical.split(":", 1)[0].upper()
    if current is not None:
        out.append((start, "".join(current)))
    return out


def _parse_line(number: int, line: str) -> _Prop | None:
    """``[group.]NAME *(;param) : value`` -> :class:`_Prop`, or None when malformed."""
    m = _NAME.match(line)
    if not m:
        return None
    group, name = m.group(1), m.group(2).upper()
    params: dict[str, list[str]] = {}
    i, n = m.end(), len(line)
    while i < n and line[i] == ";":
        i += 1
        key_start = i
        while i < n and line[i] not in "=;:":
            i += 1
        key = line[key_start:i].strip().upper()
        if i < n and line[i] == "=":
            i += 1
            values: list[str] = []
            while True:
                if i < n and line[i] == '"':
                    close = line.find('"', i + 1)
                    if close < 0:
                        return None
                    values.append(line[i + 1 : close])
                    i = close + 1
                    while i < n and line[i] not in ",;:":
                        i += 1  # junk after a closing quote is ignored
                else:
                    value_start = i
                    while i < n and line[i] not in ",;:":
                        i += 1
                    values.append(line[value_start:i].strip())
                if i < n and line[i] == ",":
                    i += 1
                    continue
                break
            values = [_caret_decode(v) for v in values]
        else:
            # vCard 2.1 bare parameter: "TEL;CELL;PREF:" means TYPE=CELL,PREF, and
            # "NOTE;QUOTED-PRINTABLE:" means ENCODING=QUOTED-PRINTABLE
            if not key:
                continue
            values = [key]
            key = "ENCODING" if key in _BARE_ENCODINGS else "TYPE"
        if key == "TYPE":
            values = [t.strip().upper() for v in values for t in v.split(",") if t.strip()]
        params.setdefault(key, []).extend(values)
    if i >= n or line[i] != ":":
        return None
    return _Prop(number, group.upper() if group else None, name, params, line[i + 1 :])


def _caret_decode(value: str) -> str:
    """RFC 6868 parameter escapes: ``^n`` newline, ``^'`` double quote, ``^^`` caret."""
    if "^" not in value:
        return value
    return re.sub(r"\^([n'^])", lambda m: {"n": "\n", "'": '"', "^": "^"}[m.group(1)], value)


def parse_vcard(data: bytes) -> ParseResult:
    """Parse every card of a ``.vcf`` file (vCard 2.1, 3.0 or 4.0); never raises."""
    result = ParseResult()
    text = _to_utf8_bytes(data).decode("latin-1")
    card: list[_Prop] | None = None
    begin = 0
    for number, line in _logical_lines(text):
        prop = _parse_line(number, line)
        if prop is None:
            result.problems.append(
                ParseProblem(
                    number,
                    1,
                    "vcard.malformed-line",
                    f"not a vCard property line, skipped: {_preview(line)}",
                    hint="expected NAME[;PARAM=VALUE]:VALUE",
                )
            )
            continue
        is_card_marker = prop.raw.strip().upper() == "VCARD"
        if prop.name == "BEGIN" and is_card_marker:
            if card is not None:
                _unterminated(result, begin)
                _finish(card, begin, result)
            card, begin = [], number
        elif prop.name == "END" and is_card_marker:
            if card is None:
                result.problems.append(_outside(number, "END:VCARD without BEGIN:VCARD"))
            else:
                _finish(card, begin, result)
                card = None
        elif card is None:
            result.problems.append(_outside(number, f"{prop.name} outside a card, ignored"))
        else:
            card.append(prop)
    if card is not None:
        _unterminated(result, begin)
        _finish(card, begin, result)
    if not result.people:
        result.problems.append(
            ParseProblem(
                1,
                1,
                "import.no-rows",
                "no contacts found in the vCard file",
                hint="expected BEGIN:VCARD ... END:VCARD blocks",
            )
        )
    result.problems.sort(key=lambda p: (p.line, p.column))
    return result


def _preview(line: str, width: int = 40) -> str:
    shown = line if len(line) <= width else line[:width] + "..."
    return repr(shown.encode("latin-1").decode("utf-8", errors="replace"))


def _outside(line: int, message: str) -> ParseProblem:
    return ParseProblem(line, 1, "vcard.outside-card", message, severity="warning")


def _unterminated(result: ParseResult, begin: int) -> None:
    result.problems.append(
        ParseProblem(
            begin,
            1,
            "vcard.unterminated",
            "card has no END:VCARD; imported up to the next card or the end of the file",
            severity="warning",
        )
    )


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------


def _decode_value(prop: _Prop, problems: list[ParseProblem]) -> str | None:
    """The property's value as text, or None for inline binary data."""
    encoding = prop.encoding
    if encoding in ("B", "BASE64"):
        return None
    raw = prop.raw.encode("latin-1")
    if encoding == "QUOTED-PRINTABLE":
        raw = quopri.decodestring(raw)
    charset = (prop.param("CHARSET") or "utf-8").strip()
    try:
        return _newlines(raw.decode(charset))
    except UnicodeDecodeError:
        pass  # a real codec, but the bytes are not in it
    except (LookupError, UnicodeError, ValueError, TypeError):
        # unknown names, and codecs that are not text encodings ("base64", "rot13")
        problems.append(
            ParseProblem(
                prop.line,
                1,
                "vcard.charset",
                f"unknown CHARSET {charset!r}; read {prop.name} as UTF-8",
                severity="warning",
            )
        )
        charset = "utf-8"
        try:
            return _newlines(raw.decode(charset))
        except UnicodeDecodeError:
            pass
    for fallback in ("cp1252", "latin-1"):
        try:
            text = raw.decode(fallback)
        except UnicodeDecodeError:
            continue
        problems.append(
            ParseProblem(
                prop.line,
                1,
                "import.encoding",
                f"{prop.name} is not valid {charset}; read it as {fallback}",
                severity="warning",
            )
        )
        return _newlines(text)
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _newlines(text: str) -> str:
    # QP values carry the writer's line breaks (=0D=0A on Windows); keep only "\n"
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_escaped(value: str, separators: str) -> list[str]:
    """Split on unescaped separator characters, keeping escapes for :func:`_unescape`."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            current.append(value[i : i + 2])
            i += 2
            continue
        if ch in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape(value: str) -> str:
    r"""Undo text escapes: ``\n``/``\N`` newline, ``\,`` ``\;`` ``\\`` and ``\:`` literal."""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _text(value: str) -> str:
    return _unescape(value).strip()


def _apple_label(label: str) -> str:
    """``_$!<HomePage>!$_`` -> ``HomePage`` (Apple's built-in labels), others unchanged."""
    m = re.fullmatch(r"_\$!<(.*)>!\$_", label.strip())
    return m.group(1) if m else label.strip()


def _birthday(prop: _Prop, value: str) -> Birthday | None:
    if (prop.param("VALUE") or "").lower() == "text":
        return None
    birthday = parse_birthday(value)
    omit = prop.param("X-APPLE-OMIT-YEAR")
    # Apple writes a placeholder year (1604) and names it in this parameter
    if (
        birthday is not None
        and omit is not None
        and re.fullmatch(r"[0-9]{1,4}", omit.strip())
        and birthday.year == int(omit.strip())
    ):
        return Birthday(month=birthday.month, day=birthday.day, year=None)
    return birthday


def _finish(props: list[_Prop], begin: int, result: ParseResult) -> None:
    """Turn one card's properties into an :class:`ImportedPerson` (or a no-name warning)."""
    problems = result.problems
    version = next((p.raw.strip() for p in props if p.name == "VERSION"), "3.0")
    labels: dict[str, str] = {}
    for p in props:
        if p.name == "X-ABLABEL" and p.group:
            value = _decode_value(p, problems)
            if value:
                labels[p.group] = _apple_label(_unescape(value))

    fn = ""
    n_parts: list[str] = []
    emails: list[tuple[bool, str]] = []
    phones: list[tuple[bool, str]] = []
    company = title = role = linkedin = location = None
    birthday: Birthday | None = None
    notes: list[str] = []
    tags: list[str] = []
    extra: list[tuple[str, str]] = []

    def keep(prop: _Prop, value: str) -> None:
        label = labels.get(prop.group or "")
        extra.append((f"{prop.name} ({label})" if label else prop.name, value))

    for prop in props:
        if prop.name in _SKIPPED_PROPS:
            continue
        value = _decode_value(prop, problems)
        if value is None or (prop.name in _BINARY_PROPS and value.strip().startswith("data:")):
            keep(prop, "omitted")  # inline binary data: note it, never copy it
            continue
        name = prop.name
        if name == "FN":
            fn = fn or _text(value)
        elif name == "N":
            n_parts = n_parts or [_text(part) for part in _split_escaped(value, ";")]
        elif name == "EMAIL":
            raw_email = _text(value)
            email = normalise_email(raw_email)
            if is_plausible_email(email):
                emails.append((prop.is_preferred, email))
            elif raw_email:
                problems.append(
                    ParseProblem(
                        prop.line,
                        1,
                        "import.bad-email",
                        f"not an email address: {raw_email!r}",
                        severity="warning",
                    )
                )
        elif name == "TEL":
            phone = _text(value)
            if phone.lower().startswith("tel:"):
                phone = phone[4:]
            if phone:
                phones.append((prop.is_preferred, phone))
        elif name == "ORG":
            units = [_text(part) for part in _split_escaped(value, ";")]
            units = [u for u in units if u]
            if units and company is None:
                company = units[0]
                if len(units) > 1:
                    extra.append(("ORG-UNIT", "; ".join(units[1:])))
            elif units:
                keep(prop, "; ".join(units))
        elif name == "TITLE":
            title = title or _text(value) or None
        elif name == "ROLE":
            role = role or _text(value) or None
            keep(prop, _text(value))
        elif name == "BDAY":
            parsed = _birthday(prop, value.strip())
            if parsed is None:
                keep(prop, _text(value))
                problems.append(
                    ParseProblem(
                        prop.line,
                        1,
                        "import.bad-date",
                        f"cannot read BDAY {_text(value)!r}; kept as an extra field",
                        hint="expected 19900517, 1990-05-17, --0517 or --05-17",
                        severity="warning",
                    )
                )
            elif birthday is None:
                birthday = parsed
        elif name in ("URL", "X-SOCIALPROFILE"):
            url = _linkedin_of(prop, _text(value))
            if url is not None and linkedin is None:
                linkedin = url
            elif url is None or url != linkedin:
                keep(prop, _text(value))
        elif name == "NOTE":
            note = _unescape(value).strip()
            if note:
                notes.append(note)
        elif name == "CATEGORIES":
            # 2.1 writers (Outlook) sometimes separate categories with ";"
            separators = ",;" if version == "2.1" else ","
            tags.extend(normalise_tag(_unescape(t)) for t in _split_escaped(value, separators))
        elif name == "ADR":
            parts = [_text(part) for part in _split_escaped(value, ";")]
            readable = ", ".join(p.replace("\n", ", ") for p in parts if p)
            if readable:
                keep(prop, readable)
            if location is None and len(parts) >= 4:
                # ADR = PO box; extended; street; locality; region; postal code; country
                place = [parts[i] for i in (3, 4, 6) if i < len(parts) and parts[i]]
                location = ", ".join(place) or None
        else:
            keep(prop, _text(value))

    given = n_parts[1] if len(n_parts) > 1 else ""
    family = n_parts[0] if n_parts else ""
    additional = n_parts[2] if len(n_parts) > 2 else ""
    name = fn or " ".join(p for p in (given, additional, family) if p)
    if not name:
        problems.append(
            ParseProblem(
                begin,
                1,
                "import.no-name",
                "card without FN or N skipped",
                severity="warning",
            )
        )
        return
    result.people.append(
        ImportedPerson(
            name=name,
            first_name=given or None,
            last_name=family or None,
            emails=dedupe(v for pref, v in _preferred_first(emails)),
            phones=dedupe(v for pref, v in _preferred_first(phones)),
            company=company,
            role=title or role,
            linkedin=linkedin,
            birthday=birthday,
            tags=dedupe(tags),
            location=location,
            notes="\n\n".join(notes) or None,
            extra=tuple(extra),
            source="vcard",
            line=begin,
        )
    )


def _preferred_first(values: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    # stable sort: preferred values first, otherwise the order of the card
    return sorted(values, key=lambda item: not item[0])


def _linkedin_of(prop: _Prop, value: str) -> str | None:
    """The LinkedIn profile a URL / X-SOCIALPROFILE line names, if any.

    Apple may write ``X-SOCIALPROFILE;type=linkedin;x-user=ada:x-apple:ada`` — the
    value is not a URL then, so the profile is rebuilt from ``x-user``.
    """
    url = normalise_linkedin(value)
    if url is not None:
        return url
    if prop.name == "X-SOCIALPROFILE" and "LINKEDIN" in prop.types:
        user = prop.param("X-USER")
        if user and re.fullmatch(r"[A-Za-z0-9%_.-]+", user.strip()):
            return f"https://www.linkedin.com/in/{user.strip()}"
    return None


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------

#: lower-case name particles that belong to the family name ("Ludwig van Beethoven")
_PARTICLES = frozenset(
    ("van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "le", "la", "ten", "ter")
)


def split_name(name: str) -> tuple[str, str]:
    """Best-effort (given, family) split of a display name for the ``N`` property.

    One word is a given name; otherwise the last word is the family name, together with
    any lower-case particles just before it. Good enough for ``N``; ``FN`` carries the
    name exactly as the user wrote it.
    """
    words = name.split()
    if len(words) <= 1:
        return (name.strip(), "")
    cut = len(words) - 1
    while cut > 1 and words[cut - 1] in _PARTICLES:
        cut -= 1
    return (" ".join(words[:cut]), " ".join(words[cut:]))


def _bday(birthday: Birthday) -> str:
    # RFC 6350 §4.3.1 date, ISO 8601 basic format: 19900517, or --0517 without a year
    if birthday.year is None:
        return f"--{birthday.month:02d}{birthday.day:02d}"
    return f"{birthday.year:04d}{birthday.month:02d}{birthday.day:02d}"


def contact_uid(path: str) -> str:
    """The stable vCard UID of the contact stored at vault-relative ``path``."""
    return "urn:netkit:" + hashlib.sha1(path.encode("utf-8")).hexdigest()


def _card(contact: Contact) -> list[str]:
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:{contact_uid(contact.path)}"]
    lines.append(f"FN:{escape_text(contact.name)}")
    given, family = split_name(contact.name)
    lines.append(f"N:{escape_text(family)};{escape_text(given)};;;")
    many_emails = len(contact.emails) > 1
    for i, email in enumerate(contact.emails):
        pref = ";PREF=1" if many_emails and i == 0 else ""
        lines.append(f"EMAIL{pref}:{escape_text(email.strip())}")
    many_phones = len(contact.phones) > 1
    for i, phone in enumerate(contact.phones):
        pref = ";PREF=1" if many_phones and i == 0 else ""
        lines.append(f"TEL{pref}:{escape_text(phone.strip())}")
    if contact.company:
        lines.append(f"ORG:{escape_text(contact.company)}")
    if contact.role:
        lines.append(f"TITLE:{escape_text(contact.role)}")
    if contact.birthday is not None:
        lines.append(f"BDAY:{_bday(contact.birthday)}")
    if contact.linkedin:
        url = normalise_linkedin(contact.linkedin) or normalise_url(contact.linkedin)
        if url is not None:  # a URI value: already free of spaces, commas are legal in it
            lines.append(f"URL:{url}")
    tags = [escape_text(t) for t in contact.tags if t.strip()]
    if tags:
        lines.append("CATEGORIES:" + ",".join(tags))
    lines.append(f"X-NETKIT-TIER:{contact.tier}")
    lines.append("END:VCARD")
    return lines


def export_vcard(contacts: Iterable[Contact]) -> str:
    """vCard 4.0 text, one card per contact in the given order, CRLF line endings.

    Exported: name (``FN`` and a best-effort ``N``), emails, phones, company, role, birthday
    (``--MMDD`` without a year), LinkedIn URL, tags as ``CATEGORIES``, the tier as
    ``X-NETKIT-TIER`` and a ``UID`` derived from the file path, so re-exports are stable and
    a re-import can recognise the card. Notes and the interaction log stay private.
    Values are escaped (RFC 6350 §3.4) and lines folded at 75 octets (§3.2).
    """
    out: list[str] = []
    for contact in contacts:
        out.extend(fold_line(line) for line in _card(contact))
    return "".join(line + "\r\n" for line in out)
