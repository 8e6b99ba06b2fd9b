package app

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ImageFile is a picture on this PC that a clerk may import, such as the
// photo of a receipt or a payment screenshot an applicant just sent.
type ImageFile struct {
	Path     string
	Modified time.Time
}

// proofFolders are where a counter PC keeps the pictures it just received,
// under the user's home: downloads, the desktop and pictures (Windows names
// them in English on disk, a Chinese Linux desktop in Chinese), and the month
// folders of files received in WeChat for Windows, 3.x and 4.x.
var proofFolders = []string{
	"Downloads", "下载", "Desktop", "桌面", "Pictures", "图片", "Pictures/Screenshots",
	"Documents/WeChat Files/*/FileStorage/File/*", "Documents/xwechat_files/*/msg/file/*",
}

// imageExtensions are the formats RecordPayment accepts as a proof.
var imageExtensions = []string{".jpg", ".jpeg", ".png"}

// RecentImages lists the JPEG and PNG files directly in the proof folders
// under home, newest first, at most limit of them. Folders that are missing
// or unreadable are passed over: this is a convenience, and the clerk can
// still type any path.
func RecentImages(home string, limit int) []ImageFile {
	var out []ImageFile
	seen := map[string]bool{}
	// Globbed below home, not with it: a home folder's name may hold a
	// glob's special characters, which Windows paths cannot escape.
	homeFS := os.DirFS(home)
	for _, pattern := range proofFolders {
		dirs, _ := fs.Glob(homeFS, pattern)
		for _, dir := range dirs {
			entries, err := os.ReadDir(filepath.Join(home, filepath.FromSlash(dir)))
			if err != nil {
				continue
			}
			for _, e := range entries {
				path := filepath.Join(home, filepath.FromSlash(dir), e.Name())
				// Any file but a folder: Windows reports a OneDrive picture
				// kept online only as irregular.
				if seen[path] || e.IsDir() || strings.HasPrefix(e.Name(), ".") ||
					!slices.Contains(imageExtensions, strings.ToLower(filepath.Ext(e.Name()))) {
					continue
				}
				seen[path] = true
				if info, err := e.Info(); err == nil {
					out = append(out, ImageFile{Path: path, Modified: info.ModTime()})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b ImageFile) int { return b.Modified.Compare(a.Modified) })
	return out[:min(len(out), limit)]
}
