; Inno Setup 6.3+ script for VidGen (Windows 10/11, x64).
;
; Build on Windows after the bundle (see installer/README.md):
;   py build_spec.py lite                       -> dist\lite\VidGen\  (VidGen.exe + vidgen-desktop.exe)
;   iscc /DEdition=lite installer\windows\vidgen.iss
;   -> dist\VidGen-<version>-lite-setup.exe
; installer\windows\build.ps1 does all of it.
;
; Per-user install by default: no administrator rights, into %LOCALAPPDATA%\Programs\VidGen, shortcuts in
; the user's Start menu and desktop. The first page offers "install for all users" to administrators.
; The uninstaller removes the program and its shortcuts; the user's videos, models and settings
; (%LOCALAPPDATA%\VidGen) are kept.

#ifndef Edition
  #define Edition "lite"
#endif
#define SourceDir "..\..\dist\" + Edition + "\VidGen"
#ifndef AppVersion
  ; The version resource build_spec.py writes into VidGen.exe (from vidgen_desktop.__version__).
  #define AppVersion GetVersionNumbersString(SourceDir + "\VidGen.exe")
#endif

[Setup]
; Never change AppId: it is how upgrades find the installed copy. Lite and Full share it (one VidGen).
AppId={{475683AF-D390-4122-BD4F-CD78BF594294}
AppName=VidGen
AppVersion={#AppVersion}
AppVerName=VidGen {#AppVersion}
AppPublisher=VidGen Desktop
DefaultDirName={autopf}\VidGen
DefaultGroupName=VidGen
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=VidGen-{#AppVersion}-{#Edition}-setup
SetupIconFile=..\..\resources\icons\vidgen.ico
UninstallDisplayIcon={app}\VidGen.exe
UninstallDisplayName=VidGen {#AppVersion}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
ChangesAssociations=yes
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "openwith"; Description: "Offer VidGen in ""Open with"" for pictures and sound files"; GroupDescription: "File types:"

[InstallDelete]
; An upgrade from Full to Lite (or a new version) must not leave stale libraries next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\VidGen"; Filename: "{app}\VidGen.exe"; Comment: "Turn a picture and a sound into a video"
Name: "{autodesktop}\VidGen"; Filename: "{app}\VidGen.exe"; Tasks: desktopicon

[Registry]
; "Open with VidGen" for pictures and sound files, without taking over the default program.
; HKA = HKCU for a per-user install, HKLM for an all-users install.
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "VidGen"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\shell\open\command"; ValueType: string; ValueData: """{app}\VidGen.exe"" ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".jpg"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".jpeg"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".png"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".webp"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".mp3"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".m4a"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".wav"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\VidGen.exe\SupportedTypes"; ValueType: string; ValueName: ".flac"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.jpg\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.jpeg\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.png\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.webp\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.mp3\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.m4a\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.wav\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.flac\OpenWithList\VidGen.exe"; ValueType: string; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith

[Run]
; "Launch VidGen" on the last page (not for silent installs).
Filename: "{app}\VidGen.exe"; Description: "{cm:LaunchProgram,VidGen}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python byte-code caches and logs the program may have written next to itself.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
