package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Issue 4's file targets: uploading a 1 GB file raises the server's
// resident memory by at most 50 MB, and a Range request for the last
// megabyte of that file answers within 20 ms.
const (
	uploadBytes        = 1 << 30
	targetUploadRSS    = 50 << 20
	targetRangeLatency = 20 * time.Millisecond
	rangeRequests      = 50
)

// uploadResult is the upload scenario's figures.
type uploadResult struct {
	Bytes      int64   `json:"bytes"`
	Seconds    float64 `json:"seconds"`
	ResourceID int64   `json:"resource_id"`
	RSSBefore  int64   `json:"rss_before_bytes"`
	RSSPeak    int64   `json:"rss_peak_bytes"`
	Samples    int     `json:"rss_samples"`
	RangeP50   float64 `json:"range_p50_ms"`
	RangeMax   float64 `json:"range_max_ms"`
	RangeOK    int     `json:"range_206"`
}

// RSSRise is how much the upload raised the server's resident memory.
func (u *uploadResult) RSSRise() int64 { return max(0, u.RSSPeak-u.RSSBefore) }

// runUpload streams a generated 1 GB MP4-shaped file through POST
// /api/v1/resources/files (the API's streamed multipart upload) while
// sampling the server's RSS every 20 ms, then asks for the file's last
// megabyte with Range requests and times them. The body is generated as it
// is sent, so the client holds none of it either.
func runUpload(ctx context.Context, srv *server, token string, log io.Writer) (*uploadResult, error) {
	res := &uploadResult{Bytes: uploadBytes}
	var err error
	if res.RSSBefore, _, err = processMemory(srv.pid()); err != nil {
		return nil, err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _, err := processMemory(srv.pid()); err == nil {
				res.RSSPeak, res.Samples = max(res.RSSPeak, rss), res.Samples+1
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	fmt.Fprintf(log, "upload: streaming %s MB to /api/v1/resources/files\n", count(uploadBytes>>20))
	began := time.Now()
	id, err := upload(ctx, srv.url("/api/v1/resources/files"), token)
	res.Seconds = time.Since(began).Seconds()
	close(stop)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	res.ResourceID = id
	fmt.Fprintf(log, "  %.1f s, server RSS %s before, %s at the peak\n", res.Seconds, megabytes(res.RSSBefore), megabytes(res.RSSPeak))

	url := srv.url("/api/v1/resources/" + strconv.FormatInt(id, 10) + "/file")
	var lat []time.Duration
	client := &http.Client{Timeout: 30 * time.Second}
	for range rangeRequests {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Range", "bytes="+strconv.Itoa(uploadBytes-1<<20)+"-")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("range request: %w", err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
		if resp.StatusCode == http.StatusPartialContent && n == 1<<20 {
			res.RangeOK++
		}
	}
	slices.Sort(lat)
	res.RangeP50, res.RangeMax = ms(lat[len(lat)/2]), ms(lat[len(lat)-1])
	fmt.Fprintf(log, "  last megabyte by Range: p50 %s, max %s, %d of %d answered 206 with 1 MB\n",
		millis(res.RangeP50), millis(res.RangeMax), res.RangeOK, rangeRequests)
	// The file is random, so every run stores a new gigabyte: delete it.
	req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, srv.url("/api/v1/resources/"+strconv.FormatInt(id, 10)), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
	return res, nil
}

// upload sends the multipart body and returns the new resource's ID.
func upload(ctx context.Context, url, token string) (int64, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			for k, v := range map[string]string{"title": "课堂实录（基准测试）", "type": "lesson_record",
				"licence": "all_rights_reserved", "visibility": "private"} {
				if err := mw.WriteField(k, v); err != nil {
					return err
				}
			}
			part, err := mw.CreateFormFile("file", "lesson.mp4")
			if err != nil {
				return err
			}
			if _, err := io.Copy(part, io.LimitReader(&fakeMP4{}, uploadBytes)); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, pr)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return 0, fmt.Errorf("upload: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("upload: status %d: %s", resp.StatusCode, body)
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ID == 0 {
		return 0, fmt.Errorf("upload: answer %s: %v", body, err)
	}
	return out.ID, nil
}

// fakeMP4 reads as an MP4 file: an ftyp box, then bytes that differ from
// run to run (so content addressing cannot find an earlier upload) and do
// not compress.
type fakeMP4 struct {
	n    int64
	seed uint64
}

func (f *fakeMP4) Read(p []byte) (int, error) {
	if f.n == 0 {
		f.seed = uint64(time.Now().UnixNano()) | 1
		head := []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
		n := copy(p, head)
		f.n += int64(n)
		return n, nil
	}
	for i := range p {
		f.seed ^= f.seed << 13
		f.seed ^= f.seed >> 7
		f.seed ^= f.seed << 17
		p[i] = byte(f.seed)
	}
	f.n += int64(len(p))
	return len(p), nil
}
