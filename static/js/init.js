// Loaded as <script type="module">: browsers too old for ES modules never run
// it, and get the plain HTML pages that GOV.UK Frontend is built to fall back on.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
