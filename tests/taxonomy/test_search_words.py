"""The index's words of a field are `words`' own, however the text is split."""
from __future__ import annotations

import pytest

from taxonomy.lookup import words
from taxonomy.search import distinct_words

TEXTS = [
    "",
    "Cache the cache; CACHE-line 2x, O(n log n) and n^2.",
    "tabs\tand\nnew lines\r\n, under_scores, x86-64, 3.14, [link](https://x.org/a?b=c)",
    "Hörner's naïve café — ω² e\u20d7x",
    "\u212a is the Kelvin sign, lowered to an ASCII k",
    "`code` **bold** _em_ <b>tags</b> &amp; \x7f\x1b",
    "ﬁne ＡＢＣ１ 记忆表 Ωmega ½ x\u00a0y \ud800 lone surrogate",
]


@pytest.mark.parametrize("text", TEXTS)
def test_distinct_words_are_the_sorted_set_of_words(text):
    assert distinct_words(text) == " ".join(sorted(set(words(text))))


def test_each_word_is_kept_once_in_order():
    assert distinct_words("b a b A c") == "a b c"
