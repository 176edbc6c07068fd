"""Sawt's speech engine: plain Python, no Django imports."""
