"""Driving a page with the keyboard alone, checking at every Tab stop that the focus can be seen (WCAG 2.1.1,
2.4.7): the focused element, or for GOV.UK's hidden checkbox and radio inputs their label's box, has an
outline or a box shadow."""

import time

FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const shows = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && !/rgba\\(0, 0, 0, 0\\)|transparent/.test(style.outlineColor)) || (style.boxShadow && style.boxShadow !== 'none');
  let visible = shows(getComputedStyle(e));
  if (!visible && e.matches('input[type=checkbox], input[type=radio]')) {
    const label = document.querySelector(`label[for="${e.id}"]`);
    visible = !!label && (shows(getComputedStyle(label, '::before')) || shows(getComputedStyle(label, '::after')));
  }
  if (!visible && e.matches('main[tabindex="-1"], .govuk-error-summary')) visible = true;  // focused by script, not a Tab stop
  return {visible, what: `${e.tagName.toLowerCase()}#${e.id} ${(e.innerText || e.value || e.name || '').trim().slice(0, 50)}`};
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.stops = 0

    def focused(self) -> dict:
        return self.page.evaluate(FOCUS)

    def is_focused(self, selector: str) -> bool:
        return self.page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)

    def tab_to(self, selector: str, *, back: bool = False, limit: int = 150) -> None:
        """Press Tab (or Shift+Tab) until the selector has the focus, each stop's focus visible."""
        if self.is_focused(selector):
            return
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            self.stops += 1
            info = self.focused()
            if info is None:  # past the last stop, on the way round to the first
                continue
            assert info["visible"], f"no visible focus on {info['what']} ({self.page.url})"
            if self.is_focused(selector):
                return
        raise AssertionError(f"{limit} presses of Tab never reached {selector} on {self.page.url}")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def wait_until(self, predicate: str, arg=None, seconds: float = 5) -> None:
        # Page.wait_for_function evaluates a string, which the app's CSP (no 'unsafe-eval') refuses.
        deadline = time.monotonic() + seconds
        while not self.page.evaluate(predicate, arg):
            assert time.monotonic() < deadline, f"{predicate} never came true on {self.page.url}: {self.focused()}"
            self.page.wait_for_timeout(50)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def activate(self, selector: str, *, back: bool = False) -> None:
        """Tab to a link or button and press Enter, waiting for the page it opens."""
        self.tab_to(selector, back=back)
        with self.page.expect_navigation():
            self.press("Enter")

    def skip_to_main(self) -> None:
        """The first Tab stop of every page is the skip link, and it moves the focus to the main content.
        A page that says something was done has already moved the focus there: GOV.UK's script focuses the
        success banner at the top of the main content."""
        self.page.wait_for_load_state()
        if self.is_focused("main .govuk-notification-banner--success"):
            return
        self.page.keyboard.press("Tab")
        self.stops += 1
        assert self.is_focused("a.govuk-skip-link[href='#main-content']"), f"first Tab stop is {self.focused()}"
        assert self.focused()["visible"]
        self.press("Enter")
        self.wait_until("() => document.activeElement && document.activeElement.id === 'main-content'")

    def assert_error_summary_focused(self) -> None:
        """After a failed submit the error summary has the focus, and its first link takes it to the field."""
        self.wait_until(
            "() => document.activeElement && document.activeElement.classList.contains('govuk-error-summary')"
        )
        self.press("Tab")
        link = self.page.evaluate("document.activeElement.getAttribute('href')")
        assert link and link.startswith("#"), f"first stop after the summary is {self.focused()}"
        self.press("Enter")
        self.wait_until("(id) => document.activeElement && document.activeElement.id === id", link[1:])
