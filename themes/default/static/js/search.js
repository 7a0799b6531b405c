/* paper-roundup: the search page. Loads Pagefind's UI (the bundle `roundup build` writes to
   /pagefind/), shows each paper with a link to where it appeared in its newest issue, and runs the
   query in ?q= (the header's search box is a plain form that sends it here). Without JavaScript the
   page's <noscript> text links the archive and topics instead. */
(function () {
  "use strict";

  var container = document.getElementById("search");
  if (!container) {
    return;
  }
  var bundle = container.getAttribute("data-bundle");

  function showUnavailable() {
    var note = document.createElement("p");
    note.className = "search-fallback";
    note.textContent = "Search is not available on this copy of the site (its search index was not built). " +
      "Every paper is also listed by issue in the archive, and by topic.";
    container.replaceChildren(note);
  }

  // A result is a paper page: its title links there, with the excerpt below (a first sub-result that
  // is the page itself), then a link to the paper in the newest issue that featured it (page metadata).
  function addIssueLink(result) {
    var meta = result.meta || {};
    result.sub_results = [{ title: meta.title, url: meta.url || result.url, excerpt: result.excerpt, locations: [] }];
    if (meta.issue && meta.issue_url) {
      result.sub_results.push({ title: "In " + meta.issue, url: meta.issue_url, excerpt: "", locations: [] });
    }
    delete meta.issue;
    delete meta.issue_url;
    return result;
  }

  function start() {
    var ui = new window.PagefindUI({
      element: "#search",
      bundlePath: bundle,
      baseUrl: container.getAttribute("data-base"),
      showSubResults: true,
      showImages: false,
      excerptLength: 24,
      processResult: addIssueLink,
      translations: { placeholder: "Search papers", zero_results: "No paper matches [SEARCH_TERM]" }
    });
    var input = container.querySelector("input");
    if (input) {
      input.setAttribute("aria-label", "Search papers");  // Pagefind's box has only a title
    }
    var query = new URLSearchParams(window.location.search).get("q");
    if (query && query.trim()) {
      ui.triggerSearch(query.trim());
    } else if (input) {
      input.focus();
    }
  }

  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = bundle + "pagefind-ui.css";
  document.head.appendChild(style);
  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onload = start;
  script.onerror = showUnavailable;
  document.head.appendChild(script);
})();
