"""Issue files validated by an earlier build, and their Markdown rendered ahead, from the cache."""

from __future__ import annotations


from ..content.files import Source
from ..content.site import Checked, check_issue
from ..hashing import digest
from ..markdown import render_html
from ..markdown_text import render_text
from ..model import Issue, Site
from ..workers import parallel_map
from .cache import BuildCache


class KeptIssues:
    """A content.site.CheckIssues that takes the issue files unchanged since the last build from the
    cache. Those it validates it renders the Markdown of too, in the same worker: the pages and the
    email ask for every text anyway (`markdown`, given to templates.make_environment)."""

    def __init__(self, cache: BuildCache, render_ahead: bool = True):
        self.cache = cache
        self.render_ahead = render_ahead
        self.markdown: dict = {}
        self.keys: dict[str, str] = {}  # path of an issue file -> its key in the cache

    def __call__(self, sources: list[tuple[Source, str]], site: Site) -> list[Checked]:
        settings = _settings_key(site)
        done, todo = {}, []
        for source, slug in sources:
            key = self.keys[source.path] = _issue_key(settings, source)
            cached = self.cache.issue(key)
            if cached:
                done[source.path] = Checked(source.path, cached[0], list(cached[1]))
                self.markdown.update(cached[2])
            else:
                todo.append((source, slug, key))

        def check(job: tuple[Source, str, str]) -> tuple[Checked, dict]:
            source, slug, _ = job
            checked = check_issue(source, slug, site)
            rendered = {}
            if checked.issue is not None and self.render_ahead:
                rendered = prerender(checked.issue, site.absolute(checked.issue.url))
            return checked, rendered

        for (_, _, key), (checked, rendered) in zip(
            todo, parallel_map(check, todo, min_per_worker=4), strict=True
        ):
            done[checked.path] = checked
            self.markdown.update(rendered)
            if checked.issue is not None and not any(
                p.severity == "error" for p in checked.problems
            ):
                self.cache.add_issue(key, (checked.issue, checked.problems, rendered))
        return [done[source.path] for source, _ in sources]

    def known(self, sources: tuple[Source, ...], site: Site) -> dict[str, Issue]:
        """Path -> the Issue the cache holds for each of `sources` that is unchanged since a build
        validated it with these settings; the others are not in it."""
        settings, found = _settings_key(site), {}
        for source in sources:
            entry = self.cache.issue(_issue_key(settings, source))
            if entry:
                found[source.path] = entry[0]
        return found

    def reuse(self, issues: tuple[Issue, ...]) -> tuple[Issue, ...]:
        """Each issue numbered as by an earlier load of this process, as that same object: what
        `roundup serve` derived from an unchanged issue can then be kept (incremental/catalog.py).
        """
        numbered = self.cache.numbered  # the digest holds what papers.lock.yaml adds (refresh/)
        return tuple(numbered.setdefault((self.keys[issue.source_path], issue.digest, issue.number),
                                         issue) for issue in issues)


def _settings_key(site: Site) -> str:
    """What validating an issue reads besides its own file: the site's settings (no issues yet)."""
    return digest(repr(site))


def _issue_key(settings: str, source: Source) -> str:
    return digest(settings + source.path + source.text_digest)


def prerender(issue: Issue, page_url: str) -> dict:
    """An issue's Markdown rendered ahead, as the pages (HTML) and its email (text) will ask for it.
    """
    rendered: dict = {}
    for text, indent in [(issue.intro, "")] + [
        (entry.paper.summary, "    ") for entry in issue.entries
    ]:
        if text:
            rendered[text] = render_html(text)
            rendered[(text, page_url, indent)] = render_text(text, page_url, 72, indent)
    return rendered
