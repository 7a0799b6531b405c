"""Fingerprints of the files of a build, and which issues each file shows.

A file's fingerprint hashes everything it is made from: the generator, the site settings, the
templates it uses (with what they extend and include) and its key (made_from.py). A file whose
fingerprint is unchanged since the last build is neither rendered nor written again.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, NamedTuple

import jinja2
from jinja2 import meta

from ..hashing import digest, generator_stamp
from ..made_from import FEEDS, KEY_LENGTH, AppearanceKeys, Artifact, issue_key, layout, paths
from ..model import Site
from ..templates import SITE_SETTINGS, settings_of
from ..urls import paper_url

_KEYS_IN = re.compile(f".{{{KEY_LENGTH}}}")  # the keys of a string of them (shown_in)


class Dependencies(NamedTuple):
    """Which issues each file of a build shows, read from the keys of its fingerprints: a later
    build fingerprints only the files that can have changed (Fingerprints.suspects). Kept in the
    cache under the build's Fingerprints.frame(), so that a build with other settings, templates or
    issues never reads it."""

    issues: dict[str, str]  # slug -> digest of its file
    showing: dict[str, tuple[int, ...]]  # slug -> the files that show it, as indexes in plan order
    always: tuple[int, ...]  # fingerprinted on every build: no key, no issue shown, or every issue
    shape: str = ""  # Fingerprints.shape() of the build
    paths: tuple[str, ...] = ()  # its files in plan order


class Fingerprints:
    """Fingerprints of artifacts for one build: settings, templates and the artifact's own key."""

    def __init__(
        self,
        env: jinja2.Environment,
        site: Site,
        artifacts: list[Artifact],
        appearances: AppearanceKeys,
        parsed: dict[str, tuple[tuple[str, ...], bool]] | None = None,
    ):
        self.env = env
        self.site = site
        self.artifacts = artifacts
        self.appearances = appearances  # those the artifacts' keys were made with
        # digest of a template's source -> (what it extends or includes, whether it reads
        # site.issues), from earlier builds: parsing the theme's templates again takes ~0.07 s
        self.parsed_before = parsed or {}
        self.parsed: dict[str, tuple[tuple[str, ...], bool]] = {}  # those of this build's templates
        self.base = digest(repr((generator_stamp(), settings_of(site))))
        self.every_issue = digest(
            repr((tuple(issue_key(issue) for issue in site.issues), site.build_date))
        )
        self.trace = False  # record which issues each artifact shows (for dependencies())
        self._showing: dict[str, list[int]] = {issue.slug: [] for issue in site.issues}
        self._always: list[int] = []
        self._traced: list[int] = []
        # index of each previous file in this plan, -1 if gone
        self._places: list[int] | None = None

    @functools.cache  # noqa: B019 - one Fingerprints per build: its cache goes with it
    def _template(self, name: str) -> tuple[str, bool]:
        """(digest of the template and all it extends or includes, whether any of them reads
        site.issues or site.build_date: both change with every new issue)."""
        assert self.env.loader is not None  # make_environment gives one
        source, filename, _ = self.env.loader.get_source(self.env, name)
        source_key = digest(source)
        found = self.parsed_before.get(source_key)
        if found is None:
            tree = self.env.parse(source, name, filename)
            found = (tuple(sorted(str(ref) for ref in meta.find_referenced_templates(tree))),
                     reads_every_issue(tree))
        references, reads_issues = self.parsed[source_key] = found
        if "None" in references:  # a template chosen at run time: depend on every template
            references = tuple(
                other for other in sorted(self.env.list_templates()) if other != name
            )
        try:
            parts = [self._template(ref) for ref in references]
        except jinja2.TemplateNotFound as error:  # named by this template: its file and line
            if error.name not in references:
                raise
            line = next((number for number, text in enumerate(source.splitlines(), 1)
                         if f'"{error.name}"' in text or f"'{error.name}'" in text), 1)
            raise jinja2.TemplateSyntaxError(f"'{error.name}' is not a template of the theme "
                                             "(expected a file in its templates/ folder, or in the "
                                             "theme it extends)", line, name, filename) from None
        return (digest(source + "".join(part[0] for part in parts)),
                reads_issues or any(part[1] for part in parts))

    def of(self, artifact: Artifact, index: int = 0) -> str | None:
        """The artifact's fingerprint; with `trace`, what it shows is recorded as artifact number
        `index`."""
        fingerprint, shown = self.measure(artifact)
        if self.trace:
            self.record(index, shown)
        return fingerprint

    def measure(self, artifact: Artifact) -> tuple[str | None, tuple[str, ...]]:
        """The artifact's fingerprint and, with `trace`, the issues it shows (their slugs; none when
        it shows none or every one). Records nothing: a build worker can work it out and send it
        back for record()."""
        key = artifact.key() if callable(artifact.key) else artifact.key
        if key is None:
            return None, ()
        made_with, reads_issues = self._made_with(artifact.templates)
        shown = tuple(self._issues_in(key)) if self.trace and not reads_issues else ()
        return digest(made_with + repr(key)), shown

    def record(self, index: int, shown: tuple[str, ...]) -> None:
        """Artifact number `index` shows these issues (measure())."""
        self._traced.append(index)
        for slug in shown:
            self._showing[slug].append(index)
        if not shown:
            self._always.append(index)

    @functools.cache  # noqa: B019 - one Fingerprints per build: its cache goes with it
    def _made_with(self, templates: tuple[str, ...]) -> tuple[str, bool]:
        """What every artifact made with these templates depends on besides its key, and whether
        that is every issue."""
        parts = [self._template(name) for name in templates]
        # A template that lists issues itself (say, the latest three on the 404 page) depends on
        # all.
        reads_issues = any(reads for _, reads in parts)
        return repr(
            (self.base, tuple(part for part, _ in parts), self.every_issue if reads_issues else "")
        ), reads_issues

    def _issues_in(self, key: tuple, found: set | None = None) -> set[str]:
        """The issues a key shows something of: by their slug (issue_key, heading_key), or by the
        keys of their papers' appearances (shown_in). ~26,700 keys on a ten-year archive: kept lean.
        """
        found = set() if found is None else found
        slugs, issue_of = self._showing, self.appearances.issue_of
        for part in key:
            kind = part.__class__
            if kind is str:
                if part in slugs:
                    found.add(part)
                elif len(part) % KEY_LENGTH == 0 and part[:KEY_LENGTH] in issue_of:
                    found.update(map(issue_of.get, _KEYS_IN.findall(part)))
            elif kind is tuple:
                self._issues_in(part, found)
        found.discard(None)
        return found

    @functools.cached_property
    def shape(self) -> str:
        """Everything but the issues' texts that fingerprints depend on: settings, templates, which
        issues there are and where, what the catalog takes from each (Section.outline), the files.
        """
        return digest(repr((self.frame, layout(self.site), paths(self.artifacts))))

    @functools.cached_property
    def frame(self) -> str:
        """The shape but for the papers of each issue: settings, templates, the issues and their
        order."""
        templates = sorted({name for artifact in self.artifacts for name in artifact.templates})
        return digest(
            repr(
                (
                    self.base,
                    [self._template(name) for name in templates],
                    self.site.build_date,
                    [(issue.slug, issue.number, issue.date) for issue in self.site.issues],
                )
            )
        )

    def dependencies(self, previous: Dependencies | None) -> Dependencies:
        """What this build's files show: those fingerprinted again as traced, the others as
        `previous` recorded (they show what they showed)."""
        issues = {issue.slug: issue.digest for issue in self.site.issues}
        if not self.trace:
            assert previous is not None  # suspects() traces when there is no record
            return previous._replace(issues=issues)
        showing, always = self._showing, self._always
        if self._places is not None:  # the files not traced show what they showed
            showing = {slug: list(indexes) for slug, indexes in showing.items()}
            always = list(always)
            traced = set(self._traced)
            places = [-1 if index in traced else index for index in self._places]
            assert previous is not None  # _places is only set from a record
            for slug, indexes in previous.showing.items():
                showing[slug] += [places[old] for old in indexes if places[old] >= 0]
            always += [places[old] for old in previous.always if places[old] >= 0]
        return Dependencies(
            issues,
            {slug: tuple(sorted(indexes)) for slug, indexes in showing.items()},
            tuple(sorted(always)),
            self.shape,
            tuple(artifact.path for artifact in self.artifacts),
        )

    def suspects(
        self,
        previous: Dependencies | None,
        related: dict[str, tuple[str, ...]],
        previous_related: Callable[[], dict[str, tuple[str, ...]] | None],
    ) -> set[int] | None:
        """The artifacts (indexes in plan order) whose fingerprints may differ from the `previous`
        build's (made with the same frame()); None: any may (nothing is known), and every one is
        traced.

        When the site kept its shape, those that show an edited issue. When papers were added to,
        removed from or changed in an issue (its outline changed), also: every page of a listing
        that lists or listed one of them, the pages of those papers, of the papers whose related
        papers changed or are among them, and the feeds (they name the other issues of their
        papers). Those fingerprinted are traced (as are new files: the build fingerprints every file
        it has no record of); dependencies() keeps the record of the others."""
        artifacts = self.artifacts
        self.trace = not isinstance(previous, Dependencies)
        if previous is None or self.trace:
            return None
        edited = [
            issue for issue in self.site.issues if previous.issues.get(issue.slug) != issue.digest
        ]
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
            touched.update(
                (
                    paper.page_url,
                    self.site.category(paper.category).url,
                    *(tag.url for tag in paper.tags),
                    *paper.author_pages,
                )
            )
        touched.update(paper_url(paper_id) for paper_id, others in related.items()
                       if before.get(paper_id) != others or not ids.isdisjoint(others))
        touched.discard(None)
        suspects.update(
            index for index, artifact in enumerate(artifacts) if artifact.part_of in touched
        )
        return suspects


def reads_every_issue(tree: jinja2.nodes.Template) -> bool:
    """Whether a template may show anything of any issue: it names `site` other than to read one of
    its settings (site.title, site.category ...). An alias (`set s = site`), `site["issues"]`,
    `site|attr(...)` or `site` passed to a macro count as reading everything: a rule that cannot
    miss a spelling, at the cost of remaking such a template's pages after any edit."""
    names = [node for node in tree.find_all(jinja2.nodes.Name) if node.name == "site"]
    settings_reads = {id(node.node) for node in tree.find_all(jinja2.nodes.Getattr)
                      if node.attr in SITE_SETTINGS and isinstance(node.node, jinja2.nodes.Name)}
    return any(id(name) not in settings_reads for name in names)

