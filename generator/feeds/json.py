"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) files of any feed."""

from __future__ import annotations

import json

from ..model import Site
from .model import Feed, FeedFile, feed_author

VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(site: Site, feed: Feed, file: FeedFile) -> bytes:
    author = {"name": feed_author(site).name}
    feed_url = site.absolute(file.path)
    data = {
        "version": VERSION,
        "title": feed.channel.title,
        "home_page_url": site.absolute(feed.channel.home),
        "feed_url": feed_url,
        "description": feed.channel.description,
        "user_comment": f"This is a web feed: add {feed_url} to a feed reader that supports JSON "
                        "Feed to "
        f"get every new entry of {site.title}.",
        "language": site.language,
        "authors": [author],
        "items": [
            {
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.content_html,
                "date_published": item.published.isoformat(),
                "date_modified": item.updated.isoformat(),
                "authors": [author],
                "tags": list(dict.fromkeys(label for _, label, _ in item.categories)),
            }
            for item in feed.items
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
