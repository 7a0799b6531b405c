"""Check site.yaml and turn it into the Site settings (its issues and pages are added later)."""

from __future__ import annotations

import datetime as dt
import re

from ..errors import Problem
from .fields import SLUG_RE, Fields, did_you_mean, read_fields, type_name
from .files import LineDict, LineList, Source
from ..model import Author, Category, Site
from ..delivery.config import signup_form, validate_announce, validate_newsletter

SITE_FIELDS = ("title", "description", "base_url", "language", "author", "theme",
               "subscribe_url", "feed", "email", "categories", "per_page", "newsletter", "announce")
# A tag: URI authority (RFC 4151): a domain name or an email address, a comma, a date it was owned.
TAG_AUTHORITY_RE = re.compile(
    r"^(?:[^\s@,:]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r",(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$",
    re.IGNORECASE,
)
UNSUBSCRIBE_SCHEMES = ("http", "https", "mailto")


def validate_site(source: Source, problems: list[Problem],
                  themes: tuple[str, ...] | None = None) -> Site | None:
    """site.yaml as a Site; each problem with its line. `themes`: the names of the themes there
    are, when known, so that a misspelt theme is reported here rather than by the build."""
    fields = read_fields(source, problems, "title, description, base_url, categories", SITE_FIELDS)
    if fields is None:
        return None
    base_url = fields.url("base_url", required=True)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    author = None
    author_data = fields.mapping("author")
    if author_data is not None:
        author_fields = Fields(author_data, source.path, "author.", problems)
        author_fields.check_keys(("name", "email"))
        author = Author(
            author_fields.text("name", True, "the author's name"), author_fields.text("email")
        )
    feed_items, id_authority = 20, ""
    feed = fields.mapping("feed")
    if feed is not None:
        feed_fields = Fields(feed, source.path, "feed.", problems)
        feed_fields.check_keys(("items", "id_authority"))
        feed_items = feed_fields.integer("items", 1) or 20
        id_authority = _validate_tag_authority(feed_fields)
    newsletter = validate_newsletter(fields)  # here, so that `roundup check` reports its mistakes
    validate_announce(fields)
    site = Site(
        title=fields.text("title", True, "the site's title"),
        description=fields.text("description", True, "a one-sentence description"),
        base_url=base_url or "https://example.org/",
        language=fields.text("language") or "en",
        author=author,
        theme=fields.text("theme") or "default",
        subscribe_url=fields.url("subscribe_url"),
        newsletter_form=signup_form(newsletter),
        newsletter_mailto=newsletter.subscribe
        if newsletter and newsletter.provider == "smtp"
        else "",
        feed_items=feed_items,
        feed_id_authority=id_authority,
        email_unsubscribe=_validate_email_settings(fields, source.path, problems),
        categories=_validate_categories(fields, source.path, problems),
        per_page=fields.integer("per_page", 1) or 10,
    )
    if not SLUG_RE.match(site.theme):
        fields.fail(
            "theme", f"'{site.theme}' is not a theme name (expected a folder name in themes/)"
        )
    elif themes is not None and site.theme not in themes:
        fields.fail("theme", f"no theme '{site.theme}'{did_you_mean(site.theme, themes)} "
                             f"(expected one of: {', '.join(sorted(themes))})")
    return site


def _validate_tag_authority(fields: Fields) -> str:
    value = fields.text("id_authority", expected='a tag: authority such as "example.org,2024"')
    match = TAG_AUTHORITY_RE.match(value)
    if value and match:
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            dt.date(year, month, day)
            return value
        except ValueError:
            pass
    if value:
        fields.fail(
            "id_authority",
            f"'{value}' is not a tag: authority (expected a domain or email address "
            "you owned, a comma and a date when you owned it, such as "
            '"example.org,2024" or "editor@example.org,2024-06-16")',
        )
    return ""


def _validate_email_settings(fields: Fields, path: str, problems: list[Problem]) -> str:
    """The unsubscribe placeholder of the email edition: a mail service's merge tag or a link."""
    default = "*|UNSUB|*"
    data = fields.mapping("email")
    if data is None:
        return default
    email = Fields(data, path, "email.", problems)
    email.check_keys(("unsubscribe",))
    value = email.text(
        "unsubscribe", expected='your mail service\'s unsubscribe placeholder, such as "*|UNSUB|*"'
    )
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", value, re.IGNORECASE)
    if scheme and scheme.group(1).lower() not in UNSUBSCRIBE_SCHEMES:
        email.fail(
            "unsubscribe",
            f"'{value}' is not an unsubscribe link (expected your mail service's "
            'placeholder such as "*|UNSUB|*" or "{{ unsubscribe_url }}", or an https:// '
            "or mailto: link)",
        )
        return default
    return value or default


def _validate_categories(
    fields: Fields, path: str, problems: list[Problem]
) -> tuple[Category, ...]:
    value = fields.data.get("categories")
    expected = "a list of {slug, name, description}"
    if not isinstance(value, LineList) or not value:
        empty = value is None or isinstance(value, LineList)
        what = "is missing" if "categories" not in fields.data else (
            "is empty" if empty else f"is {type_name(value)}")
        fields.fail("categories", f"{what} (expected {expected})")
        return ()
    categories, seen = [], set()
    for index, item in enumerate(value):
        if not isinstance(item, LineDict):
            fields.fail(f"categories[{index}]", f"is {type_name(item)} (expected {expected})",
                        value.line_of(index))
            continue
        category = Fields(item, path, f"categories[{index}].", problems)
        category.check_keys(("slug", "name", "description"))
        slug = category.text("slug", True, "a slug such as reasoning")
        if slug and not SLUG_RE.match(slug):
            category.fail(
                "slug", f"'{slug}' is not a slug (expected lowercase letters, digits and '-')"
            )
            continue
        if slug in seen:
            category.fail("slug", f"'{slug}' is listed twice (expected each category once)")
            continue
        seen.add(slug)
        name = category.text("name", True, "the category's display name")
        if slug:
            categories.append(Category(slug, name or slug, category.text("description"), item.line))
    return tuple(categories)
