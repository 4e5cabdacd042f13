"""WCAG 1.4.10 Reflow: at 320 CSS px wide, no horizontal scrolling on any page of the
sitemap nor on the forms beside it (the follow-up code, the public subscription, the login
letter, the mediation desk as a mediator, a members' room as a member)."""

from typing import Any

import pytest

from tests.browser.helpers import sign_in
from tests.browser.test_sitemap_pages import sitemap_paths

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
PUBLIC_FORMS = ["/accounts/login/", "/suivi/", "/notifications/", "/connexion-courrier/"]
MEDIATOR = "guichet@example.org"
MEMBER = "membre2@example.org"

# What sticks out past the viewport's right edge, to say which element to fix.
_WIDER_THAN_VIEWPORT = """() => {
  const limit = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 0.5) {
      const classes = element.classList.length ? "." + [...element.classList].join(".") : "";
      const name = element.tagName.toLowerCase() + classes;
      found.push(`${name} (right edge ${Math.round(box.right)} px)`);
    }
  }
  return found.slice(0, 5);
}"""


@pytest.fixture
def room_path(demo_site_live: str) -> str:
    from deliberation.demo import UPCOMING_TITLE
    from deliberation.models import Meeting

    meeting = Meeting.objects.get(title=UPCOMING_TITLE)
    return f"/seances/{meeting.pk}/salle/"


def _check(page: Any, path: str, too_wide: dict[str, str]) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert page.evaluate("document.documentElement.clientWidth") == NARROW["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > NARROW["width"]:
        too_wide[path] = f"{scroll_width} px: " + ", ".join(page.evaluate(_WIDER_THAN_VIEWPORT))


@pytest.mark.timeout(1200)
def test_pages_reflow_at_320_css_pixels(page, room_path):
    page.set_viewport_size(NARROW)
    paths = sitemap_paths(page)
    # The sitemap lists the Wagtail pages and the views beside them.
    assert {"/", "/decisions/", "/suivi-des-recommandations/", "/consultations/"} <= set(paths)
    too_wide: dict[str, str] = {}
    for path in [*paths, *PUBLIC_FORMS]:
        _check(page, path, too_wide)

    sign_in(page, MEDIATOR)
    _check(page, "/guichet/", too_wide)
    page.context.clear_cookies()

    sign_in(page, MEMBER)
    for path in (room_path, "/espace/", "/espace/notifications/"):
        _check(page, path, too_wide)

    assert not too_wide, "These pages scroll sideways at 320 px:\n" + "\n".join(
        f"{path}: {what}" for path, what in too_wide.items()
    )
