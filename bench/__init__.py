"""Benchmark harness of nckg (issue #10): synthetic data generator and endpoint comparison runner."""
