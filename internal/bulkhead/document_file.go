package bulkhead

import (
	"archive/zip"
	"bytes"
	"io"
	"path"
	"strings"
	"unicode"
)

// MaxDocumentFile is the largest file a document version may hold: 20 MiB.
const MaxDocumentFile = 20 << 20

// FileKind is an accepted type of uploaded document file.
type FileKind struct {
	MediaType string
	Ext       []string // accepted name extensions, lower case, with the dot
}

// Accepted file kinds.
var (
	FilePDF  = FileKind{"application/pdf", []string{".pdf"}}
	FilePNG  = FileKind{"image/png", []string{".png"}}
	FileJPEG = FileKind{"image/jpeg", []string{".jpg", ".jpeg"}}
	FileDOCX = FileKind{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}}
	FileXLSX = FileKind{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}}
)

// DetectFile returns the kind of an uploaded file from its content alone —
// magic bytes, and for the Office formats the main part named in the zip's
// [Content_Types].xml — never from its name or the client's media type.
// ok is false for anything else (an executable renamed .pdf, HTML, a zip
// that is not a Word or Excel document).
func DetectFile(b []byte) (k FileKind, ok bool) {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return FilePDF, true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return FilePNG, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return FileJPEG, true
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return detectOffice(b)
	}
	return FileKind{}, false
}

// detectOffice reads [Content_Types].xml of an OOXML package.
func detectOffice(b []byte) (FileKind, bool) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return FileKind{}, false
	}
	for _, f := range zr.File {
		if f.Name != "[Content_Types].xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return FileKind{}, false
		}
		ct, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return FileKind{}, false
		}
		switch {
		case bytes.Contains(ct, []byte("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")):
			return FileDOCX, true
		case bytes.Contains(ct, []byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")):
			return FileXLSX, true
		}
		return FileKind{}, false
	}
	return FileKind{}, false
}

// CleanFileName reduces an uploaded file's name to a safe base name: no
// directories, no control characters or quotes, at most 200 bytes.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		name = ""
	}
	for len(name) > 200 {
		_, size := lastRune(name)
		name = name[:len(name)-size]
	}
	return name
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0x80 || s[i] >= 0xC0 {
			return rune(s[i]), len(s) - i
		}
	}
	return 0, 1
}

// CheckFile checks an uploaded file: its size, its type by content, and that
// its name's extension fits that type. It returns the kind, or field errors
// for "file".
func CheckFile(name string, b []byte) (FileKind, map[string]string) {
	if len(b) == 0 {
		return FileKind{}, map[string]string{"file": FieldRequired}
	}
	if len(b) > MaxDocumentFile {
		return FileKind{}, map[string]string{"file": FieldFileSize}
	}
	k, ok := DetectFile(b)
	if !ok {
		return FileKind{}, map[string]string{"file": FieldFileType}
	}
	ext := strings.ToLower(path.Ext(name))
	if name == "" || !oneOf(ext, k.Ext) {
		return FileKind{}, map[string]string{"file": FieldFileName}
	}
	return k, nil
}
