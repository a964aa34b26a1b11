"""Pure-Python foundation: paths, jobs, errors, progress, cancellation, hardware.

Nothing here imports Qt or any ML library; everything above builds on it.
"""
