"""Parse filter strings and order_by entries against a grammar.

Filter grammar (precedence NOT > AND > OR)::

    filter     := [or_expr] EOF
    or_expr    := and_expr (OR and_expr)*
    and_expr   := unary (AND unary)*
    unary      := NOT unary | '(' or_expr ')' | comparison
    comparison := field ( OP value | [NOT] IN '(' value (',' value)* ')'
                        | (LIKE | ILIKE) value | IS [NOT] NULL )
    field      := IDENT | "quoted key" | `quoted key`      (no prefix: the grammar's bare entity)

Every error is an InvalidParameter whose message quotes the input and names the position of the
offending token (0-based), e.g. ``Invalid filter "metrics.acc >> 1": unexpected '>' at position
13``.
"""

from __future__ import annotations

from collections.abc import Sequence

from runhub.errors import InvalidParameter
from runhub.search.ast import And, Comparison, Node, Not, Or, OrderKey, Value
from runhub.search.grammar import Entity, Field, Grammar, ValueKind
from runhub.search.lexer import Kind, LexError, Token, tokenize

_STRUCTURAL = (Kind.EOF, Kind.OP, Kind.LPAREN, Kind.RPAREN, Kind.COMMA)


def parse_filter(text: str | None, grammar: Grammar) -> Node | None:
    """The tree of ``text``, or None when it is empty; raises InvalidParameter."""
    if text is None or not text.strip():
        return None
    parser = _Parser(text, grammar, f'Invalid filter "{text}"')
    tree = parser.or_expr()
    parser.expect_end()
    return tree


def parse_order_by(entries: Sequence[str] | None, grammar: Grammar) -> list[OrderKey]:
    """The sort keys of ``["metrics.acc DESC", "name"]``-style entries; raises InvalidParameter."""
    return [_order_key(entry, grammar) for entry in entries or ()]


def _order_key(entry: str, grammar: Grammar) -> OrderKey:
    parser = _Parser(entry, grammar, f'Invalid order_by clause "{entry}"')
    entity, key, field, token = parser.field()
    if not (entity.sortable and field.sortable):
        raise parser.error(f"cannot sort by {entity.label} '{key}'", token.pos)
    ascending = True
    direction = parser.peek()
    if direction.kind is Kind.IDENT and direction.prefix is None:
        if direction.value.upper() not in ("ASC", "DESC"):
            raise parser.unexpected(direction)
        ascending = direction.value.upper() == "ASC"
        parser.advance()
    parser.expect_end()
    return OrderKey(entity.name, key, ascending)


class _Parser:
    def __init__(self, text: str, grammar: Grammar, where: str) -> None:
        self.grammar = grammar
        self.where = where
        try:
            self.tokens = tokenize(text)
        except LexError as exc:
            raise self.error(exc.detail, exc.pos) from None
        self.index = 0

    # -- token helpers ---------------------------------------------------------------------
    def error(self, detail: str, pos: int, hint: str = "") -> InvalidParameter:
        return InvalidParameter(f"{self.where}: {detail} at position {pos}{hint}")

    def unexpected(self, token: Token) -> InvalidParameter:
        return self.error(f"unexpected {_show(token)}", token.pos)

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not Kind.EOF:
            self.index += 1
        return token

    def at_keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind is Kind.KEYWORD and token.value == word

    def expect_end(self) -> None:
        token = self.peek()
        if token.kind is not Kind.EOF:
            raise self.unexpected(token)

    # -- boolean structure -----------------------------------------------------------------
    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.at_keyword("OR"):
            self.advance()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.at_keyword("AND"):
            self.advance()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        if self.at_keyword("NOT"):
            self.advance()
            return Not(self.unary())
        if self.peek().kind is Kind.LPAREN:
            self.advance()
            inner = self.or_expr()
            token = self.advance()
            if token.kind is not Kind.RPAREN:
                raise self.unexpected(token)
            return inner
        return self.comparison()

    # -- comparisons -----------------------------------------------------------------------
    def field(self) -> tuple[Entity, str, Field, Token]:
        token = self.advance()
        if token.kind is Kind.IDENT:
            prefix, key = token.prefix, token.value
        elif token.kind is Kind.STRING and token.quote in ('"', "`"):
            prefix, key = None, token.value
        else:
            raise self.unexpected(token)
        entity = self.grammar.by_prefix(prefix)
        if entity is None:
            hint = f"; valid prefixes: {self.grammar.describe_prefixes()}"
            raise self.error(f"Invalid entity type '{prefix}'", token.pos, hint)
        resolved = entity.resolve(key)
        if resolved is None:
            hint = f"; valid keys: {', '.join(entity.fields)}"
            raise self.error(f"Invalid {entity.label} key '{key}'", token.pos, hint)
        return entity, resolved[0], resolved[1], token

    def comparison(self) -> Comparison:
        entity, key, field, start = self.field()
        op, op_token = self.operator()
        if op not in field.ops:
            raise self.error(
                f"Invalid comparator '{op}' for {entity.label} '{key}'",
                op_token.pos,
                f"; allowed: {field.describe_ops()}",
            )
        value: Value
        if op in ("IS NULL", "IS NOT NULL"):
            value = None
        elif op in ("IN", "NOT IN"):
            value = self.value_list(entity, key, field)
        else:
            value = self.value(entity, key, field)
        return Comparison(entity.name, key, op, value, start.pos)

    def operator(self) -> tuple[str, Token]:
        token = self.advance()
        if token.kind is Kind.OP:
            return token.value, token
        if token.kind is Kind.KEYWORD:
            if token.value in ("IN", "LIKE", "ILIKE"):
                return token.value, token
            if token.value == "NOT" and self.at_keyword("IN"):
                self.advance()
                return "NOT IN", token
            if token.value == "IS":
                negated = self.at_keyword("NOT")
                if negated:
                    self.advance()
                null = self.advance()
                if not (null.kind is Kind.KEYWORD and null.value == "NULL"):
                    raise self.unexpected(null)
                return ("IS NOT NULL" if negated else "IS NULL"), token
        raise self.unexpected(token)

    def value_list(self, entity: Entity, key: str, field: Field) -> Value:
        token = self.advance()
        if token.kind is not Kind.LPAREN:
            raise self.unexpected(token)
        values = [self.value(entity, key, field)]
        while True:
            token = self.advance()
            if token.kind is Kind.RPAREN:
                break
            if token.kind is not Kind.COMMA:
                raise self.unexpected(token)
            values.append(self.value(entity, key, field))
        if field.kind is ValueKind.NUMBER:
            return tuple(v for v in values if not isinstance(v, str))
        if field.kind is ValueKind.ANY:
            return tuple(str(v) for v in values)
        return tuple(v for v in values if isinstance(v, str))

    def value(self, entity: Entity, key: str, field: Field) -> int | float | str:
        token = self.advance()
        if token.kind in _STRUCTURAL:
            raise self.unexpected(token)
        if field.kind is ValueKind.NUMBER:
            if token.kind is not Kind.NUMBER:
                detail = (
                    f"Expected numeric value type for {entity.label} '{key}', got {_show(token)}"
                )
                raise self.error(detail, token.pos)
            return token.number
        if field.kind is ValueKind.ANY and token.kind is Kind.NUMBER:
            return token.number
        if token.kind is not Kind.STRING or token.quote == "`":
            detail = (
                f"Expected a quoted string value for {entity.label} '{key}', got {_show(token)}"
            )
            raise self.error(detail, token.pos)
        return token.value


def _show(token: Token) -> str:
    if token.kind is Kind.EOF:
        return "end of input"
    if token.kind is Kind.STRING:
        return token.text
    return f"'{token.text}'"
