// Package frontend embeds the built single-page app. Without a build (no
// Node on the machine) it serves a placeholder page, so that Go contributors
// can build and test the server alone.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

//go:embed placeholder.html
var placeholder []byte

// Files is the built SPA (dist/), possibly holding only .keep.
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time; this cannot fail
	}
	return sub
}

// Index is the SPA's index.html, or the placeholder when it was not built.
func Index() []byte {
	if b, err := fs.ReadFile(Files(), "index.html"); err == nil {
		return b
	}
	return placeholder
}

// Built reports whether the real SPA is embedded.
func Built() bool {
	_, err := fs.Stat(Files(), "index.html")
	return err == nil
}
