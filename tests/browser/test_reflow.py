"""WCAG 1.4.10 Reflow: at 320 CSS px wide, no horizontal scrolling."""

import pytest

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


@pytest.mark.parametrize("path", ["/", "/accounts/login/"], ids=["accueil", "connexion"])
def test_page_reflows_at_320_css_pixels(demo_site_live, page, path):
    page.set_viewport_size(NARROW)
    page.goto(path)
    assert page.evaluate("document.documentElement.clientWidth") == NARROW["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW["width"], f"{path} scrolls sideways: {scroll_width} px wide"
