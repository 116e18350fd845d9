// Loaded as <script type="module">: browsers too old for ES modules never run
// it, and get the plain HTML pages that GOV.UK Frontend is built to fall back on.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// A part of the page swapped in place (htmx: a KPI value entered on My work) takes the keyboard focus with it, or
// the focus would fall back to <body>: to its error summary, else its first box to type in, else the part itself
// (its "Saved" line).
document.addEventListener("htmx:afterSettle", (event) => {
  const part = event.target;
  if (!(part instanceof HTMLElement) || !part.classList.contains("app-inline-value") || !part.isConnected) {
    return;
  }
  const target =
    part.querySelector(".govuk-error-summary") ||
    part.querySelector("input:not([type=hidden]), textarea, select") ||
    part;
  if (!target.hasAttribute("tabindex") && !target.matches("input, textarea, select")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
});
