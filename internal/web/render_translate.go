package web

import (
	"html/template"
	"io"
	"strings"
	"text/template/parse"

	"github.com/motcua/motcua/internal/i18n"
)

// Translating at load time. A page calls t for each of its few dozen labels, and
// text/template calls a function through reflection: on the look-up page the calls cost
// more than everything else the page does. Since each language has its own parsed
// templates, a label whose key is written in the template ({{t "portal.lookup_code"}})
// is the same text on every request: once html/template has escaped the templates, such
// an action whose only escaper is the HTML text or attribute escaper is replaced by its
// text, escaped by the same rules. Every other action (a key computed at run time,
// arguments, a URL or script context) is left to run as written.

// htmlEscapes is html/template's escaping of text and quoted attribute values
// (htmlReplacementTable), so the text written is byte for byte what the escaper writes.
var htmlEscapes = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;",
	"<", "&lt;", ">", "&gt;")

// textEscapers are the escapers html/template puts after an action in text, RCDATA and
// quoted attribute values; they all escape with htmlEscapes.
var textEscapers = map[string]bool{"_html_template_htmlescaper": true, "_html_template_attrescaper": true,
	"_html_template_rcdataescaper": true}

// translateLabels replaces the constant labels of a page's templates by their text in
// lang. The templates are escaped first (html/template escapes when a template is first
// executed, whatever the data; the execution's own error is of no interest here).
func translateLabels(t *template.Template, cat *i18n.Catalogs, lang string) {
	_ = t.ExecuteTemplate(io.Discard, "layout", &page{Lang: lang})
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Tree.Root != nil {
			translateList(tt.Tree.Root, cat, lang)
		}
	}
}

func translateList(l *parse.ListNode, cat *i18n.Catalogs, lang string) {
	if l == nil {
		return
	}
	for i, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			if text, ok := constantLabel(n, cat, lang); ok {
				l.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: []byte(text)}
			}
		case *parse.IfNode:
			translateList(n.List, cat, lang)
			translateList(n.ElseList, cat, lang)
		case *parse.RangeNode:
			translateList(n.List, cat, lang)
			translateList(n.ElseList, cat, lang)
		case *parse.WithNode:
			translateList(n.List, cat, lang)
			translateList(n.ElseList, cat, lang)
		case *parse.ListNode:
			translateList(n, cat, lang)
		}
	}
}

// constantLabel recognises {{t "key" | escaper}} with a text escaper and returns what it
// writes.
func constantLabel(n *parse.ActionNode, cat *i18n.Catalogs, lang string) (string, bool) {
	p := n.Pipe
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) != 2 {
		return "", false
	}
	call, esc := p.Cmds[0].Args, p.Cmds[1].Args
	if len(call) != 2 || len(esc) != 1 {
		return "", false
	}
	fn, ok := call[0].(*parse.IdentifierNode)
	key, isString := call[1].(*parse.StringNode)
	escaper, isIdent := esc[0].(*parse.IdentifierNode)
	if !ok || fn.Ident != "t" || !isString || !isIdent || !textEscapers[escaper.Ident] {
		return "", false
	}
	return htmlEscapes.Replace(cat.T(lang, key.Text)), true
}
