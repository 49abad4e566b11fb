package moltmesh

// Against real daemons: test/integration/go-client.test.ts starts two connected daemons and runs
// `go test` with their sockets in MOLTMESH_GO_TEST_SOCKET_A and _B. Without them these tests skip.

import (
	"context"
	"os"
	"testing"
	"time"

	moltmeshv1 "github.com/moltmesh/moltmesh/clients/go/gen/moltmesh/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

func dialPair(t *testing.T) (a, b *Client) {
	t.Helper()
	sa, sb := os.Getenv("MOLTMESH_GO_TEST_SOCKET_A"), os.Getenv("MOLTMESH_GO_TEST_SOCKET_B")
	if sa == "" || sb == "" {
		t.Skip("MOLTMESH_GO_TEST_SOCKET_A/_B not set: run through test/integration/go-client.test.ts (npm test)")
	}
	var err error
	if a, err = Dial(sa); err != nil {
		t.Fatal(err)
	}
	if b, err = Dial(sb); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func text(s string) []*moltmeshv1.Part {
	return []*moltmeshv1.Part{{Content: &moltmeshv1.Part_Text{Text: s}}}
}

func TestMessageRoundTrip(t *testing.T) {
	a, b := dialPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	idA, err := a.A2A.GetIdentity(ctx, &moltmeshv1.GetIdentityRequest{})
	if err != nil {
		t.Fatal(err)
	}
	idB, err := b.A2A.GetIdentity(ctx, &moltmeshv1.GetIdentityRequest{})
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := b.A2A.SubscribeInbox(ctx, &moltmeshv1.SubscribeInboxRequest{From: idA.GetDid()})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := a.A2A.SendMessage(ctx, &moltmeshv1.SendMessageRequest{To: idB.GetDid(), Parts: text("hello from Go")})
	if err != nil {
		t.Fatal(err)
	}
	for {
		got, err := inbox.Recv()
		if err != nil {
			t.Fatalf("inbox stream: %v", err)
		}
		m := got.GetMessage()
		if m.GetId() != sent.GetId() {
			continue // another message from A, sent by a test before this one
		}
		if m.GetFrom() != idA.GetDid() || m.GetParts()[0].GetText() != "hello from Go" {
			t.Fatalf("received %v", m)
		}
		return
	}
}

func TestTaskRoundTrip(t *testing.T) {
	a, b := dialPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	idB, err := b.A2A.GetIdentity(ctx, &moltmeshv1.GetIdentityRequest{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.A2A.PublishAgentCard(ctx, &moltmeshv1.PublishAgentCardRequest{Card: &moltmeshv1.AgentCard{
		Name: "go-worker", Description: "upper-cases text",
		Skills: []*moltmeshv1.Skill{{Id: "go-upper", Name: "go-upper", Description: "upper-cases text", Price: "0",
			Visibility: moltmeshv1.Visibility_VISIBILITY_PUBLIC}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The worker: B takes tasks for its skill, claims one and completes it.
	tasks, err := b.A2A.SubscribeTasks(ctx, &moltmeshv1.SubscribeTasksRequest{Skills: []string{"go-upper"}})
	if err != nil {
		t.Fatal(err)
	}
	workerErr := make(chan error, 1)
	go func() {
		for {
			got, err := tasks.Recv()
			if err != nil {
				workerErr <- err
				return
			}
			claim, err := b.A2A.ClaimTask(ctx, &moltmeshv1.ClaimTaskRequest{Id: got.GetTask().GetId(), LeaseMs: 30_000})
			if err != nil {
				continue
			}
			in := claim.GetTask().GetInput()[0].GetText()
			_, err = b.A2A.CompleteTask(ctx, &moltmeshv1.CompleteTaskRequest{
				Id: claim.GetTask().GetId(), LeaseToken: claim.GetLeaseToken(), Output: text("DONE: " + in),
			})
			workerErr <- err
			return
		}
	}()

	created, err := a.A2A.CreateTask(ctx, &moltmeshv1.CreateTaskRequest{To: idB.GetDid(), Skill: "go-upper", Input: text("go")})
	if err != nil {
		t.Fatalf("CreateTask: %v (reason %s)", err, ReasonOf(err))
	}
	waited, err := a.A2A.WaitTask(ctx, &moltmeshv1.WaitTaskRequest{Id: created.GetTask().GetId(), TimeoutMs: 30_000})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-workerErr; err != nil {
		t.Fatalf("worker: %v", err)
	}
	task := waited.GetTask()
	if task.GetState() != moltmeshv1.TaskState_TASK_STATE_COMPLETED || task.GetOutput()[0].GetText() != "DONE: go" {
		t.Fatalf("task ended as %v with %v", task.GetState(), task.GetOutput())
	}
}

func TestErrorDetailsCarryTheReason(t *testing.T) {
	a, _ := dialPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := a.A2A.ConvertId(ctx, &moltmeshv1.ConvertIdRequest{Id: ""})
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("ConvertId(\"\") = %v, want INVALID_ARGUMENT", err)
	}
	info := ErrorInfo(err)
	if info == nil || info.GetReason() != "INVALID_ARGUMENT" || info.GetDomain() != "moltmesh" || Field(err) != "id" {
		t.Fatalf("ErrorInfo = %v", info)
	}
	_, err = a.A2A.GetTask(ctx, &moltmeshv1.GetTaskRequest{Id: "task_does_not_exist"})
	if !IsReason(err, ReasonTaskNotFound) || status.Code(err) != codes.NotFound {
		t.Fatalf("GetTask(unknown) = %v, reason %q", err, ReasonOf(err))
	}
}

func TestStandardHealth(t *testing.T) {
	a, _ := dialPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	health := grpc_health_v1.NewHealthClient(a.Conn)
	for _, service := range []string{"", "moltmesh.v1.A2ANode", "moltmesh.v1.Diag", "moltmesh.v1.Ext"} {
		res, err := health.Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: service})
		if err != nil || res.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING {
			t.Fatalf("Check(%q) = %v, %v", service, res, err)
		}
	}
	watch, err := health.Watch(ctx, &grpc_health_v1.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := watch.Recv()
	if err != nil || first.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING {
		t.Fatalf("Watch first = %v, %v", first, err)
	}
}
