"""schema.org JSON-LD for search engines and link previews (pure dicts, safely serialised)."""

from __future__ import annotations

import json

from markupsafe import Markup

from .catalog import PaperRecord
from .model import Issue, Site


def render_json_ld(data: dict) -> Markup:
    """JSON that cannot close its <script> element, whatever the content says."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _periodical(site: Site) -> dict:
    return {
        "@type": "Periodical",
        "name": site.title,
        "url": site.base_url,
        "inLanguage": site.language,
    }


def website_data(site: Site) -> dict:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.title,
        "description": site.description,
        "url": site.base_url,
        "inLanguage": site.language,
    }
    if site.author:
        data["publisher"] = {"@type": "Organization", "name": site.author.name}
    return data


def issue_data(site: Site, issue: Issue) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "PublicationIssue",
        "issueNumber": str(issue.number),
        "name": issue.title,
        "description": issue.summary or issue.title,
        "datePublished": issue.date.isoformat(),
        "url": site.absolute(issue.url),
        "isPartOf": _periodical(site),
        "hasPart": [{"@type": "ScholarlyArticle", "name": entry.paper.title,
                     "url": site.absolute(entry.paper.page_url)} for entry in issue.entries],
    }


def paper_data(site: Site, record: PaperRecord) -> dict:
    paper = record.paper
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": paper.title,
        "headline": paper.title[:110],
        "url": site.absolute(paper.page_url),
        "author": [{"@type": "Person", "name": name} for name in paper.authors],
        "keywords": [tag.name for tag in paper.tags],
        "isPartOf": [{"@type": "PublicationIssue", "name": a.issue.title,
                      "url": site.absolute(a.issue.url)} for a in record.appearances],
    }
    if paper.published:
        data["datePublished"] = paper.published.isoformat()
    if paper.arxiv:
        data["sameAs"] = f"https://arxiv.org/abs/{paper.arxiv}"
        data["identifier"] = f"arXiv:{paper.arxiv}"
    elif paper.url:
        data["sameAs"] = paper.url
    return data
