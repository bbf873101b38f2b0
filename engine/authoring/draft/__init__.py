"""Drafting a campaign from a plan's text (issue 28)."""
