"""The subscribe form on a static site: Buttondown's embed form, a mailto: link for an SMTP
list, and nothing when no newsletter is configured."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, build, soup

SMTP = ("newsletter:\n  provider: smtp\n  from: \"Digest <digest@example.org>\"\n"
        "  smtp: {host: smtp.example.org}\n  subscribers: subscribers.txt\n"
        "  unsubscribe: \"mailto:digest@example.org?subject=unsubscribe\"\n")
BUTTONDOWN = "newsletter:\n  provider: buttondown\n  buttondown: {username: minimal_digest}\n"


def built(tmp_path: Path, extra: str) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", content)
    with (content / "site.yaml").open("a", encoding="utf-8") as site:
        site.write(extra)
    build(content, tmp_path / "site")
    return tmp_path / "site"


def test_a_buttondown_newsletter_gets_its_embed_form_on_the_subscribe_page_and_footer(tmp_path):
    site = built(tmp_path, BUTTONDOWN)
    action = "https://buttondown.com/api/emails/embed-subscribe/minimal_digest"
    for page in (site / "subscribe" / "index.html", site / "index.html"):
        html = soup(page)
        forms = html.select("form.signup-form")
        assert forms and all(form["action"] == action and form["method"] == "post"
                             for form in forms)
        for form in forms:
            field = form.find("input", attrs={"name": "email"})
            assert field["type"] == "email" and field.has_attr("required")
            assert html.find("label", attrs={"for": field["id"]})
        csp = html.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "form-action 'self' https://buttondown.com" in csp
    subscribe = soup(site / "subscribe" / "index.html")
    ids = [tag["id"] for tag in subscribe.select("form.signup-form input")]
    assert len(ids) == len(set(ids)) == 2


def test_an_smtp_list_gets_a_mailto_link_and_no_form(tmp_path):
    site = built(tmp_path, SMTP)
    page = soup(site / "subscribe" / "index.html")
    assert page.find("a", string="Email us to subscribe")["href"] == \
        "mailto:digest@example.org?subject=subscribe"
    assert soup(site / "index.html").find("a", string="Subscribe by email")["href"] == \
        "mailto:digest@example.org?subject=subscribe"
    assert page.select("form.signup-form") == []
    csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "buttondown" not in csp


def test_no_newsletter_no_email_signup(tmp_path):
    site = built(tmp_path, "")
    page = soup(site / "subscribe" / "index.html")
    assert page.find(id="email-title") is None and page.select("form.signup-form") == []
    assert soup(site / "index.html").find("a", string="Subscribe by email") is None
