// The drill page's player. Everything it shows was computed by jalert-sim in Python and embedded
// in the page: the simulation's JSON document (#simulation) and the drill's plan (#drill-data:
// events, prefecture state changes, countdown spans, the track in map units). This script only
// shows them at the current moment t (seconds after launch), which it keeps in body[data-t].
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const DOC = JSON.parse($("simulation").textContent);
  const D = JSON.parse($("drill-data").textContent);
  const body = document.body;
  const LANGS = ["en", "ja", "both"];
  const LANG_NAMES = { en: "EN", ja: "日本語", both: "EN + 日本語" };

  // ---- the data, indexed once ----
  const launchMs = Date.parse(DOC.input.launch_time);
  const track = DOC.track;
  const trackT = track.map((s) => s.t_s);
  const trackAlt = track.map((s) => s.alt_km);
  const XY = D.track_xy;
  const messages = DOC.messages;
  const impactS = DOC.impact.time_s;
  const firstMessageS = messages.length ? messages[0].time_s : Infinity;
  const alertsByCode = {};
  DOC.alerts.forEach((a) => { alertsByCode[a.code] = a; });
  const changes = {}; // code -> [[t_s, state], ...] in time order
  D.states.forEach(([t, code, state]) => { (changes[code] = changes[code] || []).push([t, state]); });
  const prefEls = {};
  document.querySelectorAll("#prefectures .pref").forEach((el) => { prefEls[el.dataset.code] = el; });
  const labelEls = {};
  document.querySelectorAll("#labels .pref-label").forEach((el) => { labelEls[el.dataset.code] = el; });

  // ---- the state of the player ----
  let t = 0;
  let playing = false;
  let speed = D.speed;
  let lang = D.lang;
  let muted = !D.chime;
  let audio = null;
  let chimes = 0;
  let lastNow = null;
  const shown = {}; // what the DOM shows now, so that it is touched only on a change

  function set(key, value, apply) {
    if (shown[key] !== value) { shown[key] = value; apply(value); }
  }

  // ---- formatting, as the terminal drill does ----
  const two = (n) => String(n).padStart(2, "0");
  function clockAt(seconds) { // JST wall clock of launch + seconds, cut to the second
    const d = new Date(launchMs + seconds * 1000 + 9 * 3600 * 1000);
    return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  }
  function dateAt(seconds) {
    const d = new Date(launchMs + seconds * 1000 + 9 * 3600 * 1000);
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  }
  function tPlus(seconds) {
    const s = Math.floor(Math.abs(seconds));
    return `T${seconds < 0 ? "-" : "+"}${two(Math.floor(s / 60))}:${two(s % 60)}`;
  }
  function mmss(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return `${Math.floor(s / 60)}:${two(s % 60)}`;
  }
  const km = (x) => Math.round(x).toLocaleString("en-US");
  function pick(en, ja) { return lang === "en" ? en : lang === "ja" ? ja : `${en} / ${ja}`; }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- where the missile is ----
  function sampleBefore(seconds) { // the last track sample at or before `seconds`
    let lo = 0, hi = trackT.length - 1;
    if (seconds >= trackT[hi]) return hi;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (trackT[mid] <= seconds) lo = mid; else hi = mid;
    }
    return lo;
  }
  function interp(values, seconds) { // linear between samples, as SimulationResult.altitude_at
    const i = sampleBefore(seconds);
    if (i >= trackT.length - 1 || seconds <= trackT[0]) return values[Math.min(i, values.length - 1)];
    const f = (seconds - trackT[i]) / (trackT[i + 1] - trackT[i]);
    return values[i] + f * (values[i + 1] - values[i]);
  }
  function overAt(seconds) { // the nearest sample's place, as SimulationResult.over_at
    const i = sampleBefore(seconds);
    const j = i + 1 < trackT.length && trackT[i + 1] - seconds < seconds - trackT[i] ? i + 1 : i;
    return D.over.places[D.over.index[j]];
  }
  function positionAt(seconds) {
    const i = sampleBefore(seconds);
    if (i >= XY.length - 1) return XY[XY.length - 1];
    const f = Math.max(0, (seconds - trackT[i]) / (trackT[i + 1] - trackT[i]));
    return [XY[i][0] + f * (XY[i + 1][0] - XY[i][0]), XY[i][1] + f * (XY[i + 1][1] - XY[i][1])];
  }
  function stateOf(code, seconds) {
    let state = "none";
    for (const [ct, cs] of changes[code] || []) { if (ct <= seconds) state = cs; else break; }
    return state;
  }
  function issuedAt(seconds) { return messages.filter((m) => m.time_s <= seconds); }

  // ---- building the parts that do not change ----
  function fitMarks() { // marks and labels in pixels, whatever the map's scale
    const ctm = $("map").getScreenCTM();
    if (!ctm || !ctm.a) return;
    const unitsPerPx = 1 / ctm.a;
    document.querySelectorAll("#map .px").forEach((g) => g.setAttribute("transform", `scale(${unitsPerPx})`));
    $("labels").setAttribute("font-size", String(17 * unitsPerPx * Math.max(1, window.innerHeight / 1080)));
    placeLabels(unitsPerPx * Math.max(1, window.innerHeight / 1080));
  }
  function placeLabels(unitsPerPx) {
    // A warned prefecture's label goes on it if it has room (Hokkaido), else beside it, on the side
    // where it covers least of the other warned prefectures and of the labels already placed
    // (Ishikawa's and Toyama's, side by side on the Noto coast).
    const gap = 6 * unitsPerPx;
    const placed = [];
    const warned = Object.keys(labelEls).map((code) => [code, prefEls[code].getBBox()]);
    const overlap = (a, b) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
      Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
    for (const [code, text] of Object.entries(labelEls)) {
      const own = text.getBBox(); // in the text's own frame: its anchor at (0, 0)
      const b = prefEls[code].getBBox();
      const [ax, ay] = text.dataset.at.split(" ").map(Number);
      const w = own.width, h = own.height;
      const spots = [];
      if (w < 0.8 * b.width && h < 0.4 * b.height) spots.push([ax - w / 2, ay - h / 2]);
      const cx = b.x + b.width / 2 - w / 2, cy = b.y + b.height / 2 - h / 2;
      const left = b.x - gap - w, right = b.x + b.width + gap, top = b.y - gap - h, bottom = b.y + b.height + gap;
      spots.push([right, cy], [left, cy], [cx, top], [cx, bottom], [right, top], [right, bottom], [left, top], [left, bottom]);
      let best = null;
      for (const [x, y] of spots) {
        const box = { x, y, width: w, height: h };
        let cost = 0;
        warned.forEach(([other, o]) => { if (other !== code) cost += overlap(box, o); });
        placed.forEach((o) => { cost += 4 * overlap(box, o); });
        if (best === null || cost < best[0] - 1e-9) best = [cost, box];
      }
      placed.push(best[1]);
      text.setAttribute("transform", `translate(${best[1].x - own.x} ${best[1].y - own.y})`);
    }
  }
  function swatch(reason) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "swatch");
    // The map's patterns are in its units: the swatch shows four tiles by two.
    const size = Number(document.querySelector("#map pattern").getAttribute("width"));
    svg.setAttribute("viewBox", `0 0 ${4 * size} ${2 * size}`);
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("width", String(4 * size));
    rect.setAttribute("height", String(2 * size));
    rect.setAttribute("fill", reason ? `url(#pat-${reason})` : "#e8e8e0");
    svg.appendChild(rect);
    return svg;
  }
  function buildLegend() {
    const legend = $("legend");
    for (const reason of ["impact", "overflight", "corridor"]) {
      const row = el("div");
      row.append(swatch(reason), el("span", "", D.reasons[reason]));
      legend.appendChild(row);
    }
    const none = el("div");
    none.append(swatch(null), el("span", "", "Not warned / 対象外"));
    legend.appendChild(none);
    legend.appendChild(el("div", "", "Outline: black = warned, purple = overflown, thick black = impact"));
    legend.appendChild(el("div", "", "Purple line: ground track (dashed: predicted) · ● missile, altitude"));
  }
  const countdownRows = {};
  function buildCountdowns() {
    const tbody = document.querySelector("#countdowns tbody");
    for (const c of D.countdowns) {
      const a = alertsByCode[c.code];
      const tr = el("tr");
      tr.dataset.code = c.code;
      const name = el("td");
      name.append(el("span", "en", a.name + " "), el("span", "ja", a.name_ja));
      const reason = el("td");
      reason.append(swatch(a.reason), document.createTextNode(" " + a.reason));
      const left = el("span", "left waiting");
      const cell = el("td");
      cell.appendChild(left);
      tr.append(name, reason, cell);
      tbody.appendChild(tr);
      countdownRows[c.code] = left;
    }
    if (!D.countdowns.length) $("countdowns").hidden = true;
  }
  const logItems = [];
  function buildLog() {
    const log = $("log");
    D.events.forEach((e, k) => {
      const li = el("li", e.kind === "message" ? "message" : "");
      li.hidden = true;
      li.dataset.t = e.t_s;
      li.dataset.index = k;
      log.insertBefore(li, log.firstChild); // newest first
      logItems.push([e, li]);
    });
  }
  function fillLog() { // the words of the log in the current language
    for (const [e, li] of logItems) {
      li.textContent = "";
      li.appendChild(el("span", "stamp", `${e.clock} ${e.t_plus}`));
      if (e.kind === "message") {
        const h = D.headings[e.message_kind];
        li.appendChild(document.createTextNode(`J-ALERT ${pick(h.en.toUpperCase(), h.ja)}`));
      } else {
        li.appendChild(document.createTextNode(
          `${pick(e.text_en, e.text_ja)} [${km(e.alt_km)} km ${pick("over " + e.over_en, e.over_ja + "上空")}]`));
      }
    }
  }

  // ---- showing the moment t ----
  function render() {
    const tt = t;
    body.dataset.t = tt.toFixed(1);
    set("clock", clockAt(tt), (v) => { $("clock").textContent = v; });
    set("tplus", tPlus(tt), (v) => { $("tplus").textContent = v; });
    set("seek", Math.round(tt), (v) => { $("seek").value = v; });
    set("alerted", String(tt >= firstMessageS), (v) => { body.dataset.alerted = v; });
    set("fallen", String(tt >= impactS), (v) => { body.dataset.fallen = v; });
    renderPrefectures(tt);
    renderMissile(tt);
    renderCountdowns(tt);
    renderMessages(tt);
  }
  function renderPrefectures(tt) {
    for (const code of Object.keys(changes)) {
      const state = stateOf(code, tt);
      set("pref" + code, state, (v) => {
        prefEls[code].dataset.state = v;
        if (labelEls[code]) labelEls[code].classList.toggle("on", v !== "none");
      });
    }
  }
  function renderMissile(tt) {
    const inFlight = tt >= 0 && tt <= impactS;
    const i = sampleBefore(tt);
    const pts = XY.slice(0, i + 1).map((p) => p.join(","));
    const now = positionAt(Math.min(tt, impactS));
    pts.push(now.map((v) => v.toFixed(0)).join(","));
    set("flown", pts.join(" "), (v) => { $("track-flown").setAttribute("points", v); });
    set("missileAt", now.map((v) => v.toFixed(0)).join(" "),
      (v) => { $("missile").setAttribute("transform", `translate(${v})`); });
    set("missileShown", inFlight, (v) => { $("missile").classList.toggle("hidden", !v); });
    const status = $("missile-status");
    if (inFlight) {
      const over = overAt(tt);
      set("status", `${km(interp(trackAlt, tt))}|${pick(over[0], over[1])}|${lang}`, () => {
        status.textContent = "";
        status.append(el("span", "tag", pick("ALTITUDE", "高度")), el("b", "", `${km(interp(trackAlt, tt))} km`),
          el("span", "tag", pick("OVER", "上空")), el("b", "", pick(over[0], over[1])));
      });
      set("alt", `${km(interp(trackAlt, tt))} km`, (v) => { $("missile-alt").textContent = v; });
    } else {
      set("status", `fell|${lang}`, () => {
        status.textContent = "";
        status.append(el("span", "tag", pick("FELL", "落下")),
          el("b", "", pick(DOC.impact.description, DOC.impact.description_ja)));
      });
    }
  }
  function renderCountdowns(tt) {
    for (const c of D.countdowns) {
      let status, text;
      if (tt < c.alert_s) { status = "waiting"; text = pick("not yet warned", "未発表"); }
      else if (tt < c.start_s) { status = c.start_s - tt > 60 ? "warned" : "warned soon"; text = mmss(c.start_s - tt); }
      else if (tt <= c.end_s) { status = "overhead"; text = pick("OVERHEAD NOW", "通過中"); }
      else { status = "passed"; text = pick("passed", "通過"); }
      set("cd" + c.code, status + "|" + text, () => {
        const left = countdownRows[c.code];
        left.className = "left " + status;
        left.textContent = text;
        left.parentElement.parentElement.dataset.status = status.split(" ")[0];
      });
    }
  }
  function renderMessages(tt) {
    const issued = issuedAt(tt);
    const last = issued.length ? issued[issued.length - 1] : null;
    // The banner: the messages of the latest moment one went out (the launch alert and "take
    // shelter now" go together), each with its heading, in the chosen language.
    const latest = last ? issued.filter((m) => m.time_s === last.time_s) : [];
    set("banner", `${issued.length}|${lang}`, () => {
      const banner = $("banner");
      banner.dataset.kind = latest.length ? latest.map((m) => m.kind).join(" ") : "none";
      const box = $("banner-text");
      box.textContent = "";
      const block = (kind, head, ja, en, time) => {
        const div = el("div", "msg");
        div.dataset.kind = kind;
        const h = el("div", "msg-head");
        if (time) h.appendChild(el("span", "tag", `J-ALERT ${time}`));
        h.appendChild(document.createTextNode(head));
        div.appendChild(h);
        if (lang !== "en" && ja) { const p = el("p", "", ja); p.lang = "ja"; div.appendChild(p); }
        if (lang !== "ja" && en) { const p = el("p", "", en); p.lang = "en"; div.appendChild(p); }
        box.appendChild(div);
      };
      if (latest.length) {
        for (const m of latest) {
          const h = D.headings[m.kind];
          block(m.kind, pick(h.en, h.ja), m.text_ja, m.text_en, m.time.slice(11, 19));
        }
      } else if (!messages.length) {
        block("none", pick("No J-Alert for this launch", "このミサイル発射ではJアラートは発信されません"),
          DOC.summary_ja, DOC.summary_en, null);
      } else {
        block("none", pick("No J-Alert message yet", "Jアラートの情報はまだありません"), null, null, null);
      }
      fitBanner();
    });
    const next = messages.find((m) => m.time_s > tt);
    const nextEl = $("next");
    const nextText = next ? `${mmss(next.time_s - tt)}|${next.kind}|${lang}` : `none|${lang}`;
    set("next", nextText, () => {
      nextEl.textContent = "";
      if (next) {
        const h = D.headings[next.kind];
        const left = mmss(next.time_s - tt);
        nextEl.append(el("span", "tag", pick("NEXT J-ALERT", "次の情報")), document.createTextNode(
          lang === "ja" ? `${left}後 ${h.ja}` : `in ${left} — ${pick(h.en, h.ja)}`));
      } else {
        nextEl.textContent = pick("No further J-Alert messages", "これ以上の情報はありません");
      }
    });
    set("log", `${logItems.filter(([e]) => e.t_s <= tt).length}|${issued.length}|${lang}`, () => {
      const lastMessage = last ? logItems.filter(([e]) => e.kind === "message" && e.t_s <= tt).pop() : null;
      for (const item of logItems) {
        item[1].hidden = item[0].t_s > tt;
        item[1].classList.toggle("current", item === lastMessage);
      }
    });
  }

  // ---- sound: a chime of our own (three falling tones), never the official siren ----
  function unlockAudio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!audio && AC) audio = new AC();
    if (audio && audio.state === "suspended") audio.resume();
  }
  function chime() {
    if (muted || !audio) return;
    const start = audio.currentTime + 0.02;
    [[880, 0], [698.5, 0.32], [587.3, 0.64]].forEach(([hz, delay]) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, start + delay);
      gain.gain.exponentialRampToValueAtTime(0.35, start + delay + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + delay + 1.4);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + delay);
      osc.stop(start + delay + 1.5);
    });
    chimes += 1;
    body.dataset.chimes = String(chimes);
  }
  function fitBanner() { // full size if it fits in its greatest height; smaller, never below 60 %, if not
    const box = $("banner-text");
    for (let scale = 1; scale >= 0.6; scale -= 0.05) {
      box.style.fontSize = `${scale}em`;
      if (box.scrollHeight <= box.clientHeight) break;
    }
  }
  function flashBanner() {
    const banner = $("banner");
    banner.classList.remove("fresh");
    void banner.offsetWidth; // restart the animation
    banner.classList.add("fresh");
  }

  // ---- the controls ----
  function setPlaying(on) {
    if (on && t >= D.end_s) t = 0;
    playing = on;
    lastNow = null;
    body.dataset.playing = String(on);
    $("play").textContent = on ? "❚❚ Pause" : "▶ Start";
    $("start-overlay").hidden = true;
    if (!on) keepInUrl();
  }
  function keepInUrl() { // a paused moment is in the address, to reopen or copy for a slide
    try { history.replaceState(null, "", `#t=${Math.floor(t)}`); } catch (err) { /* some file: views refuse */ }
  }
  function seek(seconds) {
    t = Math.min(D.end_s, Math.max(0, seconds));
    render();
    if (!playing) keepInUrl();
  }
  function setSpeed(value) {
    speed = value;
    document.querySelectorAll("#speeds button").forEach((b) => {
      b.setAttribute("aria-pressed", String(Number(b.dataset.speed) === speed));
    });
  }
  function setLang(value) {
    lang = value;
    body.dataset.lang = value;
    document.documentElement.lang = value === "ja" ? "ja" : "en";
    $("date").textContent = `${dateAt(0)} JST · ${pick("launch", "発射")} ${clockAt(0)}`;
    document.querySelectorAll("#langs button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    });
    fillLog();
    render();
  }
  function setMuted(value) {
    muted = value;
    $("mute").textContent = muted ? "Chime off" : "Chime on";
    $("mute").setAttribute("aria-pressed", String(!muted));
  }
  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  }
  function buildControls() {
    for (const s of D.speeds) {
      const b = el("button", "", `${s}×`);
      b.type = "button";
      b.dataset.speed = s;
      b.addEventListener("click", () => setSpeed(s));
      $("speeds").appendChild(b);
    }
    for (const l of LANGS) {
      const b = el("button", "", LANG_NAMES[l]);
      b.type = "button";
      b.dataset.lang = l;
      b.addEventListener("click", () => setLang(l));
      $("langs").appendChild(b);
    }
    $("seek").max = String(Math.ceil(D.end_s));
    $("seek").addEventListener("input", (ev) => seek(Number(ev.target.value)));
    $("play").addEventListener("click", () => setPlaying(!playing));
    $("restart").addEventListener("click", () => { seek(0); setPlaying(true); });
    $("back").addEventListener("click", () => seek(t - 10));
    $("fwd").addEventListener("click", () => seek(t + 10));
    $("mute").addEventListener("click", () => setMuted(!muted));
    $("fullscreen").addEventListener("click", toggleFullscreen);
    $("start-overlay").addEventListener("click", () => setPlaying(true));
    // Browsers let a page make sound only after the user's first gesture.
    document.addEventListener("pointerdown", unlockAudio, true);
    document.addEventListener("keydown", unlockAudio, true);
    document.addEventListener("keydown", onKey);
    window.addEventListener("hashchange", () => { const h = hashTime(); if (h !== null) { setPlaying(false); seek(h); } });
  }
  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const actions = {
      " ": () => setPlaying(!playing),
      ArrowLeft: () => seek(t - 10),
      ArrowRight: () => seek(t + 10),
      m: () => setMuted(!muted),
      f: toggleFullscreen,
      l: () => setLang(LANGS[(LANGS.indexOf(lang) + 1) % LANGS.length]),
      r: () => { seek(0); setPlaying(true); },
    };
    const action = actions[ev.key.length === 1 ? ev.key.toLowerCase() : ev.key];
    if (action) { ev.preventDefault(); action(); }
  }
  function hashTime() {
    const m = /(?:^#|&)t=([0-9]+(?:\.[0-9]*)?)/.exec(location.hash);
    return m ? Number(m[1]) : null;
  }

  // ---- the clock ----
  function tick(now) {
    if (playing) {
      if (lastNow !== null) {
        const before = t;
        t = Math.min(D.end_s, t + ((now - lastNow) / 1000) * speed);
        if (messages.some((m) => m.time_s > before && m.time_s <= t)) { chime(); flashBanner(); }
        if (t >= D.end_s) setPlaying(false);
      }
      lastNow = now;
      render();
    }
    requestAnimationFrame(tick);
  }

  // ---- start ----
  const query = new URLSearchParams(location.search);
  const askedSpeed = Number(query.get("speed"));
  fitMarks();
  window.addEventListener("resize", () => { fitMarks(); fitBanner(); });
  buildLegend();
  buildCountdowns();
  buildLog();
  buildControls();
  $("title").textContent = D.title;
  const [minSpeed, maxSpeed] = D.speed_range;
  setSpeed(query.has("speed") && askedSpeed >= minSpeed && askedSpeed <= maxSpeed ? askedSpeed : speed);
  setMuted(muted);
  setLang(LANGS.includes(query.get("lang")) ? query.get("lang") : lang);
  const start = hashTime();
  if (start !== null) seek(start); else $("start-overlay").hidden = false;
  render();
  body.dataset.readyMs = performance.now().toFixed(0); // since navigation began (benchmarks/webdrill.py)
  body.dataset.ready = "true";
  requestAnimationFrame(tick);
})();
