// thumbkit playground: calls the same endpoints as any client (POST /v1/generate, GET /v1/catalog,
// GET /v1/images) with the key typed in, remembered in this browser's localStorage. The form offers
// every request field; a field this server does not take (not in POST /v1/generate's request body in
// /openapi.json) is shown greyed out and never sent.
"use strict";
const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "thumbkit.apiKey";
const THUMBAPI_FIELDS = ["title", "format", "category", "usePhoto", "useLogo", "photoImage", "logoImage", "customAssetsId",
  "outputFormat", "model", "layout"];
let catalog = null;
let accepted = null;  // Set of the request fields the server takes

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

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
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

// -- which fields this server takes ------------------------------------------------------------
async function loadAccepted() {
  try {
    const spec = await (await fetch("/openapi.json")).json();
    const body = spec.paths["/v1/generate"].post.requestBody.content["application/json"].schema;
    accepted = new Set(Object.keys(body.properties));
  } catch {
    accepted = new Set(THUMBAPI_FIELDS);  // ThumbAPI's own fields are always there
  }
  const missing = [];
  for (const wrapper of document.querySelectorAll("[data-field]")) {
    const field = wrapper.dataset.field;
    const ok = accepted.has(field);
    wrapper.classList.toggle("unavailable", !ok);
    wrapper.title = ok ? "" : `this server does not take ${field} yet`;
    for (const input of wrapper.querySelectorAll("input, select")) {
      if (input.closest("[data-field]") === wrapper) input.disabled = !ok;
    }
    if (!ok) missing.push(field);
  }
  $("unavailable").hidden = missing.length === 0;
  $("unavailable").textContent = `This server does not take ${missing.join(", ")} yet: greyed out, never sent.`;
}

function fileData(input) {
  const file = input.files[0];
  if (!file) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

async function payload() {
  const body = { title: $("title").value };
  const put = (field, value) => {
    if (accepted.has(field) && value !== null && value !== "" && value !== false) body[field] = value;
  };
  put("format", $("format").value);
  put("layout", $("layout").value);
  put("customAssetsId", $("kit").value);
  put("outputFormat", $("output-format").value);
  put("category", $("category").value);
  put("model", $("model").value);
  for (const field of ["headline", "subtitle", "badge", "language"]) put(field, $(field).value.trim());
  put("usePhoto", $("use-photo").checked);
  put("useLogo", $("use-logo").checked);
  if (accepted.has("photoImage")) put("photoImage", await fileData($("photo")));
  if (accepted.has("logoImage")) put("logoImage", await fileData($("logo")));
  if (accepted.has("backgroundImage")) put("backgroundImage", await fileData($("background")));
  const variants = Number($("variants").value);
  put("variants", variants > 1 ? variants : null);
  return body;
}

// -- the answer ---------------------------------------------------------------------------------
function findingsList(findings) {
  return element("ul", { class: "findings" }, ...findings.map((f) =>
    element("li", { class: f.severity || "" }, `${f.code}: ${f.message}`)));
}

function qualityBlock(quality) {  // the findings in words (their codes are on the info line)
  if (!quality) return [];
  const verdict = quality.passed === false ? "Some checks fail:" : quality.findings.length ? "Every check passes; worth a look:" : "Every check passes.";
  return [element("p", {}, verdict), findingsList(quality.findings)];
}

function showVariants(variants, quality) {
  const list = variants && variants.length > 1 ? variants : [];
  $("variants-list").replaceChildren(...list.map((variant, index) => {
    // the best is the main image: its findings are the response's quality report
    const report = variant.quality || (index === 0 ? quality : null);
    const score = variant.score ?? (report ? report.score : null);
    return element("figure", { class: "variant" },
      element("img", { src: variant.image, alt: `variant ${index + 1}: ${variant.layout}` }),
      element("figcaption", {}, `#${index + 1} · ${variant.layout}` + (score !== null && score !== undefined ? ` · score ${score}` : ""),
        ...(report ? [findingsList(report.findings || [])] : [])));
  }));
}

async function generate(event) {
  event.preventDefault();
  showError("");
  localStorage.setItem(KEY_STORAGE, apiKey());
  if (!accepted) await loadAccepted();
  if (!catalog) await loadCatalog();
  $("generate").disabled = true;
  $("status").textContent = "rendering…";
  const started = performance.now();
  try {
    const request = await payload();
    const { body, response } = await api("/v1/generate", { method: "POST", body: JSON.stringify(request) });
    const elapsed = Math.round(performance.now() - started);
    $("result-image").src = body.image;
    $("result-image").dataset.id = body.id;
    const stored = response.headers.get("X-Thumbkit-Store") === "hit" ? "from the store" : "rendered";
    $("result-info").textContent = `${body.format} ${body.dimensions.width}×${body.dimensions.height} ${body.outputFormat}, ${stored} in ${elapsed} ms`;
    $("result-info").append(element("a", { href: body.url }, " stored copy"));
    const quality = body.quality;  // thumbkit's judge: score and the codes of its findings
    if (quality) {
      const codes = quality.findings.map((finding) => finding.code).join(", ");
      $("result-info").append(` · quality ${quality.score}/100${codes ? ` (${codes})` : ""}`);
    }
    $("quality").replaceChildren(...qualityBlock(quality));
    showVariants(body.variants, quality);
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

// -- catalog and gallery -------------------------------------------------------------------------
async function loadCatalog() {
  if (!apiKey()) return;
  try {
    ({ body: catalog } = await api("/v1/catalog"));
    fillSelect($("format"), catalog.formats.map((f) => f.name), true);
    fillSelect($("kit"), catalog.kits, true);
    fillSelect($("output-format"), catalog.outputFormats, true);
    fillSelect($("category"), catalog.categories, true);
    fillLayouts();
    showError("");
    await loadGallery();
  } catch (error) {
    showError(error.message);
  }
}

async function loadGallery() {
  const { body } = await api("/v1/images?limit=24");
  // GET /v1/images lists the caller's own images only (README: "Who sees what")
  $("gallery-scope").textContent = `The images of the key ending in …${apiKey().slice(-4)} (its renders and the answers it got), newest first.`;
  $("gallery").replaceChildren(...body.images.map((image) => {
    const img = element("img", { src: image.url, alt: image.title, loading: "lazy" });
    const caption = element("figcaption", { title: image.title }, `${image.format} · ${image.layout} · ${image.title}`);
    return element("figure", {}, img, caption);
  }));
}

$("api-key").value = localStorage.getItem(KEY_STORAGE) || "";
$("api-key").addEventListener("change", () => { localStorage.setItem(KEY_STORAGE, apiKey()); loadCatalog(); });
$("format").addEventListener("change", () => catalog && fillLayouts());
$("generate-form").addEventListener("submit", generate);
$("refresh-gallery").addEventListener("click", () => loadGallery().catch((e) => showError(e.message)));
fillSelect($("format"), ["youtube", "instagram", "x", "blogpost", "linkedin"], false);
loadAccepted().then(loadCatalog);
