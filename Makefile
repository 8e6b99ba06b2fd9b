# TitleDesk. `make demo` runs the workstation; `make test` runs every test.
# Both install the Debian packages they need when run as root.

VERSION ?= $(shell awk -F'"' '/Version/ {print $$2; exit}' FyneApp.toml)
LDFLAGS := -X main.version=$(VERSION)
BUILD   := build

# Fyne 2.8's GLFW 3.4 compiles its Wayland backend too, hence the Wayland headers.
APT_GL   := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
            libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev wayland-protocols
# CUPS and cups-pdf: the print tests run a throwaway spooler (scripts/cups-spooler).
APT_TEST := $(APT_GL) poppler-utils zbar-tools xvfb imagemagick locales chromium fonts-wqy-microhei curl \
            cups cups-daemon cups-client cups-filters printer-driver-cups-pdf ghostscript
# Windows (README "Windows"): MinGW for cgo, osslsigncode to sign, NSIS for the
# installer, ImageMagick for its icon.
APT_WIN  := gcc-mingw-w64-x86-64 osslsigncode nsis imagemagick openssl
WIN_ICON := $(shell awk -F'"' '/Icon/ {print $$2; exit}' FyneApp.toml)
WINE_SHOT ?= $(BUILD)/windows-wine.png

export LANG := zh_CN.UTF-8

.PHONY: demo demo-bureau test bench server linux windows windows-desktop windows-server windows-check wine-smoke wine-peripherals \
	deps-test deps-win clean desk-memory

# A demo server on loopback seeded with 300 applications, and a workstation
# enrolled and logged in (scripts/demo); demo-bureau opens the reviewer's
# desk on the same server. Closing the window stops the server.
demo: deps-test
	scripts/demo clerk

demo-bureau: deps-test
	scripts/demo bureau

test: deps-test
	go vet ./...
	go test ./...

bench: deps-test
	go test -run '^$$' -bench . -benchmem ./...

server:
	go build -ldflags "$(LDFLAGS)" -o $(BUILD)/titledesk-server ./cmd/titledesk-server

linux: deps-test
	go build -tags no_emoji -o $(BUILD)/titledesk .

# The signed workstation, its signed installer and the signed server. Packaging
# runs on a copy of the tree (scripts/package-windows), so FyneApp.toml's Build,
# which fyne package bumps, stays as it is. Signing uses TITLEDESK_SIGN_* or a
# throwaway certificate (scripts/sign-windows).
windows: windows-desktop windows-server

windows-desktop: deps-win
	scripts/package-windows desktop $(BUILD)/titledesk.exe
	scripts/sign-windows $(BUILD)/titledesk.exe
	# The identity-card reader's helpers, for a vendor's 64-bit or 32-bit termb.dll (idcard).
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -o $(BUILD)/titledesk-idcard.exe ./cmd/titledesk-idcard
	GOOS=windows GOARCH=386 CGO_ENABLED=0 go build -trimpath -o $(BUILD)/titledesk-idcard-x86.exe ./cmd/titledesk-idcard
	scripts/sign-windows $(BUILD)/titledesk-idcard.exe
	scripts/sign-windows $(BUILD)/titledesk-idcard-x86.exe
	convert $(WIN_ICON) -depth 8 -define icon:auto-resize=256,64,48,32,16 $(BUILD)/titledesk.ico
	makensis -NOCD -INPUTCHARSET UTF8 -WX -V2 -DVERSION=$(VERSION) -DOUTDIR=$(BUILD) \
		-DSIGN=scripts/sign-windows packaging/windows/installer.nsi

windows-server: deps-win
	scripts/package-windows server $(BUILD)/titledesk-server.exe
	scripts/sign-windows $(BUILD)/titledesk-server.exe

# Version resources, subsystems, embedded tzdata and signatures of the above.
windows-check: deps-win
	scripts/check-windows $(BUILD)

# The installer, then titledesk.exe, under Wine and Xvfb; WINE_SHOT=docs/screenshots/windows-wine.png
# refreshes the README's picture.
wine-smoke:
	scripts/wine-smoke $(BUILD) $(WINE_SHOT)

# The counter's peripherals on Windows under Wine (scripts/wine-peripherals):
# a sealed page printed through GDI into a throwaway CUPS spooler and read
# back; the identity-card reader's helper reading a stub termb.dll.
wine-peripherals:
	scripts/wine-peripherals

deps-test:
	@scripts/need-apt $(APT_TEST)
	@scripts/need-locale

deps-win:
	@scripts/need-apt $(APT_WIN)

# The workstation under Xvfb on a desk of 100,000 applications: start time and
# resident memory at three screens (scripts/desk-memory; docs/BENCHMARKS.md).
desk-memory: deps-test
	scripts/need-apt xdotool
	scripts/desk-memory

clean:
	rm -rf $(BUILD)
