; TitleDesk workstation installer. Built by `make windows` with Debian's makensis:
;   makensis -NOCD -INPUTCHARSET UTF8 -DVERSION=x.y.z -DOUTDIR=build \
;            [-DSIGN=scripts/sign-windows] packaging/windows/installer.nsi
; OUTDIR holds titledesk.exe, the identity-card reader helpers
; (titledesk-idcard.exe, titledesk-idcard-x86.exe) and titledesk.ico and receives
; the installer.
; With SIGN, the uninstaller and the installer are signed with that command as
; makensis writes them (titledesk.exe is signed before, by the Makefile).
;
; Installs for all users to Program Files with a Start-menu entry, and
; registers with Apps & Features. Uninstalling removes all of that but keeps
; the clerk's data folder (Fyne's storage root) unless the person ticks the box
; to remove it: it holds the local database, with actions not yet synced.
; Unattended: `titledesk-setup-x.y.z.exe /S` installs, `uninstall.exe /S`
; uninstalls keeping the data, `uninstall.exe /S /REMOVEDATA` removes it too.
; A 64-bit installer for the 64-bit-only app: it also runs under Debian's
; 64-bit-only Wine, so scripts/wine-smoke installs and uninstalls with it.
Target amd64-unicode
ManifestDPIAware true
!include "MUI2.nsh"
!include "x64.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "Sections.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef OUTDIR
  !define OUTDIR "build"
!endif
!define APPNAME "TitleDesk"
!define APPCN "职称考核认定工作站"
!define APPID "cn.titledesk.workstation"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPNAME}"
; Fyne 2.8's storage root on Windows: %USERPROFILE%\AppData\Roaming\fyne\<app ID>
; (fyne.io/fyne/v2/internal/app/config_windows.go builds it from the home
; folder, not from %APPDATA%, so it stays there even when a domain redirects
; AppData; $PROFILE matches it in both cases).
!define DATADIR "$PROFILE\AppData\Roaming\fyne\${APPID}"

!ifdef SIGN
  !finalize '"${SIGN}" "%1"'
  !uninstfinalize '"${SIGN}" "%1"'
!endif

Name "${APPCN}"
OutFile "${OUTDIR}/titledesk-setup-${VERSION}.exe"
InstallDir "$PROGRAMFILES64\${APPNAME}"
InstallDirRegKey HKLM "Software\${APPNAME}" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPCN} 安装程序"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "TitleDesk"

!define MUI_ICON "${OUTDIR}/titledesk.ico"
!define MUI_UNICON "${OUTDIR}/titledesk.ico"
!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; titledesk.exe is x86-64 only; shortcuts and registry entries are for all users.
Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APPCN}需要 64 位 Windows。"
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "Install"
  SetOutPath "$INSTDIR"
  File "${OUTDIR}/titledesk.exe"
  File "${OUTDIR}/titledesk-idcard.exe"
  File "${OUTDIR}/titledesk-idcard-x86.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPCN}.lnk" "$INSTDIR\titledesk.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\卸载${APPCN}.lnk" "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\${APPNAME}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPCN}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\titledesk.exe"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "TitleDesk"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "un.程序文件" SecProgram
  SectionIn RO
  Delete "$INSTDIR\titledesk.exe"
  Delete "$INSTDIR\titledesk-idcard.exe"
  Delete "$INSTDIR\titledesk-idcard-x86.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}\${APPCN}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\卸载${APPCN}.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  DeleteRegKey HKLM "${UNINSTKEY}"
  DeleteRegKey HKLM "Software\${APPNAME}"
SectionEnd

; Unticked by default (/o), and so also skipped by a silent uninstall: the data
; folder may hold actions not yet synced. It is the data folder of the person
; running the uninstaller; Fyne's cache (os.UserCacheDir, %LOCALAPPDATA%) goes
; with it.
Section /o "un.本机数据（含未同步的操作）" SecData
  RMDir /r "${DATADIR}"
  RMDir "$PROFILE\AppData\Roaming\fyne"
  SetShellVarContext current
  RMDir /r "$LOCALAPPDATA\fyne\${APPID}"
  RMDir "$LOCALAPPDATA\fyne"
SectionEnd

; After the sections, which it refers to.
Function un.onInit
  SetRegView 64
  SetShellVarContext all
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecData}
  ${EndIf}
FunctionEnd
