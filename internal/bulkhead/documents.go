package bulkhead

import "context"

// DocumentReader reads controlled documents (ISO 28000 7.5: the security
// policy, the scope statement, procedures, plans …), their versions and
// acknowledgements. It is part of Reader.
type DocumentReader interface {
	// Document returns a document of an organisation. ENOTFOUND.
	Document(ctx context.Context, orgID, id string) (*Document, error)
	// Documents returns one page of an organisation's documents and the
	// total that match. The filter must be normalised.
	Documents(ctx context.Context, f DocumentFilter) ([]*Document, int, error)
	// DocumentVersion returns a version of a document of an organisation,
	// without its file's bytes. ENOTFOUND.
	DocumentVersion(ctx context.Context, orgID, id string) (*DocumentVersion, error)
	// DocumentVersions lists a document's versions, newest first, without
	// their files' bytes.
	DocumentVersions(ctx context.Context, orgID, documentID string) ([]*DocumentVersion, error)
	// DocumentVersionsByStatus lists an organisation's versions in one
	// status, oldest first (e.g. those awaiting approval).
	DocumentVersionsByStatus(ctx context.Context, orgID string, status VersionStatus) ([]*DocumentVersion, error)
	// DocumentFile returns the bytes of a version's file. ENOTFOUND.
	DocumentFile(ctx context.Context, orgID, versionID string) ([]byte, error)
	// DocumentAcks lists the acknowledgements of a version, oldest first.
	DocumentAcks(ctx context.Context, orgID, versionID string) ([]*DocumentAck, error)
	// UserDocumentAcks lists a user's acknowledgements in an organisation.
	UserDocumentAcks(ctx context.Context, orgID, userID string) ([]*DocumentAck, error)
}

// DocumentWriter changes controlled documents. It is part of Tx.
type DocumentWriter interface {
	// CreateDocument stores a new document. ECONFLICT on a taken reference.
	CreateDocument(ctx context.Context, d *Document) error
	// UpdateDocument saves every field of a document. ENOTFOUND, ECONFLICT.
	UpdateDocument(ctx context.Context, d *Document) error
	// CreateDocumentVersion stores a new version and, when file is not
	// nil, its file's bytes. ECONFLICT on a taken number.
	CreateDocumentVersion(ctx context.Context, v *DocumentVersion, file []byte) error
	// UpdateDocumentVersion saves every field of a version; file, when not
	// nil, replaces its file's bytes. ENOTFOUND.
	UpdateDocumentVersion(ctx context.Context, v *DocumentVersion, file []byte) error
	// CreateDocumentAck stores an acknowledgement. ECONFLICT when the user
	// has acknowledged the version already.
	CreateDocumentAck(ctx context.Context, a *DocumentAck) error
}
