"""The live analyzer, its recording buffer, answer capture and file replay: the one place that starts threads."""
