package moltmesh

import (
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorDomain is the ErrorInfo domain of every error the daemon sends.
const ErrorDomain = "moltmesh"

// Reason is a machine-readable reason code of a failed call (the full list is in docs/errors.md).
type Reason string

// Some reasons a program typically branches on; any other code from docs/errors.md works the same way.
const (
	ReasonNone            Reason = ""
	ReasonInvalidArgument Reason = "INVALID_ARGUMENT"
	ReasonInvalidDID      Reason = "INVALID_DID"
	ReasonNotImplemented  Reason = "NOT_IMPLEMENTED"
	ReasonNotReady        Reason = "NOT_READY"
	ReasonTaskNotFound    Reason = "TASK_NOT_FOUND"
	ReasonTaskTerminal    Reason = "TASK_TERMINAL"
	ReasonMessageNotFound Reason = "MESSAGE_NOT_FOUND"
	ReasonUnauthenticated Reason = "UNAUTHENTICATED"
	ReasonInternal        Reason = "INTERNAL"
)

// ErrorInfo returns the google.rpc.ErrorInfo the daemon attached to err (in the standard
// grpc-status-details-bin trailer), or nil when err carries none (not a daemon error, or a transport
// failure such as "no daemon listening").
func ErrorInfo(err error) *errdetails.ErrorInfo {
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == ErrorDomain {
			return info
		}
	}
	return nil
}

// ReasonOf returns the reason code of a failed call, ReasonNone when err carries none.
func ReasonOf(err error) Reason {
	if info := ErrorInfo(err); info != nil {
		return Reason(info.GetReason())
	}
	return ReasonNone
}

// IsReason reports whether err failed with the given reason.
func IsReason(err error, r Reason) bool { return err != nil && ReasonOf(err) == r }

// Field returns the request field the daemon blamed (ErrorInfo metadata "field"), or "".
func Field(err error) string {
	if info := ErrorInfo(err); info != nil {
		return info.GetMetadata()["field"]
	}
	return ""
}

// IsDaemonNotRunning reports whether err is a failed connect to the socket (no daemon, or a stale
// socket file): UNAVAILABLE with no reason from a daemon.
func IsDaemonNotRunning(err error) bool {
	st, ok := status.FromError(err)
	return ok && st.Code() == codes.Unavailable && ReasonOf(err) == ReasonNone
}
