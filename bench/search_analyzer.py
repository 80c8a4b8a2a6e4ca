"""The plain rjieba analyzer of ``bench/search.py``, in a module of its own because Whoosh
pickles the schema and needs the tokenizer's class importable by name (and because only the
worker, inside a fork's virtualenv, imports whoosh)."""

from __future__ import annotations

import rjieba
from whoosh.analysis import Token, Tokenizer


class RjiebaTokenizer(Tokenizer):
    """Search-mode words with their own running position (not jieba's character offset, with
    which phrase queries find nothing); punctuation dropped, letters lowercased."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, start, end in rjieba.tokenize(value, mode="search"):
            if not any(ch.isalnum() for ch in word):
                continue
            token.text = word.lower()
            token.boost, token.stopped = 1.0, False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token
