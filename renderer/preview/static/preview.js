// thumbkit preview: follows the server's state (GET /events, server-sent events) and shows the
// last good render; a problem is shown above it with file:line:column, the images stay.
"use strict";
const $ = (id) => document.getElementById(id);
let lastGeneration = null;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function showProblems(error) {
  $("problems").hidden = !error;
  if (!error) return;
  $("problem-message").textContent = error.problems.length ? `${error.problems.length} problem(s) in the file:` : error.message;
  $("problem-list").replaceChildren(...error.problems.map((p) => element("li", { "data-line": p.line, "data-column": p.column }, p.text)));
}

function facts(image) {
  const items = image.texts.map((t) => element("li", {},
    `text layer ${t.layer}: ${t.sizePx} px, ${t.feedSizePx} px at feed size, ${t.lines} line${t.lines === 1 ? "" : "s"}, ` +
    `contrast ${t.contrast.toFixed(1)}:1` + (t.truncated ? ", truncated" : "") + (t.brokeWords ? ", a word broken" : "")));
  return element("ul", { class: "facts" }, ...items);
}

function quality(report) {  // the judge's report (renderer.judge): score, then each finding
  const verdict = report.passed ? "passes" : "fails";
  return element("div", { class: "quality" },
    element("p", {}, element("strong", {}, `quality ${report.score}/100`), ` (${verdict})`),
    element("ul", { class: "findings" }, ...report.findings.map((f) =>
      element("li", { class: f.severity }, `${f.code}: ${f.message}`))));
}

function card(image, overlay) {
  const full = element("img", { class: "full", alt: `${image.title} (${image.layout})`, width: image.width, height: image.height,
    src: overlay && image.debug ? image.debug : image.clean, "data-clean": image.clean, "data-debug": image.debug });
  const feed = element("figure", { class: "feed" },
    element("img", { src: image.feed, width: image.feedWidth, height: image.feedHeight, alt: "at feed size" }),
    element("figcaption", {}, `in the feed: ${image.feedWhere} (${image.feedWidth}×${image.feedHeight})`));
  const warnings = element("ul", { class: "warnings" }, ...image.warnings.map((w) => element("li", {}, w)));
  // the side column as wide as the feed picture (500 px link previews), the same in every card
  return element("article", { class: "render", style: `grid-template-columns: minmax(0, 1fr) ${Math.max(280, image.feedWidth + 8)}px` },
    element("h3", {}, image.title,
      element("span", {}, [image.subtitle && `subtitle “${image.subtitle}”`, image.badge && `badge “${image.badge}”`,
        image.layout, image.format, `kit ${image.kit}`].filter(Boolean).join(" · "))),
    full, element("div", { class: "side" }, feed, quality(image.quality), facts(image), warnings));
}

function showRender(render) {
  if (!render) {
    $("renders").replaceChildren(element("p", { class: "empty" }, "nothing rendered yet"));
    return;
  }
  if (render.generation === lastGeneration) return;  // an error or a status change: the images stay
  lastGeneration = render.generation;
  document.body.dataset.generation = render.generation;
  const overlay = $("overlay").checked;
  $("overlay-toggle").hidden = !render.images.some((image) => image.debug);
  $("renders").replaceChildren(...render.images.map((image) => card(image, overlay)));
}

function showStatus(state) {
  const status = $("status");
  status.classList.toggle("rendering", state.rendering);
  if (state.rendering) status.textContent = "rendering…";
  else if (state.error) status.textContent = "fix the file: the last good render is shown";
  else if (state.render) status.textContent = `rendered in ${state.render.elapsedMs} ms at ${new Date(state.render.finishedAt * 1000).toLocaleTimeString()}; watching for changes`;
}

function update(state) {
  $("target").textContent = `${state.kind} ${state.file}` + (state.kind === "layout" ? ` with kit ${state.kit}` : "");
  document.body.dataset.revision = state.revision;
  showProblems(state.error);
  showRender(state.render);
  showStatus(state);
}

$("overlay").addEventListener("change", () => {
  for (const img of document.querySelectorAll("img.full")) {
    img.src = $("overlay").checked && img.dataset.debug ? img.dataset.debug : img.dataset.clean;
  }
});

const events = new EventSource("/events");
events.addEventListener("state", (event) => update(JSON.parse(event.data)));
events.addEventListener("error", () => { $("status").textContent = "disconnected from thumbkit preview; retrying…"; });
