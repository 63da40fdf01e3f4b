// socialrx: start the NHS.UK components, draw the map of areas, and search in the browser on the static copy.
import { initAll } from "./vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();

function servicesByPlace(points) {
  // Services sharing one point (one location of a directory, or one building) become one marker listing them all.
  const others = [];
  const places = new Map();
  for (const p of points) {
    if (p.kind !== "service") { others.push(p); continue; }
    const key = `${p.lat},${p.lon}`;
    if (!places.has(key)) places.set(key, { ...p, services: [] });
    places.get(key).services.push(p);
  }
  return others.concat([...places.values()]);
}

function servicePopup(services) {
  // A popup naming the place and linking to the services' pages (a tooltip cannot be followed, least of all on a phone).
  const popup = document.createElement("div");
  const places = [...new Set(services.map((s) => s.place).filter(Boolean))];
  if (places.length) {
    const where = document.createElement("p");
    where.className = "srx-map-popup__place";
    where.textContent = places.join("; ");
    popup.append(where);
  }
  const list = document.createElement("ul");
  for (const s of services) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = s.href;
    link.textContent = s.label;
    item.append(link);
    list.append(item);
  }
  popup.append(list);
  return popup;
}

function drawMap(el) {
  const points = servicesByPlace(JSON.parse(el.dataset.points || "[]"));
  if (!points.length || !window.L) return;
  el.classList.add("srx-map--live");
  el.replaceChildren();
  // No tile layer: the map works offline, drawing only the areas the data gives coordinates for.
  const map = window.L.map(el, { attributionControl: false });
  const max = Math.max(...points.map((p) => p.count || 0), 1);
  const bounds = [];
  // Areas are sized by their schemes; practices, postcode districts, a looked-up postcode and services have a style each.
  const kinds = { practice: { radius: 4, color: "#007f3b" }, district: { radius: 3, color: "#4c6272" }, postcode: { radius: 9, color: "#d5281b" },
    service: { radius: 8, color: "#330072" } };
  for (const p of points) {
    const style = kinds[p.kind] || { radius: 6 + 14 * ((p.count || 0) / max), color: "#005eb8" };
    const marker = window.L.circleMarker([p.lat, p.lon], { ...style, weight: 2, fillOpacity: p.kind === "service" ? 0.8 : 0.5 });
    if (p.services) marker.bindPopup(servicePopup(p.services.filter((s) => s.href)));
    else marker.bindTooltip(p.note || `${p.label}: ${p.count} scheme${p.count === 1 ? "" : "s"}`);
    marker.addTo(map);
    bounds.push([p.lat, p.lon]);
  }
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
}

function escape(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}

async function staticSearch(box) {
  // The static copy has no server to ask, so rank the downloaded index the same way the server does.
  const q = new URLSearchParams(location.search).get("q") || "";
  const words = q.toLowerCase().match(/[\p{L}\p{N}_]+/gu) || [];
  if (!words.length) return;
  const input = document.getElementById("q");
  if (input) input.value = q;
  const root = document.body.dataset.root || "";
  const entries = await (await fetch(box.dataset.index)).json();
  const weight = { label: 10, alt: 6, description: 1.5 };
  const hits = [];
  const whole = q.trim().toLowerCase();
  const everything = new URLSearchParams(location.search).get("all") === "1";
  for (const e of entries) {
    if (!everything && !e.primary) continue; // internal nodes only on request, as on the server
    let total = 0;
    let firstField = null;
    for (const w of words) {
      let best = 0;
      let where = null;
      for (const [field, text] of e.fields) {
        const low = text.toLowerCase();
        if (!low.includes(w)) continue;
        const ws = low.match(/[\p{L}\p{N}_]+/gu) || [];
        const kind = ws.includes(w) ? 3 : ws.some((x) => x.startsWith(w)) ? 2 : 1;
        if (weight[field] * kind > best) { best = weight[field] * kind; where = field; }
      }
      if (!best) { total = 0; break; }
      total += best;
      firstField = firstField || where;
    }
    if (!total) continue;
    const label = e.label.toLowerCase();
    if (whole === label) total += 50;
    else if (label.startsWith(whole)) total += 10;
    if (firstField === "label") total += 5 * Math.min(1, words.join("").length / Math.max(label.length, 1));
    total += 3 * (e.primary ? 1 : 0) + (e.ours ? 1 : 0);
    hits.push([total, e]);
  }
  hits.sort((a, b) => b[0] - a[0] || a[1].label.localeCompare(b[1].label));
  const items = hits.slice(0, 50).map(([, e]) =>
    `<li class="srx-result"><h2 class="nhsuk-heading-s srx-result__title"><a href="${escape(root + e.page)}" title="${escape(e.iri)}">${escape(e.label)}</a></h2><p class="srx-result__types">${e.types.map((t) => `<strong class="nhsuk-tag nhsuk-tag--white srx-type">${escape(t)}</strong>`).join(" ")}</p></li>`);
  box.innerHTML = `<p class="srx-result-count" role="status">${hits.length} result${hits.length === 1 ? "" : "s"} for <q>${escape(q)}</q>.</p><ol class="nhsuk-list srx-results">${items.join("")}</ol>`;
}

// Index filters: folded behind their button on phones, open beside the results on wider screens.
for (const filters of document.querySelectorAll("details[data-open-wide]")) {
  if (window.matchMedia("(min-width: 48.0625em)").matches) filters.open = true;
}

const map = document.getElementById("srx-map");
if (map) drawMap(map);
const results = document.getElementById("srx-search-results");
if (results && results.dataset.static === "1") staticSearch(results);
