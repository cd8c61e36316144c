"""Snapshots: the immutable DuckDB file ``update`` writes and validates (``files``), and the
read-only ``Store`` that serves one (``store``, with its observations in memory, ``observations``).
"""
