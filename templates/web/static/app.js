// thidua serve: the little the pages do in the browser. No markup is ever built from data
// (textContent only); every page also works without this file.
"use strict";

function dropZone() {
  const zone = document.getElementById("drop");
  const input = document.getElementById("facts");
  const chosen = document.getElementById("chosen");
  if (!zone || !input) return;
  const show = () => {
    chosen.textContent = Array.from(input.files).map((f) => f.name).join(", ");
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((e) =>
    zone.addEventListener(e, (ev) => { ev.preventDefault(); zone.classList.add("over"); }));
  ["dragleave", "drop"].forEach((e) =>
    zone.addEventListener(e, () => zone.classList.remove("over")));
  zone.addEventListener("drop", (ev) => {
    ev.preventDefault();
    if (ev.dataTransfer && ev.dataTransfer.files.length) {
      input.files = ev.dataTransfer.files;
      show();
    }
  });
}

function fileLabels() {
  document.querySelectorAll("label.file").forEach((label) => {
    const input = label.querySelector("input[type=file]");
    const chosen = label.querySelector(".chosen");
    if (!input || !chosen) return;
    input.addEventListener("change", () => {
      chosen.textContent = Array.from(input.files).map((f) => f.name).join(", ");
    });
  });
}

function liveSearch() {
  const box = document.getElementById("f-q");
  const table = document.getElementById("verdicts");
  if (!box || !table) return;
  const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
  box.addEventListener("input", () => {
    const needle = fold(box.value.trim());
    table.querySelectorAll("tbody tr[data-search]").forEach((row) => {
      row.hidden = needle !== "" && !fold(row.dataset.search).includes(needle);
    });
  });
}

function printButton() {
  const button = document.getElementById("print");
  if (button) button.addEventListener("click", (ev) => { ev.preventDefault(); window.print(); });
}

function liveCheck() {
  const text = document.getElementById("campaign");
  const live = document.getElementById("live");
  const out = document.getElementById("findings");
  if (!text || !live || !out) return;
  let timer = null;
  const check = async () => {
    const body = new FormData();
    body.append("campaign", new Blob([text.value], { type: "application/yaml" }), "campaign.yaml");
    const lang = new URLSearchParams(window.location.search).get("lang") || "vi";
    const answer = await fetch("/api/validate?lang=" + encodeURIComponent(lang), { method: "POST", body });
    const data = await answer.json();
    const lines = data.error ? data.error.lines : data.findings.map((f) => f.text);
    out.replaceChildren();
    const list = document.createElement("ul");
    list.className = "problems";
    if (!lines.length) {
      const p = document.createElement("p");
      p.textContent = out.dataset.ok;
      out.appendChild(p);
    }
    lines.forEach((line) => {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = line;
      item.appendChild(code);
      list.appendChild(item);
    });
    out.appendChild(list);
  };
  text.addEventListener("input", () => {
    if (!live.checked) return;
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
}

// A request that takes more than a second (an upload of a large file, a report of 10,000
// candidates) shows a spinner and the seconds gone by, in the page's words (#busy's data-label,
// "{s}" the seconds). Forms and links of this site show it while the next page is awaited; a
// download is fetched here, so the page knows when it has arrived, then saved under the server's name.
function busyWhileWaiting() {
  const box = document.getElementById("busy");
  if (!box) return;
  const text = box.querySelector(".busy-text");
  let started = 0;
  let timer = null;
  const tick = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    text.textContent = box.dataset.label.replace("{s}", String(seconds));
    box.hidden = false;
  };
  const start = () => {
    stop();
    started = Date.now();
    timer = setTimeout(function again() { tick(); timer = setTimeout(again, 1000); }, 1000);
  };
  const stop = () => {
    clearTimeout(timer);
    timer = null;
    box.hidden = true;
  };
  window.addEventListener("pageshow", stop);  // back to a page kept in the browser's cache
  document.addEventListener("submit", (ev) => { if (!ev.defaultPrevented) start(); });
  document.addEventListener("click", (ev) => {
    const link = ev.target.closest ? ev.target.closest("a[href]") : null;
    if (!link || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    const href = link.getAttribute("href");
    if (!href.startsWith("/") || href.startsWith("//") || href.startsWith("/static/") || href === "/openapi.json") return;
    if (!link.hasAttribute("data-download")) { start(); return; }
    ev.preventDefault();
    start();
    fetch(href).then(async (answer) => {
      if (!answer.ok) { window.location.href = href; return; }  // the server's page says what went wrong
      const named = /filename="([^"]+)"/.exec(answer.headers.get("content-disposition") || "");
      const url = URL.createObjectURL(await answer.blob());
      const save = document.createElement("a");
      save.href = url;
      save.download = named ? named[1] : "";
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      stop();
    }).catch(() => { window.location.href = href; });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  busyWhileWaiting();
  dropZone();
  fileLabels();
  liveSearch();
  printButton();
  liveCheck();
});
