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

document.addEventListener("DOMContentLoaded", () => {
  dropZone();
  fileLabels();
  liveSearch();
  printButton();
  liveCheck();
});
