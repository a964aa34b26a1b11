# Build the Windows installer: a clean build venv, the PyInstaller bundle, its self-test, then Inno Setup.
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1 [-Edition lite|full]
# Needs: Python 3.10+ (py launcher), Inno Setup 6 (iscc.exe on PATH or in its default folder).
param([ValidateSet("lite", "full")][string]$Edition = "lite")
$ErrorActionPreference = "Stop"
$root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $root
$venv = "build\venv-$Edition"
if (-not (Test-Path "$venv\Scripts\python.exe")) { py -3 -m venv $venv }
$py = "$venv\Scripts\python.exe"
& $py -m pip install -q --upgrade pip
if ($Edition -eq "full") {
    & $py -m pip install -q "torch==$(if ($env:TORCH_VERSION) { $env:TORCH_VERSION } else { '2.13.0' })"
    & $py -m pip install -q ".[ai,media,tts]"
} else {
    & $py -m pip install -q ".[media]" pyttsx3
}
& $py -m pip install -q "pyinstaller==6.22.3"
& $py build_spec.py $Edition
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
# The console twin prints the self-test; VidGen.exe (no console) would write %TEMP%\vidgen-selftest.log.
& "dist\$Edition\VidGen\vidgen-desktop.exe" --self-test
if ($LASTEXITCODE -ne 0) { throw "the frozen app failed its self-test" }
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DEdition=$Edition" "installer\windows\vidgen.iss"
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
# Signing (optional): signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a dist\VidGen-*-setup.exe
