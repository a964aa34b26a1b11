"""The window's controllers: each a QObject with one job, between its panels and the bridge.

The window (:mod:`vidgen_desktop.ui.main_window`) builds the panels, creates these and wires
them together; the decisions they need are pure functions in the bridge.
"""
