package moltmesh

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestDefaultSocketPath(t *testing.T) {
	t.Setenv("MOLTMESH_SOCKET", "/run/agent.sock")
	if got := DefaultSocketPath(); got != "/run/agent.sock" {
		t.Fatalf("DefaultSocketPath() with MOLTMESH_SOCKET = %q", got)
	}
	t.Setenv("MOLTMESH_SOCKET", "")
	t.Setenv("HOME", "/home/agent")
	if got := DefaultSocketPath(); got != "/home/agent/.moltmesh/moltmesh.sock" {
		t.Fatalf("DefaultSocketPath() = %q", got)
	}
}

func TestTargetIsAnAbsoluteUnixURI(t *testing.T) {
	if got := Target("/tmp/a.sock"); got != "unix:///tmp/a.sock" {
		t.Fatalf("Target = %q", got)
	}
	abs, _ := filepath.Abs("rel.sock")
	if got := Target("rel.sock"); got != "unix://"+abs {
		t.Fatalf("Target(relative) = %q, want unix://%s", got, abs)
	}
}

func TestReasonFromErrorInfo(t *testing.T) {
	st, err := status.New(codes.InvalidArgument, "id is required").WithDetails(&errdetails.ErrorInfo{
		Reason: "INVALID_ARGUMENT", Domain: ErrorDomain, Metadata: map[string]string{"field": "id"},
	})
	if err != nil {
		t.Fatal(err)
	}
	callErr := st.Err()
	if ReasonOf(callErr) != ReasonInvalidArgument || !IsReason(callErr, ReasonInvalidArgument) {
		t.Fatalf("ReasonOf = %q", ReasonOf(callErr))
	}
	if Field(callErr) != "id" {
		t.Fatalf("Field = %q", Field(callErr))
	}
	if IsDaemonNotRunning(callErr) {
		t.Fatal("an INVALID_ARGUMENT is not a missing daemon")
	}
}

func TestNoReasonWithoutMoltmeshErrorInfo(t *testing.T) {
	other, _ := status.New(codes.NotFound, "x").WithDetails(&errdetails.ErrorInfo{Reason: "R", Domain: "example.com"})
	for _, err := range []error{nil, errors.New("plain"), status.Error(codes.Unavailable, "connect: no such file"), other.Err()} {
		if r := ReasonOf(err); r != ReasonNone {
			t.Fatalf("ReasonOf(%v) = %q, want none", err, r)
		}
	}
	if !IsDaemonNotRunning(status.Error(codes.Unavailable, "connect: no such file")) {
		t.Fatal("UNAVAILABLE without a reason is a daemon that does not answer")
	}
}

// The named reasons are real: each is listed in the repository's docs/errors.md.
func TestReasonConstantsAreDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "errors.md"))
	if err != nil {
		t.Skipf("docs/errors.md not found (module used outside the repository): %v", err)
	}
	for _, r := range []Reason{ReasonInvalidArgument, ReasonInvalidDID, ReasonNotImplemented, ReasonNotReady,
		ReasonTaskNotFound, ReasonTaskTerminal, ReasonMessageNotFound, ReasonUnauthenticated, ReasonInternal} {
		if !strings.Contains(string(doc), "`"+string(r)+"`") {
			t.Errorf("reason %s is not in docs/errors.md", r)
		}
	}
}
