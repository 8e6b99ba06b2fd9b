package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
)

// getBlob serves a blob the device may see, with Range so an interrupted
// download resumes where it stopped.
func (s *Server) getBlob(w http.ResponseWriter, r *http.Request, dev *data.Device) error {
	sum := r.PathValue("sha256")
	if !blobstore.ValidSum(sum) {
		return data.Errorf(data.EINVALID, "文件编号格式不正确")
	}
	ok, err := s.Sync.BlobVisible(r.Context(), dev, sum)
	if err != nil {
		return err
	}
	if !ok {
		return data.Errorf(data.ENOTFOUND, "文件不存在或不在本工作站的办理范围内")
	}
	f, err := s.Blobs.Open(sum)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, sum, time.Time{}, f)
	return nil
}

// putBlob takes an image a workstation uploads before the command naming
// it: only JPEG or PNG, only bytes that hash to the name.
func (s *Server) putBlob(w http.ResponseWriter, r *http.Request, _ *data.Device) error {
	sum := r.PathValue("sha256")
	if !blobstore.ValidSum(sum) {
		return data.Errorf(data.EINVALID, "文件编号格式不正确")
	}
	b, err := blobstore.ReadLimited(http.MaxBytesReader(w, r.Body, blobstore.MaxImageBytes+1))
	if err != nil {
		return data.Errorf(data.EINVALID, "上传中断或文件过大：%w", err)
	}
	if _, err := blobstore.CheckImage(b, sum[:12]); err != nil {
		return err
	}
	if err := s.Blobs.PutVerified(sum, b); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// UploadBlob sends a local blob to the server.
func (c *Client) UploadBlob(ctx context.Context, sum string, b []byte) error {
	return c.do(ctx, http.MethodPut, "/api/v1/blobs/"+sum, rawBody(b), nil)
}

// rawBody marks a request body sent as it is rather than as JSON.
type rawBody []byte

// DownloadBlob fetches a blob into dir. A partial download is kept beside
// the store and resumed with Range; bytes that do not hash to the name are
// thrown away, so the next try starts afresh.
func (c *Client) DownloadBlob(ctx context.Context, dir blobstore.Dir, sum string) error {
	if dir.Has(sum) {
		return nil
	}
	part := filepath.Join(string(dir), "partial", sum)
	if err := os.MkdirAll(filepath.Dir(part), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	have, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	req, err := c.request(ctx, http.MethodGet, "/api/v1/blobs/"+sum, nil)
	if err != nil {
		return err
	}
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	resp, err := c.send(c.HTTP, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
	case http.StatusOK, http.StatusRequestedRangeNotSatisfiable:
		// Whole body again (or our partial file is longer than the blob).
		if err := restart(f, h); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%w: range refused for %s", ErrUnreachable, sum[:12])
		}
	default:
		return errorFrom(resp)
	}
	if _, err := io.Copy(io.MultiWriter(f, h), resp.Body); err != nil {
		return fmt.Errorf("%w: download %s: %w", ErrUnreachable, sum[:12], err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		_ = restart(f, h)
		return data.Errorf(data.EINVALID, "下载的文件 %s… 校验不符，已丢弃，将重新下载", sum[:12])
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if err := dir.PutVerified(sum, b); err != nil {
		return err
	}
	return os.Remove(part)
}

func restart(f *os.File, h hash.Hash) error {
	h.Reset()
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}
