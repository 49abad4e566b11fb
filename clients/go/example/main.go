// Command example is a first moltmesh program in Go: it dials the local daemon, prints the agent's
// identity and, given -to, sends a text message.
//
//	go run ./example                          # $MOLTMESH_SOCKET or ~/.moltmesh/moltmesh.sock
//	go run ./example -socket /tmp/a.sock -to did:key:z6Mk... -text hello
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	moltmesh "github.com/moltmesh/moltmesh/clients/go"
	moltmeshv1 "github.com/moltmesh/moltmesh/clients/go/gen/moltmesh/v1"
)

func main() {
	socket := flag.String("socket", "", "daemon socket (default $MOLTMESH_SOCKET or ~/.moltmesh/moltmesh.sock)")
	to := flag.String("to", "", "send a message to this DID or name")
	text := flag.String("text", "hello from Go", "message text")
	flag.Parse()
	if err := run(*socket, *to, *text); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(socket, to, text string) error {
	c, err := moltmesh.Dial(socket)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	id, err := c.A2A.GetIdentity(ctx, &moltmeshv1.GetIdentityRequest{})
	if moltmesh.IsDaemonNotRunning(err) {
		return fmt.Errorf("no daemon on %s: start it with `moltmesh start`", moltmesh.Target(socket))
	} else if err != nil {
		return err
	}
	fmt.Println("did:", id.GetDid())
	if to == "" {
		return nil
	}
	sent, err := c.A2A.SendMessage(ctx, &moltmeshv1.SendMessageRequest{
		To:    to,
		Parts: []*moltmeshv1.Part{{Content: &moltmeshv1.Part_Text{Text: text}}},
	})
	if err != nil {
		// Typed access to the reason: e.g. INVALID_DID, with the field at fault when known.
		return fmt.Errorf("send failed [%s %s]: %w", moltmesh.ReasonOf(err), moltmesh.Field(err), err)
	}
	fmt.Println("sent:", sent.GetId(), "queued:", sent.GetQueued())
	return nil
}
