"""Split a filter or order_by string into tokens that remember where they start.

Token kinds::

    IDENT    a field: ``acc``, ``metrics.acc``, ``tags.`a b` ``, ``params."x"`` (prefix + key)
    STRING   a quoted text: ``'v'``, ``"v"`` or ``` `v` ``` (the parser decides key or value)
    NUMBER   ``1``, ``-2.5``, ``1e-3``, ``.5``
    OP       ``= != <> < <= > >=`` (``<>`` is read as ``!=``)
    KEYWORD  AND OR NOT IN LIKE ILIKE IS NULL, case-insensitive, stored upper-case
    LPAREN RPAREN COMMA, and a final EOF

The lexer knows nothing about which prefixes or keys exist; a grammar decides that.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL"})

# Characters allowed in an unquoted key after a prefix (``metrics.train/loss-1``): none of them
# can start an operator, a value or a separator, so there is no ambiguity.
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/:")
_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_QUOTES = "'\"`"
_DIGITS = frozenset("0123456789")


class Kind(enum.Enum):
    IDENT = "identifier"
    STRING = "string"
    NUMBER = "number"
    OP = "operator"
    KEYWORD = "keyword"
    LPAREN = "'('"
    RPAREN = "')'"
    COMMA = "','"
    EOF = "end"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str  # the source text, as shown in error messages
    pos: int  # 0-based character offset in the source
    value: str = ""  # IDENT: key; STRING: unquoted text; OP/KEYWORD: normalised spelling
    prefix: str | None = None  # IDENT: the entity prefix as written, without the dot
    quote: str = ""  # STRING: the quote character; IDENT: the key's quote, if any
    number: int | float = 0  # NUMBER: its value


class LexError(Exception):
    """A character sequence that is not a token; the parser turns it into a 400."""

    def __init__(self, detail: str, pos: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.pos = pos


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an EOF token; raises LexError."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "(),":
            kind = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA}[ch]
            tokens.append(Token(kind, ch, i))
            i += 1
        elif ch in "=!<>":
            token = _operator(text, i)
            tokens.append(token)
            i += len(token.text)
        elif ch in _QUOTES:
            body, end = _quoted(text, i)
            tokens.append(Token(Kind.STRING, text[i:end], i, value=body, quote=ch))
            i = end
        elif ch in _DIGITS or (ch in "-+." and _starts_number(text, i)):
            token = _number(text, i)
            tokens.append(token)
            i += len(token.text)
        elif ch in _WORD_START:
            token = _word(text, i)
            tokens.append(token)
            i += len(token.text)
        else:
            raise LexError(f"unexpected character {ch!r}", i)
    tokens.append(Token(Kind.EOF, "", n))
    return tokens


def _operator(text: str, i: int) -> Token:
    two = text[i : i + 2]
    if two in ("!=", "<>", "<=", ">="):
        return Token(Kind.OP, two, i, value="!=" if two == "<>" else two)
    if text[i] == "!":
        raise LexError("unexpected character '!'", i)
    return Token(Kind.OP, text[i], i, value=text[i])


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The body of the quoted text at ``start`` and the index after its closing quote.

    Inside, a doubled quote or a backslash before the quote stands for the quote itself.
    """
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text[i + 1 : i + 2] == quote:
            out.append(quote)
            i += 2
        elif ch == quote:
            if text[i + 1 : i + 2] == quote:
                out.append(quote)
                i += 2
            else:
                return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise LexError("unterminated string starting", start)


def _starts_number(text: str, i: int) -> bool:
    rest = text[i + 1 : i + 3] if text[i] in "-+" else text[i : i + 2]
    if rest[:1] in _DIGITS:
        return True
    return rest[:1] == "." and rest[1:2] in _DIGITS


def _number(text: str, start: int) -> Token:
    i = start
    if text[i] in "-+":
        i += 1
    while i < len(text) and text[i] in _DIGITS:
        i += 1
    is_float = False
    if i < len(text) and text[i] == ".":
        is_float = True
        i += 1
        while i < len(text) and text[i] in _DIGITS:
            i += 1
    if i < len(text) and text[i] in "eE":
        j = i + 1
        if j < len(text) and text[j] in "+-":
            j += 1
        if j < len(text) and text[j] in _DIGITS:
            is_float = True
            i = j
            while i < len(text) and text[i] in _DIGITS:
                i += 1
    end = i
    while end < len(text) and (text[end] in _KEY_CHARS):
        end += 1
    literal = text[start:end]
    if end != i:
        raise LexError(f"invalid number {literal!r}", start)
    number: int | float = float(literal) if is_float else int(literal)
    if isinstance(number, int) and not -(2**63) <= number < 2**63:
        number = float(number)  # beyond int64 no driver binds it; as a double it still compares
    return Token(Kind.NUMBER, literal, start, number=number)


def _word(text: str, start: int) -> Token:
    i = start
    while i < len(text) and text[i] in _WORD_CHARS:
        i += 1
    word = text[start:i]
    if i >= len(text) or text[i] != ".":
        if word.upper() in KEYWORDS:
            return Token(Kind.KEYWORD, word, start, value=word.upper())
        return Token(Kind.IDENT, word, start, value=word)
    # ``prefix.key``: the key is quoted, or runs until a character that cannot be in a key.
    key_start = i + 1
    if key_start < len(text) and text[key_start] in _QUOTES:
        key, end = _quoted(text, key_start)
        quote = text[key_start]
    else:
        end = key_start
        while end < len(text) and text[end] in _KEY_CHARS:
            end += 1
        key, quote = text[key_start:end], ""
        if key.endswith(".") and end < len(text) and text[end] in _QUOTES:
            # a quoted last part: span.attributes.`llm.model`
            tail, end = _quoted(text, end)
            key += tail
    if not key:
        raise LexError(f"missing key after '{word}.'", start)
    return Token(Kind.IDENT, text[start:end], start, value=key, prefix=word, quote=quote)
