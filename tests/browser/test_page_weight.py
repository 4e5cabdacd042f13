"""The home page's weight and Ecoindex, as counts (bytes, requests, nodes), never timings."""

import pytest

from tests.browser.pageweight import measure_page

pytestmark = pytest.mark.browser

MAX_TRANSFERRED_BYTES = 60_000
MAX_REQUESTS = 10


@pytest.mark.parametrize("js_enabled", [True], ids=["js"])
def test_home_page_is_light(demo_site_live, page):
    weight = measure_page(page, "/")
    print(weight.summary())

    kinds = {transfer.resource_type for transfer in weight.transfers}
    # The measure sees the page itself and its stylesheet; nothing comes from elsewhere.
    assert {"document", "stylesheet"} <= kinds, weight.summary()
    assert all(t.url.startswith(demo_site_live) for t in weight.transfers), weight.summary()
    document = next(t for t in weight.transfers if t.resource_type == "document")
    assert document.content_encoding == "gzip", "HTML leaves the server uncompressed"

    assert weight.transferred_bytes_without_images <= MAX_TRANSFERRED_BYTES, weight.summary()
    assert weight.requests <= MAX_REQUESTS, weight.summary()
    assert weight.ecoindex > 80, weight.summary()
    assert weight.grade == "A"
