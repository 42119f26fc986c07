/* Polku dashboard: fetches the figures API and draws them; no libraries, no network beyond
   this service. Refreshes itself every few seconds. */
"use strict";

const REFRESH_MS = 5000;
const SERIES = [
  { key: "registrations", label: "Registrations · osaleja · osallistuja", color: "#2563a8" },
  { key: "placements_started", label: "Placements started", color: "#b7791f" },
  { key: "employed_on_leaving", label: "Employed on leaving", color: "#2f8f4e" },
];
const LOCAL = {
  adaptation_training: "Adaptation training · kohanemiskoolitus",
  work_practice: "Work practice · tööharjutus · työkokeilu",
  vocational_training: "Vocational training · erialakoolitus · ammatillinen koulutus",
  coaching_session: "Individual coaching · yksilövalmennus",
  support_meeting: "Support meeting",
  telework_training: "Telework training · kaugtöökeskus · etätyökeskus",
  job_search: "Job search",
  other: "Other",
  association: "Association · MTÜ · yhdistys",
  social_enterprise: "Social enterprise",
  central_workshop: "Central workshop · töökoda · keskuspaja",
  satellite_workshop: "Satellite workshop · töökoda · satelliittipaja",
  telework_centre: "Telework centre · kaugtöökeskus · etätyökeskus",
  public_body: "Public body",
  employer: "Employer · tööandja · työnantaja",
};
const SVG_NS = "http://www.w3.org/2000/svg";

/* An API key may be given once as #key=polku_... in the address; kept for this tab only. */
const API_KEY = (() => {
  const given = location.hash.match(/key=([\w-]+)/);
  if (given) sessionStorage.setItem("polkuKey", given[1]);
  return sessionStorage.getItem("polkuKey");
})();

async function getJson(path) {
  const headers = API_KEY ? { Authorization: `Bearer ${API_KEY}` } : {};
  const response = await fetch(path, { cache: "no-store", headers });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const first = body && Array.isArray(body.detail) ? body.detail[0] : null;
    throw new Error(first ? `${first.field}: ${first.reason}` : `${path}: ${response.status}`);
  }
  return response.json();
}

function text(value) {
  return value === null || value === undefined ? "–" : String(value);
}

function cell(row, value, numeric) {
  const td = document.createElement("td");
  td.textContent = text(value);
  if (numeric) td.className = "num";
  row.appendChild(td);
  return td;
}

function fillTable(id, rows, columns, emptyText) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren();
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = cell(tr, emptyText || "nothing yet");
    td.colSpan = columns.length;
    td.className = "empty";
    body.appendChild(tr);
    return;
  }
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const [key, numeric, format] of columns) {
      cell(tr, format ? format(row[key], row) : row[key], numeric);
    }
    body.appendChild(tr);
  }
}

function showSummary(summary) {
  for (const el of document.querySelectorAll("[data-figure]")) {
    el.textContent = text(summary[el.dataset.figure]);
  }
}

function svg(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

/* Tick values from 0 to a round top at or above the peak: steps of 1, 2 or 5 x 10^n. */
function niceTicks(peak, most = 5) {
  if (peak <= 0) return [0, 1];
  const raw = peak / most;
  const power = raw >= 1 ? 10 ** Math.floor(Math.log10(raw)) : 1;
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw);
  const top = Math.ceil(peak / step) * step;
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/* A month's series as bars side by side, so that equal values never hide one another; value
   ticks and an axis title on the left, month labels below, thinned so they never overlap. */
function drawTimeseries(rows) {
  const chart = document.getElementById("timeseries");
  chart.replaceChildren();
  const W = 900, H = 260, left = 48, right = 12, top = 26, bottom = 40;
  const ticks = niceTicks(Math.max(0, ...rows.flatMap((r) => SERIES.map((s) => r[s.key]))));
  const max = ticks[ticks.length - 1];
  const plotW = W - left - right, plotH = H - top - bottom;
  const slot = plotW / Math.max(rows.length, 1);
  const barW = (slot * 0.8) / SERIES.length;
  const y = (v) => top + plotH - (v * plotH) / max;
  for (const t of ticks) {
    svg("line", { x1: left, x2: W - right, y1: y(t), y2: y(t), class: "grid" }, chart);
    svg("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end" }, chart).textContent = t;
  }
  svg("line", { x1: left, x2: W - right, y1: top + plotH, y2: top + plotH, class: "axis" }, chart);
  svg("text", { x: 4, y: 14, class: "axis-title" }, chart).textContent = "People per month";
  const every = Math.max(1, Math.ceil(64 / slot));
  rows.forEach((r, i) => {
    if (i % every !== 0 && i !== rows.length - 1) return;
    svg("text", { x: left + i * slot + slot / 2, y: H - 20, "text-anchor": "middle" }, chart).textContent = r.month;
  });
  svg("text", { x: W - right, y: H - 4, "text-anchor": "end", class: "axis-title" }, chart).textContent = "Month";
  SERIES.forEach((s, k) => {
    const group = svg("g", { "data-series": s.key, fill: s.color }, chart);
    rows.forEach((r, i) => {
      const bar = svg("rect", {
        x: left + i * slot + slot * 0.1 + k * barW, y: y(r[s.key]), width: barW,
        height: top + plotH - y(r[s.key]),
      }, group);
      svg("title", {}, bar).textContent = `${r.month} · ${s.label}: ${r[s.key]}`;
    });
  });
  if (!rows.length) {
    svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, chart).textContent = "no events yet";
  }
}

function drawLegend() {
  const legend = document.getElementById("legend");
  legend.replaceChildren(...SERIES.map((s) => {
    const span = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = s.color;
    span.append(swatch, s.label);
    return span;
  }));
}

function drawCaseloads(rows) {
  const box = document.getElementById("caseloads");
  box.replaceChildren();
  if (!rows.length) {
    box.innerHTML = '<p class="empty">no support worker holds cases yet</p>';
    return;
  }
  for (const r of rows) {
    const line = document.createElement("div");
    line.className = "bar";
    line.dataset.worker = r.support_worker_id;
    const name = document.createElement("span");
    name.textContent = r.support_worker_id.slice(0, 8);
    name.title = r.support_worker_id;
    const track = document.createElement("div");
    track.className = "track";
    const fill = document.createElement("div");
    const pct = Math.min(100, Math.round(r.utilisation * 100));
    fill.className = "fill" + (pct >= 100 ? " full" : pct >= 80 ? " high" : "");
    fill.style.width = `${pct}%`;
    track.appendChild(fill);
    const label = document.createElement("span");
    label.className = "cases";
    label.textContent = `${r.cases} / ${r.capacity}`;
    line.append(name, track, label);
    box.appendChild(line);
  }
}

function showPipeline(p) {
  document.getElementById("dead-letters").textContent = text(p.dead_letters);
  document.getElementById("outbox").textContent = "Outbox backlog: " +
    Object.entries(p.outbox_backlog).map(([s, n]) => `${s} ${n}`).join(" · ");
  fillTable("streams", p.streams, [
    ["stream"], ["group"], ["length", true], ["lag", true], ["pending", true],
  ], "no streams yet");
}

function filterQuery() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(document.getElementById("filters"))) {
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

function offerMunicipalities(names) {
  const select = document.querySelector("#filters select[name=municipality]");
  const known = new Set([...select.options].map((o) => o.value));
  for (const name of names) {
    if (!known.has(name)) select.add(new Option(name, name));
  }
}

let latestRefresh = 0;

async function refresh() {
  // Only the newest refresh may draw: an older answer arriving late must not overwrite it.
  const mine = ++latestRefresh;
  const status = document.getElementById("updated");
  try {
    const [data, pipeline] = await Promise.all([
      getJson(`/v1/dashboard${filterQuery()}`),
      getJson("/v1/pipeline"),
    ]);
    if (mine !== latestRefresh) return;
    offerMunicipalities(data.municipalities);
    showSummary(data.summary);
    drawTimeseries(data.timeseries);
    drawCaseloads(data.caseloads);
    fillTable("waiting", data["waiting-list"], [["municipality"], ["participants", true], ["longest_wait_days", true]], "nobody is waiting");
    fillTable("activities", data.activities, [["activity_type", false, (v) => LOCAL[v] || v], ["participants", true], ["completed", true], ["hours", true]]);
    fillTable("openings", data.openings, [["organisation_kind", false, (v) => LOCAL[v] || v], ["municipality"], ["openings", true], ["seats", true], ["open_seats", true]]);
    fillTable("indicators", data.indicators, [
      ["code"], ["title"], ["total", true], ["female", true], ["male", true],
      ["non_binary", true], ["unknown", true], ["not_reported", true],
    ]);
    showPipeline(pipeline);
    status.dataset.state = "ok";
    status.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (mine !== latestRefresh) return;
    status.dataset.state = "error";
    status.textContent = `not updated: ${err.message}`;
  }
}

drawLegend();
document.getElementById("filters").addEventListener("change", refresh);
refresh();
setInterval(refresh, REFRESH_MS);
