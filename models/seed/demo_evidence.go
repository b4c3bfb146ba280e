package seed

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/nalgae/nalgae/models"
)

// The demo's evidence (SPEC §14.2): the last two days a team submitted for
// review carry a small picture standing in for the ad console's
// screenshot, so that the paper-clip shows on `make run` and the professor
// has something to open in the approval queue. Only when the
// store keeps files (`nalgae seed --demo` opens NALGAE_BLOB_URL); the
// files are written through AddEvidence like an upload.

// demoEvidenceDays is how many of the last submitted days carry evidence.
const demoEvidenceDays = 2

// attachDemoEvidence attaches the stand-in screenshot of entry m, uploaded
// by the team's leader.
func (d *demoSeeder) attachDemoEvidence(student models.Actor, m *models.MetricEntry) error {
	data, err := demoScreenshot(m.SpendKRW, m.RevenueKRW)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("광고보고서-%s.png", m.Date)
	if _, err := d.s.AddEvidence(d.ctx, student, models.EvidenceOfMetric, m.ID, models.EvidenceFile{Name: name, Data: data}); err != nil {
		return fmt.Errorf("evidence of %s: %w", m.Date, err)
	}
	return nil
}

// demoScreenshot draws a 240×120 PNG: a title bar and two bars, spend and
// revenue, in proportion. No text: it is labelled a stand-in by its name
// and by the README, and needs no font.
func demoScreenshot(spend, revenue int64) ([]byte, error) {
	const w, h = 240, 120
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill(0, 0, w, h, color.RGBA{255, 255, 255, 255})
	fill(0, 0, w, 18, color.RGBA{3, 199, 90, 255}) // the console's green bar
	top := max(spend, revenue, 1)
	bar := func(x int, v int64, c color.RGBA) {
		height := int(v * 80 / top)
		fill(x, 110-height, x+50, 110, c)
	}
	bar(50, spend, color.RGBA{29, 78, 216, 255})
	bar(140, revenue, color.RGBA{245, 158, 11, 255})
	fill(30, 110, 210, 112, color.RGBA{75, 85, 99, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("demo evidence: %w", err)
	}
	return buf.Bytes(), nil
}
