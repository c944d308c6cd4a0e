"""The review view's transcript markup: escaped once in Python, low-confidence words marked."""

from __future__ import annotations

from clearnote.web.view import _words_html


def test_words_are_escaped_and_unsure_ones_marked() -> None:
    words = [
        {"text": "I", "p": 0.9},
        {"text": " <b>felt</b>", "p": 0.31, "low_confidence": True},
        {"text": " fine&", "p": 0.9, "low_confidence": False},
    ]
    html = str(_words_html(words, "unused"))
    assert html == (
        'I <mark class="lowconf" title="low confidence (0.31)">&lt;b&gt;felt&lt;/b&gt;</mark>'
        " fine&amp;"
    )


def test_a_segment_without_words_shows_its_text_escaped() -> None:
    assert str(_words_html([], " a <i>b</i> ")) == "a &lt;i&gt;b&lt;/i&gt;"
