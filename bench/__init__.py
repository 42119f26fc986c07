"""Benchmarks, run on demand: `python -m bench` runs them all."""
