package server

import (
	"encoding/json"
	"testing"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// An error reply carries ename, evalue and traceback (an empty list, not
// null, when the error has none), as Jupyter's schema requires; an ok
// reply carries none of them.
func TestReplyErrorFields(t *testing.T) {
	tests := []struct {
		name  string
		reply executeReply
		want  string
	}{
		{"ok", executeReply{Status: protocol.StatusOK, ExecutionCount: 1, UserExpressions: noExpressions, Payload: []any{}},
			`{"status":"ok","execution_count":1,"user_expressions":{},"payload":[]}`},
		{"error without a traceback", executeReply{Status: protocol.StatusError, ExecutionCount: 2, UserExpressions: noExpressions, Payload: []any{},
			errorFields: errorOf("error", "", nil)},
			`{"status":"error","execution_count":2,"user_expressions":{},"payload":[],"ename":"error","evalue":"","traceback":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.reply)
			if err != nil || string(b) != tt.want {
				t.Errorf("json.Marshal = %s, %v; want %s", b, err, tt.want)
			}
		})
	}
}
