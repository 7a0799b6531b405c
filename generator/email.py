"""The email edition of an issue: a 600 px table layout with inlined CSS, and plain text.

Both come from theme templates (``email/issue.html`` with ``email/email.css``, and
``email/issue.txt``) and are pure: an issue in, a string out.
"""

from __future__ import annotations

import re
from pathlib import Path

import css_inline
import jinja2

from .errors import BuildError, Problem
from .model import Issue, Site
from .options import BuildOptions
from .theme import find_themes_dir, load_theme

# Every rule becomes a style="" attribute; only @media rules stay in a <style> block, for the
# clients that read it (narrow screens). Nothing is fetched.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


# Gmail and Outlook show no SVG image: such an image becomes a link to it, named by its alt text.
_SVG_IMAGE = re.compile(r'<img\s[^>]*?src="([^"]*?\.svgz?(?:[?#][^"]*)?)"[^>]*>', re.I)
_ALT = re.compile(r'\salt="([^"]*)"')
# Gmail clips an email over ~102 KB; the sent copy is the website's plus the unsubscribe link.
EMAIL_SIZE_LIMIT = 100 * 1024


def _link_instead(image: re.Match) -> str:
    alt = _ALT.search(image.group(0))
    return f'<a href="{image.group(1)}">{(alt.group(1) if alt else "") or "Image"}</a>'


def render_email_html(env: jinja2.Environment, site: Site, issue: Issue,
                      unsubscribe: str = "") -> str:
    """The issue as an HTML email: every style inline, every link and image absolute, no script.

    `unsubscribe`: the mail service's placeholder, only in what is sent (`roundup email`); the copy
    on the website has no unsubscribe link, so no merge tag that is not a URL."""
    # The template makes its links absolute itself (the `absolute` and `absolute_links` filters), so
    # that the unsubscribe placeholder, which is not a URL yet, stays as the mail service wants it.
    html = env.get_template("email/issue.html").render(issue=issue, page_url=issue.url,
                                                       issue_url=site.absolute(issue.url),
                                                       unsubscribe=unsubscribe)
    html = _SVG_IMAGE.sub(_link_instead, html)
    try:
        return _INLINER.inline(html)
    except css_inline.InlineError as error:
        raise BuildError(f"cannot inline the email's CSS (themes: email/email.css): {error}") \
            from None


def render_email_text(env: jinja2.Environment, site: Site, issue: Issue,
                      unsubscribe: str = "") -> str:
    """The issue as plain text: numbered, wrapped at 72 columns, every link as a full URL.

    The template turns autoescaping off itself; the ``text`` and ``wrap`` filters come from
    templates.py.
    """
    text = env.get_template("email/issue.txt").render(issue=issue, page_url=issue.url,
                                                      issue_url=site.absolute(issue.url),
                                                      unsubscribe=unsubscribe)
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    # at most one blank line, whatever the template's spacing
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


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
    themes = find_themes_dir(Path(options.content_dir), options.themes_dir)
    env = make_environment(load_theme(site.theme, themes), site)
    render = render_email_text if text else render_email_html
    return render(env, site, issue, site.email_unsubscribe)


def oversized_editions(site: Site, output_dir: Path) -> list[Problem]:
    """A warning for each built email edition that Gmail would clip."""
    problems = []
    for issue in site.issues:
        path = f"{issue.url}email.html"
        size = (output_dir / path).stat().st_size
        if size > EMAIL_SIZE_LIMIT:
            problems.append(Problem(issue.source_path, 0, "", (
                f"its email edition ({path}) is {size // 1024} KB; Gmail clips an email over "
                "about 102 KB (expected at most 100 KB: shorten the summaries or split the issue)"),
                "warning"))
    return problems
