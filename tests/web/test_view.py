"""The review view's transcript markup: escaped once in Python, low-confidence words marked."""

from __future__ import annotations

from clearnote.web.view import _words_html, transcript_html


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


def test_transcript_items_escape_every_value_and_mark_unsure_segments() -> None:
    doc = {
        "speakers": [{"id": "S1", "role": "clinician"}, {"id": "S2", "label": "<Mum>"}],
        "segments": [
            {"id": "seg-0001", "start": 3725.5, "speaker": "S1", "text": "Hello.", "words": []},
            {
                "id": 'seg-"2"',
                "start": 4,
                "speaker": "S2",
                "text": "unused",
                "low_confidence": True,
                "words": [
                    {"text": "a&b", "p": 0.9},
                    {"text": " maybe", "p": 0.2, "low_confidence": True},
                    {"text": " <end>", "p": 0.9},
                ],
            },
        ],
    }
    html = str(transcript_html(doc))
    first, second = html.strip().split("\n")
    assert first == (
        '<li id="seg-seg-0001" class="seg" tabindex="-1" data-start="3725.5">'
        '<button type="button" class="play" data-start="3725.5" aria-label="Play from 1:02:05">'
        '1:02:05</button> <span class="speaker speaker-clinician">clinician</span> '
        '<span class="text">Hello.</span></li>'
    )
    assert 'id="seg-seg-&#34;2&#34;" class="seg low"' in second
    assert '<span class="speaker speaker-&lt;Mum&gt;">&lt;Mum&gt;</span>' in second
    assert (
        '<span class="text">a&amp;b <mark class="lowconf" title="low confidence (0.20)">maybe'
        "</mark> &lt;end&gt;</span>"
    ) in second
    assert str(transcript_html(None)) == ""
