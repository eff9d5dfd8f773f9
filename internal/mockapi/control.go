package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

const controlPrefix = "/mock/v1/"

// maxNotificationBody bounds one enqueued notification.
const maxNotificationBody = 1 << 20

// maxApplyDelayMs bounds the apply delay set over HTTP (one day).
const maxApplyDelayMs = 24 * 60 * 60 * 1000

// maxTokenLen bounds apiTokenInstance; real tokens are about 50 characters.
const maxTokenLen = 256

// InstanceInfo is an account's state as the control API shows it.
type InstanceInfo struct {
	Settings        map[string]any `json:"settings"`        // the full flat GetSettings object, wire names/values ("yes"/"no")
	PendingSettings map[string]any `json:"pendingSettings"` // what Settings becomes once pending writes apply; nil when nothing pending (D7)
	QueueLength     int            `json:"queueLength"`
	SettingsWrites  int            `json:"settingsWrites"` // setSettings calls accepted (200), {} included; refused ones (400, 429, faults acting before the call) are not
	StateInstance   string         `json:"stateInstance"`  // what getStateInstance answers now: "starting" while a write is pending (D7), else "authorized"
	RebootErrors    bool           `json:"rebootErrors"`   // other methods answer 400 while starting (D18)
}

// RequestRecord is one GreenWaba call in an account's request log.
type RequestRecord struct {
	Time   time.Time `json:"time"`
	Verb   string    `json:"verb"`   // HTTP verb; *** when not a standard one
	Method string    `json:"method"` // canonical method name (e.g. "getSettings"); *** when unknown
	Path   string    `json:"path"`   // the token, unknown methods and misplaced segments replaced by ***
	Status int       `json:"status"` // 0 when the connection was dropped by a fault
}

// CreateInstance adds an account with new-account settings (D8). The token
// must be 1–256 characters from A–Z a–z 0–9 - . _ ~ so it fits a path
// segment. It fails with ErrLimitReached once Options.MaxInstances exist.
func (s *Server) CreateInstance(id int64, token string) error {
	if id <= 0 {
		return &badRequestError{msg: "idInstance must be a positive integer"}
	}
	if !validToken(token) {
		return &badRequestError{msg: "apiTokenInstance must be 1 to 256 characters from A-Z a-z 0-9 - . _ ~"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[id] != nil {
		return ErrInstanceExists
	}
	if len(s.accounts) >= s.opts.MaxInstances {
		return &limitError{msg: "too many accounts: the mock holds " + strconv.Itoa(s.opts.MaxInstances) + ", its limit"}
	}
	a := newAccount(id, token, s.opts.ApplyDelay, s.opts.RebootErrors)
	s.accounts[id] = a
	s.tokens[a.tokenHash] = struct{}{}
	return nil
}

func validToken(t string) bool {
	if t == "" || len(t) > maxTokenLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
		if !ok {
			return false
		}
	}
	return true
}

// Enqueue appends a notification to the account's queue and returns its
// receipt id. body must be a JSON object with a string typeWebhook (D17).
// It fails with ErrLimitReached while Options.MaxQueue items are queued.
func (s *Server) Enqueue(id int64, body json.RawMessage) (receiptID int64, err error) {
	a := s.account(id)
	if a == nil {
		return 0, errInstanceNotFound
	}
	b, err := normalizeNotification(body)
	if err != nil {
		return 0, err
	}
	now := s.now()
	a.mu.Lock()
	a.syncLocked(now)
	if a.queueLen() >= s.opts.MaxQueue {
		a.mu.Unlock()
		return 0, &limitError{msg: "queue full: the account holds " + strconv.Itoa(s.opts.MaxQueue) + " notifications, its limit; delete or clear some first"}
	}
	rid := a.enqueueLocked(b, now)
	s.maybePushLocked(a)
	a.mu.Unlock()
	return rid, nil
}

var errBadNotification = &badRequestError{msg: "notification must be a JSON object with a string typeWebhook"}

// normalizeNotification validates body and returns a compact private copy
// sized exactly, so a queued item costs little beyond its bytes.
func normalizeNotification(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil || buf.Len() == 0 || buf.Bytes()[0] != '{' {
		return nil, errBadNotification
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &fields); err != nil {
		return nil, errBadNotification
	}
	if _, ok := jsonString(fields["typeWebhook"]); !ok {
		return nil, errBadNotification
	}
	return bytes.Clone(buf.Bytes()), nil
}

// EditSettings is an edit made in the Console: validated like setSettings
// (D6), visible at once, not counted as an API write.
func (s *Server) EditSettings(id int64, fields map[string]any) error {
	if fields == nil {
		fields = map[string]any{}
	}
	data, err := json.Marshal(fields)
	if err != nil {
		return &badRequestError{msg: "bad request data: fields are not JSON values"}
	}
	return s.editSettings(id, data)
}

func (s *Server) editSettings(id int64, data []byte) error {
	a := s.account(id)
	if a == nil {
		return errInstanceNotFound
	}
	p, err := parseSettingsPatch(data)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.syncLocked(s.now())
	p.applyTo(&a.current)
	s.maybePushLocked(a)
	a.mu.Unlock()
	return nil
}

// SetApplyDelay sets how long the account's later setSettings writes take to
// become visible (D7).
func (s *Server) SetApplyDelay(id int64, d time.Duration) error {
	if d < 0 {
		return &badRequestError{msg: "apply delay must not be negative"}
	}
	a := s.account(id)
	if a == nil {
		return errInstanceNotFound
	}
	a.mu.Lock()
	a.applyDelay = d
	a.mu.Unlock()
	return nil
}

// SetRebootErrors sets whether the account's methods other than
// getStateInstance answer 400 "instance in starting process try later" while
// a setSettings write is pending (D18).
func (s *Server) SetRebootErrors(id int64, on bool) error {
	a := s.account(id)
	if a == nil {
		return errInstanceNotFound
	}
	a.mu.Lock()
	a.rebootErrors = on
	a.mu.Unlock()
	return nil
}

// Instance returns the account's settings, pending settings, queue length
// and settings-write count.
func (s *Server) Instance(id int64) (InstanceInfo, error) {
	a := s.account(id)
	if a == nil {
		return InstanceInfo{}, errInstanceNotFound
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.syncLocked(s.now())
	s.maybePushLocked(a)
	info := InstanceInfo{
		Settings:       a.current.toMap(),
		QueueLength:    a.queueLen(),
		SettingsWrites: a.writes,
		StateInstance:  "authorized",
		RebootErrors:   a.rebootErrors,
	}
	if len(a.pending) > 0 {
		info.StateInstance = "starting"
	}
	if p := a.pendingView(); p != nil {
		info.PendingSettings = p.toMap()
	}
	return info, nil
}

// Requests returns the account's request log, oldest first (the latest
// 10,000 GreenWaba calls; control calls are not logged).
func (s *Server) Requests(id int64) ([]RequestRecord, error) {
	a := s.account(id)
	if a == nil {
		return nil, errInstanceNotFound
	}
	return a.requests(), nil
}

func (s *Server) controlMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /mock/v1/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("POST /mock/v1/instances", s.handleCreateInstance)
	mux.HandleFunc("GET /mock/v1/instances/{id}", s.withID(func(w http.ResponseWriter, _ *http.Request, id int64) {
		info, err := s.Instance(id)
		writeControl(w, http.StatusOK, info, err)
	}))
	mux.HandleFunc("POST /mock/v1/instances/{id}/notifications", s.withID(s.handleEnqueue))
	mux.HandleFunc("PATCH /mock/v1/instances/{id}/settings", s.withID(s.handleEditSettings))
	mux.HandleFunc("PUT /mock/v1/instances/{id}/apply-delay", s.withID(s.handleApplyDelay))
	mux.HandleFunc("PUT /mock/v1/instances/{id}/reboot-errors", s.withID(s.handleRebootErrors))
	mux.HandleFunc("GET /mock/v1/instances/{id}/requests", s.withID(func(w http.ResponseWriter, _ *http.Request, id int64) {
		recs, err := s.Requests(id)
		writeControl(w, http.StatusOK, recs, err)
	}))
	mux.HandleFunc("POST /mock/v1/faults", s.handleAddFault)
	mux.HandleFunc("GET /mock/v1/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeControl(w, http.StatusOK, s.Faults(), nil)
	})
	mux.HandleFunc("DELETE /mock/v1/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeControl(w, http.StatusOK, map[string]int{"disarmed": s.ClearFaults()}, nil)
	})
	return mux
}

func (s *Server) withID(h func(http.ResponseWriter, *http.Request, int64)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := parseID(r.PathValue("id"))
		if !ok {
			writeText(w, http.StatusBadRequest, "idInstance must be an integer")
			return
		}
		h(w, r, id)
	}
}

// writeControl answers a control call: v as JSON on success, else the error
// as one line with its status.
func writeControl(w http.ResponseWriter, status int, v any, err error) {
	switch {
	case err == nil:
		b, merr := json.Marshal(v)
		if merr != nil {
			writeText(w, http.StatusInternalServerError, "cannot encode response")
			return
		}
		writeJSONBytes(w, status, b)
	case errors.Is(err, errInstanceNotFound):
		writeText(w, http.StatusNotFound, "instance not found")
	case errors.Is(err, ErrInstanceExists):
		writeText(w, http.StatusConflict, "instance already exists")
	case errors.Is(err, ErrLimitReached):
		writeText(w, http.StatusConflict, err.Error())
	case isBadRequest(err):
		writeText(w, http.StatusBadRequest, err.Error())
	default:
		writeText(w, http.StatusInternalServerError, "internal error")
	}
}

// readBody reads at most limit bytes; larger bodies are a 400.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &badRequestError{msg: "body larger than " + strconv.FormatInt(limit, 10) + " bytes"}
		}
		return nil, &badRequestError{msg: "cannot read body"}
	}
	return data, nil
}

// decodeStrict decodes a control body, rejecting unknown fields so a typo
// in a CI script fails loudly.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			// Field is a dotted path; control bodies are flat, and an
			// embedded struct (Fault) would show up as its first segment.
			field := typeErr.Field[strings.LastIndexByte(typeErr.Field, '.')+1:]
			return &badRequestError{msg: field + " must be " + jsonKind(typeErr.Type.Kind())}
		}
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return &badRequestError{msg: "unknown field " + field}
		}
		return &badRequestError{msg: "body must be a JSON object with the documented fields"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &badRequestError{msg: "body must be a single JSON object"}
	}
	return nil
}

// jsonKind names what a control field of kind k accepts.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	}
	return "a JSON value of the documented type"
}

func (s *Server) handleCreateInstance(w http.ResponseWriter, r *http.Request) {
	var req struct {
		IDInstance       int64  `json:"idInstance"`
		APITokenInstance string `json:"apiTokenInstance"`
	}
	data, err := readBody(w, r, maxSettingsBody)
	if err == nil {
		err = decodeStrict(data, &req)
	}
	if err == nil {
		err = s.CreateInstance(req.IDInstance, req.APITokenInstance)
	}
	writeControl(w, http.StatusCreated, map[string]int64{"idInstance": req.IDInstance}, err)
}

func (s *Server) handleEnqueue(w http.ResponseWriter, r *http.Request, id int64) {
	data, err := readBody(w, r, maxNotificationBody)
	var rid int64
	if err == nil {
		rid, err = s.Enqueue(id, data)
	}
	writeControl(w, http.StatusCreated, map[string]int64{"receiptId": rid}, err)
}

func (s *Server) handleEditSettings(w http.ResponseWriter, r *http.Request, id int64) {
	data, err := readBody(w, r, maxSettingsBody)
	if err == nil {
		err = s.editSettings(id, data)
	}
	var info InstanceInfo
	if err == nil {
		info, err = s.Instance(id)
	}
	writeControl(w, http.StatusOK, info, err)
}

func (s *Server) handleApplyDelay(w http.ResponseWriter, r *http.Request, id int64) {
	var req struct {
		ApplyDelayMs *int64 `json:"applyDelayMs"`
	}
	data, err := readBody(w, r, maxSettingsBody)
	if err == nil {
		err = decodeStrict(data, &req)
	}
	if err == nil && (req.ApplyDelayMs == nil || *req.ApplyDelayMs < 0 || *req.ApplyDelayMs > maxApplyDelayMs) {
		err = &badRequestError{msg: "applyDelayMs must be an integer from 0 to 86400000"}
	}
	if err == nil {
		err = s.SetApplyDelay(id, time.Duration(*req.ApplyDelayMs)*time.Millisecond)
	}
	var ms int64
	if req.ApplyDelayMs != nil {
		ms = *req.ApplyDelayMs
	}
	writeControl(w, http.StatusOK, map[string]int64{"applyDelayMs": ms}, err)
}

func (s *Server) handleRebootErrors(w http.ResponseWriter, r *http.Request, id int64) {
	var req struct {
		Enabled *bool `json:"enabled"`
	}
	data, err := readBody(w, r, maxSettingsBody)
	if err == nil {
		err = decodeStrict(data, &req)
	}
	if err == nil && req.Enabled == nil {
		err = &badRequestError{msg: "enabled must be true or false"}
	}
	if err == nil {
		err = s.SetRebootErrors(id, *req.Enabled)
	}
	writeControl(w, http.StatusOK, req, err)
}

func (s *Server) handleAddFault(w http.ResponseWriter, r *http.Request) {
	// Count shadows Fault.Count: over HTTP an explicit 0 is refused, while
	// the Go API keeps reading 0 as 1.
	var req struct {
		Fault
		Count *int `json:"count"`
	}
	data, err := readBody(w, r, maxSettingsBody)
	if err == nil {
		err = decodeStrict(data, &req)
	}
	f := req.Fault
	if err == nil && req.Count != nil {
		if *req.Count < 1 {
			err = &badRequestError{msg: "count must be at least 1"}
		}
		f.Count = *req.Count
	}
	if err == nil {
		f, err = s.addFault(f)
	}
	writeControl(w, http.StatusCreated, f, err)
}
