"""Benchmarks: each module ``bench_*.py`` has ``run() -> list[dict]``; ``python -m bench`` runs all."""
