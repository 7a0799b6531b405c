"""The email edition of an issue: a 600 px table layout with inlined CSS, and plain text.

Both come from theme templates (``email/issue.html`` with ``email/email.css``, and
``email/issue.txt``) and are pure: an issue in, a string out.
"""

from __future__ import annotations

import re
from pathlib import Path

import css_inline
import jinja2

from .errors import BuildError
from .model import Issue, Site
from .options import BuildOptions
from .theme import find_themes_dir, load_theme

# Every rule becomes a style="" attribute; only @media rules stay in a <style> block, for the
# clients that read it (narrow screens). Nothing is fetched.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def render_email_html(env: jinja2.Environment, site: Site, issue: Issue) -> str:
    """The issue as an HTML email: every style inline, every link and image absolute, no script."""
    # The template makes its links absolute itself (the `absolute` and `absolute_links` filters),
    # so that the unsubscribe placeholder, which is not a URL yet, stays as the mail service wants it.
    html = env.get_template("email/issue.html").render(issue=issue, page_url=issue.url,
                                                       issue_url=site.absolute(issue.url))
    try:
        return _INLINER.inline(html)
    except css_inline.InlineError as error:
        raise BuildError(f"cannot inline the email's CSS (themes: email/email.css): {error}") from None


def render_email_text(env: jinja2.Environment, site: Site, issue: Issue) -> str:
    """The issue as plain text: numbered, wrapped at 72 columns, every link as a full URL.

    The template turns autoescaping off itself; the ``text`` and ``wrap`` filters come from templates.py.
    """
    text = env.get_template("email/issue.txt").render(issue=issue, page_url=issue.url,
                                                      issue_url=site.absolute(issue.url))
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"  # at most one blank line, whatever the template's spacing


def render_email(options: BuildOptions, slug: str, text: bool = False) -> str:
    """One issue's email edition, HTML or plain text (``text``), without writing anything."""
    from .build import load_checked_site
    from .templates import make_environment
    from .content.fields import did_you_mean

    site, _ = load_checked_site(options)
    issue = next((issue for issue in site.issues if issue.slug == slug), None)
    if issue is None:
        slugs = [issue.slug for issue in site.issues]
        raise BuildError(f"no issue '{slug}'{did_you_mean(slug, slugs)} "
                         f"(expected one of: {', '.join(sorted(slugs)) or 'no issues yet'})")
    env = make_environment(load_theme(site.theme, find_themes_dir(Path(options.content_dir), options.themes_dir)),
                           site)
    return (render_email_text if text else render_email_html)(env, site, issue)
