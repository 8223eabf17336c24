package server

import (
	"encoding/json"
	"sort"

	"github.com/jitsim/jitsim/jit"
)

// appendJITResponse encodes a JIT answer without reflection: it is on every
// request's path. The output is what encoding/json writes for
// jit.JITResponse (the test checks that), plus a newline.
func appendJITResponse(b []byte, r *jit.JITResponse) []byte {
	jf := &r.JITFunding
	b = append(b, `{"jit_funding":{"token":`...)
	b = appendString(b, jf.Token)
	b = append(b, `,"method":`...)
	b = appendString(b, jf.Method)
	b = append(b, `,"user_token":`...)
	b = appendString(b, jf.UserToken)
	if jf.ActingUserToken != "" {
		b = append(b, `,"acting_user_token":`...)
		b = appendString(b, jf.ActingUserToken)
	}
	if jf.BusinessToken != "" {
		b = append(b, `,"business_token":`...)
		b = appendString(b, jf.BusinessToken)
	}
	b = append(b, `,"amount":`...)
	b, _ = appendMarshal(b, jf.Amount)
	if jf.DeclineReason != "" {
		b = append(b, `,"decline_reason":`...)
		b = appendString(b, jf.DeclineReason)
	}
	if len(jf.Balances) > 0 {
		b = append(b, `,"balances":{`...)
		keys := make([]string, 0, len(jf.Balances))
		for k := range jf.Balances {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b, _ = appendMarshal(b, jf.Balances[k])
		}
		b = append(b, '}')
	}
	return append(b, "}}\n"...)
}

// appendString appends s as json.Marshal writes it.
func appendString(b []byte, s string) []byte { return jit.AppendJSONString(b, s, true) }

func appendMarshal(b []byte, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	return append(b, data...), err
}
