package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v4"
)

// builtDocs are the API's documents, rendered once.
type builtDocs struct {
	doc  *openapi3.T
	json []byte
	yaml []byte
	html []byte
}

// registerDocs mounts the OpenAPI document (JSON and YAML) on g, the API v1
// group, and the browsable docs at /api/docs. They are built on first use,
// once, from the route table.
func (s *Server) registerDocs(g *echo.Group) {
	var (
		once  sync.Once
		built *builtDocs
		err   error
	)
	load := func() (*builtDocs, error) {
		once.Do(func() { built, err = s.buildDocs() })
		return built, err
	}
	serve := func(name, contentType string, body func(*builtDocs) []byte) echo.HandlerFunc {
		return func(c echo.Context) error {
			d, err := load()
			if err != nil {
				return fmt.Errorf("build API docs: %w", err)
			}
			b := body(d)
			sum := sha256.Sum256(b)
			h := c.Response().Header()
			h.Set(echo.HeaderContentType, contentType)
			h.Set(echo.HeaderCacheControl, "no-cache")
			h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
			http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(b))
			return nil
		}
	}
	g.GET("/openapi.json", serve("openapi.json", echo.MIMEApplicationJSON, func(d *builtDocs) []byte { return d.json }))
	g.GET("/openapi.yaml", serve("openapi.yaml", "application/yaml", func(d *builtDocs) []byte { return d.yaml }))
	s.echo.GET("/api/docs", serve("docs.html", echo.MIMETextHTMLCharsetUTF8, func(d *builtDocs) []byte { return d.html }))
	s.echo.GET("/api/docs/docs.css", serve("docs.css", "text/css; charset=utf-8", func(*builtDocs) []byte { return docsCSS }))
}

// buildDocs renders the OpenAPI document of the route table and its page.
func (s *Server) buildDocs() (*builtDocs, error) {
	routes := documentedRoutes(s.Routes())
	doc, schemas, err := buildOpenAPI(s.cfg.Version, routes)
	if err != nil {
		return nil, err
	}
	out := &builtDocs{doc: doc}
	if out.json, err = json.MarshalIndent(doc, "", "  "); err != nil {
		return nil, fmt.Errorf("marshal OpenAPI JSON: %w", err)
	}
	if out.yaml, err = yaml.Marshal(doc); err != nil {
		return nil, fmt.Errorf("marshal OpenAPI YAML: %w", err)
	}
	var buf bytes.Buffer
	if err := docsTemplate.Execute(&buf, docsPageOf(doc, schemas, routes)); err != nil {
		return nil, fmt.Errorf("render API docs: %w", err)
	}
	out.html = buf.Bytes()
	return out, nil
}

// The docs page is html/template (every string escaped) without scripts,
// and its styles are a file of their own: the CSP allows neither inline
// scripts nor inline styles.
//
//go:embed docs.html
var docsHTML string

//go:embed docs.css
var docsCSS []byte

var docsTemplate = template.Must(template.New("docs").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(docsHTML))

// docsPage is what the template shows.
type docsPage struct {
	Title, Version string
	Description    []template.HTML // paragraphs
	Tags           []docsTag
	Schemas        []docsSchema
}

type docsTag struct {
	Name   string
	Routes []docsRoute
}

type docsRoute struct {
	ID, Method, Path, Summary, Who string
	Public                         bool
	Params                         []docsField
	Body                           *docsBody
	Success                        []docsBody
	Errors                         []string
}

// docsBody is a request or response body: its type and top-level fields.
type docsBody struct {
	Status   string // of a response
	Type     docsType
	Required bool // of a request
	Media    string
	Fields   []docsField
}

type docsField struct {
	Name, In, Note string
	Type           docsType
	Required       bool // a required parameter
}

// docsType is a type's label: Before, then a link to the schema Link (when
// not empty), then After.
type docsType struct {
	Before, Link, After string
}

type docsSchema struct {
	Name   string
	Fields []docsField
}

// docsPageOf lays the document out by tag, in route-table order.
func docsPageOf(doc *openapi3.T, b *schemaBuilder, routes []docRoute) docsPage {
	page := docsPage{Title: doc.Info.Title, Version: doc.Info.Version, Description: paragraphs(doc.Info.Description)}
	for _, r := range routes {
		path := openAPIPath(r.FullPath)
		op := doc.Paths.Value(path).GetOperation(r.Method)
		i := slices.IndexFunc(page.Tags, func(t docsTag) bool { return t.Name == r.Tag })
		if i < 0 {
			page.Tags = append(page.Tags, docsTag{Name: r.Tag})
			i = len(page.Tags) - 1
		}
		dr := docsRoute{ID: op.OperationID, Method: r.Method, Path: path, Summary: op.Summary, Who: r.Who, Public: r.Public}
		for _, p := range op.Parameters {
			dr.Params = append(dr.Params, docsField{Name: p.Value.Name, In: p.Value.In, Type: typeOf(p.Value.Schema),
				Required: p.Value.Required, Note: p.Value.Description})
		}
		if rb := op.RequestBody; rb != nil {
			for media, mt := range rb.Value.Content { // JSON, or multipart for an upload
				dr.Body = &docsBody{Type: typeOf(mt.Schema), Required: rb.Value.Required, Media: media,
					Fields: fieldsOf(mt.Schema, b)}
			}
		}
		for _, code := range sortedCodes(op.Responses) {
			resp := op.Responses.Value(code)
			status, _ := strconv.Atoi(code)
			if status >= 400 {
				dr.Errors = append(dr.Errors, code+" "+http.StatusText(status))
				continue
			}
			body := docsBody{Status: code + " " + http.StatusText(status)}
			for media, mt := range resp.Value.Content {
				body.Media, body.Type = media, typeOf(mt.Schema)
				body.Fields = fieldsOf(mt.Schema, b)
			}
			dr.Success = append(dr.Success, body)
		}
		page.Tags[i].Routes = append(page.Tags[i].Routes, dr)
	}
	names := make([]string, 0, len(doc.Components.Schemas))
	for name := range doc.Components.Schemas {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		page.Schemas = append(page.Schemas, docsSchema{Name: name,
			Fields: fieldsOf(&openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: doc.Components.Schemas[name].Value}, b)})
	}
	return page
}

func sortedCodes(r *openapi3.Responses) []string {
	codes := make([]string, 0, r.Len())
	for code := range r.Map() {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}

// fieldsOf are the properties of an object schema, in declaration order for
// components; a list's fields are those of its items' object.
func fieldsOf(ref *openapi3.SchemaRef, b *schemaBuilder) []docsField {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if len(s.AllOf) == 1 {
		return fieldsOf(s.AllOf[0], b)
	}
	var order []string
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		order = b.Fields[name]
	}
	if order == nil {
		for name := range s.Properties {
			order = append(order, name)
		}
		slices.Sort(order)
	}
	var out []docsField
	for _, name := range order {
		p, ok := s.Properties[name]
		if !ok {
			continue
		}
		f := docsField{Name: name, Type: typeOf(p)}
		if p.Ref == "" && p.Value != nil {
			f.Note = p.Value.Description
		}
		if len(s.Required) > 0 && !slices.Contains(s.Required, name) {
			// An answer's field that is left out when empty.
			f.Note = strings.TrimPrefix(f.Note+"; omitted when empty", "; ")
		}
		out = append(out, f)
	}
	return out
}

// typeOf labels a schema: "integer", "string (date) | null", "array of
// Campaign", "object of KPIBlock"…
func typeOf(ref *openapi3.SchemaRef) docsType {
	if ref == nil {
		return docsType{Before: "any"}
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		return docsType{Link: name}
	}
	s := ref.Value
	if s == nil {
		return docsType{Before: "any"}
	}
	null := ""
	if s.Nullable {
		null = " | null"
	}
	switch {
	case len(s.AllOf) == 1:
		t := typeOf(s.AllOf[0])
		t.After += null
		return t
	case s.Type.Is(openapi3.TypeArray):
		t := typeOf(s.Items)
		t.Before = "array of " + t.Before
		t.After += null
		return t
	case s.Type.Is(openapi3.TypeObject) && s.AdditionalProperties.Schema != nil:
		t := typeOf(s.AdditionalProperties.Schema)
		t.Before = "object of " + t.Before
		t.After += null
		return t
	case s.Type == nil || len(*s.Type) == 0:
		return docsType{Before: "any"}
	}
	label := (*s.Type)[0]
	if s.Format != "" && s.Format != "int64" && s.Format != "double" {
		label += " (" + s.Format + ")"
	}
	if len(s.Enum) > 0 {
		values := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			values[i] = fmt.Sprint(v)
		}
		label += ": " + strings.Join(values, " | ")
	}
	if s.Min != nil && s.Max != nil {
		label += fmt.Sprintf(" %g–%g", *s.Min, *s.Max)
	}
	return docsType{Before: label + null}
}

// paragraphs renders the little Markdown the description uses: paragraphs,
// **bold** and `code`. Every piece of text is escaped.
func paragraphs(markdown string) []template.HTML {
	var out []template.HTML
	for para := range strings.SplitSeq(markdown, "\n\n") {
		var sb strings.Builder
		for i, part := range strings.Split(strings.TrimSpace(para), "`") {
			if i%2 == 1 {
				sb.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
				continue
			}
			for j, text := range strings.Split(part, "**") {
				if j%2 == 1 {
					sb.WriteString("<strong>" + template.HTMLEscapeString(text) + "</strong>")
				} else {
					sb.WriteString(template.HTMLEscapeString(text))
				}
			}
		}
		out = append(out, template.HTML(sb.String())) //nolint:gosec // built from escaped pieces
	}
	return out
}
