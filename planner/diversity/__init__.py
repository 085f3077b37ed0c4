"""Diversity: characteristics, suppression of small numbers, WRES indicators."""
