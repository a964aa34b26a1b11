"""The Qt side of the engine: worker thread, controller, background tasks, settings store.

Only QtCore is used here, so this layer runs (and is tested) without widgets. Nothing
heavy is imported at module level: the engine (numpy, Pillow, ffmpeg) is loaded the
first time a job or a file inspection needs it, which keeps the window's start fast.
"""
