/* paper-roundup: the search page. Runs Pagefind's search API (the bundle `roundup build` writes to
   /pagefind/) and draws the results and filters itself, every value from the index as text (never
   as HTML), so nothing an editor or a contributor wrote can run here. Runs the query in ?q= (the
   header's box is a plain form that sends it here). Without JavaScript the form still submits and
   the <noscript> text links the archive and topics. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var GROUPS = [["category", "Category"], ["tag", "Tag"], ["year", "Year"]];
  var ENTITIES = { lt: "<", gt: ">", amp: "&", quot: "\"", "#39": "'", "#x27": "'", apos: "'" };

  var container = document.getElementById("search");
  if (!container) {
    return;
  }
  var bundle = container.getAttribute("data-bundle");
  var base = container.getAttribute("data-base");
  var form = container.querySelector("form");
  var input = container.querySelector("input[name=q]");
  var status = container.querySelector(".search-status");
  var filterBox = container.querySelector(".search-filters");
  var list = container.querySelector(".search-results");
  var more = container.querySelector(".search-more");
  var pagefind = null;
  var allFilters = {};
  var chosen = {};  // group -> list of chosen values
  var opened = {};  // groups the reader opened stay open when the filters are drawn again
  var shown = [];  // the current search's results, PAGE_SIZE drawn at a time
  var drawn = 0;
  var latest = 0;  // a slower, older search must not draw over a newer one

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  // Only our own pages (a path on this site) or http(s) addresses become links.
  function safeUrl(url) {
    url = String(url || "");
    return /^(\/(?!\/)|https?:\/\/)/i.test(url) ? url : null;
  }

  // Pagefind's excerpt is escaped text with <mark> around the hits: drawn as text and <mark>s.
  function appendExcerpt(parent, excerpt) {
    String(excerpt || "").split(/<mark>|<\/mark>/).forEach(function (part, index) {
      var text = part.replace(/&(lt|gt|amp|quot|#39|#x27|apos);/g, function (whole, name) {
        return ENTITIES[name];
      });
      if (text) {
        parent.appendChild(index % 2 ? element("mark", "", text) : document.createTextNode(text));
      }
    });
  }

  function say(text) {
    status.textContent = text;
  }

  function drawFilters(counts) {
    filterBox.replaceChildren();
    GROUPS.forEach(function (group, groupIndex) {
      var name = group[0];
      var values = Object.keys(allFilters[name] || {}).filter(function (value) {
        return (counts[name] || {})[value] > 0 || (chosen[name] || []).indexOf(value) >= 0;
      }).sort(function (a, b) {
        return name === "year" ? b.localeCompare(a) : a.localeCompare(b);
      });
      if (!values.length) {
        return;
      }
      var details = element("details", "search-filter");
      details.open = opened[name] || (chosen[name] || []).length > 0;
      details.addEventListener("toggle", function () { opened[name] = details.open; });
      details.appendChild(element("summary", "", group[1]));
      var options = element("ul", "search-filter-values");
      values.forEach(function (value, valueIndex) {
        var id = "search-filter-" + groupIndex + "-" + valueIndex;  // ids from content would not be valid
        var item = element("li");
        var box = element("input");
        box.type = "checkbox";
        box.id = id;
        box.checked = (chosen[name] || []).indexOf(value) >= 0;
        box.addEventListener("change", function () {
          var current = (chosen[name] || []).filter(function (other) { return other !== value; });
          chosen[name] = box.checked ? current.concat([value]) : current;
          run();
        });
        var label = element("label", "", value);
        label.htmlFor = id;
        label.appendChild(element("span", "search-filter-count", " (" + ((counts[name] || {})[value] || 0) + ")"));
        item.append(box, label);
        options.appendChild(item);
      });
      details.appendChild(options);
      filterBox.appendChild(details);
    });
    filterBox.hidden = !filterBox.children.length;
  }

  function drawResult(data) {
    var meta = data.meta || {};
    var item = element("li", "search-result");
    var heading = element("h2", "search-result-title");
    var url = safeUrl(data.url);
    var title = element(url ? "a" : "span", "", meta.title || data.url || "");
    if (url) {
      title.href = url;
    }
    heading.appendChild(title);
    var excerpt = element("p", "search-result-excerpt");
    appendExcerpt(excerpt, data.excerpt);
    item.append(heading, excerpt);
    var issueUrl = safeUrl(meta.issue_url);
    if (meta.issue && issueUrl) {
      var where = element("p", "search-result-issue");
      var link = element("a", "", "In " + meta.issue);
      link.href = issueUrl;
      where.appendChild(link);
      item.appendChild(where);
    }
    return item;
  }

  function drawMore(search) {
    var next = shown.slice(drawn, drawn + PAGE_SIZE);
    drawn += next.length;
    more.hidden = drawn >= shown.length;
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
      if (search !== latest) {
        return;
      }
      pages.forEach(function (data) { list.appendChild(drawResult(data)); });
    });
  }

  function chosenFilters() {
    var filters = {};
    GROUPS.forEach(function (group) {
      if ((chosen[group[0]] || []).length) {
        filters[group[0]] = { any: chosen[group[0]].slice() };
      }
    });
    return filters;
  }

  function remember(query) {
    var url = new URL(window.location.href);
    if (query) {
      url.searchParams.set("q", query);
    } else {
      url.searchParams.delete("q");
    }
    window.history.replaceState(null, "", url.pathname + url.search);
  }

  function busy(state) {
    container.setAttribute("aria-busy", state ? "true" : "false");
  }

  function run() {
    var query = input.value.trim();
    var filters = chosenFilters();
    var search = ++latest;
    remember(query);
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      more.hidden = true;
      drawFilters(allFilters);
      say("");
      busy(false);
      return Promise.resolve();
    }
    busy(true);
    return pagefind.search(query || null, { filters: filters }).then(function (found) {
      if (search !== latest || !found) {
        return;
      }
      shown = found.results;
      drawn = 0;
      list.replaceChildren();
      drawFilters(query ? found.totalFilters || {} : allFilters);
      var count = shown.length;
      var about = query ? " for “" + query + "”" : "";
      say(count ? count + (count === 1 ? " result" : " results") + about
        : "No paper matches" + (query ? " “" + query + "”" : " these filters"));
      return drawMore(search);
    }).then(function () {
      if (search === latest) {
        busy(false);
      }
    });
  }

  function showUnavailable() {
    var note = element("p", "search-fallback",
      "Search is not available on this copy of the site (its search index was not built). " +
      "Every paper is also listed by issue in the archive, and by topic.");
    container.replaceChildren(note);
    busy(false);
  }

  var timer = 0;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { if (pagefind) { run(); } }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (pagefind) {
      run();
    }
  });
  more.addEventListener("click", function () { drawMore(latest); });

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query.trim();
  say("Loading the search index…");
  busy(true);
  import(bundle + "pagefind.js").then(function (module) {
    return module.options({ baseUrl: base, excerptLength: 24 }).then(function () {
      return module.filters();
    }).then(function (filters) {
      pagefind = module;
      allFilters = filters || {};
      return run();
    });
  }).then(function () {
    if (!input.value) {
      input.focus();
    }
  }, showUnavailable);
})();
