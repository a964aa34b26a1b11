from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from vidgen_desktop.core.jobs import Fit, Motion
from vidgen_desktop.engine.canvas import fit_canvas, rgb_to_yuv420, yuv420_to_rgb
from vidgen_desktop.engine.kenburns import render_frames
from vidgen_desktop.engine.motion import ZOOM, CameraPath, ease, resolve_motion


def test_ease_has_zero_speed_at_both_ends() -> None:
    assert ease(0) == 0 and ease(1) == 1
    assert ease(0.01) < 0.001 and 1 - ease(0.99) < 0.001
    assert ease(0.5) == pytest.approx(0.5)


@pytest.mark.parametrize("motion", [m for m in Motion if m is not Motion.AUTO])
def test_camera_windows_stay_inside_canvas_and_keep_shape(motion: Motion) -> None:
    path = CameraPath(motion, (2208, 1242), (1920, 1080), 300, 30)
    for i in range(0, 300, 7):
        w = path.window(i)
        assert w.x >= -1e-6 and w.y >= -1e-6
        assert w.x + w.w <= 2208 + 1e-6 and w.y + w.h <= 1242 + 1e-6
        assert w.w / w.h == pytest.approx(1920 / 1080)


def test_camera_moves_smoothly_with_no_integer_steps() -> None:
    path = CameraPath(Motion.ZOOM_IN, (2208, 1242), (1920, 1080), 900, 30)
    widths = np.array([path.window(i).w for i in range(900)])
    speed = np.diff(widths)
    assert (speed <= 0).all() and speed.min() < 0  # monotonic zoom in, really moving
    accel = np.diff(speed)
    assert np.abs(accel).max() < 0.01  # eased: speed changes gently
    # Sub-pixel positions: most windows are not on whole pixels (no zoompan-style rounding).
    assert np.mean(np.abs(widths - np.round(widths)) > 0.01) > 0.9


def test_long_audio_goes_back_and_forth() -> None:
    path = CameraPath(Motion.ZOOM_IN, (2208, 1242), (1920, 1080), 30 * 90, 30)  # 90 s: 3 segments
    widths = np.array([path.window(i).w for i in range(30 * 90)])
    assert widths[0] == pytest.approx(widths.max())
    assert widths[30 * 30] == pytest.approx(widths.min(), abs=1)
    assert widths[30 * 60] == pytest.approx(widths.max(), abs=1)


def test_auto_motion_follows_the_picture_shape() -> None:
    assert resolve_motion(Motion.AUTO, (6000, 1000), 16 / 9, None) is Motion.PAN_RIGHT
    assert resolve_motion(Motion.AUTO, (1000, 3000), 16 / 9, None) is Motion.PAN_DOWN
    assert resolve_motion(Motion.AUTO, (1920, 1080), 16 / 9, None) is Motion.ZOOM_IN
    assert resolve_motion(Motion.AUTO, (1920, 1080), 16 / 9, 3) == resolve_motion(Motion.AUTO, (1920, 1080), 16 / 9, 3)


def test_yuv_conversion_round_trips_colours() -> None:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 128, 128), (255, 255, 255), (10, 20, 30)]
    for c in colours:
        rgb = np.full((16, 16, 3), c, np.uint8)
        yuv = rgb_to_yuv420(rgb)
        back = yuv420_to_rgb(yuv.y, yuv.u, yuv.v, max_side=16)
        assert np.abs(back.astype(int) - np.array(c)).max() <= 3, c
    white = rgb_to_yuv420(np.full((4, 4, 3), 255, np.uint8))
    assert white.y[0, 0] == 235 and white.u[0, 0] == 128  # limited range


@pytest.mark.parametrize("fit", list(Fit))
def test_fit_modes_for_a_portrait_in_a_landscape_frame(fit: Fit) -> None:
    pic = Image.new("RGB", (300, 600), (200, 50, 50))
    canvas = fit_canvas(pic, (320, 180), fit, ZOOM)
    h, w = canvas.shape[:2]
    if fit is Fit.CROP:
        assert w >= 320 * ZOOM - 1 and h > w  # whole picture kept, camera pans down it
        assert (canvas == (200, 50, 50)).all()
    else:
        assert (w, h) == (368, 208)
        centre, edge = canvas[h // 2, w // 2], canvas[h // 2, 2]
        assert tuple(centre) == (200, 50, 50)
        if fit is Fit.PAD:
            assert tuple(edge) == (0, 0, 0)
        else:  # blurred, dimmed copy of the picture's colour
            assert 60 < edge[0] < 200 and edge[1] < edge[0]


def test_flat_canvas_warps_to_flat_frames_including_chroma() -> None:
    yuv = rgb_to_yuv420(np.full((208, 368, 3), (30, 160, 220), np.uint8))
    path = CameraPath(Motion.ZOOM_IN, yuv.size, (320, 180), 10, 10)
    for f in render_frames(yuv, path, (320, 180), 10):
        for plane, ref in ((f.y, yuv.y), (f.u, yuv.u), (f.v, yuv.v)):
            assert plane.min() == plane.max() == ref[0, 0]
        assert f.y.shape == (180, 320) and f.u.shape == (90, 160)


def test_chroma_stays_registered_with_luma() -> None:
    """A sharp colour edge must land at the same place in luma and chroma in every frame."""
    rgb = np.zeros((208, 368, 3), np.uint8)
    rgb[:, 184:] = (255, 255, 255)
    yuv = rgb_to_yuv420(rgb)
    red = np.zeros_like(rgb)
    red[:, 184:] = (255, 0, 0)
    ryuv = rgb_to_yuv420(red)
    path = CameraPath(Motion.PAN_RIGHT, yuv.size, (320, 180), 5, 5)
    for fy, fr in zip(render_frames(yuv, path, (320, 180), 5), render_frames(ryuv, path, (320, 180), 5)):
        row_y = fy.y[90].astype(float)
        row_v = fr.v[45].astype(float)
        edge_y = np.argmax(np.diff(row_y)) + 0.5
        edge_v = (np.argmax(np.diff(row_v)) + 0.5) * 2
        assert abs(edge_y - edge_v) <= 2.0


def _measured_shifts(frames: list[np.ndarray]) -> np.ndarray:
    import cv2

    win = cv2.createHanningWindow((320, 180), cv2.CV_64F)
    return np.array([-cv2.phaseCorrelate(a, b, win)[0][0] for a, b in itertools.pairwise(frames)])


def test_warped_motion_matches_the_camera_without_integer_jitter() -> None:
    """Measured per-frame shift follows the camera path; a whole-pixel version (zoompan) does not."""
    import cv2

    rng = np.random.default_rng(0)
    tex = cv2.resize(rng.integers(0, 256, (60, 240, 3), dtype=np.uint8), (1200, 300), interpolation=cv2.INTER_CUBIC)
    yuv = rgb_to_yuv420(fit_canvas(Image.fromarray(tex), (320, 180), Fit.CROP, ZOOM))
    path = CameraPath(Motion.PAN_RIGHT, yuv.size, (320, 180), 90, 30)
    scale = path.window(0).w / 320
    expected = np.diff([path.window(i).x for i in range(90)]) / scale
    ours = _measured_shifts([f.y.astype(np.float64) for f in render_frames(yuv, path, (320, 180), 90)])
    rounded = []
    for i in range(90):
        w = path.window(i)
        m = np.array([[scale, 0, round(w.x)], [0, scale, round(w.y)]])
        rounded.append(cv2.warpAffine(yuv.y, m, (320, 180), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP))
    theirs = _measured_shifts([f.astype(np.float64) for f in rounded])
    assert np.abs(ours - expected).max() < 0.3
    assert np.abs(theirs - expected).max() > 0.5  # the test can tell jitter apart


@pytest.mark.parametrize("motion", [m for m in Motion if m is not Motion.AUTO])
def test_track_arrays_match_the_per_frame_windows(motion: Motion) -> None:
    path = CameraPath(motion, (2208, 1242), (1920, 1080), 30 * 70, 30)  # 70 s: back and forth
    track = path.track()
    assert len(track) == 30 * 70
    for i in (0, 1, 17, 899, 900, 1500, 30 * 70 - 1):
        w = path.window(i)
        assert (track.x[i], track.y[i], track.w[i], track.h[i]) == pytest.approx((w.x, w.y, w.w, w.h), abs=1e-9)


def test_ring_buffers_give_the_same_frames_as_fresh_ones() -> None:
    rng = np.random.default_rng(1)
    yuv = rgb_to_yuv420(rng.integers(0, 256, (208, 368, 3), dtype=np.uint8))
    path = CameraPath(Motion.PAN_RIGHT, yuv.size, (320, 180), 12, 10)
    fresh = [np.concatenate([f.y.ravel(), f.u.ravel(), f.v.ravel()]) for f in render_frames(yuv, path, (320, 180), 12)]
    seen = []
    for i, f in enumerate(render_frames(yuv, path, (320, 180), 12, buffers=3)):
        assert np.array_equal(np.concatenate([f.y.ravel(), f.u.ravel(), f.v.ravel()]), fresh[i])
        seen.append(f.y.ctypes.data)
    assert len(set(seen)) == 3  # three buffers, reused in turn
