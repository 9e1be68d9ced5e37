; Inno Setup 6 script: Model Studio's Windows installer.
;
; packaging\build.py runs it after PyInstaller, as:
;   ISCC /DAppVersion=0.1.0 /DSourceDir=dist\bundle\model-studio /DOutputDir=dist
;        /DOutputBase=model-studio-0.1.0-windows-setup /DIconFile=studio\resources\icons\model-studio.ico
;        packaging\windows\model-studio.iss
;
; It installs the one-folder bundle into Program Files (or the user's own programs
; folder when not run as administrator), adds a Start-menu entry (and optionally a
; desktop icon) that opens the window, and registers an uninstaller.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\bundle\model-studio"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef OutputBase
  #define OutputBase "model-studio-" + AppVersion + "-windows-setup"
#endif
#ifndef IconFile
  #define IconFile "..\..\studio\resources\icons\model-studio.ico"
#endif

#define AppName "Model Studio"
#define WindowExe "ModelStudio.exe"
#define ConsoleExe "model-studio.exe"

[Setup]
; A fixed AppId keeps upgrades and the uninstaller tied to one product.
AppId={{6C1B5E4A-3D1F-4B7E-9A55-2F7D8E0C4B19}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Model Studio
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename={#OutputBase}
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#WindowExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#WindowExe}"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#WindowExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#WindowExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Stop an adb server this installation started, so its files can be removed.
Filename: "{app}\_internal\adbutils\binaries\adb.exe"; Parameters: "kill-server"; Flags: runhidden skipifdoesntexist; RunOnceId: "KillAdb"

[UninstallDelete]
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
