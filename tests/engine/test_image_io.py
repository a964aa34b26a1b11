from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.media_factory import textured_image, tone
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.image_io import MAX_PIXELS, load_thumbnail, open_image


@pytest.mark.parametrize("ext", [".jpg", ".png", ".webp", ".tif", ".bmp", ".gif"])
def test_every_format_opens_as_rgb(tmp_path: Path, ext: str) -> None:
    f = textured_image(tmp_path / f"pic{ext}", (120, 80))
    im = open_image(f)
    assert im.mode == "RGB" and im.size == (120, 80)


@pytest.mark.parametrize("mode", ["L", "CMYK", "P", "RGBA", "LA", "I;16", "1"])
def test_pixel_layouts_become_rgb(tmp_path: Path, mode: str) -> None:
    ext = ".tif" if mode in ("CMYK", "I;16") else ".png"
    f = tmp_path / f"m{ext}"
    src = Image.open(textured_image(tmp_path / "src.png", (64, 48)))
    if mode == "I;16":
        arr = (np.asarray(src.convert("L"), np.uint16) * 257).astype(np.uint16)
        Image.fromarray(arr).save(f)
    else:
        src.convert(mode).save(f)
    im = open_image(f)
    assert im.mode == "RGB" and im.size == (64, 48)
    arr = np.asarray(im)
    assert arr.std() > 10, "picture content must survive the conversion"


def test_16bit_is_scaled_not_clipped(tmp_path: Path) -> None:
    f = tmp_path / "deep.png"
    Image.fromarray(np.full((10, 10), 32768, np.uint16)).save(f)
    assert abs(int(np.asarray(open_image(f))[0, 0, 0]) - 128) <= 1


def test_transparent_dark_logo_goes_on_white(tmp_path: Path) -> None:
    arr = np.zeros((40, 40, 4), np.uint8)
    arr[10:30, 10:30] = (0, 0, 0, 255)  # black square, transparent elsewhere
    f = tmp_path / "logo.png"
    Image.fromarray(arr, "RGBA").save(f)
    out = np.asarray(open_image(f))
    assert out[0, 0].tolist() == [255, 255, 255] and out[20, 20].tolist() == [0, 0, 0]


def test_animated_gif_uses_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (30, 20), c) for c in ((255, 0, 0), (0, 0, 255))]
    f = tmp_path / "anim.gif"
    frames[0].save(f, save_all=True, append_images=frames[1:], duration=100, loop=0)
    r, _g, b = np.asarray(open_image(f))[10, 15]
    assert r > 200 and b < 60


@pytest.mark.parametrize(("orientation", "size"), [(1, (200, 100)), (3, (200, 100)), (6, (100, 200)),
                                                    (8, (100, 200))])
def test_exif_orientation_is_honoured(tmp_path: Path, orientation: int, size: tuple[int, int]) -> None:
    arr = np.zeros((100, 200, 3), np.uint8)
    arr[:20, :20] = (255, 0, 0)  # red marker top-left as stored
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = orientation
    f = tmp_path / "o.jpg"
    im.save(f, exif=exif, quality=95)
    out = open_image(f)
    assert out.size == size
    a = np.asarray(out)
    corners = {"tl": a[5, 5], "tr": a[5, -6], "bl": a[-6, 5], "br": a[-6, -6]}
    red = [k for k, v in corners.items() if v[0] > 150 and v[1] < 100]
    assert red == [{1: "tl", 3: "br", 6: "tr", 8: "bl"}[orientation]]
    thumb = load_thumbnail(f, 50)
    assert max(thumb.shape[:2]) == 50 and (thumb.shape[1] > thumb.shape[0]) == (size[0] > size[1])


def test_large_jpeg_is_decoded_reduced(tmp_path: Path) -> None:
    f = textured_image(tmp_path / "big.jpg", (4000, 3000))
    im = open_image(f, want=(900, 600))
    assert im.size == (1000, 750)  # 1/4 scale still covers 900x600
    assert open_image(f).size == (4000, 3000)


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    side = int(MAX_PIXELS**0.5) + 100
    f = tmp_path / "bomb.png"
    Image.new("1", (side, side)).save(f)  # tiny file, huge picture
    assert f.stat().st_size < 5_000_000
    with pytest.raises(InputError, match="megapixels"):
        open_image(f)


def test_bad_images_are_explained(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jpg"
    junk.write_text("not a picture")
    with pytest.raises(InputError, match="not an image"):
        open_image(junk)
    good = textured_image(tmp_path / "good.jpg", (400, 300))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[:600])
    with pytest.raises(InputError, match="damaged or truncated"):
        open_image(cut)
    empty = tmp_path / "empty.png"
    empty.touch()
    with pytest.raises(InputError, match="empty"):
        open_image(empty)
    with pytest.raises(InputError, match="audio file, not an image") as exc:
        open_image(tone(tmp_path / "a.mp3", 0.5))
    assert "swap" in exc.value.hint
