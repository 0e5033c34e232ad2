package server

import (
	"context"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/jupyter/wire"
)

func request(from, id, msgType string) *wire.Message {
	m := &wire.Message{Identities: [][]byte{[]byte(from)}}
	m.Header.MsgID, m.Header.MsgType = id, msgType
	return m
}

func TestRequestQueueServesClientsInTurn(t *testing.T) {
	q := newRequestQueue(100)
	for i, id := range []string{"a1", "a2", "a3", "a4"} {
		q.push(request("flood", id, "kernel_info_request"))
		if i == 1 {
			q.push(request("good", "g1", "kernel_info_request"))
		}
	}
	var order []string
	for range 5 {
		m, _ := q.pop(context.Background())
		order = append(order, m.Header.MsgID)
	}
	want := []string{"a1", "g1", "a2", "a3", "a4"}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("served %v, want %v", order, want)
		}
	}
}

func TestRequestQueueRefusesPastItsBound(t *testing.T) {
	q := newRequestQueue(2)
	for i, want := range []bool{true, true, false} {
		if got := q.push(request("c", "m", "execute_request")); got != want {
			t.Errorf("push %d: %v, want %v", i, got, want)
		}
	}
	if !q.push(request("other", "m", "execute_request")) {
		t.Error("another client's request was refused")
	}
}

func TestAbortTakesOnlyExecutesThatArrivedBefore(t *testing.T) {
	q := newRequestQueue(100)
	q.push(request("c", "before", "execute_request"))
	q.push(request("c", "info", "kernel_info_request"))
	failedAt := time.Now()
	time.Sleep(time.Millisecond)
	q.push(request("c", "after", "execute_request"))
	taken := q.takeExecutesBefore(failedAt)
	if len(taken) != 1 || taken[0].Header.MsgID != "before" {
		t.Fatalf("aborted %v, want only the request that arrived before the failure", taken)
	}
	for _, want := range []string{"info", "after"} {
		m, _ := q.pop(context.Background())
		if m.Header.MsgID != want {
			t.Errorf("then served %s, want %s", m.Header.MsgID, want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, ok := q.pop(ctx); ok {
		t.Error("an empty queue gave a request")
	}
}
