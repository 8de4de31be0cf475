/* Warren directory loader for partner websites.
 *
 *   <script src="https://WARREN/embed/warren-directory.js"
 *           data-species="small_mammal/hamster" data-accent="#7a2e8a" async></script>
 *
 * Puts an <iframe> of WARREN/embed/directory.html where the script stands (or
 * into the element named by data-target), passes the data-* settings on, and
 * sizes the iframe to its content when the directory reports its height.
 * Settings: data-species, data-capabilities (comma-separated), data-lat,
 * data-lon, data-near (a town or postcode), data-radius (km), data-q, data-open, data-accepting ("false" turns
 * the filter off), data-accent, data-background, data-text (CSS colours),
 * data-title, data-limit, data-height (first height in px), data-key (a
 * partner API key with the `embed` scope), data-target (a CSS selector).
 *
 * With data-page="report" it shows the network's public report instead
 * (WARREN/embed/report.html): data-from and data-to (YYYY-MM) choose the
 * months; the colours, data-title, data-height and data-target work alike.
 */
(function () {
  "use strict";

  var script =
    document.currentScript ||
    [].slice.call(document.querySelectorAll('script[src*="warren-directory.js"]')).pop();
  if (!script || script.dataset.warrenMounted) return;
  script.dataset.warrenMounted = "1";

  var data = script.dataset;
  var report = data.page === "report";
  var page = new URL(report ? "report.html" : "directory.html", script.src);
  var origin = page.origin;
  var settings = {
    species: "species",
    capabilities: "capabilities",
    lat: "lat",
    lon: "lon",
    radius: "radius_km",
    near: "near",
    q: "q",
    open: "open",
    accepting: "accepting",
    accent: "accent",
    background: "background",
    text: "text",
    title: "title",
    limit: "limit",
    from: "from",
    to: "to"
  };
  Object.keys(settings).forEach(function (name) {
    if (data[name]) page.searchParams.set(settings[name], data[name]);
  });
  // The key travels in the fragment: never sent to a server or in a Referer.
  if (data.key) page.hash = "key=" + encodeURIComponent(data.key);

  var frame = document.createElement("iframe");
  frame.src = page.href;
  frame.title =
    data.title ||
    (report ? "Our network's results (Warren report)" : "Find animal care near you (Warren directory)");
  frame.setAttribute("allow", "geolocation");
  frame.setAttribute("data-warren-directory", "");
  var style = frame.style;
  style.display = "block";
  style.width = "100%";
  style.maxWidth = "100%";
  style.border = "0";
  style.height = (parseInt(data.height, 10) || 480) + "px";

  var target = data.target && document.querySelector(data.target);
  if (target) target.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== origin) return;
    var message = event.data;
    if (!message || message.type !== "warren:resize") return;
    var height = Math.ceil(Number(message.height));
    if (height > 0 && height < 100000) style.height = height + "px";
  });
})();
