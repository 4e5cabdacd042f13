from __future__ import annotations

from deliberation.text.diff import paragraphs_diff, word_diff


def test_word_diff_marks_changes_with_text_for_screen_readers():
    html = word_diff("ouverts du lundi au vendredi", "ouverts du lundi au samedi")
    assert html == (
        "ouverts du lundi au "
        '<del><span class="visually-hidden">supprimé : </span>vendredi</del>'
        '<ins><span class="visually-hidden">inséré : </span>samedi</ins>'
    )


def test_word_diff_escapes_everything():
    html = word_diff("<b>a</b> & b", '<script>alert("x")</script> & b')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


def test_identical_texts_have_no_marks():
    assert word_diff("même texte", "même texte") == "même texte"


def test_paragraphs_diff_aligns_versions():
    out = paragraphs_diff(["a", "b c", "d"], ["a", "b x", "e", "d"])
    assert out[0] == "a"
    assert "<del>" in out[1] and "<ins>" in out[1]
    assert out[2].startswith("<ins>") and out[3] == "d"
    assert len(paragraphs_diff(["a", "b"], ["a"])) == 2


def test_words_replaced_one_by_one_read_as_one_deletion_then_one_insertion():
    # "au moins une fois" → "chaque jour une fois": the reader sees the old words struck
    # out together and the new ones together, not "~~au~~chaque ~~moins~~jour".
    html = str(word_diff("au moins une fois", "chaque jour une fois"))
    assert html.count("<del>") == 1 and html.count("<ins>") == 1
    deleted = html.split("<del>")[1].split("</del>")[0]
    inserted = html.split("<ins>")[1].split("</ins>")[0]
    assert deleted.endswith("au moins") and inserted.endswith("chaque jour")
    assert html.index("</del>") < html.index("<ins>")
    assert html.endswith(" une fois")
