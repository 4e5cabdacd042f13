"""Page weight as a visitor's browser loads it, and the page's Ecoindex score.

What is counted
- Every HTTP(S) request the page makes from navigation until the network is idle (data: URLs
  are no requests). A redirect counts, as it costs a round trip.
- Transferred bytes per request = response headers + body *as production sends it*:
  - a body that arrives compressed (HTML through Django's GZipMiddleware) counts its encoded
    size on the wire, as Chromium reports it;
  - a text body that arrives uncompressed counts its gzip -9 size, the size production
    sends: there whitenoise's CompressedManifestStaticFilesStorage serves precompressed
    .gz/.br files, while the test server serves static files straight from the source
    folders (no collectstatic) without compressing them. Like whitenoise, a compression
    that saves less than 5 % is not used;
  - anything else (images, fonts already compressed) counts its wire size.
  Both figures are kept: `wire_bytes` is what crossed the test server's socket.
- DOM nodes = document.getElementsByTagName('*').length once the page has loaded.
- 1 KB = 1,000 bytes, the stricter reading for both the budget and the Ecoindex size.

Ecoindex (cnumr/ecoindex_reference): each of the three values is placed among the published
quantiles by linear interpolation (a position from 0 to 20), and
score = 100 − 5 × (3·q_dom + 2·q_req + q_size) / 6.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any

DOM_QUANTILES = (
    0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603, 674, 753, 843, 949, 1076, 1237, 1459,
    1801, 2479, 594601,
)  # fmt: skip
REQUEST_QUANTILES = (
    0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78, 86, 95, 105, 117, 130, 147, 170, 205, 281, 3920,
)  # fmt: skip
SIZE_KB_QUANTILES = (
    0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32, 1648.27,
    1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26,
)  # fmt: skip
# Lower bounds (exclusive) of each grade's score.
GRADES = (("A", 80), ("B", 70), ("C", 55), ("D", 40), ("E", 25), ("F", 10), ("G", -1))

_COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def quantile_position(value: float, quantiles: tuple[float, ...]) -> float:
    """Where value falls among the quantiles: i + fraction of the way to quantile i + 1."""
    if value < 0:
        raise ValueError("A page measure cannot be negative.")
    for index in range(1, len(quantiles)):
        if value < quantiles[index]:
            low, high = quantiles[index - 1], quantiles[index]
            return index - 1 + (value - low) / (high - low)
    return float(len(quantiles) - 1)


def ecoindex_score(dom_nodes: int, requests: int, size_kb: float) -> float:
    q_dom = quantile_position(dom_nodes, DOM_QUANTILES)
    q_req = quantile_position(requests, REQUEST_QUANTILES)
    q_size = quantile_position(size_kb, SIZE_KB_QUANTILES)
    return 100 - 5 * (3 * q_dom + 2 * q_req + q_size) / 6


def ecoindex_grade(score: float) -> str:
    return next(grade for grade, lower in GRADES if score > lower)


@dataclass(frozen=True)
class Transfer:
    url: str
    resource_type: str
    status: int | None
    content_type: str
    content_encoding: str
    header_bytes: int
    wire_body_bytes: int
    body_bytes: int  # as production sends it: see the module docstring

    @property
    def transferred_bytes(self) -> int:
        return self.header_bytes + self.body_bytes

    @property
    def wire_bytes(self) -> int:
        return self.header_bytes + self.wire_body_bytes


@dataclass(frozen=True)
class PageWeight:
    url: str
    transfers: tuple[Transfer, ...]
    dom_nodes: int

    @property
    def requests(self) -> int:
        return len(self.transfers)

    @property
    def transferred_bytes(self) -> int:
        return sum(transfer.transferred_bytes for transfer in self.transfers)

    @property
    def transferred_bytes_without_images(self) -> int:
        """The budget's measure: HTML, CSS, JS and fonts; images aside."""
        return sum(t.transferred_bytes for t in self.transfers if t.resource_type != "image")

    @property
    def wire_bytes(self) -> int:
        return sum(transfer.wire_bytes for transfer in self.transfers)

    @property
    def size_kb(self) -> float:
        return self.transferred_bytes / 1000

    @property
    def ecoindex(self) -> float:
        return ecoindex_score(self.dom_nodes, self.requests, self.size_kb)

    @property
    def grade(self) -> str:
        return ecoindex_grade(self.ecoindex)

    def summary(self) -> str:
        lines = [
            f"{self.url}: {self.transferred_bytes} B transferred ({self.wire_bytes} B on the "
            f"test server's wire), {self.requests} requests, {self.dom_nodes} DOM nodes, "
            f"Ecoindex {self.ecoindex:.1f} ({self.grade})"
        ]
        lines += [
            f"  {t.status} {t.resource_type:<10} {t.transferred_bytes:>7} B = headers "
            f"{t.header_bytes} B + body {t.body_bytes} B (wire body {t.wire_body_bytes} B"
            f"{', ' + t.content_encoding if t.content_encoding else ''}) {t.url}"
            for t in self.transfers
        ]
        return "\n".join(lines)


def _production_body_bytes(content_type: str, encoding: str, wire: int, body: bytes) -> int:
    if encoding or not content_type.startswith(_COMPRESSIBLE_TYPES):
        return wire
    compressed = len(gzip.compress(body, compresslevel=9, mtime=0))
    return compressed if compressed < 0.95 * len(body) else wire


def measure_page(page: Any, url: str) -> PageWeight:
    """Load url in page (best in a fresh context: nothing cached) and weigh it."""
    requests: list[Any] = []

    def record(request: Any) -> None:
        requests.append(request)

    page.on("request", record)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("request", record)
    transfers = []
    for request in requests:
        if not request.url.startswith(("http://", "https://")):
            continue
        response = request.response()
        sizes = request.sizes()
        content_type = encoding = ""
        body = b""
        if response is not None:
            content_type = (response.header_value("content-type") or "").split(";")[0].strip()
            encoding = response.header_value("content-encoding") or ""
            if not (300 <= response.status < 400):
                body = response.body()
        wire_body = sizes["responseBodySize"]
        transfers.append(
            Transfer(
                url=request.url,
                resource_type=request.resource_type,
                status=response.status if response is not None else None,
                content_type=content_type,
                content_encoding=encoding,
                header_bytes=sizes["responseHeadersSize"],
                wire_body_bytes=wire_body,
                body_bytes=_production_body_bytes(content_type, encoding, wire_body, body),
            )
        )
    dom_nodes = page.evaluate("document.getElementsByTagName('*').length")
    return PageWeight(url=page.url, transfers=tuple(transfers), dom_nodes=int(dom_nodes))
