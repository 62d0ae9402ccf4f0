"""Schema of traces, spans and assessments (tables join ``tables.metadata``).

Design notes:
- ``trace_info`` is ordered for search by an (experiment_id, request_time, trace_id) index, so
  the newest-first first page of a filtered search walks the index and stops early.
- Spans are rows, not an artifact blob: ``content`` holds the span as the OTLP JSON clients get
  back (returned without re-encoding); name, type, status and times are columns to filter on.
- ``span_attributes`` repeats each span's short attribute values (up to 250 characters) as
  text, indexed by (key, value), so ``span.attributes.<key> = ...`` finds its traces through
  the index instead of scanning span JSON.
- Assessments keep their value as JSON plus a text and a numeric copy for filters.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from runhub.store.tables import Double, Id, cs_string, long_text, metadata
from runhub.validation import MAX_SPAN_ATTRIBUTE_TEXT


def _trace_fk() -> Column[str]:
    return Column(
        "trace_id",
        String(50),
        ForeignKey("trace_info.trace_id", ondelete="CASCADE"),
        nullable=False,
    )


trace_info = Table(
    "trace_info",
    metadata,
    Column("trace_id", String(50), primary_key=True),
    Column(
        "experiment_id",
        Id,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("client_request_id", cs_string(250), nullable=True),
    Column("request_time", BigInteger, nullable=False),  # ms since the epoch
    Column("execution_duration", BigInteger, nullable=True),  # ms
    Column("state", String(20), nullable=False),
    Column("request_preview", Text, nullable=True),
    Column("response_preview", Text, nullable=True),
    Index(None, "experiment_id", "request_time", "trace_id"),
)

trace_tags = Table(
    "trace_tags",
    metadata,
    _trace_fk(),
    Column("key", cs_string(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("trace_id", "key"),
)

trace_metadata = Table(
    "trace_metadata",
    metadata,
    _trace_fk(),
    Column("key", cs_string(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("trace_id", "key"),
)

trace_run_links = Table(
    "trace_run_links",
    metadata,
    _trace_fk(),
    Column("run_id", String(32), nullable=False),
    PrimaryKeyConstraint("trace_id", "run_id"),
    Index(None, "run_id"),
)

spans = Table(
    "spans",
    metadata,
    _trace_fk(),
    Column("span_id", String(50), nullable=False),
    Column("parent_span_id", String(50), nullable=True),
    Column("name", Text, nullable=False),
    Column("type", cs_string(500), nullable=True),
    Column("status", String(20), nullable=False),
    Column("start_time_unix_nano", BigInteger, nullable=False),
    Column("end_time_unix_nano", BigInteger, nullable=True),
    Column("content", long_text(), nullable=False),
    PrimaryKeyConstraint("trace_id", "span_id"),
)

span_attributes = Table(
    "span_attributes",
    metadata,
    _trace_fk(),
    Column("span_id", String(50), nullable=False),
    Column("key", cs_string(250), nullable=False),
    Column("value", cs_string(MAX_SPAN_ATTRIBUTE_TEXT), nullable=False),
    PrimaryKeyConstraint("trace_id", "span_id", "key"),
    Index(None, "key", "value", "trace_id"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("assessment_id", String(50), primary_key=True),
    _trace_fk(),
    Column("name", cs_string(250), nullable=False),
    Column("kind", String(20), nullable=False),  # feedback | expectation | issue
    Column("value_json", long_text(), nullable=True),  # the value as JSON
    Column("value_text", Text, nullable=True),  # a string value itself, else its JSON
    Column("value_number", Double, nullable=True),  # a numeric or boolean value
    Column("error_json", Text, nullable=True),
    Column("source_type", String(20), nullable=False),
    Column("source_id", cs_string(250), nullable=False),
    Column("span_id", String(50), nullable=True),
    Column("rationale", Text, nullable=True),
    Column("metadata_json", Text, nullable=True),
    Column("overrides", String(50), nullable=True),
    Column("valid", Boolean, nullable=False),
    Column("create_time", BigInteger, nullable=False),
    Column("last_update_time", BigInteger, nullable=False),
    Index(None, "trace_id", "name"),
)
