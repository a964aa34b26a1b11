#!/usr/bin/env bash
# Make an AppImage from a built one-folder bundle (any glibc Linux at least as new as the build machine's).
#   installer/linux/build_appimage.sh [lite|full]    needs dist/<edition>/VidGen (scripts/build_bundle.sh)
# Builds build/appimage-<edition>/VidGen.AppDir, then runs appimagetool on it when it is on PATH (or named by
# $APPIMAGETOOL); get it from https://github.com/AppImage/appimagetool/releases (not on PyPI/Debian).
# Writes dist/VidGen-<version>-<edition>-<arch>.AppImage
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
edition=${1:-lite}
bundle="$root/dist/$edition/VidGen"
[ -x "$bundle/VidGen" ] || { echo "no bundle at $bundle: run scripts/build_bundle.sh $edition first" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/vidgen_desktop/__init__.py")
arch=$(uname -m)
appdir="$root/build/appimage-$edition/VidGen.AppDir"
rm -rf "$appdir"
mkdir -p "$appdir/usr/lib/vidgen" "$appdir/usr/share/applications"
cp -a "$bundle/." "$appdir/usr/lib/vidgen/"
install -m 755 "$root/installer/linux/AppRun" "$appdir/AppRun"
install -m 644 "$root/installer/linux/vidgen-desktop.desktop" "$appdir/vidgen-desktop.desktop"
install -m 644 "$root/installer/linux/vidgen-desktop.desktop" "$appdir/usr/share/applications/"
install -m 644 "$root/resources/icons/vidgen-256.png" "$appdir/vidgen-desktop.png"
ln -sf vidgen-desktop.png "$appdir/.DirIcon"
for s in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "$root/resources/icons/vidgen-$s.png" "$appdir/usr/share/icons/hicolor/${s}x${s}/apps/vidgen-desktop.png"
done
echo "AppDir: $appdir"
tool=${APPIMAGETOOL:-$(command -v appimagetool || command -v appimagetool-"$arch".AppImage || true)}
if [ -z "$tool" ]; then
  echo "appimagetool not found: download it, then: ARCH=$arch appimagetool '$appdir' dist/VidGen-$version-$edition-$arch.AppImage" >&2
  exit 0
fi
out="$root/dist/VidGen-$version-$edition-$arch.AppImage"
ARCH=$arch "$tool" --no-appstream "$appdir" "$out"
echo "$out ($(du -h "$out" | cut -f1))"
