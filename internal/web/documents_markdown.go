package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders the Markdown of document versions. It is goldmark with
// its safe defaults: without html.WithUnsafe raw HTML (a <script>, an <img
// onerror=…>) is left out of the output, and links or images with a
// dangerous URL (javascript:, vbscript:, data: other than images, file:)
// lose the URL. Attribute syntax ({onclick=…}) is not enabled. Tables and
// strike-through come from GitHub-flavoured Markdown; autolinks stay off so
// that only links the author wrote become links.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(headingShift{}, 100))),
)

// headingShift moves the text's headings two levels down (# becomes <h3>),
// so that a document's own headings sit under the page's <h1> and the
// section's <h2>.
type headingShift struct{}

// Transform implements parser.ASTTransformer.
func (headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+2, 6)
		}
		return ast.WalkContinue, nil
	})
}

// renderMarkdown renders a version's text as HTML that is safe to put in a
// page as is.
func renderMarkdown(src string) (template.HTML, error) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
