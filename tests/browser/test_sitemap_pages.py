"""Every page of the demo's sitemap, with JavaScript on and off: status 200, 0 axe
violations (WCAG 2.1 A/AA), at most 60 KB transferred and 10 requests, Ecoindex grade A.
The table printed at the end is the figure for each page (counts, never timings)."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest

from tests.browser.helpers import axe_violations
from tests.browser.pageweight import measure_page

MAX_TRANSFERRED_BYTES = 60_000
MAX_REQUESTS = 10
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DECISION_PATH = re.compile(r"/decisions/[\w-]+/\d+/\d+/")


def sitemap_paths(page) -> list[str]:
    response = page.request.get("/sitemap.xml")
    assert response.status == 200
    # Our own sitemap, read back in a test.
    root = ET.fromstring(response.body())  # noqa: S314
    # The sitemap holds the Wagtail site's canonical host; the test server listens elsewhere.
    return [urlparse(loc.text or "").path for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


# Every page of three language trees, each loaded, weighed and audited by axe: longer than
# the suite's default.
@pytest.mark.timeout(2400)
def test_every_sitemap_page_is_accessible_and_light(demo_site_live, page, js_enabled):
    paths = sitemap_paths(page)
    assert len(paths) >= 15, paths
    assert any("/proces-verbal/" in path for path in paths), paths
    # The views beside the Wagtail pages: the archive, a decision, follow-up, consultations.
    assert {"/decisions/", "/suivi-des-recommandations/", "/consultations/"} <= set(paths)
    assert any(DECISION_PATH.fullmatch(path) for path in paths), paths
    rows, problems = [], []
    for path in paths:
        weight = measure_page(page, path)
        document = next(t for t in weight.transfers if t.resource_type == "document")
        violations = axe_violations(page)
        rows.append(
            f"{path:<78} {weight.transferred_bytes_without_images:>6} B "
            f"{weight.requests:>2} req {weight.dom_nodes:>4} nodes "
            f"Ecoindex {weight.ecoindex:5.1f} {weight.grade}"
        )
        if document.status != 200:
            problems.append(f"{path}: status {document.status}")
        if violations:
            problems.append(f"{path}: axe\n  " + "\n  ".join(violations))
        if weight.transferred_bytes_without_images > MAX_TRANSFERRED_BYTES:
            problems.append(f"{path}: {weight.transferred_bytes_without_images} B transferred")
        if weight.requests > MAX_REQUESTS:
            problems.append(f"{path}: {weight.requests} requests")
        if weight.ecoindex <= 80:
            problems.append(f"{path}: Ecoindex {weight.ecoindex:.1f}\n{weight.summary()}")
    print(f"\nJavaScript {'on' if js_enabled else 'off'}:\n" + "\n".join(rows))
    assert not problems, "\n".join(problems)
