"""Rendering of stored sessions: history, review (terminal and files), progress (terminal, SVG/HTML, PNG)."""
