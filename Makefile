# TitleDesk. `make demo` runs the workstation; `make test` runs every test.
# Both install the Debian packages they need when run as root.

VERSION ?= $(shell awk -F'"' '/Version/ {print $$2; exit}' FyneApp.toml)
LDFLAGS := -X main.version=$(VERSION)
BUILD   := build

# Fyne 2.8's GLFW 3.4 compiles its Wayland backend too, hence the Wayland headers.
APT_GL   := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
            libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev wayland-protocols
APT_TEST := $(APT_GL) poppler-utils xvfb imagemagick locales
APT_WIN  := gcc-mingw-w64-x86-64

export LANG := zh_CN.UTF-8

.PHONY: demo test bench server linux windows deps-test deps-win clean

demo: deps-test
	go run . -data "$$(mktemp -d)"

test: deps-test
	go vet ./...
	go test ./...

bench: deps-test
	go test -run '^$$' -bench . -benchmem ./...

server:
	go build -ldflags "$(LDFLAGS)" -o $(BUILD)/titledesk-server ./cmd/titledesk-server

linux: deps-test
	go build -ldflags "$(LDFLAGS)" -o $(BUILD)/titledesk .

windows: deps-win
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
		go build -ldflags "$(LDFLAGS) -H=windowsgui" -o $(BUILD)/titledesk.exe .
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc \
		go build -ldflags "$(LDFLAGS)" -o $(BUILD)/titledesk-server.exe ./cmd/titledesk-server

deps-test:
	@scripts/need-apt $(APT_TEST)
	@scripts/need-locale

deps-win:
	@scripts/need-apt $(APT_WIN)

clean:
	rm -rf $(BUILD)
