"""Drafting a campaign from a plan\x27s text (issue 28)."""
