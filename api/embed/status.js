// The status page an owner or finder opens from the link a clinic gave them.
// The link's secret is in the address's # part, which the browser never sends
// to a server; the page posts it to the public API and shows the answer.
(function () {
  "use strict";
  var token = decodeURIComponent((location.hash || "").replace(/^#/, ""));
  var byId = function (id) { return document.getElementById(id); };
  var show = function (id, visible) { byId(id).hidden = !visible; };
  var text = function (id, value) { byId(id).textContent = value || ""; };
  var when = function (iso) {
    return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  };

  function render(status) {
    text("from", "From " + status.from + " · " + status.species);
    text("headline", status.headline);
    text("detail", status.detail);
    document.title = status.headline + " — Warren";
    var place = status.place;
    show("place", !!place);
    if (place) {
      text("place-name", place.name + " (" + place.organization_name + ")");
      text("place-address", [place.address, place.town, place.postcode].join(", "));
      show("place-phone", !!place.phone);
      if (place.phone) {
        var link = byId("place-phone-link");
        link.textContent = place.phone;
        link.href = "tel:" + place.phone.replace(/[^+0-9]/g, "");
      }
      show("place-hours", !!place.opening_hours);
      text("place-hours", place.opening_hours ? "Hours: " + place.opening_hours : "");
      show("place-open", true);
      text("place-open", place.open_now ? "Open now" : "Closed now");
    }
    show("expect", !!status.expectation);
    text("expectation", status.expectation);
    show("bring", !!status.what_to_bring);
    text("what-to-bring", status.what_to_bring);
    show("care-card", !!status.care);
    text("care", status.care);
    show("outcome-card", !!status.outcome);
    text("outcome", status.outcome);
    var list = byId("updates");
    list.textContent = "";
    (status.updates || []).forEach(function (update) {
      var item = document.createElement("li");
      var time = document.createElement("time");
      time.dateTime = update.at;
      time.textContent = when(update.at) + " · " + update.organization_name;
      var body = document.createElement("p");
      body.textContent = update.body;
      item.appendChild(time);
      item.appendChild(body);
      list.appendChild(item);
    });
    show("updates-card", (status.updates || []).length > 0);
    show("expires", !!status.expires_at);
    text("expires", status.expires_at ? "This link works until " + when(status.expires_at) + "." : "");
    show("case", true);
  }

  function load() {
    show("loading", true);
    show("error", false);
    if (!token) {
      show("loading", false);
      show("gone", true);
      return;
    }
    fetch("/api/v1/public/case-status", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: token }),
      cache: "no-store",
    }).then(function (response) {
      show("loading", false);
      if (response.status === 404) { show("gone", true); return null; }
      if (response.status === 429) {
        var wait = response.headers.get("Retry-After") || "60";
        text("error-text", "Too many visits just now; try again in " + wait + " seconds.");
        show("error", true);
        return null;
      }
      if (!response.ok) { show("error", true); return null; }
      return response.json();
    }).then(function (status) {
      if (status) { render(status); }
    }).catch(function () {
      show("loading", false);
      show("error", true);
    });
  }

  byId("retry").addEventListener("click", load);
  load();
})();
