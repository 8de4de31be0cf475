/* Warren's embeddable directory: the page inside the partner's iframe.
 *
 * Plain ES2017, no framework, no inline code (the page works under
 * `Content-Security-Policy: script-src 'self'`). It reads its defaults and
 * theme from the query string and the partner key from the fragment (kept out
 * of server logs and Referer headers), calls the public API on its own origin,
 * and tells the parent page its height as `{type: "warren:resize", height}`.
 */
(function () {
  "use strict";

  var API = new URL("../api/v1/public/", location.href).href;
  var params = new URLSearchParams(location.search);
  var apiKey = new URLSearchParams(location.hash.slice(1)).get("key") || "";
  var PAGE_SIZE = clamp(parseInt(params.get("limit"), 10) || 10, 1, 50);
  // Reasons shown in their own place on a result rather than as chips.
  var PLACED = {
    open: 1,
    covered: 1,
    closed: 1,
    hours_unknown: 1,
    distance: 1,
    verification: 1
  };

  var $ = function (id) {
    return document.getElementById(id);
  };
  var form = $("search");
  var input = $("q");
  var nearInput = $("near");
  var species = $("species");
  var radius = $("radius");
  var locate = $("locate");
  var where = $("where");
  var checks = $("capabilities");
  var needsCount = $("needs-count");
  var open = $("open");
  var accepting = $("accepting");
  var go = $("go");
  var status = $("status");
  var list = $("results");
  var more = $("more");

  var knownCaps = {}; // capability code → label, from the taxonomy
  var point = null; // {lat, lon, mine}
  var DEFAULT_WHERE = "Type your town or postcode, or share your location, to see the nearest places first.";
  var nextOffset = null;
  var inFlight = null;
  var busyUntil = 0;

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  /* Builds an element: el("a", {href: "…", class: "x"}, "text", child, …). */
  function el(tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === false || value == null) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child == null || child === false) continue;
      node.append(child);
    }
    return node;
  }

  /* ---- Theme ---------------------------------------------------------- */

  function rgb(color) {
    var probe = el("span");
    probe.style.color = color;
    probe.style.display = "none";
    document.body.append(probe);
    var parts = (getComputedStyle(probe).color.match(/[\d.]+/g) || []).map(Number);
    probe.remove();
    return parts.length >= 3 ? parts.slice(0, 3) : null;
  }

  function luminance(parts) {
    var c = parts.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  // White or near-black on a colour, whichever contrasts more (WCAG).
  function onColour(parts) {
    if (!parts) return "#111111";
    var l = luminance(parts);
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0626 ? "#ffffff" : "#111111";
  }

  function applyTheme() {
    var style = document.documentElement.style;
    [
      ["accent", "--accent"],
      ["background", "--bg"],
      ["text", "--text"]
    ].forEach(function (pair) {
      var value = params.get(pair[0]);
      if (value && CSS.supports("color", value)) style.setProperty(pair[1], value);
    });
    var root = getComputedStyle(document.documentElement);
    var accent = rgb(root.getPropertyValue("--accent").trim());
    if (accent) style.setProperty("--on-accent", onColour(accent));
    var background = rgb(root.getPropertyValue("--bg").trim());
    if (background && luminance(background) < 0.2) style.setProperty("color-scheme", "dark");
    var title = params.get("title");
    if (title) $("heading").textContent = title.slice(0, 120);
  }

  /* ---- Talking to Warren ---------------------------------------------- */

  function retryAfter(header) {
    if (!header) return 30;
    if (/^\d+$/.test(header.trim())) return Math.max(1, parseInt(header, 10));
    var when = Date.parse(header);
    return isNaN(when) ? 30 : Math.max(1, Math.ceil((when - Date.now()) / 1000));
  }

  // `path` is relative to the public API ("search?…") or, for triage,
  // "../triage/…"; `body` makes it a JSON POST. The partner key goes with
  // the public directory's calls only.
  function request(path, signal, body) {
    var headers = { Accept: "application/json" };
    if (apiKey && path.slice(0, 3) !== "../") headers["X-API-Key"] = apiKey;
    if (body) headers["Content-Type"] = "application/json";
    return fetch(new URL(path, API).href, {
      method: body ? "POST" : "GET",
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "omit",
      signal: signal
    }).then(function (response) {
      if (response.ok) return response.json();
      var error = new Error("HTTP " + response.status);
      error.status = response.status;
      if (response.status === 429) {
        error.retry = retryAfter(response.headers.get("Retry-After"));
        throw error;
      }
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (problem) {
          error.problem = problem;
          throw error;
        });
    });
  }

  function explain(error) {
    if (error.status === 429) {
      holdOff(error.retry);
      return (
        "The directory is busy right now. Please try again in " +
        error.retry +
        (error.retry === 1 ? " second." : " seconds.")
      );
    }
    var first = error.problem && (error.problem.errors || [])[0];
    if (error.status === 400 && first && first.field === "near") {
      where.textContent = "";
      return (
        "No town or postcode called “" +
        nearInput.value.trim() +
        "” was found. Check the spelling, or try a nearby town or a full postcode."
      );
    }
    if (error.status === 400 && error.problem) {
      var problems = (error.problem.errors || []).map(function (e) {
        return e.message;
      });
      return "Please check the search: " + (problems.join(" ") || error.problem.detail || "");
    }
    if (error.status === 422 && error.problem) {
      return "Warren could not assess this: " + (error.problem.detail || error.problem.title || "");
    }
    if (error.status === 401 || error.status === 403) {
      return "This directory is not set up correctly on this website (its key was refused).";
    }
    return "The directory could not be reached. Please check your connection and try again.";
  }

  // After a 429 the Search button counts down instead of sending more.
  function holdOff(seconds) {
    busyUntil = Date.now() + seconds * 1000;
    go.disabled = true;
    var tick = function () {
      var left = Math.ceil((busyUntil - Date.now()) / 1000);
      if (left <= 0) {
        go.disabled = false;
        go.textContent = "Search";
        return;
      }
      go.textContent = "Try again in " + left + " s";
      setTimeout(tick, 1000);
    };
    tick();
  }

  /* ---- The form ------------------------------------------------------- */

  function groupLabel(code, label) {
    if (label) return label.replace(/\s*\(all\)$/i, "");
    var words = code.replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function fillTaxonomy(items) {
    var wanted = params.get("species") || "";
    var groups = {};
    var order = [];
    items.forEach(function (term) {
      if (term.taxonomy !== "species") return;
      var group = term.code.split("/")[0];
      if (!groups[group]) {
        groups[group] = { label: null, terms: [] };
        order.push(group);
      }
      if (term.code === group) groups[group].label = term.label;
      groups[group].terms.push(term);
    });
    order.forEach(function (group) {
      var optgroup = el("optgroup", { label: groupLabel(group, groups[group].label) });
      groups[group].terms.forEach(function (term) {
        optgroup.append(el("option", { value: term.code, text: term.label }));
      });
      species.append(optgroup);
    });
    var wantedCaps = (params.get("capabilities") || "").split(",").filter(Boolean);
    items.forEach(function (term) {
      if (term.taxonomy !== "capability") return;
      knownCaps[term.code] = term.label;
      addCapability(term.code, term.label, wantedCaps);
    });
    // Defaults the vocabulary does not know (or could not be loaded) still apply.
    wantedCaps.forEach(function (code) {
      if (!checks.querySelector('input[value="' + CSS.escape(code) + '"]')) {
        addCapability(code, code.replace(/_/g, " "), wantedCaps);
      }
    });
    if (wanted && !species.querySelector('option[value="' + CSS.escape(wanted) + '"]')) {
      species.append(el("option", { value: wanted, text: wanted }));
    }
    species.value = wanted;
    countNeeds();
  }

  function addCapability(code, label, wanted) {
    var box = el("input", {
      type: "checkbox",
      name: "capabilities",
      value: code,
      checked: wanted.indexOf(code) >= 0
    });
    checks.append(el("label", { class: "check" }, box, label));
  }

  function chosenCapabilities() {
    return Array.prototype.map.call(checks.querySelectorAll("input:checked"), function (box) {
      return box.value;
    });
  }

  function countNeeds() {
    var n = chosenCapabilities().length;
    needsCount.textContent = n ? "(" + n + " chosen)" : "";
  }

  function usePoint(lat, lon, mine) {
    point = { lat: lat, lon: lon, mine: mine };
    radius.disabled = false;
    where.textContent = mine
      ? "Using your location; the nearest places come first."
      : "Searching near the place this website chose.";
    locate.textContent = mine ? "Stop using my location" : "Use my location";
  }

  function forgetPoint() {
    point = null;
    locate.textContent = "Use my location";
    where.textContent = DEFAULT_WHERE;
    placeChanged();
  }

  // The distance applies to a typed town or postcode as to a shared point.
  function placeChanged() {
    var centred = !!point || !!nearInput.value.trim();
    radius.disabled = !centred;
    if (!centred) radius.value = "";
  }

  function placeLabel(place) {
    return place.name + (place.postcode ? " " + place.postcode : "");
  }

  function askLocation() {
    if (point && point.mine) {
      forgetPoint();
      return;
    }
    if (!navigator.geolocation) {
      where.textContent = "This browser cannot share your location; type a town or postcode.";
      return;
    }
    where.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        usePoint(position.coords.latitude, position.coords.longitude, true);
        if (!radius.value) radius.value = "25";
        search(false);
      },
      function () {
        where.textContent = "Your location is not available; type a town or postcode instead.";
      },
      { timeout: 15000, maximumAge: 600000 }
    );
  }

  function searchQuery(offset) {
    var query = new URLSearchParams();
    var text = input.value.trim();
    if (text) query.set("q", text);
    if (species.value) query.set("species", species.value);
    var caps = chosenCapabilities();
    if (caps.length) query.set("capabilities", caps.join(","));
    if (open.checked) query.set("open", "true");
    if (accepting.checked) query.set("accepting", "true");
    // A typed town or postcode is the centre; else the shared point.
    var near = nearInput.value.trim();
    if (near) {
      query.set("near", near);
      if (radius.value) query.set("radius_km", radius.value);
    } else if (point) {
      query.set("lat", point.lat.toFixed(5));
      query.set("lon", point.lon.toFixed(5));
      if (radius.value) query.set("radius_km", radius.value);
    }
    query.set("limit", String(PAGE_SIZE));
    if (offset) query.set("offset", String(offset));
    return query;
  }

  /* ---- Results -------------------------------------------------------- */

  var timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
  var dayTimeFormat = new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    hour: "numeric",
    minute: "2-digit"
  });
  var dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short" });
  var dateFormat = new Intl.DateTimeFormat(undefined, {
    day: "numeric",
    month: "short",
    year: "numeric"
  });

  function when(iso) {
    var date = new Date(iso);
    var today = new Date();
    return date.toDateString() === today.toDateString()
      ? timeFormat.format(date)
      : dayTimeFormat.format(date);
  }

  function availability(a) {
    var text;
    var state = a.state;
    if (state === "open") text = a.until ? "Open until " + when(a.until) : "Open 24 hours";
    else if (state === "covered")
      text = "Closed; after-hours cover by " + a.name + (a.until ? " until " + when(a.until) : "");
    else if (state === "closed") text = "Closed" + (a.opens_at ? ", opens " + when(a.opens_at) : "");
    else {
      state = "unknown";
      text = "Opening hours not published; call before you travel";
    }
    return el("p", { class: "avail " + state, text: text });
  }

  function distance(km) {
    return (km < 10 ? km.toFixed(1) : Math.round(km)) + " km away";
  }

  function telLink(phone, label) {
    return el("a", {
      class: "call",
      href: "tel:" + phone.replace(/[^\d+]/g, ""),
      text: label + " " + phone
    });
  }

  function result(hit, prefix) {
    var id = (prefix || "site-") + hit.site_id;
    var chips = (hit.reasons || []).filter(function (reason) {
      return !PLACED[reason.kind];
    });
    var meta = el(
      "p",
      { class: "meta" },
      hit.distance_km != null ? el("span", { text: distance(hit.distance_km) }) : null,
      el("span", { text: [hit.town, hit.postcode].filter(Boolean).join(" ") }),
      hit.verified
        ? el("span", {
            class: "verified",
            text: "Verified" + (hit.assured_at ? " " + dateFormat.format(new Date(hit.assured_at)) : "")
          })
        : el("span", { class: "unverified", text: "Unverified listing" })
    );
    var covered = hit.availability.state === "covered";
    var detailId = id + "-detail";
    var toggle = el("button", {
      type: "button",
      class: "link",
      "aria-expanded": "false",
      "aria-controls": detailId,
      text: "Hours and details"
    });
    var detail = el("div", { id: detailId, class: "detail", hidden: true });
    toggle.addEventListener("click", function () {
      showDetail(hit, toggle, detail);
    });
    var article = el(
      "article",
      { class: "hit", tabindex: "0", "aria-labelledby": id },
      el("h2", { id: id, text: hit.name }),
      hit.organization_name && hit.organization_name !== hit.name
        ? el("p", { class: "org", text: hit.organization_name })
        : null,
      availability(hit.availability),
      chips.length
        ? el.apply(
            null,
            ["ul", { class: "chips", "aria-label": "Why it matches" }].concat(
              chips.map(function (reason) {
                var warn =
                  reason.kind === "limitation" ||
                  (reason.kind === "capacity" && hit.capacity !== "normal" && hit.capacity !== "unknown");
                return el("li", { class: warn ? "warn" : null, text: reason.text });
              })
            )
          )
        : null,
      meta,
      el(
        "div",
        { class: "calls" },
        hit.phone ? telLink(hit.phone, covered ? "Call the cover:" : "Call") : null,
        toggle
      ),
      detail
    );
    return el("li", {}, article);
  }

  function showDetail(hit, toggle, panel) {
    var expanded = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!expanded));
    panel.hidden = expanded;
    if (expanded || panel.dataset.loaded) return;
    panel.dataset.loaded = "1";
    panel.append(el("p", { class: "hint", text: "Loading…" }));
    request("sites/" + encodeURIComponent(hit.site_id))
      .then(function (site) {
        panel.replaceChildren.apply(panel, siteDetail(site));
      })
      .catch(function (error) {
        delete panel.dataset.loaded;
        panel.replaceChildren(el("p", { class: "hint", text: explain(error) }));
      });
  }

  function siteDetail(site) {
    var parts = [
      el("p", {
        class: "addr",
        text: [site.address, site.town, site.postcode].filter(Boolean).join(", ")
      })
    ];
    if (site.week && site.week.length) {
      var week = el("dl", { class: "week" });
      site.week.forEach(function (day) {
        var date = new Date(day.date + "T12:00:00");
        var label = dayFormat.format(date) + " " + date.getDate();
        var hours = day.intervals.length
          ? day.intervals
              .map(function (i) {
                return i.start + "–" + i.end + (i.unknown ? " (unconfirmed)" : "");
              })
              .join(", ")
          : "Closed";
        week.append(
          el("dt", { text: label }),
          el("dd", { text: hours + (day.public_holiday ? " (public holiday)" : "") })
        );
      });
      parts.push(el("h3", { text: "Opening hours (local time)" }), week);
    }
    var cover = site.after_hours_cover;
    if (cover) {
      parts.push(
        el(
          "p",
          {},
          "After hours: " + cover.name + " ",
          cover.phone ? el("a", { href: "tel:" + cover.phone.replace(/[^\d+]/g, ""), text: cover.phone }) : null
        )
      );
    }
    var limits = site.limitations || {};
    var notes = [];
    if (limits.referral_only) notes.push("Only by referral from a vet.");
    if (limits.deposit_required) notes.push("A deposit is asked for before treatment.");
    if (limits.no_wildlife) notes.push("Does not take wildlife.");
    if (limits.max_weight_grams) notes.push("Animals up to " + limits.max_weight_grams + " g.");
    if (limits.notes) notes.push(limits.notes);
    if (notes.length) parts.push(el("p", { text: notes.join(" ") }));
    if (site.public_email) {
      parts.push(el("p", {}, el("a", { href: "mailto:" + site.public_email, text: site.public_email })));
    }
    parts.push(
      el(
        "p",
        {},
        el("a", {
          href:
            "https://www.openstreetmap.org/?mlat=" +
            site.latitude +
            "&mlon=" +
            site.longitude +
            "#map=16/" +
            site.latitude +
            "/" +
            site.longitude,
          target: "_blank",
          rel: "noopener",
          text: "Show on a map (opens a new tab)"
        })
      )
    );
    return parts;
  }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function search(append) {
    if (Date.now() < busyUntil) return;
    if (inFlight) inFlight.abort();
    var controller = new AbortController();
    inFlight = controller;
    var offset = append ? nextOffset : 0;
    go.disabled = true;
    more.disabled = true;
    say(append ? "Loading more places…" : "Searching…");
    request("search?" + searchQuery(offset), controller.signal)
      .then(function (page) {
        if (!append) list.replaceChildren();
        var first = null;
        page.items.forEach(function (hit) {
          var item = result(hit);
          first = first || item.firstChild;
          list.append(item);
        });
        if (page.near) {
          where.textContent = "Near " + placeLabel(page.near) + ": the nearest places come first.";
        } else if (!point) {
          where.textContent = DEFAULT_WHERE;
        }
        nextOffset = page.next_offset;
        more.hidden = nextOffset == null;
        var shown = list.children.length;
        say(
          page.total === 0
            ? "No places match. Try another animal, fewer needs or a wider distance."
            : page.total +
                (page.total === 1 ? " place found" : " places found") +
                (shown < page.total ? ", showing " + shown + "." : ".")
        );
        if (append && first) first.focus();
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        say(explain(error), true);
      })
      .then(function () {
        if (inFlight !== controller) return;
        inFlight = null;
        if (Date.now() >= busyUntil) go.disabled = false;
        more.disabled = false;
      });
  }

  /* ---- First aid: is it an emergency? ------------------------------------ */

  // The network's triage protocol, asked in owner words. Answers go to
  // /triage/evaluate, which records nothing; they are kept in this page only.
  var aidToggle = $("aid-toggle");
  var aid = $("aid");
  var aidTitle = $("aid-title");
  var aidAnimal = $("aid-animal");
  var questions = $("aid-questions");
  var urgency = $("aid-urgency");
  var advice = $("aid-advice");
  var who = $("aid-who");
  var whoStatus = $("aid-who-status");
  var places = $("aid-places");
  var RANK = { immediate: 1, very_urgent: 2, urgent: 3, standard: 4, non_urgent: 5 };
  var CHOICES = [
    ["yes", "Yes"],
    ["no", "No"],
    ["unknown", "Not sure"]
  ];
  var protocol = null;
  var answers = {};
  var signs = []; // the signs asked about this animal, most dangerous first
  var group = "";
  var aidTimer = 0;
  var aidCall = null;

  // Mirrors SpeciesGroup::of (crates/domain/src/triage/mod.rs).
  function groupOf(code) {
    var parts = code.split("/");
    var kind = parts[1] || "";
    if (parts[0] === "wildlife") {
      if (kind === "bird" || kind === "raptor") return kind;
      if (/^(hedgehog|bat|small_mammal)$/.test(kind)) return "wild_small_mammal";
      return kind === "carnivore" ? "wild_carnivore" : "wildlife";
    }
    if (/^(rat|mouse|hamster|gerbil)$/.test(kind)) return "rodent";
    if (/^(guinea_pig|chinchilla|degu|rabbit)$/.test(kind)) return "herbivore";
    return "small_mammal";
  }

  function rankOf(sign) {
    var pair = (sign.group_tiers || []).filter(function (p) {
      return p[0] === group;
    })[0];
    return RANK[pair ? pair[1] : sign.tier];
  }

  // The first unanswered sign that could still make the case more urgent.
  function nextSign() {
    var rank = 5;
    signs.forEach(function (sign) {
      if (answers[sign.code] === "yes") rank = Math.min(rank, rankOf(sign));
    });
    return signs.filter(function (sign) {
      return !answers[sign.code] && rankOf(sign) < rank;
    })[0];
  }

  function bullets(items) {
    return el.apply(
      null,
      ["ul", {}].concat(
        items.map(function (text) {
          return el("li", { text: text });
        })
      )
    );
  }

  function prepare() {
    var code = species.value;
    group = code ? groupOf(code) : "";
    aidAnimal.textContent = code
      ? "For: " + species.selectedOptions[0].textContent + ". To change the animal, choose another above."
      : "First choose the animal above.";
    signs = !code
      ? []
      : protocol.discriminators.filter(function (sign) {
          return !sign.only_for.length || sign.only_for.indexOf(group) >= 0;
        });
    signs.sort(function (a, b) {
      return rankOf(a) - rankOf(b);
    });
    var kept = {};
    signs.forEach(function (sign) {
      if (answers[sign.code]) kept[sign.code] = answers[sign.code];
    });
    answers = kept;
    askQuestions();
    changed();
  }

  function askQuestions(answered) {
    var next = nextSign();
    questions.replaceChildren();
    signs.forEach(function (sign) {
      if (!answers[sign.code] && sign !== next) return;
      var id = "aid-q-" + sign.code;
      var row = el("div", { class: "answers", role: "group", "aria-labelledby": id });
      CHOICES.forEach(function (choice) {
        var button = el("button", {
          type: "button",
          class: "secondary",
          "aria-pressed": String(answers[sign.code] === choice[0]),
          text: choice[1]
        });
        button.addEventListener("click", function () {
          answer(sign.code, choice[0]);
        });
        row.append(button);
      });
      questions.append(
        el(
          "li",
          { class: sign === next ? "q next" : "q", "data-code": sign.code },
          el("p", { id: id, text: sign.owner_question }),
          row
        )
      );
    });
    if (signs.length && !next) questions.append(el("li", { class: "hint", text: "No more questions." }));
    if (answered) {
      var focus =
        questions.querySelector(".next button") ||
        questions.querySelector('[data-code="' + answered + '"] [aria-pressed="true"]');
      if (focus) focus.focus();
    }
  }

  function answer(code, value) {
    answers[code] = value;
    askQuestions(code);
    changed();
  }

  function changed() {
    clearTimeout(aidTimer);
    if (aidCall) aidCall.abort();
    if (!Object.keys(answers).length) {
      urgency.className = "urgency";
      urgency.replaceChildren(
        el("p", {
          text: "If the animal is not breathing, is bleeding heavily or has collapsed, do not wait: call a vet now."
        })
      );
      advice.replaceChildren();
      who.hidden = true;
      return;
    }
    aidTimer = setTimeout(evaluate, 250);
  }

  function evaluate() {
    var controller = new AbortController();
    aidCall = controller;
    request("../triage/evaluate", controller.signal, { species: species.value, answers: answers })
      .then(function (result) {
        showAssessment(result);
        return findHelp(result, controller.signal);
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        urgency.className = "urgency";
        urgency.replaceChildren(el("p", { class: "error", text: explain(error) }));
      });
  }

  function ownerWords(result) {
    var rank = RANK[result.tier.tier];
    var minutes = result.tier.target_minutes;
    if (rank <= 2) return "Emergency — call a vet now";
    if (rank < 5) {
      return minutes <= 60 ? "See a vet within the hour" : "See a vet within " + Math.round(minutes / 60) + " hours";
    }
    if (result.present.length) return "Not urgent — ring a vet for advice today";
    return result.to_ask.length ? "No emergency signs so far" : "No emergency signs — ring a vet for advice";
  }

  function showAssessment(result) {
    var tier = result.tier;
    var rank = RANK[tier.tier];
    var colour = CSS.supports("color", tier.colour) ? tier.colour : "gray";
    var style = urgency.style;
    style.setProperty("--tier", colour);
    style.setProperty("--on-tier", onColour(rgb(colour)));
    var fired = signs.filter(function (sign) {
      return sign.code === result.fired;
    })[0];
    urgency.className = "urgency tier-" + rank;
    var parts = [
      el("span", { class: "badge", text: tier.name }),
      el("strong", { text: ownerWords(result) }),
      el("p", {
        text:
          (rank === 1
            ? "Set off now and call ahead on the way. "
            : rank === 2
              ? "Be on your way to a vet within " + tier.target_minutes + " minutes. "
              : "") + (fired ? "Sign: " + fired.label.toLowerCase() + "." : "")
      }),
      result.to_ask.length ? el("p", { text: "Please answer the next question: it may make this more urgent." }) : ""
    ];
    urgency.replaceChildren.apply(urgency, parts);
    advice.replaceChildren();
    [
      ["What to do now", result.before_transport],
      ["On the way to the vet", result.during_transport],
      ["Call the vet straight away if", result.escalate_if]
    ].forEach(function (part) {
      if (part[1].length) advice.append(el("h3", { text: part[0] }), bullets(part[1]));
    });
  }

  // Who to call: open, accepting places for this animal with what the case
  // needs, near the place this website (or the visitor) chose.
  function findHelp(assessment, signal) {
    var needs = assessment.capabilities.filter(function (code) {
      return knownCaps[code];
    });
    var named = needs
      .map(function (code) {
        return knownCaps[code].toLowerCase();
      })
      .join(", ");
    who.hidden = false;
    whoStatus.textContent = "Looking for places open now…";
    function attempt(withNeeds) {
      var query = new URLSearchParams({ species: species.value, open: "true", accepting: "true", limit: "5" });
      if (withNeeds.length) query.set("capabilities", withNeeds.join(","));
      var near = nearInput.value.trim();
      if (near) {
        query.set("near", near);
        if (radius.value) query.set("radius_km", radius.value);
      } else if (point) {
        query.set("lat", point.lat.toFixed(5));
        query.set("lon", point.lon.toFixed(5));
        if (radius.value) query.set("radius_km", radius.value);
      }
      return request("search?" + query, signal).then(function (page) {
        if (!page.total && withNeeds.length) return attempt([]);
        places.replaceChildren.apply(
          places,
          page.items.map(function (hit) {
            return result(hit, "aid-site-");
          })
        );
        whoStatus.textContent = !page.total
          ? "No listed place is open and taking this animal now. Call your usual vet or an emergency vet."
          : withNeeds.length
            ? "Open now, taking this animal, with " + named + ":"
            : "Open now and taking this animal" + (named ? " (none lists " + named + ": call to check)" : "") + ":";
      });
    }
    return attempt(needs).catch(function (error) {
      if (error.name !== "AbortError") whoStatus.textContent = explain(error);
    });
  }

  function toggleAid() {
    var opening = aid.hidden;
    aid.hidden = !opening;
    aidToggle.setAttribute("aria-expanded", String(opening));
    if (!opening) return;
    aidTitle.focus();
    if (protocol) return prepare();
    urgency.replaceChildren(el("p", { class: "hint", text: "Loading the questions…" }));
    request("../triage/protocol")
      .then(function (current) {
        protocol = current.protocol;
        prepare();
      })
      .catch(function (error) {
        urgency.replaceChildren(el("p", { class: "error", text: explain(error) }));
      });
  }

  aidToggle.addEventListener("click", toggleAid);
  species.addEventListener("change", function () {
    if (protocol && !aid.hidden) prepare();
  });
  $("aid-reset").addEventListener("click", function () {
    answers = {};
    prepare();
    var first = questions.querySelector("button");
    if (first) first.focus();
  });

  /* ---- Height for the parent page --------------------------------------- */

  var reported = 0;
  function reportHeight() {
    if (window.parent === window) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === reported) return;
    reported = height;
    // The height is not a secret and the parent's origin is not known here;
    // the loader checks that the message comes from its own iframe.
    window.parent.postMessage({ type: "warren:resize", height: height }, "*");
  }

  /* ---- Start ------------------------------------------------------------ */

  applyTheme();
  input.value = (params.get("q") || "").slice(0, 200);
  nearInput.value = (params.get("near") || "").slice(0, 100);
  open.checked = params.get("open") !== "false";
  accepting.checked = params.get("accepting") !== "false";
  var lat = parseFloat(params.get("lat"));
  var lon = parseFloat(params.get("lon"));
  if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    usePoint(lat, lon, false);
    var km = params.get("radius_km");
    if (km && !radius.querySelector('option[value="' + CSS.escape(km) + '"]')) {
      radius.append(el("option", { value: km, text: "Within " + km + " km" }));
    }
    radius.value = km || "";
  } else if (nearInput.value) {
    radius.disabled = false;
    var nearKm = params.get("radius_km");
    if (nearKm && !radius.querySelector('option[value="' + CSS.escape(nearKm) + '"]')) {
      radius.append(el("option", { value: nearKm, text: "Within " + nearKm + " km" }));
    }
    radius.value = nearKm || "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(false);
  });
  // Enter searches from every control, not only the text box.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (
      event.key === "Enter" &&
      (target.tagName === "SELECT" || (target.tagName === "INPUT" && target.type === "checkbox"))
    ) {
      event.preventDefault();
      search(false);
    }
  });
  checks.addEventListener("change", countNeeds);
  locate.addEventListener("click", askLocation);
  nearInput.addEventListener("input", placeChanged);
  more.addEventListener("click", function () {
    search(true);
  });

  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.documentElement);
  window.addEventListener("load", reportHeight);
  reportHeight();

  request("taxonomy")
    .then(function (page) {
      fillTaxonomy(page.items || []);
    })
    .catch(function () {
      fillTaxonomy([]);
    })
    .then(function () {
      search(false);
    });
})();
