"""What a searchable entity accepts: its prefixes, keys, value types and operators.

A ``Grammar`` is data, not code: adding search for another entity (registered models, traces...)
means declaring one, then compiling the parsed tree against its own tables.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class ValueKind(enum.Enum):
    STRING = "string"
    NUMBER = "number"
    ANY = "any"  # a number or a quoted string (e.g. trace feedback values)


NUMERIC_OPS = frozenset({"=", "!=", "<", "<=", ">", ">="})
STRING_OPS = frozenset({"=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"})
NULL_OPS = frozenset({"IS NULL", "IS NOT NULL"})

# The order operators are listed in error messages.
OP_ORDER = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "LIKE",
    "ILIKE",
    "IN",
    "NOT IN",
    "IS NULL",
    "IS NOT NULL",
)


@dataclass(frozen=True)
class Field:
    """One searchable key: the type its values must have and the operators it takes."""

    kind: ValueKind
    ops: frozenset[str]
    sortable: bool = True

    def describe_ops(self) -> str:
        return ", ".join(op for op in OP_ORDER if op in self.ops)


STRING_FIELD = Field(ValueKind.STRING, STRING_OPS)
NUMERIC_FIELD = Field(ValueKind.NUMBER, NUMERIC_OPS)


@dataclass(frozen=True)
class Entity:
    """A family of keys behind one prefix, e.g. ``metrics.<any key>`` or a fixed attribute set.

    ``name`` is what the AST records; ``label`` is how error messages name it ("parameter").
    Either ``any_key`` (every key allowed, one rule) or ``fields`` (a fixed set) is given.
    ``aliases`` maps a lower-cased alternative spelling to a canonical field name.
    """

    name: str
    label: str
    prefixes: tuple[str, ...]
    any_key: Field | None = None
    fields: Mapping[str, Field] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    sortable: bool = True

    def resolve(self, key: str) -> tuple[str, Field] | None:
        """The canonical key and its rule, or None when the key does not exist."""
        if self.any_key is not None:
            return key, self.any_key
        if key in self.fields:
            return key, self.fields[key]
        canonical = self.aliases.get(key.lower())
        if canonical is not None:
            return canonical, self.fields[canonical]
        return None


@dataclass(frozen=True)
class Grammar:
    """The entities of one search API; ``bare`` is the entity of identifiers with no prefix."""

    name: str
    entities: tuple[Entity, ...]
    bare: str

    def by_prefix(self, prefix: str | None) -> Entity | None:
        if prefix is None:
            return self.by_name(self.bare)
        lowered = prefix.lower()
        for entity in self.entities:
            if lowered in entity.prefixes:
                return entity
        return None

    def by_name(self, name: str) -> Entity:
        for entity in self.entities:
            if entity.name == name:
                return entity
        raise KeyError(name)

    def describe_prefixes(self) -> str:
        return ", ".join(entity.prefixes[0] for entity in self.entities)
