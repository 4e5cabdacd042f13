from __future__ import annotations

import pytest

from deliberation.text.sanitize import ALLOWLISTS, clean


@pytest.mark.parametrize(
    ("dirty", "expected"),
    [
        ('<a href="https://ex.be">x</a>', '<a href="https://ex.be" rel="nofollow noopener">x</a>'),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="nofollow noopener">x</a>'),
        ('<img src="https://tracker.example/p.gif" alt="p">', ""),
        ("<script>alert(1)</script>ok", "ok"),
        ('<p onclick="x()" style="color:red">t</p>', "<p>t</p>"),
        ("<em>a</em><strong>b</strong><!-- c -->", "<em>a</em><strong>b</strong>"),
        ('<iframe src="https://x"></iframe>', ""),
    ],
)
def test_comment_allowlist(dirty, expected):
    assert clean(dirty, "comment") == expected


def test_named_allowlists_are_small_and_imageless():
    assert all("img" not in a.tags for a in ALLOWLISTS.values())
    assert clean("<em>a</em> <a href='https://x'>b</a>", "inline") == "<em>a</em> b"
    assert clean("<em>a</em>", "text") == "a"


def test_unknown_allowlist_is_an_error():
    with pytest.raises(KeyError):
        clean("x", "everything")
