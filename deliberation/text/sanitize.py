"""The one place user HTML is cleaned (nh3), once, on write.

Each allowlist is named for what it serves; callers pick a name, never tags. No images:
nothing from other hosts loads in a page. Links get rel="nofollow noopener" and only
http(s)/mailto schemes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import nh3
from django.utils.html import escape


@dataclass(frozen=True)
class Allowlist:
    tags: frozenset[str]
    attributes: dict[str, set[str]]


ALLOWLISTS: dict[str, Allowlist] = {
    # Comments in a deliberation thread: a few inline marks, lists, quotes and links.
    "comment": Allowlist(
        tags=frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a", "code"}),
        attributes={"a": {"href"}},
    ),
    # A single line shown inline (titles, justifications rendered in a sentence).
    "inline": Allowlist(tags=frozenset({"strong", "em"}), attributes={}),
    # Nothing but text.
    "text": Allowlist(tags=frozenset(), attributes={}),
}

_URL_SCHEMES = {"http", "https", "mailto"}


def clean(html: str, allowlist: str = "comment") -> str:
    """`html` reduced to the named allowlist; unknown tags are dropped, their text kept."""
    rules = ALLOWLISTS[allowlist]
    return nh3.clean(
        html,
        tags=set(rules.tags),
        attributes={tag: set(attrs) for tag, attrs in rules.attributes.items()},
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def normalise_newlines(text: str) -> str:
    """Line breaks as the person sees them, one character each. Browsers send a textarea's
    line breaks as CRLF (HTML's form submission rules), so a text typed within a limit
    would otherwise count each break twice and be refused."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plain_text_to_html(text: str) -> str:
    """Text typed in a plain <textarea>: paragraphs and line breaks kept, markup escaped."""
    paragraphs = [p.strip() for p in normalise_newlines(text).split("\n\n")]
    return "".join("<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)


def plain_text(text: str) -> str:
    """Plain text through nh3 (tags dropped), stored as characters, not entities: templates
    escape it when they show it, so "a < b & c" reads as typed."""
    return html.unescape(clean(text, "text")).strip()
