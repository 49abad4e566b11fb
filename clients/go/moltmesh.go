// Package moltmesh is a thin Go client of the moltmesh daemon: it dials the daemon's unix socket and
// hands out the generated gRPC clients of the public API (package gen/moltmesh/v1), plus typed access
// to the reason code of a failed call (errors.go).
//
//	c, err := moltmesh.Dial("") // $MOLTMESH_SOCKET, else ~/.moltmesh/moltmesh.sock
//	if err != nil { ... }
//	defer c.Close()
//	id, err := c.A2A.GetIdentity(ctx, &moltmeshv1.GetIdentityRequest{})
package moltmesh

import (
	"os"
	"path/filepath"

	moltmeshv1 "github.com/moltmesh/moltmesh/clients/go/gen/moltmesh/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// MaxMessageBytes is the daemon's own limit on one gRPC message (16 MiB); large content goes
// through the streamed blob RPCs.
const MaxMessageBytes = 16 * 1024 * 1024

// Client holds one connection to a daemon and the clients of its three services.
type Client struct {
	// Conn is the underlying connection (for other services, e.g. grpc.health.v1.Health).
	Conn *grpc.ClientConn
	A2A  moltmeshv1.A2ANodeClient
	Diag moltmeshv1.DiagClient
	Ext  moltmeshv1.ExtClient
}

// DefaultSocketPath is the daemon's socket: $MOLTMESH_SOCKET, else ~/.moltmesh/moltmesh.sock (the
// same default as the daemon, the CLI and the other SDKs).
func DefaultSocketPath() string {
	if s := os.Getenv("MOLTMESH_SOCKET"); s != "" {
		return s
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, ".moltmesh", "moltmesh.sock")
}

// Target is the gRPC dial string of a socket path: "unix:///absolute/path".
func Target(socket string) string {
	if abs, err := filepath.Abs(socket); err == nil {
		socket = abs
	}
	return "unix://" + socket
}

// Dial connects to the daemon listening on socket (DefaultSocketPath() when empty). Like
// grpc.NewClient it does not wait for the connection: the first call fails with UNAVAILABLE when no
// daemon runs. Extra options are appended to the defaults (insecure local transport, 16 MiB messages).
func Dial(socket string, opts ...grpc.DialOption) (*Client, error) {
	if socket == "" {
		socket = DefaultSocketPath()
	}
	defaults := []grpc.DialOption{
		// The socket is local and mode 0600: the file system is the access control.
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(MaxMessageBytes),
			grpc.MaxCallSendMsgSize(MaxMessageBytes),
		),
	}
	conn, err := grpc.NewClient(Target(socket), append(defaults, opts...)...)
	if err != nil {
		return nil, err
	}
	return &Client{
		Conn: conn,
		A2A:  moltmeshv1.NewA2ANodeClient(conn),
		Diag: moltmeshv1.NewDiagClient(conn),
		Ext:  moltmeshv1.NewExtClient(conn),
	}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.Conn.Close() }
