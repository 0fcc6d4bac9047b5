"""The spans the server process exported, kept in memory for app/spans/route.py."""

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
