// thumbkit playground: calls the same endpoints as any client (POST /v1/generate, GET /v1/catalog,
// GET /v1/images) with the key typed in, remembered in this browser's localStorage.
"use strict";
const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "thumbkit.apiKey";
let catalog = null;

function apiKey() { return $("api-key").value.trim(); }

async function api(path, options = {}) {
  const headers = { "x-api-key": apiKey(), ...(options.body ? { "Content-Type": "application/json" } : {}) };
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return { body, response };
}

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

function fillSelect(select, values, keep) {
  const previous = keep ? select.value : null;
  select.replaceChildren(...values.map((value) => new Option(value, value)));
  if (previous && values.includes(previous)) select.value = previous;
}

function fillLayouts() {
  const format = catalog.formats.find((f) => f.name === $("format").value);
  fillSelect($("layout"), ["auto", ...(format ? format.layouts : [])], true);
}

async function loadCatalog() {
  if (!apiKey()) return;
  try {
    ({ body: catalog } = await api("/v1/catalog"));
    fillSelect($("format"), catalog.formats.map((f) => f.name), true);
    fillSelect($("kit"), catalog.kits, true);
    fillSelect($("output-format"), catalog.outputFormats, true);
    fillLayouts();
    showError("");
    await loadGallery();
  } catch (error) {
    showError(error.message);
  }
}

async function loadGallery() {
  const { body } = await api("/v1/images?limit=24");
  $("gallery").replaceChildren(...body.images.map((image) => {
    const figure = document.createElement("figure");
    const img = new Image();
    img.src = image.url;
    img.alt = image.title;
    img.loading = "lazy";
    const caption = document.createElement("figcaption");
    caption.textContent = `${image.format} · ${image.layout} · ${image.title}`;
    caption.title = image.title;
    figure.append(img, caption);
    return figure;
  }));
}

async function generate(event) {
  event.preventDefault();
  showError("");
  localStorage.setItem(KEY_STORAGE, apiKey());
  if (!catalog) await loadCatalog();
  const payload = {
    title: $("title").value, format: $("format").value, layout: $("layout").value,
    customAssetsId: $("kit").value, outputFormat: $("output-format").value,
  };
  $("generate").disabled = true;
  $("status").textContent = "rendering…";
  const started = performance.now();
  try {
    const { body, response } = await api("/v1/generate", { method: "POST", body: JSON.stringify(payload) });
    const elapsed = Math.round(performance.now() - started);
    $("result-image").src = body.image;
    $("result-image").dataset.id = body.id;
    const stored = response.headers.get("X-Thumbkit-Store") === "hit" ? "from the store" : "rendered";
    $("result-info").textContent = `${body.format} ${body.dimensions.width}×${body.dimensions.height} ${body.outputFormat}, ${stored} in ${elapsed} ms`;
    const link = document.createElement("a");
    link.href = body.url;
    link.textContent = " stored copy";
    $("result-info").append(link);
    const quality = body.quality;  // thumbkit's judge: score and the codes of its findings
    if (quality) {
      const codes = quality.findings.map((finding) => finding.code).join(", ");
      $("result-info").append(` · quality ${quality.score}/100${codes ? ` (${codes})` : ""}`);
    }
    $("result").hidden = false;
    $("status").textContent = "";
    await loadGallery();
  } catch (error) {
    $("status").textContent = "";
    showError(error.message);
  } finally {
    $("generate").disabled = false;
  }
}

$("api-key").value = localStorage.getItem(KEY_STORAGE) || "";
$("api-key").addEventListener("change", () => { localStorage.setItem(KEY_STORAGE, apiKey()); loadCatalog(); });
$("format").addEventListener("change", () => catalog && fillLayouts());
$("generate-form").addEventListener("submit", generate);
$("refresh-gallery").addEventListener("click", () => loadGallery().catch((e) => showError(e.message)));
fillSelect($("format"), ["youtube", "instagram", "x", "blogpost", "linkedin"], false);
loadCatalog();
