/* paper-roundup: the search page. Runs Pagefind's search API (the bundle `roundup build` writes to
   /pagefind/) and draws the results and filters itself, every value from the index as text (never
   as HTML), so nothing an editor or a contributor wrote can run here. Runs the query in ?q= (the
   header's box is a plain form that sends it here). Without JavaScript the form still submits and
   the <noscript> text links the archive and topics. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var EXCERPT_WORDS = 30;
  // An arXiv id as a reader pastes it: 2406.04692, arXiv:2406.04692v2, an abs/ or pdf/ link.
  var ARXIV_ID = /^\s*(?:arxiv:\s*|https?:\/\/(?:www\.)?arxiv\.org\/(?:abs|pdf)\/)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?\/?\s*$/i;
  var SENTENCE_END = /[.!?…]["”’)\]]*$/;
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

  // The excerpt: the sentence of the summary with the first hit (or its first sentence), never the
  // category, date and authors before it. Pagefind's own excerpt when the page has no summary.
  function appendSummaryExcerpt(parent, data) {
    var anchors = (data.anchors || []).slice().sort(function (a, b) { return a.location - b.location; });
    var summary = anchors.filter(function (anchor) { return anchor.id === "summary"; })[0];
    if (!summary || /\u200B/.test(data.content || "")) {
      appendExcerpt(parent, data.excerpt);
      return;
    }
    var words = String(data.content || "").split(/[\r\n\s]+/g);
    var after = anchors.filter(function (anchor) { return anchor.location > summary.location; })[0];
    var start = summary.location;
    var end = Math.min(after ? after.location : words.length, words.length);
    var hits = {};
    var first = -1;
    (data.locations || []).forEach(function (location) {
      hits[location] = true;
      if (location >= start && location < end && (first < 0 || location < first)) {
        first = location;
      }
    });
    var from = start;
    if (first >= 0) {
      for (var index = start; index < first; index++) {
        if (SENTENCE_END.test(words[index])) {
          from = index + 1;
        }
      }
    }
    var to = Math.min(end, from + EXCERPT_WORDS);
    for (var word = from; word < to; word++) {
      if (word > from) {
        parent.appendChild(document.createTextNode(" "));
      }
      parent.appendChild(hits[word] ? element("mark", "", words[word]) : document.createTextNode(words[word]));
    }
    if (to < end) {
      parent.appendChild(document.createTextNode(" …"));
    }
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
    appendSummaryExcerpt(excerpt, data);
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

  function chosenFilters(except) {
    var filters = {};
    GROUPS.forEach(function (group) {
      if (group[0] !== except && (chosen[group[0]] || []).length) {
        filters[group[0]] = { any: chosen[group[0]].slice() };
      }
    });
    return filters;
  }

  // What each value would give if chosen: the results' own counts, but for a group with values
  // chosen (any of them matches) the counts of the same search without that group's choice.
  // A value with no result is then not offered (drawFilters).
  function countFilters(query, found) {
    var counts = Object.assign({}, found.filters || {});
    var groups = GROUPS.map(function (group) { return group[0]; }).filter(function (name) {
      return (chosen[name] || []).length > 0;
    });
    return Promise.all(groups.map(function (name) {
      return pagefind.search(query || null, { filters: chosenFilters(name) }).then(function (wider) {
        counts[name] = (wider && wider.filters || {})[name] || {};
      });
    })).then(function () { return counts; });
  }

  // An arXiv id: that paper first (the id is a filter of its page), then what the text finds.
  function searchAll(query, filters) {
    var id = ARXIV_ID.exec(query);
    var text = pagefind.search(id ? id[1] : query || null, { filters: filters });
    if (!id) {
      return text;
    }
    var exact = pagefind.search(null, { filters: Object.assign({}, filters, { arxiv: id[1] }) });
    return Promise.all([exact, text]).then(function (both) {
      var paper = both[0] ? both[0].results : [];
      var found = both[1] || { results: [], filters: {} };
      var ids = paper.map(function (result) { return result.id; });
      found.results = paper.concat(found.results.filter(function (result) {
        return ids.indexOf(result.id) < 0;
      }));
      return found;
    });
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
    var found = null;
    return searchAll(query, filters).then(function (result) {
      found = result;
      var id = ARXIV_ID.exec(query);
      return found && search === latest ? countFilters(id ? id[1] : query, found) : null;
    }).then(function (counts) {
      if (search !== latest || !found) {
        return;
      }
      shown = found.results;
      drawn = 0;
      list.replaceChildren();
      drawFilters(counts);
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
