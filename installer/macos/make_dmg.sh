#!/usr/bin/env bash
# Build VidGen.app and wrap it in a drag-to-Applications .dmg. Run on macOS (11+), in the arch you ship
# (an Apple-silicon Mac builds arm64; build on an Intel Mac or under Rosetta for x86_64).
#
#   installer/macos/make_dmg.sh [lite|full]              unsigned: for testing on your own Mac
#   VIDGEN_CODESIGN_IDENTITY="Developer ID Application: NAME (TEAMID)" \
#   VIDGEN_NOTARY_PROFILE=vidgen-notary installer/macos/make_dmg.sh lite
#                                                       signed, notarised and stapled: for users
#
# Signing and notarisation are steps the maintainer runs with their own Apple Developer account:
#   1. Install the "Developer ID Application" certificate in the login keychain.
#   2. Once: xcrun notarytool store-credentials vidgen-notary --apple-id YOU@EXAMPLE --team-id TEAMID
#      (asks for an app-specific password made at appleid.apple.com).
#   3. Run this script with the two variables above. It signs every binary inside the .app with the
#      hardened runtime and installer/macos/entitlements.plist, signs the .dmg, submits it to Apple's
#      notary service, waits, and staples the ticket so Gatekeeper accepts it offline.
# Without a signature, users must right-click > Open the first time (macOS 15: System Settings >
# Privacy & Security > Open Anyway).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
edition=${1:-lite}
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' vidgen_desktop/__init__.py)
arch=$(uname -m)
app="dist/$edition/VidGen.app"

if [ -z "${VIDGEN_SKIP_BUILD:-}" ]; then
  scripts/build_bundle.sh "$edition"   # clean venv, PyInstaller, --self-test of the frozen app
fi
[ -d "$app" ] || { echo "no $app: the build did not make an .app" >&2; exit 1; }

identity=${VIDGEN_CODESIGN_IDENTITY:-}
if [ -n "$identity" ]; then
  # Inside-out: every Mach-O first, then the bundle. --options runtime = hardened runtime (notarisation needs it).
  find "$app/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) -print0 |
    xargs -0 -n 50 codesign --force --timestamp --options runtime \
      --entitlements installer/macos/entitlements.plist --sign "$identity"
  codesign --force --timestamp --options runtime --entitlements installer/macos/entitlements.plist \
    --sign "$identity" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
fi

stage="build/dmg-$edition"
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="dist/VidGen-$version-$edition-macos-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "VidGen $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"

if [ -n "$identity" ]; then
  codesign --force --timestamp --sign "$identity" "$dmg"
  if [ -n "${VIDGEN_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$VIDGEN_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    spctl --assess --type open --context context:primary-signature --verbose "$dmg"
  fi
fi
echo "$dmg ($(du -h "$dmg" | cut -f1))"
