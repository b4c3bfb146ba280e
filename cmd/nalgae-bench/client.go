package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// client makes the bench's own sequential calls (logins, lookups, checks,
// the timed report and import); load comes from vegeta.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) *client {
	return &client{base: base, http: &http.Client{Timeout: 5 * time.Minute}}
}

// do sends a request and reads the whole answer; a status other than want
// is an error that quotes the answer.
func (c *client) do(method, path, token, contentType string, body []byte, want int) ([]byte, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		if len(data) > 500 {
			data = data[:500]
		}
		return nil, fmt.Errorf("%s %s answered %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	return data, nil
}

func (c *client) getJSON(path, token string, v any) error {
	data, err := c.do(http.MethodGet, path, token, "", nil, http.StatusOK)
	if err != nil {
		return err
	}
	return decode(path, data, v)
}

func (c *client) postJSON(path, token string, body any, want int, v any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	data, err := c.do(http.MethodPost, path, token, "application/json", b, want)
	if err != nil {
		return err
	}
	return decode(path, data, v)
}

func decode(path string, data []byte, v any) error {
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: decode answer: %w", path, err)
	}
	return nil
}

// session holds the tokens of the accounts the bench acts as.
type session struct {
	programID uint64
	professor string
	city      string
	writers   []*student // the concurrent-writes clients
	importer  *student   // imports the SearchAd report
}

// student is a logged-in student with their team and its campaigns.
type student struct {
	email     string
	token     string
	teamID    uint64
	campaigns []campaignRef
}

type campaignRef struct {
	ID   uint64 `json:"id"`
	Kind string `json:"kind"`
}

// writerCount is issue 6's number of concurrent writing clients.
const writerCount = 50

// logIn logs in the professor, the city official and the students the
// bench acts as, before any clock starts: a bcrypt login costs tens of
// milliseconds by design.
func logIn(c *client, seed seedInfo, teams int) (*session, error) {
	s := &session{programID: seed.ProgramID}
	var err error
	if s.professor, err = c.login(seed.Professor, seed.Password); err != nil {
		return nil, err
	}
	if s.city, err = c.login(seed.City, seed.Password); err != nil {
		return nil, err
	}
	for i := range min(writerCount, teams) {
		st, err := c.student(seed, i)
		if err != nil {
			return nil, err
		}
		s.writers = append(s.writers, st)
	}
	if s.importer, err = c.student(seed, teams-1); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *client) login(email, password string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	err := c.postJSON("/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, http.StatusOK, &out)
	if err != nil {
		return "", fmt.Errorf("log in as %s: %w", email, err)
	}
	return out.AccessToken, nil
}

// student logs in student i and finds their team (a student lists only
// their own) and its campaigns.
func (c *client) student(seed seedInfo, i int) (*student, error) {
	st := &student{email: fmt.Sprintf(seed.StudentEmailFormat, i)}
	var err error
	if st.token, err = c.login(st.email, seed.Password); err != nil {
		return nil, err
	}
	var teams struct {
		Items []struct {
			ID uint64 `json:"id"`
		} `json:"items"`
	}
	if err := c.getJSON(fmt.Sprintf("/api/v1/programs/%d/teams", seed.ProgramID), st.token, &teams); err != nil {
		return nil, err
	}
	if len(teams.Items) != 1 {
		return nil, fmt.Errorf("%s sees %d teams, want their own one", st.email, len(teams.Items))
	}
	st.teamID = teams.Items[0].ID
	var campaigns struct {
		Items []campaignRef `json:"items"`
	}
	if err := c.getJSON(fmt.Sprintf("/api/v1/teams/%d/campaigns", st.teamID), st.token, &campaigns); err != nil {
		return nil, err
	}
	if len(campaigns.Items) == 0 {
		return nil, fmt.Errorf("team %d of %s has no campaigns", st.teamID, st.email)
	}
	st.campaigns = campaigns.Items
	return st, nil
}
