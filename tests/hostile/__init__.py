"""Tests that attack the pipeline: hostile content, faults mid-build, concurrent builds."""
