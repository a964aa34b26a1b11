#!/usr/bin/env bash
# Package a built one-folder bundle as a .deb (Debian, Ubuntu and derivatives; amd64 or arm64 as built).
#   installer/linux/build_deb.sh [lite|full]      needs dist/<edition>/VidGen (scripts/build_bundle.sh)
# Installs to /opt/vidgen, puts `vidgen-desktop` on PATH, a menu entry, the icon in every hicolor size and
# the "Open with VidGen" association for pictures and sounds. Writes dist/vidgen-desktop[-full]_<ver>_<arch>.deb
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
edition=${1:-lite}
bundle="$root/dist/$edition/VidGen"
[ -x "$bundle/VidGen" ] || { echo "no bundle at $bundle: run scripts/build_bundle.sh $edition first" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/vidgen_desktop/__init__.py")
arch=$(dpkg --print-architecture)
pkg=vidgen-desktop; other=vidgen-desktop-full
[ "$edition" = full ] && { pkg=vidgen-desktop-full; other=vidgen-desktop; }
stage="$root/build/deb-$edition"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt/vidgen" "$stage/usr/bin" "$stage/usr/share/applications" \
         "$stage/usr/share/doc/$pkg"
cp -a "$bundle/." "$stage/opt/vidgen/"
ln -s /opt/vidgen/VidGen "$stage/usr/bin/vidgen-desktop"
install -m 644 "$root/installer/linux/vidgen-desktop.desktop" "$stage/usr/share/applications/"
for s in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "$root/resources/icons/vidgen-$s.png" "$stage/usr/share/icons/hicolor/${s}x${s}/apps/vidgen-desktop.png"
done
cp "$bundle/_internal/licenses/README.txt" "$stage/usr/share/doc/$pkg/copyright"
size_kb=$(du -sk "$stage" | cut -f1)
# The bundle carries its own Python, Qt and libraries; the system provides glibc, OpenGL/EGL and the
# display-server client libraries (what PyInstaller deliberately leaves out).
cat > "$stage/DEBIAN/control" <<CTRL
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: VidGen Desktop maintainers <maintainers@invalid>
Installed-Size: $size_kb
Depends: libc6 (>= $(ldd --version | head -1 | grep -o '[0-9]\+\.[0-9]\+$')), libegl1, libgl1, libxcb1, libdrm2, libwayland-client0, libwayland-cursor0, libwayland-egl1
Recommends: espeak-ng
Conflicts: $other
Replaces: $other
Provides: vidgen-desktop-app
Section: video
Priority: optional
Description: turn a picture and a sound into a video, on this computer
 VidGen animates a picture (a smooth Ken Burns pan and zoom on any computer,
 AI video models on strong GPUs in the Full edition) for exactly as long as
 the sound lasts, and writes an MP4 that plays everywhere.
CTRL
cat > "$stage/DEBIAN/postinst" <<'SH'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
SH
cp "$stage/DEBIAN/postinst" "$stage/DEBIAN/postrm"
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/postrm"
out="$root/dist/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$stage" "$out" >/dev/null
echo "$out ($(du -h "$out" | cut -f1))"
