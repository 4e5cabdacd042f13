"""WCAG 1.4.10 Reflow: at 320 CSS px wide, no horizontal scrolling."""

import pytest

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
PAGES = ["/", "/accounts/login/"]


def test_pages_reflow_at_320_css_pixels(demo_site_live, page):
    page.set_viewport_size(NARROW)
    too_wide = {}
    for path in PAGES:
        page.goto(path)
        assert page.evaluate("document.documentElement.clientWidth") == NARROW["width"]
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > NARROW["width"]:
            too_wide[path] = scroll_width
    assert not too_wide, f"These pages scroll sideways at 320 px (width in px): {too_wide}"
