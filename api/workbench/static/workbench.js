// allegraph workbench: small progressive enhancements; every page works without them.
"use strict";

function announce(text) {
  const region = document.getElementById("announce");
  if (region) { region.textContent = ""; setTimeout(() => { region.textContent = text; }, 50); }
}

// Type-ahead over actor names and aliases (the JSON API's /actors?q=), as an ARIA combobox.
function typeahead(input) {
  const list = document.getElementById(input.getAttribute("aria-controls"));
  const fill = input.hasAttribute("data-fill");  // fill the field (chain finder) or open the actor
  let items = [], active = -1, timer = null, asked = 0;
  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }
  function choose(item) {
    if (fill) { input.value = item.name; close(); return; }
    window.location.href = "/ui/actors/" + encodeURIComponent(item.id);
  }
  function mark(i) {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute("aria-selected", k === i ? "true" : "false"));
    if (i >= 0) input.setAttribute("aria-activedescendant", list.children[i].id);
  }
  function show(found) {
    items = found; list.replaceChildren();
    found.forEach((item, k) => {
      const li = document.createElement("li");
      li.id = list.id + "-" + k; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false");
      li.textContent = item.name;
      const hint = document.createElement("span");
      hint.className = "kind-hint"; hint.textContent = " " + item.kinds.join(", ");
      li.appendChild(hint);
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(item); });
      list.appendChild(li);
    });
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    announce(found.length + (found.length === 1 ? " actor" : " actors") + " found");
  }
  async function ask() {
    const q = input.value.trim(), mine = ++asked;
    if (q.length < 1) { close(); return; }
    const answer = await fetch("/actors?limit=8&q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}});
    if (!answer.ok || mine !== asked) return;
    show((await answer.json()).items);
  }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 120); });
  input.addEventListener("blur", () => setTimeout(close, 100));
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
    else if (e.key === "Escape") { close(); }
  });
}

// A statement opened from anywhere (#st-…): every piece of its span lit, and scrolled to.
function showStatement() {
  document.querySelectorAll(".current").forEach((m) => m.classList.remove("current"));
  const key = decodeURIComponent(window.location.hash.slice(1));
  if (!key.startsWith("st-")) return;
  const pieces = document.querySelectorAll('mark[data-span="' + CSS.escape(key) + '"]');
  pieces.forEach((m) => m.classList.add("current"));
  const item = document.getElementById("item-" + key);
  if (item) { item.classList.add("current"); item.scrollIntoView({block: "nearest"}); }
  if (pieces.length) {
    pieces[0].setAttribute("tabindex", "-1");
    pieces[0].scrollIntoView({block: "center"});
    pieces[0].focus({preventScroll: true});
  }
}

// Copy embed code (a button names the textarea it copies).
async function copyFrom(button) {
  const area = document.getElementById(button.dataset.copy);
  try { await navigator.clipboard.writeText(area.value); }
  catch (e) { area.select(); document.execCommand("copy"); }
  announce("Embed code copied");
  button.textContent = "Copied";
}

// Upload through the API (the key travels in the X-API-Key header), problems shown inline.
async function upload(form) {
  const out = document.getElementById("upload-result");
  const data = new FormData(form), key = data.get("key");
  data.delete("key");
  out.textContent = "Uploading…";
  const answer = await fetch(form.action, {method: "POST", body: data, headers: {"X-API-Key": key, Accept: "application/json"}});
  const body = await answer.json();
  out.replaceChildren();
  const box = document.createElement("div");
  if (answer.ok) {
    box.className = "done";
    const title = document.createElement("p");
    title.textContent = "Stored " + body.documents.length + " document(s), " + body.triples + " triples.";
    box.appendChild(title);
    const list = document.createElement("ul");
    body.documents.forEach((d) => {
      const li = document.createElement("li"), a = document.createElement("a");
      a.href = "/ui/documents/" + encodeURIComponent(d.id); a.textContent = d.id + (d.created ? " (new)" : " (replaced)");
      li.appendChild(a); list.appendChild(li);
    });
    box.appendChild(list);
  } else {
    box.className = "problem"; box.setAttribute("role", "alert");
    const title = document.createElement("p");
    const detail = body.detail || body.title;
    title.textContent = body.source && !detail.startsWith(body.source) ? body.source + ": " + detail : detail;
    box.appendChild(title);
    if (body.problems && body.problems.length) {
      const list = document.createElement("ul");
      body.problems.forEach((p) => {
        const li = document.createElement("li");
        li.textContent = (p.place ? p.place + ": " : "") + p.reason;
        list.appendChild(li);
      });
      box.appendChild(list);
    }
  }
  out.appendChild(box);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-typeahead]").forEach(typeahead);
  document.querySelectorAll("[data-copy]").forEach((b) => b.addEventListener("click", () => copyFrom(b)));
  document.querySelectorAll("[data-example-for]").forEach((select) => select.addEventListener("change", () => {
    if (select.value) document.getElementById(select.dataset.exampleFor).value = select.value;
  }));
  const form = document.querySelector("form[data-upload]");
  if (form) form.addEventListener("submit", (e) => { e.preventDefault(); upload(form).catch((err) => {
    document.getElementById("upload-result").textContent = "The upload failed: " + err;
  }); });
  window.addEventListener("hashchange", showStatement);
  showStatement();
});
