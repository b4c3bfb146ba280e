package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models/modelstest"
)

// A list in an answer is always there: `[]` (or `{}`), never absent and never
// null. A client that reads `team.members.length` must not crash on a team
// without members (a blank setup page blocked every new program).

// TestResponseTypesNeverOmitLists walks every response type of the route table
// and refuses a slice or map field tagged omitempty, which encoding/json drops
// when empty.
func TestResponseTypesNeverOmitLists(t *testing.T) {
	env := newEnv(t)
	seen := map[reflect.Type]bool{}
	for _, r := range env.srv.Routes() {
		if r.Resp == nil {
			continue
		}
		for _, bad := range omittedLists(reflect.TypeOf(r.Resp), reflect.TypeOf(r.Resp).String(), seen) {
			t.Errorf("%s %s: %s is a list tagged omitempty", r.Method, r.Path, bad)
		}
	}
}

func omittedLists(t reflect.Type, at string, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map) && slices.Contains(strings.Split(opts, ","), "omitempty") {
			out = append(out, at+"."+name)
		}
		out = append(out, omittedLists(f.Type, at+"."+name, seen)...)
	}
	return out
}

// TestAnswersCarryEmptyLists calls every JSON GET route of the table on
// records that have nothing below them (a new program, a team without
// members, campaigns, sales or comments, a campaign without entries) and
// checks, against the route's response type, that every list field is present
// as a JSON array or object.
func TestAnswersCarryEmptyLists(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	admin := env.token(w.Admin)
	create := func(path string, body any) uint64 {
		t.Helper()
		rec := env.do("POST", "/api/v1"+path, body, admin)
		expectStatus(t, rec, http.StatusCreated)
		var got struct {
			ID uint64 `json:"id"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		return got.ID
	}
	programID := create("/programs", map[string]any{"name": "빈 사업", "city": "부산광역시", "starts_on": "2026-03-02", "ends_on": "2026-06-30"})
	merchantID := create("/merchants", map[string]any{"name": "빈 가게"})
	teamID := create("/programs/"+strconv.FormatUint(programID, 10)+"/teams", map[string]any{"name": "빈 팀", "merchant_id": merchantID})
	campaignID := create("/teams/"+strconv.FormatUint(teamID, 10)+"/campaigns", map[string]any{"kind": "search_ad", "name": "빈 캠페인", "starts_on": "2026-03-02"})

	targetID := create("/teams/"+strconv.FormatUint(teamID, 10)+"/targets", map[string]any{"kpi": "revenue_krw", "target": 1000000})

	publicationID := create("/programs/"+strconv.FormatUint(programID, 10)+"/publications", map[string]any{"title": "빈 보고서", "lang": "ko"})
	assessmentID := create("/merchants/"+strconv.FormatUint(merchantID, 10)+"/assessments", map[string]any{
		"program_id": programID, "stage": "baseline", "assessed_on": "2026-03-02", "answers": allAnswers(3)})

	ids := map[string]uint64{
		"publications": publicationID, "assessments": assessmentID,
		"programs": programID, "teams": teamID, "campaigns": campaignID, "merchants": merchantID, "targets": targetID,
		"users": w.Admin.ID, "metrics": w.MetricDraft.ID, "sales": w.SalesDraft.ID, "evaluations": w.Evaluation.ID,
	}
	checked := 0
	for _, r := range env.srv.Routes() {
		if r.Method != "GET" || r.Resp == nil {
			continue
		}
		path := r.Path
		if strings.Contains(path, ":id") {
			id, ok := ids[strings.Split(path, "/")[1]]
			if !ok {
				t.Errorf("GET %s: no record to call it on; add one to ids", r.Path)
				continue
			}
			path = strings.Replace(path, ":id", strconv.FormatUint(id, 10), 1)
		}
		if strings.Contains(path, ":") {
			t.Errorf("GET %s: a path parameter this test does not fill", r.Path)
			continue
		}
		rec := env.do("GET", "/api/v1"+path, nil, admin)
		if rec.Code == http.StatusNotFound && (r.Path == "/teams/:id/merchant-rating" || r.Path == "/campaigns/:id/searchad-link") {
			continue // exists only once given (a rating, a link): there is no list in it
		}
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body.String())
			continue
		}
		var body any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("GET %s: %v", path, err)
			continue
		}
		for _, bad := range missingLists(reflect.TypeOf(r.Resp), body, "") {
			t.Errorf("GET %s: %s is absent or null, want a list", path, bad)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d routes checked", checked)
	}
}

// missingLists names the list fields of type t that the JSON value v lacks
// or carries as null, descending into nested objects and list items.
func missingLists(t reflect.Type, v any, at string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		items, _ := v.([]any)
		for i, item := range items {
			out = append(out, missingLists(t.Elem(), item, at+"["+strconv.Itoa(i)+"]")...)
		}
	case reflect.Map:
		obj, _ := v.(map[string]any)
		for k, item := range obj {
			out = append(out, missingLists(t.Elem(), item, at+"."+k)...)
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil // a struct written another way (a date, a time, Optional)
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				out = append(out, missingLists(f.Type, v, at)...)
				continue
			}
			if name == "" {
				name = f.Name
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			val, present := obj[name]
			isList := ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8 || ft.Kind() == reflect.Map
			if isList && f.Type.Kind() != reflect.Pointer && (!present || val == nil) {
				out = append(out, at+"."+name)
				continue
			}
			if present && val != nil {
				out = append(out, missingLists(f.Type, val, at+"."+name)...)
			}
		}
	}
	return out
}
