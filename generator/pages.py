"""Every file of the site as an Artifact: where it goes, how to make it, and what it is made from.

An artifact's fingerprint hashes everything it is made from: the site settings, the templates it
uses (with what they extend and include), and the issues it shows. A file whose fingerprint is
unchanged since the last build is neither rendered nor written again.
"""

from __future__ import annotations

import functools
import operator
import re
from pathlib import Path
from typing import Callable, NamedTuple

import jinja2
from jinja2 import meta

from .bibtex import render_bibliography
from .hashing import digest, generator_stamp
from .email import render_email_html, render_email_text
from .feeds.xml import render_feed_files
from .catalog import Catalog, Listing, PaperRecord
from .model import Category, Issue, Site
from .feeds.opml import render_opml
from .templates import (PAPERS_PER_PAGE, SITE_SETTINGS, Pager, paginate, render_feed_content,
                        render_paper_feed_content, settings_of)
from .sitemap import render_robots, render_sitemap
from .feeds.model import OPML, build_channels, build_feeds
from .theme import Theme
from .urls import paper_url


class Artifact(NamedTuple):  # not a frozen dataclass: ~4x cheaper to make, and a site has ~26,000
    path: str  # site-relative
    make: Callable[[], str | bytes]
    # What it is made from besides settings and templates, or a function that gives it (costly keys
    # are only worked out when fingerprints are asked for; `roundup serve` never asks); None: made every time.
    # An issue's content enters a key only as its issue_key, its heading_key or its papers' appearance
    # keys: Fingerprints reads them back to know which files an edit of that issue can change.
    key: tuple | Callable[[], tuple] | None
    templates: tuple[str, ...] = ()
    is_page: bool = False
    group: str | None = None  # artifacts of one group share work, so one worker makes them all
    # The listing or paper (its URL) this is a page of, or FEEDS: its key also holds what the catalog
    # says of it (which papers are listed, how many; the related papers; the other issues of the
    # feeds' papers), not only issues' content.
    part_of: str | None = None


def issue_key(issue: Issue) -> tuple:
    # The number is not in the file when it is derived from the issue's position by date.
    return (issue.slug, issue.digest, issue.number)


def heading_key(issue: Issue) -> tuple:
    """What a page that names an issue shows of it (not its papers)."""
    return (issue.slug, issue.number, issue.date, issue.title)


class AppearanceKeys(dict):
    """id() of an entry of the site -> what a page showing that paper in that issue depends on.

    Not the whole issue: editing one paper must not remake the listings of all its issue's papers.
    One short digest each, made when first asked for (a build after an edit asks for ~2,000 of 15,600
    on a ten-year archive): listings and paper pages use them ~300,000 times in a full build, so they
    are looked up by id() with C functions only (shown_in). An entry is in one issue.
    """

    def __init__(self, site: Site):
        super().__init__()
        self._places = {id(entry): (issue, entry) for issue in site.issues for entry in issue.entries}
        self.issue_of: dict[str, str] = {}  # key -> slug of its issue, for every key made

    def __missing__(self, entry_id: int) -> str:
        issue, entry = self._places[entry_id]
        key = self[entry_id] = digest(repr((heading_key(issue), entry.number, entry.digest)))
        self.issue_of[key] = issue.slug
        return key


def shown_in(keys: dict[int, str], appearances) -> str:
    # one string, not a tuple: digests have one length, and repr() of a string is cheaper
    return "".join(map(keys.__getitem__, map(id, map(_ENTRY, appearances))))


_ENTRY = operator.itemgetter(1)  # Appearance.entry
_NEWEST = operator.itemgetter(0)
_APPEARANCES = operator.attrgetter("appearances")


class Dependencies(NamedTuple):
    """Which issues each file of a build shows, read from the keys of its fingerprints: a later build
    fingerprints only the files that can have changed (Fingerprints.suspects). Kept in the cache
    under the build's Fingerprints.frame(), so that a build with other settings, templates or issues
    never reads it."""

    issues: dict[str, str]  # slug -> digest of its file
    showing: dict[str, tuple[int, ...]]  # slug -> the files that show it, as indexes in plan order
    always: tuple[int, ...]  # fingerprinted on every build: no key, no issue shown, or every issue
    shape: str = ""  # Fingerprints.shape() of the build
    paths: tuple[str, ...] = ()  # its files in plan order


class Fingerprints:
    """Fingerprints of artifacts for one build: settings, templates and the artifact's own key."""

    def __init__(self, env: jinja2.Environment, site: Site, artifacts: list[Artifact], appearances: AppearanceKeys,
                 parsed: dict[str, tuple[tuple[str, ...], bool]] | None = None):
        self.env = env
        self.site = site
        self.artifacts = artifacts
        self.appearances = appearances  # those the artifacts' keys were made with
        # digest of a template's source -> (what it extends or includes, whether it reads site.issues),
        # from earlier builds: parsing the theme's templates again takes ~0.07 s
        self.parsed_before = parsed or {}
        self.parsed: dict[str, tuple[tuple[str, ...], bool]] = {}  # those of this build's templates
        self.base = digest(repr((generator_stamp(), settings_of(site))))
        self.every_issue = digest(repr((tuple(issue_key(issue) for issue in site.issues), site.build_date)))
        self.trace = False  # record which issues each artifact shows (for dependencies())
        self._showing: dict[str, list[int]] = {issue.slug: [] for issue in site.issues}
        self._always: list[int] = []
        self._traced: list[int] = []
        self._places: list[int] | None = None  # index of each previous file in this plan, -1 if gone

    @functools.cache
    def _template(self, name: str) -> tuple[str, bool]:
        """(digest of the template and all it extends or includes, whether any of them reads site.issues
        or site.build_date: both change with every new issue)."""
        source, filename, _ = self.env.loader.get_source(self.env, name)
        source_key = digest(source)
        found = self.parsed_before.get(source_key)
        if found is None:
            tree = self.env.parse(source, name, filename)
            found = (tuple(sorted(str(ref) for ref in meta.find_referenced_templates(tree))),
                     reads_every_issue(tree))
        references, reads_issues = self.parsed[source_key] = found
        if "None" in references:  # a template chosen at run time: depend on every template
            references = sorted(self.env.list_templates())
            references.remove(name)
        parts = [self._template(ref) for ref in references]
        return (digest(source + "".join(part[0] for part in parts)),
                reads_issues or any(part[1] for part in parts))

    def of(self, artifact: Artifact, index: int = 0) -> str | None:
        """The artifact's fingerprint; with `trace`, what it shows is recorded as artifact number `index`."""
        fingerprint, shown = self.measure(artifact)
        if self.trace:
            self.record(index, shown)
        return fingerprint

    def measure(self, artifact: Artifact) -> tuple[str | None, tuple[str, ...]]:
        """The artifact's fingerprint and, with `trace`, the issues it shows (their slugs; none when it
        shows none or every one). Records nothing: a build worker can work it out and send it back
        for record()."""
        key = artifact.key() if callable(artifact.key) else artifact.key
        made_with, reads_issues = (None, True) if key is None else self._made_with(artifact.templates)
        shown = tuple(self._issues_in(key)) if self.trace and not reads_issues else ()
        return None if key is None else digest(made_with + repr(key)), shown

    def record(self, index: int, shown: tuple[str, ...]) -> None:
        """Artifact number `index` shows these issues (measure())."""
        self._traced.append(index)
        for slug in shown:
            self._showing[slug].append(index)
        if not shown:
            self._always.append(index)

    @functools.cache
    def _made_with(self, templates: tuple[str, ...]) -> tuple[str, bool]:
        """What every artifact made with these templates depends on besides its key, and whether that
        is every issue."""
        parts = [self._template(name) for name in templates]
        # A template that lists issues itself (say, the latest three on the 404 page) depends on all.
        reads_issues = any(reads for _, reads in parts)
        return repr((self.base, tuple(part for part, _ in parts), self.every_issue if reads_issues else "")), reads_issues

    def _issues_in(self, key: tuple, found: set | None = None) -> set[str]:
        """The issues a key shows something of: by their slug (issue_key, heading_key), or by the keys
        of their papers' appearances (shown_in). ~26,700 keys on a ten-year archive: kept lean."""
        found = set() if found is None else found
        slugs, issue_of = self._showing, self.appearances.issue_of
        for part in key:
            kind = part.__class__
            if kind is str:
                if part in slugs:
                    found.add(part)
                elif len(part) % _KEY_LENGTH == 0 and part[:_KEY_LENGTH] in issue_of:
                    found.update(map(issue_of.get, _KEYS_IN.findall(part)))
            elif kind is tuple:
                self._issues_in(part, found)
        found.discard(None)
        return found

    @functools.cached_property
    def shape(self) -> str:
        """Everything but the issues' texts that fingerprints depend on: settings, templates, which
        issues there are and where, what the catalog takes from each (Section.outline), the files."""
        return digest(repr((self.frame, _layout(self.site), _paths(self.artifacts))))

    @functools.cached_property
    def frame(self) -> str:
        """The shape but for the papers of each issue: settings, templates, the issues and their order."""
        templates = sorted({name for artifact in self.artifacts for name in artifact.templates})
        return digest(repr((self.base, [self._template(name) for name in templates], self.site.build_date,
                            [(issue.slug, issue.number, issue.date) for issue in self.site.issues])))

    def dependencies(self, previous: Dependencies | None) -> Dependencies:
        """What this build's files show: those fingerprinted again as traced, the others as `previous`
        recorded (they show what they showed)."""
        issues = {issue.slug: issue.digest for issue in self.site.issues}
        if not self.trace:
            return previous._replace(issues=issues)
        showing, always = self._showing, self._always
        if self._places is not None:  # the files not traced show what they showed
            showing = {slug: list(indexes) for slug, indexes in showing.items()}
            always = list(always)
            traced = set(self._traced)
            places = [-1 if index in traced else index for index in self._places]
            for slug, indexes in previous.showing.items():
                showing[slug] += [places[old] for old in indexes if places[old] >= 0]
            always += [places[old] for old in previous.always if places[old] >= 0]
        return Dependencies(issues, {slug: tuple(sorted(indexes)) for slug, indexes in showing.items()},
                            tuple(sorted(always)), self.shape, tuple(artifact.path for artifact in self.artifacts))

    def suspects(self, previous: Dependencies | None, related: dict[str, tuple[str, ...]],
                 previous_related: Callable[[], dict[str, tuple[str, ...]] | None]) -> set[int] | None:
        """The artifacts (indexes in plan order) whose fingerprints may differ from the `previous` build's
        (made with the same frame()); None: any may (nothing is known), and every one is traced.

        When the site kept its shape, those that show an edited issue. When papers were added to, removed
        from or changed in an issue (its outline changed), also: every page of a listing that lists or
        listed one of them, the pages of those papers, of the papers whose related papers changed or
        are among them, and the feeds (they name the other issues of their papers). Those fingerprinted
        are traced (as are new files: the build fingerprints every file it has no record of);
        dependencies() keeps the record of the others.
        """
        artifacts = self.artifacts
        self.trace = not isinstance(previous, Dependencies)
        if self.trace:
            return None
        edited = [issue for issue in self.site.issues if previous.issues.get(issue.slug) != issue.digest]
        if previous.shape == self.shape:
            suspects = set(previous.always)
            for issue in edited:
                suspects.update(previous.showing.get(issue.slug, ()))
            return suspects
        before = previous_related()
        if before is None:
            return None
        self.trace = True
        where = {artifact.path: index for index, artifact in enumerate(artifacts)}
        self._places = places = [where.get(path, -1) for path in previous.paths]
        suspects = {places[old] for old in previous.always}
        for issue in edited:
            suspects.update(places[old] for old in previous.showing.get(issue.slug, ()))
        suspects.discard(-1)
        touched = {FEEDS, *(artifacts[index].part_of for index in suspects)}
        papers = {entry.paper for issue in edited for entry in issue.entries}
        ids = {paper.id for paper in papers}
        for paper in papers:
            touched.update((paper.page_url, self.site.category(paper.category).url, *(tag.url for tag in paper.tags),
                            *paper.author_pages))
        touched.update(paper_url(paper_id) for paper_id, others in related.items()
                       if before.get(paper_id) != others or not ids.isdisjoint(others))
        touched.discard(None)
        suspects.update(index for index, artifact in enumerate(artifacts) if artifact.part_of in touched)
        return suspects


FEEDS = "feeds"  # the feeds' group and Artifact.part_of: their entries name other issues of their papers
_KEY_LENGTH = len(digest(""))  # of an appearance key (AppearanceKeys)
_KEYS_IN = re.compile(f".{{{_KEY_LENGTH}}}")  # the keys of a string of them (shown_in)


def reads_every_issue(tree: jinja2.nodes.Template) -> bool:
    """Whether a template may show anything of any issue: it names `site` other than to read one of
    its settings (site.title, site.category ...). An alias (`set s = site`), `site["issues"]`,
    `site|attr(...)` or `site` passed to a macro count as reading everything: a rule that cannot
    miss a spelling, at the cost of remaking such a template's pages after any edit."""
    names = [node for node in tree.find_all(jinja2.nodes.Name) if node.name == "site"]
    settings_reads = {id(node.node) for node in tree.find_all(jinja2.nodes.Getattr)
                      if node.attr in SITE_SETTINGS and isinstance(node.node, jinja2.nodes.Name)}
    return any(id(name) not in settings_reads for name in names)


def plan_site(env: jinja2.Environment, site: Site, catalog: Catalog, theme: Theme,
              related: dict[str, tuple[str, ...]], appearance_keys: AppearanceKeys | None = None) -> list[Artifact]:
    """Every file of the site, pages first; feeds, email and site-wide files after them.

    `related`: the ids of each paper's related papers (related.py); `appearance_keys`: the AppearanceKeys
    of `site` that fingerprints use, if shared with Fingerprints."""
    artifacts: list[Artifact] = []
    everything = tuple(issue_key(issue) for issue in site.issues)
    keys = functools.cache(lambda: AppearanceKeys(site) if appearance_keys is None else appearance_keys)

    def shown(appearances) -> str:
        return shown_in(keys(), appearances)

    def shown_as_related(paper_ids: tuple[str, ...]) -> str:
        """The keys of these papers' newest appearances: how they are shown as related papers."""
        records = map(catalog.paper_index.__getitem__, paper_ids)
        return "".join(map(keys().__getitem__, map(id, map(_ENTRY, map(_NEWEST, map(_APPEARANCES, records))))))

    def page(template: str, path: str, key: tuple | Callable[[], tuple], **context) -> None:
        url = path.removesuffix("index.html")
        render = functools.partial(_render, env, template, page_url=url, **context)
        artifacts.append(Artifact(path, render, key, (template,), is_page=True))

    for pager in paginate(site.issues, site.per_page, ""):
        page("index.html", f"{pager.url}index.html",
             ("home", pager.number, pager.count, tuple(issue_key(issue) for issue in pager.items)), pager=pager)

    issues = site.issues
    for index, issue in enumerate(issues):
        newer = issues[index - 1] if index > 0 else None
        older = issues[index + 1] if index + 1 < len(issues) else None
        neighbours = tuple(heading_key(other) if other else None for other in (newer, older))
        page("issue.html", f"{issue.url}index.html", ("issue", issue_key(issue), neighbours),
             issue=issue, newer=newer, older=older)

    channels = build_channels(site)
    category_feeds = {channel.category: channel.links for channel in channels if channel.kind == "category"}
    listings_by_template = (("category.html", catalog.categories), ("tag.html", catalog.tags),
                            ("author.html", catalog.authors))
    # ~25,000 listing and paper pages on a ten-year archive, planned again on every `roundup serve`
    # reload: their makers are partials of positional arguments, the cheapest to make
    for template, listings in listings_by_template:
        for listing in listings:
            extra = {"page_feeds": category_feeds[listing.slug]} if template == "category.html" else {}
            for pager in paginate(listing.appearances, PAPERS_PER_PAGE, listing.url):
                artifacts.append(Artifact(f"{pager.url}index.html",
                                          functools.partial(_render_listing, env, template, listing, pager, extra),
                                          functools.partial(_listing_key, shown, template, listing, pager),
                                          (template,), True, part_of=listing.url))

    index = catalog.paper_index
    for record in catalog.papers:
        others = related[record.paper.id]
        artifacts.append(Artifact(f"{record.paper.page_url}index.html",
                                  functools.partial(_render_paper, env, index, site.category, record, others),
                                  functools.partial(_paper_key, shown, shown_as_related, record, others),
                                  ("paper.html",), True, part_of=record.paper.page_url))

    page("archive.html", "archive/index.html", ("archive", everything), catalog=catalog)
    page("tags.html", "tags/index.html", ("tags", everything), catalog=catalog)
    for standalone in site.pages:
        page("page.html", f"{standalone.url}index.html", ("page",), standalone=standalone)
    page("subscribe.html", "subscribe/index.html", ("subscribe",), channels=channels)
    page("search.html", "search/index.html", ("search",))
    page("404.html", "404.html", ("404",))

    artifacts += _feed_artifacts(env, site, catalog)
    for issue in site.issues:
        key = ("email", issue_key(issue))
        artifacts.append(Artifact(f"{issue.url}email.html", functools.partial(render_email_html, env, site, issue),
                                  key, ("email/issue.html", "email/email.css")))
        artifacts.append(Artifact(f"{issue.url}email.txt", functools.partial(render_email_text, env, site, issue),
                                  key, ("email/issue.txt",)))
        artifacts.append(Artifact(issue.bib_url, functools.partial(render_bibliography, [e.paper for e in issue.entries]),
                                  ("bib", issue_key(issue))))
    pages = tuple(artifacts)
    artifacts.append(Artifact("sitemap.xml", functools.partial(_render_sitemap, site, catalog, pages),
                              functools.partial(_sitemap_key, site, pages)))
    artifacts.append(Artifact("robots.txt", functools.partial(render_robots, site), ("robots",)))
    newest = site.issues[0].date if site.issues else None  # the list's dateCreated
    artifacts.append(Artifact(OPML, functools.partial(render_opml, site, channels),
                              ("opml", site.build_date, newest, repr(channels))))
    artifacts.append(Artifact(".nojekyll", lambda: "", ("nojekyll",)))  # GitHub Pages: serve files as they are
    artifacts += _static_artifacts(theme)
    return artifacts


def _listing_key(shown: Callable, template: str, listing: Listing, pager: Pager) -> tuple:
    return (template, listing.slug, listing.name, len(listing.appearances), pager.number, shown(pager.items))


def _paper_key(shown: Callable, shown_as_related: Callable, record: PaperRecord, related: tuple[str, ...]) -> tuple:
    # a related paper is shown as in its newest issue: that issue decides how it looks
    return ("paper", record.paper.id, shown(record.appearances), shown_as_related(related))


def _sitemap_key(site: Site, artifacts: tuple[Artifact, ...]) -> tuple:
    # a page's lastmod is the date of the newest issue it shows: where each paper is, and when
    return ("sitemap", site.base_url, _layout(site), _paths(artifacts))


def _layout(site: Site) -> tuple:
    """Where each issue is and what the catalog takes from it (Section.outline), not its texts."""
    return tuple((issue.slug, issue.number, issue.date, tuple(section.outline for section in issue.sections))
                 for issue in site.issues)


def _paths(artifacts) -> str:
    return "\n".join(artifact.path for artifact in artifacts)


def _render_sitemap(site: Site, catalog: Catalog, artifacts: tuple[Artifact, ...]) -> str:
    urls = sorted(a.path.removesuffix("index.html") for a in artifacts if a.path.endswith("index.html"))
    return render_sitemap(site, catalog, urls)


def _render(env: jinja2.Environment, template: str, **context) -> str:
    return env.get_template(template).render(**context)


def _render_listing(env: jinja2.Environment, template: str, listing: Listing, pager: Pager, extra: dict) -> str:
    return _render(env, template, page_url=pager.url, listing=listing, pager=pager, **extra)


def _render_paper(env: jinja2.Environment, index: dict[str, PaperRecord], category_of: Callable[[str], Category],
                  record: PaperRecord, related: tuple[str, ...]) -> str:
    return _render(env, "paper.html", page_url=record.paper.page_url, record=record, paper=record.paper,
                   category=category_of(record.paper.category), related=tuple(index[other] for other in related))


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
    return [Artifact(path, functools.partial(lambda p: files()[p], path), key, ("feed/issue.html", "feed/paper.html"),
                     group=FEEDS, part_of=FEEDS) for path in paths]


def _static_artifacts(theme: Theme) -> list[Artifact]:
    """Theme files copied to /static/; a theme's file replaces the one of the theme it extends."""
    files: dict[str, Path] = {}
    for folder in theme.static_dirs:  # base theme first
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[f"static/{path.relative_to(folder).as_posix()}"] = path
    return [Artifact(relative, path.read_bytes, ("static", digest(path.read_bytes())))
            for relative, path in sorted(files.items())]
