"""Synthetic answers and fakes for tests, benchmarks and the demo's simulated candidate; the practice path never imports it."""
