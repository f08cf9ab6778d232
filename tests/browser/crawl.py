"""Walk every page a signed-in person can reach by following links, checking each with axe-core and at
320 CSS px, then submit each page's forms empty and check the page that answers (issue 15)."""

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = 320

# Not pages: files, the API's JSON, the emergency admin, and signing out (which would end the walk).
NOT_A_PAGE = re.compile(
    r"(\.(csv|pdf|png|svg|json|txt|ics)$)|/csv/?$|/pdf/?$|/download|/export|^/static/|^/django-admin/|^/api/v1/|^/api/schema|^/logout/"
)
# Messages that do not say which field they are about (Django's defaults and the old date ones).
NAMELESS = re.compile(
    r"^(This field is required\.|Enter a valid date\.|Enter a valid date/time\.|Enter a valid time\.|Enter date\.|"
    r"Enter a whole number\.|Enter a number\.|Select a valid choice\..*|Enter a list of values\.)$"
)

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n').slice(0, 2).join(' '))}));
}"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""
# Forms worth sending empty: posted, with something a person types or chooses.
EMPTY_FORMS = """() => Array.from(document.querySelectorAll('form')).map((form, index) => ({index,
  post: (form.getAttribute('method') || 'get').toLowerCase() === 'post',
  action: form.action,
  typed: form.querySelectorAll('input[type=text], input[type=email], input[type=number], input[type=date], input[type=search], input[type=tel], input[type=url], input[type=password], input:not([type]), textarea, select').length,
  submit: form.querySelectorAll('button:not([type=button]), input[type=submit]').length,
}))"""
CLEAR_AND_SUBMIT = """(index) => {
  const form = document.querySelectorAll('form')[index];
  form.querySelectorAll('input[type=text], input[type=email], input[type=number], input[type=date], input[type=search], input[type=tel], input[type=url], input[type=password], input:not([type]), textarea').forEach(i => { i.value = ''; });
  form.querySelectorAll('input[type=checkbox], input[type=radio]').forEach(i => { i.checked = false; });
  form.querySelectorAll('select').forEach(s => { s.selectedIndex = 0; });
  form.setAttribute('novalidate', '');
  (form.querySelector('button:not([type=button]), input[type=submit]')).click();
}"""
SHOWN_ERRORS = """() => Array.from(document.querySelectorAll('.govuk-error-summary__list li, .govuk-error-message'))
  .map(e => e.textContent.replace(/^\\s*Error:\\s*/, '').trim())"""


@dataclass
class Findings:
    pages: int = 0
    forms: int = 0
    seen: set = field(default_factory=set)
    violations: list = field(default_factory=list)
    too_wide: list = field(default_factory=list)
    broken: list = field(default_factory=list)
    nameless: list = field(default_factory=list)
    to_submit: list = field(default_factory=list)
    forms_seen: set = field(default_factory=set)

    def problems(self) -> list[str]:
        return self.violations + self.too_wide + self.broken + self.nameless


def page_key(path: str) -> str | None:
    """One visit per kind of page (URL name): a second case page is the same template with other words."""
    if NOT_A_PAGE.search(path):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def check(page, label: str, found: Findings) -> None:
    found.pages += 1
    for v in page.evaluate(AXE_RUN, WCAG):
        found.violations.append(f"{label}: axe {v['id']} ({v['impact']}): {v['help']} — " + " | ".join(v["nodes"]))
    page.set_viewport_size({"width": NARROW, "height": 800})
    width, inner = page.evaluate(PAGE_WIDTH)
    if width > inner:
        found.too_wide.append(f"{label}: {width}px wide at {inner}px (the whole page scrolls sideways)")
    page.set_viewport_size({"width": 1280, "height": 900})


def walk(page, base: str, who: str, found: Findings, start: str = "/") -> None:
    queue, queued = [start], {start}
    while queue:
        path = queue.pop(0)
        key = page_key(urlsplit(path).path)
        if key is None or (who, key) in found.seen:
            continue
        found.seen.add((who, key))
        response = page.goto(base + path)
        status = response.status if response else 0
        if status >= 500 or status == 0:
            found.broken.append(f"{who} {path}: HTTP {status}")
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        here = urlsplit(page.url)
        if page_key(here.path) != key and page_key(here.path) is not None and (who, page_key(here.path)) in found.seen:
            continue
        check(page, f"{who} {path}", found)
        for index, form in enumerate(page.evaluate(EMPTY_FORMS)):
            # A form is the same for everyone who sees it: each is sent empty once, by the first role to reach it.
            wanted = form["post"] and form["typed"] and form["submit"] and "/logout/" not in form["action"]
            if wanted and (key, index) not in found.forms_seen:
                found.forms_seen.add((key, index))
                found.to_submit.append((who, path, key, index))
        for href in page.evaluate(LINKS):
            link = urlsplit(urldefrag(href)[0])
            if link.netloc != urlsplit(base).netloc:
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if (
                target not in queued
                and page_key(link.path) is not None
                and (who, page_key(link.path)) not in found.seen
            ):
                queued.add(target)
                queue.append(target)


def submit_empty(page, base: str, who: str, path: str, index: int, found: Findings) -> None:
    page.goto(base + path)
    with page.expect_navigation():
        page.evaluate(CLEAR_AND_SUBMIT, index)
    found.forms += 1
    label = f"{who} {path} (form {index + 1} sent empty)"
    check(page, label, found)
    for message in page.evaluate(SHOWN_ERRORS):
        if NAMELESS.match(message):
            found.nameless.append(f"{label}: error message does not name its field: {message!r}")
