"""axe-core over every page each demo role reaches by GET, and every form on them sent empty; at 320 CSS
px no page scrolls sideways as a whole (issue 15). Violations of WCAG 2.0/2.1/2.2 A and AA fail, and so
does an error message that does not say which field it is about."""

import pytest

from tests.browser.crawl import Findings, submit_empty, walk

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# One account for each kind of person: what each sees differs (admin pages, oversight, a manager's
# reports). Two groups of about the same number of pages, one demo world each, one per test process.
GROUPS = {
    "admins, coordinator and manager": {
        "anonymous": None,
        "system admin": "sysadmin@example.org",
        "agency admin": "admin.police@example.org",
        "coordinator": "coordinator@example.org",
        "line manager": "manager.police@example.org",
    },
    "chair and practitioners": {
        "chair": "chair@example.org",
        "police practitioner": "practitioner.police@example.org",
        "school practitioner": "practitioner.school@example.org",
    },
}


@pytest.mark.parametrize("group", list(GROUPS))
def test_it_has_no_accessibility_violations_on_any_page(group, demo_world, new_page, live_server, record_property):
    found = Findings()
    counts = []
    for role, email in GROUPS[group].items():
        before = found.pages
        page = new_page(demo_world[email] if email else None)
        walk(page, live_server.url, role, found, start="/" if email else "/login/")
        if email is None:
            walk(page, live_server.url, role, found, start="/password-reset/")
        for who, path, _key, index in [f for f in found.to_submit if f[0] == role]:
            submit_empty(page, live_server.url, who, path, index, found)
        page.context.close()
        counts.append(f"{role} {found.pages - before}")
        assert found.pages - before > (2 if email is None else 5), f"{role}: the walk reached only a few pages"
    problems = found.problems()
    record_property("browser_pages", found.pages)
    record_property("browser_forms", found.forms)
    print(
        f"{group}: {found.pages} pages checked with axe-core and at 320px ({', '.join(counts)}), {found.forms} of them after a form sent empty"
    )
    assert not problems, f"{group}: {len(problems)} problems on {found.pages} pages:\n" + "\n".join(problems)
