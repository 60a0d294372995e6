package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file with its content hash.
type asset struct {
	body        []byte
	hash        string
	contentType string
}

// assets are the embedded static files, served under content-hashed paths
// (/static/<hash>/<name>) so that browsers may cache them for ever and a
// changed file gets a new URL.
type assets struct {
	files map[string]*asset
}

// assetHash returns the path component that names a version of a file:
// the first 16 hex digits of its SHA-256.
func assetHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:8])
}

// loadAssets reads and hashes every file under static/ in fsys.
func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.files[path.Base(p)] = &asset{body: body, hash: assetHash(body), contentType: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	for _, need := range []string{"app.css", "app.js", "logo.svg"} {
		if a.files[need] == nil {
			return nil, fmt.Errorf("web: static asset %s is missing", need)
		}
	}
	return a, nil
}

// path returns the URL of an asset; templates call it as {{asset "app.css"}}.
// An unknown name is an error, which fails the page (and the render test).
func (a *assets) path(name string) (string, error) {
	f := a.files[name]
	if f == nil {
		return "", fmt.Errorf("unknown static asset %q", name)
	}
	return "/static/" + f.hash + "/" + name, nil
}

// static serves an asset when the hash in the path is its current hash.
func (s *server) static(w http.ResponseWriter, r *http.Request) {
	f := s.assets.files[r.PathValue("name")]
	if f == nil || r.PathValue("hash") != f.hash {
		s.plainError(w, r, http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	h.Set("ETag", `"`+f.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(f.body)
}
