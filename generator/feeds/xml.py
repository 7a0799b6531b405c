"""RSS 2.0 and Atom files of any feed. The only module that imports feedgen."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Iterator

from .. import __version__
from ..errors import BuildError
from .json import render_json_feed
from ..model import Site
from .model import STYLESHEET, Feed, FeedFile, feed_author, moment

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator


def render_feed_files(site: Site, feeds: tuple[Feed, ...]) -> Iterator[tuple[str, bytes]]:
    """(site-relative path, bytes) of every file of every feed."""
    for feed in feeds:
        for file in feed.channel.files:
            yield (
                file.path,
                (render_json_feed if file.format == "json" else render_xml_feed)(site, feed, file),
            )


def render_xml_feed(site: Site, feed: Feed, file: FeedFile) -> bytes:
    """The RSS 2.0 or Atom file of a feed (``file.format``), styled for browsers by
    static/css/feed.css."""
    generator = _generator(site, feed, file)
    try:
        data = (
            generator.rss_str(pretty=True)
            if file.format == "rss"
            else generator.atom_str(pretty=True)
        )
    except ValueError as error:  # feedgen checks required fields only now
        raise BuildError(f"cannot write the feed {file.path}: {error}") from None
    # Browsers show the feed styled by CSS (not XSLT, which they are removing); feed readers ignore
    # the processing instruction.
    declaration, newline, rest = data.partition(b"\n")
    instruction = f'<?xml-stylesheet type="text/css" href="{site.base_path}{STYLESHEET}"?>'.encode()
    return declaration + newline + instruction + b"\n" + rest


def _generator(site: Site, feed: Feed, file: FeedFile) -> FeedGenerator:
    # here: ~0.02 s of imports that a build making no feed skips
    from feedgen.feed import FeedGenerator

    rss = file.format == "rss"
    author = feed_author(site)
    generator = FeedGenerator()
    generator.title(feed.channel.title)
    # an RSS description is HTML, an Atom subtitle without a type plain text
    generator.subtitle(
        html.escape(feed.channel.description, quote=False) if rss else feed.channel.description
    )
    generator.id(feed.id)
    # rel=self first, or feedgen makes the RSS channel <link> point at the feed itself.
    generator.link(href=site.absolute(file.path), rel="self", type=file.media_type)
    generator.link(href=site.absolute(feed.channel.home), rel="alternate", type="text/html")
    generator.language(site.language)
    generator.generator("paper-roundup", __version__, "https://pypi.org/project/paper-roundup/")
    generator.author({"name": author.name, **({"email": author.email} if author.email else {})})
    generator.updated(feed.updated)
    # reproducible: never the clock
    generator.lastBuildDate(max(feed.updated, moment(site.build_date)))
    if rss and not author.email:  # an RSS <author> is an email address; name the editor instead
        generator.load_extension("dc", atom=False, rss=True)
    for item in feed.items:  # already newest first
        entry = generator.add_entry(order="append")
        entry.guid(item.id, permalink=False)  # also the Atom <id>
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.published(item.published)
        entry.updated(item.updated)
        if rss:
            entry.description(html.escape(item.summary, quote=False))  # RSS descriptions are HTML
            # content:encoded, as CDATA when it can be (what RSS-to-email services read)
            entry.content(
                item.content_html, type="CDATA" if "]]>" not in item.content_html else None
            )
        else:
            entry.summary(item.summary)
            entry.content(item.content_html, type="html")
        if rss and not author.email:
            entry.dc.dc_creator(author.name)
        else:
            entry.author({"name": author.name, **({"email": author.email} if author.email else {})})
        for term, label, scheme in item.categories:
            entry.category(term=term, label=label, scheme=scheme)
    return generator
