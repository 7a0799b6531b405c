"""An OPML 2.0 subscription list of every feed, to import into a feed reader in one go."""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ET

from ..model import Site
from .model import Channel, feed_author, moment

GROUPS = (("issues", "Every issue"), ("papers", "Every paper"), ("category", "Papers by category"))


def render_opml(site: Site, channels: tuple[Channel, ...]) -> bytes:
    """Feeds grouped in folders (issues, papers, categories); one outline per feed file."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{site.title}: every feed"
    newest = site.issues[0].date if site.issues else site.build_date
    ET.SubElement(head, "dateCreated").text = email.utils.format_datetime(moment(newest))
    ET.SubElement(head, "ownerName").text = feed_author(site).name
    ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for kind, group_title in GROUPS:
        group = ET.SubElement(body, "outline", text=group_title, title=group_title)
        for channel in (c for c in channels if c.kind == kind):
            for file in channel.files:
                name = f"{channel.title} ({file.label})"
                outline = ET.SubElement(
                    group,
                    "outline",
                    type="rss",
                    text=name,
                    title=name,
                    description=channel.description,
                    xmlUrl=site.absolute(file.path),
                    htmlUrl=site.absolute(channel.home),
                    language=site.language,
                )
                if file.format == "rss":
                    outline.set("version", "RSS2")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                      xml_declaration=False) + b"\n"
