"""Benchmarks of the Smartstadt platform; run with ``python bench/run.py`` (see docs/benchmarks.md)."""
