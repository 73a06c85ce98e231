"""Benchmark harness of nckg: synthetic data generator and endpoint comparison runner."""
