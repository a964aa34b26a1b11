"""Batches: many pictures and sounds paired into videos with one set of settings (``vidgen-desktop batch``)."""
