"""A paper's `status:` in its issue file: what the editor hides or sets of the lock's facts.

```yaml
    status: {hide: [upvotes, stars], journal_ref: "NeurIPS 2024 (oral)"}   # or hide: all
```
"""

from __future__ import annotations

from ..content.fields import Fields
from ..content.files import LineList
from .values import valid_value
from .status import SETTABLE, SHOWN, StatusOverrides


def _hidden(inner: Fields, raw: object) -> list[str]:
    names = (
        ["all"]
        if raw == "all"
        else list(inner.text_list("hide"))
        if isinstance(raw, LineList)
        else None
    )
    if raw is not None and names is None:
        inner.fail(
            "hide",
            f"'{raw}' is not a list of names (expected all, or a list of: {', '.join(SHOWN)})",
        )
    hide = []
    for name in names or []:
        if name != "all" and name not in SHOWN:
            inner.fail(
                "hide",
                f"'{name}' is not something shown (expected all, or some of: {', '.join(SHOWN)})",
            )
        else:
            hide.append(name)
    return hide


def _value(inner: Fields, name: str) -> tuple[bool, object]:
    """(whether the field is valid, its value)."""
    if name == "featured_version":
        number = inner.integer(name, 1)
        return number is not None, number
    if name == "withdrawn":
        return True, inner.boolean(name)
    if name in ("code", "project_page"):
        url = inner.url(name, required=True)
        if url and not valid_value(name, url):
            inner.fail(name, f"'{url}' is not an https:// URL (expected https://...)")
            return False, ""
        return bool(url), url
    text = inner.text(name, expected="text" if name == "journal_ref" else "a DOI")
    if name == "doi" and text and not valid_value("doi", text):
        inner.fail(name, f"'{text}' is not a DOI (expected a DOI such as 10.1000/xyz)")
        return False, ""
    return True, text  # "" hides the lock's value


def read_status_overrides(fields: Fields) -> StatusOverrides | None:
    """The paper's `status:`, each mistake a problem at its line; None when there is none."""
    data = fields.mapping("status")
    if data is None:
        return None
    inner = Fields(data, fields.path, f"{fields.prefix}status.", fields.problems)
    inner.check_keys(("hide", *SETTABLE))
    values = []
    for name in SETTABLE:
        if name in data:
            valid, value = _value(inner, name)
            if valid:
                values.append((name, value))
    return StatusOverrides(
        tuple(sorted(set(_hidden(inner, data.get("hide"))))), tuple(sorted(values))
    )
