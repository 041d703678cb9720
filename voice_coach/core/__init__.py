"""Timed values, settings, targets, the small interfaces and the one error type: what every layer shares."""
