import { initAll } from "../govuk/js/govuk-frontend.min.js";

initAll();

// A table wider than the screen scrolls inside itself (met.css); it becomes a labelled keyboard stop so
// it can be scrolled without a mouse (WCAG 2.1.1). Without JavaScript it still scrolls by touch.
function markScrollingTables() {
  document.querySelectorAll("table.govuk-table").forEach((table) => {
    const scrolls = table.scrollWidth > table.clientWidth + 1;
    if (scrolls && !table.hasAttribute("tabindex")) {
      const caption = table.querySelector("caption");
      table.setAttribute("tabindex", "0");
      table.setAttribute("role", "region");
      table.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      table.classList.add("met-scroll-region");
    } else if (!scrolls && table.classList.contains("met-scroll-region")) {
      table.removeAttribute("tabindex");
      table.removeAttribute("role");
      table.removeAttribute("aria-label");
      table.classList.remove("met-scroll-region");
    }
  });
}
markScrollingTables();
window.addEventListener("resize", markScrollingTables);

// The skip link moves the focus to the main content and leaves #main-content in the address. A form that
// posts back to the page would carry it to the answer, where the browser's jump to #main-content takes the
// focus away from the error summary (found by the keyboard journeys in tests/browser/). The jump has been
// made by the time this runs; only the address is tidied.
document.querySelectorAll(".govuk-skip-link").forEach((link) => {
  link.addEventListener("click", () => {
    window.setTimeout(() => {
      if (window.location.hash === link.hash) {
        window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
      }
    });
  });
});
