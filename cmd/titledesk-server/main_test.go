package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "titledesk-server dev"},
		{nil, 0, "not yet available"},
		{[]string{"serve"}, 2, `sub-command "serve"`},
	} {
		var out bytes.Buffer
		if code := run(tc.args, &out, &out); code != tc.code || !strings.Contains(out.String(), tc.out) {
			t.Errorf("run(%q) = %d, %q; want %d and %q", tc.args, code, out.String(), tc.code, tc.out)
		}
	}
}
