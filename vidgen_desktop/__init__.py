"""VidGen Desktop: turn an image and an audio file into a video, on your own machine."""

__version__ = "0.1.0"
APP_NAME = "VidGen"
