package app

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
)

// ImageFile is a picture on this PC that a clerk may import, such as the
// photo of a receipt or a payment screenshot an applicant just sent.
type ImageFile struct {
	Path     string
	Modified time.Time
}

// proofFolders are where a counter PC keeps the pictures it just received,
// under the user's home: downloads, the desktop and pictures (Windows names
// them in English on disk, also when OneDrive keeps them, and a Chinese Linux
// desktop in Chinese), and the month folders of files received in WeChat for
// Windows, 3.x and 4.x, of which only the newest few are read.
var proofFolders = []struct {
	pattern string
	newest  int // read only the last so many matches in name order; 0 is all
}{
	{"Downloads", 0}, {"下载", 0}, {"Desktop", 0}, {"桌面", 0}, {"Pictures", 0}, {"图片", 0}, {"Pictures/Screenshots", 0},
	{"OneDrive/Desktop", 0}, {"OneDrive/桌面", 0}, {"OneDrive/Pictures", 0}, {"OneDrive/图片", 0},
	{"Documents/WeChat Files/*/FileStorage/File/*", 3}, {"Documents/xwechat_files/*/msg/file/*", 3},
}

// imageExtensions are the formats RecordPayment accepts as a proof.
var imageExtensions = []string{".jpg", ".jpeg", ".png"}

// RecentImages lists the JPEG and PNG files directly in the folders given
// (the document camera's) and in the proof folders under home, newest
// first, at most limit of them. Folders that are missing or unreadable are
// passed over: this is a convenience, and the clerk can still type any path.
func RecentImages(home string, folders []string, limit int) []ImageFile {
	var out []ImageFile
	seen := map[string]bool{}
	for _, dir := range folders {
		out = append(out, imagesIn(dir, seen)...)
	}
	// Globbed below home, not with it: a home folder's name may hold a
	// glob's special characters, which Windows paths cannot escape.
	homeFS := os.DirFS(home)
	for _, folder := range proofFolders {
		dirs, _ := fs.Glob(homeFS, folder.pattern)
		if folder.newest > 0 {
			// Month folders are named 2026-11, under one folder per account.
			slices.SortStableFunc(dirs, func(a, b string) int { return strings.Compare(path.Base(a), path.Base(b)) })
			dirs = dirs[max(len(dirs)-folder.newest, 0):]
		}
		for _, dir := range dirs {
			out = append(out, imagesIn(filepath.Join(home, filepath.FromSlash(dir)), seen)...)
		}
	}
	slices.SortFunc(out, func(a, b ImageFile) int { return b.Modified.Compare(a.Modified) })
	return out[:min(len(out), limit)]
}

// imagesIn lists the pictures directly in dir not seen yet, and marks them
// seen.
func imagesIn(dir string, seen map[string]bool) []ImageFile {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []ImageFile
	for _, e := range entries {
		file := filepath.Join(dir, e.Name())
		// Any file but a folder: Windows reports a OneDrive picture kept
		// online only as irregular.
		if seen[file] || e.IsDir() || strings.HasPrefix(e.Name(), ".") ||
			!slices.Contains(imageExtensions, strings.ToLower(filepath.Ext(e.Name()))) {
			continue
		}
		seen[file] = true
		if info, err := e.Info(); err == nil {
			out = append(out, ImageFile{Path: file, Modified: info.ModTime()})
		}
	}
	return out
}

// Names of the workstation's plain settings (sqlite.Store.Setting).
const (
	settingCamera   = "camera_folder"
	settingIdleLock = "idle_lock_minutes"
)

// CameraFolder is where this desk's document camera (高拍仪) saves its
// pictures, "" when none is set.
func (d *Desk) CameraFolder(ctx context.Context) string {
	dir, _ := d.Store.Setting(ctx, settingCamera)
	return dir
}

// SetCameraFolder sets the document camera's folder: a folder on this PC,
// given in full; "" sets none.
func (d *Desk) SetCameraFolder(ctx context.Context, dir string) error {
	dir = strings.Trim(strings.TrimSpace(dir), `"`)
	if dir != "" {
		if info, err := os.Stat(dir); !filepath.IsAbs(dir) || err != nil || !info.IsDir() {
			return data.Errorf(data.EINVALID, "找不到文件夹“%s”：请填写高拍仪保存图片的文件夹的完整路径", dir)
		}
	}
	return d.Store.SetSetting(ctx, settingCamera, dir)
}

// IdleLock is how long this desk waits without input before it locks, as
// set in 设置; 0 when never set.
func (d *Desk) IdleLock(ctx context.Context) time.Duration {
	v, _ := d.Store.Setting(ctx, settingIdleLock)
	m, _ := strconv.Atoi(v)
	return time.Duration(m) * time.Minute
}

// SetIdleLock keeps the idle lock chosen in 设置.
func (d *Desk) SetIdleLock(ctx context.Context, after time.Duration) error {
	return d.Store.SetSetting(ctx, settingIdleLock, strconv.Itoa(int(after.Minutes())))
}
