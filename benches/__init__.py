"""Benchmarks: sseflow against the Python SSE parsers in use, on generated workloads.

``python -m pytest benches`` (pytest-benchmark), or ``python -m benches.report`` for the
table, the chart and ``benches/results.md``.
"""
