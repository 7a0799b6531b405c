"""Every file of the site as an Artifact (made_from.py): where it goes, how to make it, and what
it is made from."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

import jinja2

from .bibtex import render_bibliography
from .catalog import Catalog, Listing, PaperRecord
from .email import render_email_html, render_email_text
from .feeds.model import OPML, build_channels, build_feeds
from .feeds.opml import render_opml
from .feeds.xml import render_feed_files
from .hashing import digest
from .made_from import (APPEARANCES, ENTRY, FEEDS, NEWEST, AppearanceKeys, Artifact, heading_key,
                        issue_key, layout, paths, shown_in)
from .model import Category, Site
from .refresh.updates import FEED_FILES as UPDATES_FEEDS
from .refresh.updates import PAGE as UPDATES_PAGE
from .refresh.updates import collect_updates, render_updates_feed
from .refresh.updates import feed_links as updates_feed_links
from .sitemap import render_robots, render_sitemap
from .templates import (PAPERS_PER_PAGE, Pager, paginate, render_feed_content,
                        render_paper_feed_content)
from .theme import Theme


def plan_site(
    env: jinja2.Environment,
    site: Site,
    catalog: Catalog,
    theme: Theme,
    related: dict[str, tuple[str, ...]],
    appearance_keys: AppearanceKeys | None = None,
) -> list[Artifact]:
    """Every file of the site, pages first; feeds, email and site-wide files after them.

    `related`: the ids of each paper's related papers (related.py); `appearance_keys`: the
    AppearanceKeys of `site` that fingerprints use, if shared with Fingerprints."""
    artifacts: list[Artifact] = []
    everything = tuple(issue_key(issue) for issue in site.issues)
    keys = functools.cache(
        lambda: AppearanceKeys(site) if appearance_keys is None else appearance_keys
    )

    def shown(appearances) -> str:
        return shown_in(keys(), appearances)

    def shown_as_related(paper_ids: tuple[str, ...]) -> str:
        """The keys of these papers' newest appearances: how they are shown as related papers."""
        records = map(catalog.paper_index.__getitem__, paper_ids)
        return "".join(
            map(keys().__getitem__, map(id, map(ENTRY, map(NEWEST, map(APPEARANCES, records)))))
        )

    def page(template: str, path: str, key: tuple | Callable[[], tuple], **context) -> None:
        url = path.removesuffix("index.html")
        render = functools.partial(_render, env, template, page_url=url, **context)
        artifacts.append(Artifact(path, render, key, (template,), is_page=True))

    for pager in paginate(site.issues, site.per_page, ""):
        page(
            "index.html",
            f"{pager.url}index.html",
            ("home", pager.number, pager.count, tuple(issue_key(issue) for issue in pager.items)),
            pager=pager,
        )

    issues = site.issues
    for index, issue in enumerate(issues):
        newer = issues[index - 1] if index > 0 else None
        older = issues[index + 1] if index + 1 < len(issues) else None
        neighbours = tuple(heading_key(other) if other else None for other in (newer, older))
        page("issue.html", f"{issue.url}index.html", ("issue", issue_key(issue), neighbours),
             issue=issue, newer=newer, older=older)

    channels = build_channels(site)
    category_feeds = {
        channel.category: channel.links for channel in channels if channel.kind == "category"
    }
    listings_by_template = (("category.html", catalog.categories), ("tag.html", catalog.tags),
                            ("author.html", catalog.authors))
    # ~25,000 listing and paper pages on a ten-year archive, planned again on every `roundup serve`
    # reload: their makers are partials of positional arguments, the cheapest to make
    for template, listings in listings_by_template:
        for listing in listings:
            extra = (
                {"page_feeds": category_feeds[listing.slug]} if template == "category.html" else {}
            )
            for pager in paginate(listing.appearances, PAPERS_PER_PAGE, listing.url):
                artifacts.append(
                    Artifact(
                        f"{pager.url}index.html",
                        functools.partial(_render_listing, env, template, listing, pager, extra),
                        functools.partial(_listing_key, shown, template, listing, pager),
                        (template,),
                        True,
                        part_of=listing.url,
                    )
                )

    paper_index = catalog.paper_index
    for record in catalog.papers:
        others = related[record.paper.id]
        artifacts.append(
            Artifact(
                f"{record.paper.page_url}index.html",
                functools.partial(_render_paper, env, paper_index, site.category, record, others),
                functools.partial(_paper_key, shown, shown_as_related, record, others),
                ("paper.html",),
                True,
                part_of=record.paper.page_url,
            )
        )

    page("archive.html", "archive/index.html", ("archive", everything), catalog=catalog)
    page("tags.html", "tags/index.html", ("tags", everything), catalog=catalog)
    for standalone in site.pages:
        page("page.html", f"{standalone.url}index.html", ("page",), standalone=standalone)
    page("subscribe.html", "subscribe/index.html", ("subscribe",), channels=channels)
    page("search.html", "search/index.html", ("search",))
    page("404.html", "404.html", ("404",))
    updates = collect_updates(catalog)
    if updates:  # a site whose papers.lock.yaml tells of changes to featured papers (refresh/)
        page("updates.html", f"{UPDATES_PAGE}index.html", ("updates", everything), updates=updates,
             page_feeds=updates_feed_links(site))
        artifacts += [
            Artifact(
                file.path,
                functools.partial(render_updates_feed, site, updates, file.path),
                ("updates-feed", file.path, site.build_date, everything),
            )
            for file in UPDATES_FEEDS
        ]

    artifacts += _feed_artifacts(env, site, catalog)
    artifacts += _issue_files(env, site)
    pages = tuple(artifacts)
    artifacts.append(
        Artifact(
            "sitemap.xml",
            functools.partial(_render_sitemap, site, catalog, pages),
            functools.partial(_sitemap_key, site, pages),
        )
    )
    artifacts.append(Artifact("robots.txt", functools.partial(render_robots, site), ("robots",)))
    newest = site.issues[0].date if site.issues else None  # the list's dateCreated
    artifacts.append(Artifact(OPML, functools.partial(render_opml, site, channels),
                              ("opml", site.build_date, newest, repr(channels))))
    # GitHub Pages: serve files as they are
    artifacts.append(Artifact(".nojekyll", lambda: "", ("nojekyll",)))
    artifacts += _static_artifacts(theme)
    return artifacts


def _issue_files(env: jinja2.Environment, site: Site) -> list[Artifact]:
    """Each issue's email edition (HTML and text) and its papers as one BibTeX file."""
    artifacts = []
    for issue in site.issues:
        key = ("email", issue_key(issue))
        artifacts.append(
            Artifact(
                f"{issue.url}email.html",
                functools.partial(render_email_html, env, site, issue),
                key,
                ("email/issue.html", "email/email.css"),
            )
        )
        artifacts.append(
            Artifact(
                f"{issue.url}email.txt",
                functools.partial(render_email_text, env, site, issue),
                key,
                ("email/issue.txt",),
            )
        )
        artifacts.append(
            Artifact(
                issue.bib_url,
                functools.partial(render_bibliography, [e.paper for e in issue.entries]),
                ("bib", issue_key(issue)),
            )
        )
    return artifacts


def _listing_key(shown: Callable, template: str, listing: Listing, pager: Pager) -> tuple:
    return (
        template,
        listing.slug,
        listing.name,
        len(listing.appearances),
        pager.number,
        shown(pager.items),
    )


def _paper_key(
    shown: Callable, shown_as_related: Callable, record: PaperRecord, related: tuple[str, ...]
) -> tuple:
    # a related paper is shown as in its newest issue: that issue decides how it looks
    return ("paper", record.paper.id, shown(record.appearances), shown_as_related(related))


def _sitemap_key(site: Site, artifacts: tuple[Artifact, ...]) -> tuple:
    # a page's lastmod is the date of the newest issue it shows: where each paper is, and when
    return ("sitemap", site.base_url, layout(site), paths(artifacts))


def _render_sitemap(site: Site, catalog: Catalog, artifacts: tuple[Artifact, ...]) -> str:
    urls = sorted(
        a.path.removesuffix("index.html") for a in artifacts if a.path.endswith("index.html")
    )
    return render_sitemap(site, catalog, urls)


def _render(env: jinja2.Environment, template: str, **context) -> str:
    return env.get_template(template).render(**context)


def _render_listing(
    env: jinja2.Environment, template: str, listing: Listing, pager: Pager, extra: dict
) -> str:
    return _render(env, template, page_url=pager.url, listing=listing, pager=pager, **extra)


def _render_paper(
    env: jinja2.Environment,
    index: dict[str, PaperRecord],
    category_of: Callable[[str], Category],
    record: PaperRecord,
    related: tuple[str, ...],
) -> str:
    return _render(
        env,
        "paper.html",
        page_url=record.paper.page_url,
        record=record,
        paper=record.paper,
        category=category_of(record.paper.category),
        related=tuple(index[other] for other in related),
    )


def _feed_artifacts(env: jinja2.Environment, site: Site, catalog: Catalog) -> list[Artifact]:
    """Feed files: made together (their entries are shared), so one worker makes them all."""
    newest = site.issues[: site.feed_items]
    shown = {issue_key(issue) for issue in newest}
    for issue in newest:  # paper entries also name the other issues a paper appeared in
        for entry in issue.entries:
            record = catalog.paper_index[entry.paper.id]
            shown.update(issue_key(a.issue) for a in record.appearances)
    oldest_year = site.issues[-1].date.year if site.issues else None  # in the feeds' own ids
    key = ("feeds", site.build_date, oldest_year, tuple(sorted(shown)))

    @functools.cache
    def files() -> dict[str, bytes]:
        feeds = build_feeds(site, catalog, lambda issue: render_feed_content(env, issue),
                            lambda record: render_paper_feed_content(env, record))
        return dict(render_feed_files(site, feeds))

    paths = [file.path for channel in build_channels(site) for file in channel.files]
    return [
        Artifact(
            path,
            functools.partial(lambda p: files()[p], path),
            key,
            ("feed/issue.html", "feed/paper.html"),
            group=FEEDS,
            part_of=FEEDS,
        )
        for path in paths
    ]


def _static_artifacts(theme: Theme) -> list[Artifact]:
    """Theme files copied to /static/; a theme's file replaces the one of the theme it extends."""
    files: dict[str, Path] = {}
    for folder in theme.static_dirs:  # base theme first
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[f"static/{path.relative_to(folder).as_posix()}"] = path
    return [Artifact(relative, path.read_bytes, ("static", digest(path.read_bytes())))
            for relative, path in sorted(files.items())]
