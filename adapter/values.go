package adapter

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/jitsim/jitsim/jit"
	"github.com/vektah/gqlparser/v2/ast"
)

// maxIDLen bounds tokens and idempotency keys, in bytes.
const maxIDLen = 255

// maxDecimalLen bounds a Decimal argument, in bytes.
const maxDecimalLen = 40

// arguments coerces a field's arguments: literals and variables, then
// defaults. It never parses numbers (a number literal stays a json.Number),
// so it cannot fail on a literal out of range, unlike ast.ArgumentMap.
func (e *executor) arguments(defs ast.ArgumentDefinitionList, args ast.ArgumentList) (map[string]any, error) {
	if len(defs) == 0 {
		return nil, nil
	}
	m := make(map[string]any, len(defs))
	for _, d := range defs {
		var v any
		present := false
		if a := args.ForName(d.Name); a != nil {
			v, present = e.value(a.Value)
		}
		if !present && d.DefaultValue != nil {
			v, present = e.value(d.DefaultValue)
		}
		if !present {
			if d.Type.NonNull {
				return nil, jit.Errorf(jit.EINVALID, "argument %s is required", d.Name)
			}
			continue
		}
		if v == nil && d.Type.NonNull {
			return nil, jit.Errorf(jit.EINVALID, "argument %s must not be null", d.Name)
		}
		m[d.Name] = v
	}
	return m, nil
}

// value returns a literal's or variable's value; present is false for a
// variable that was not given and has no default.
func (e *executor) value(v *ast.Value) (any, bool) {
	if v == nil {
		return nil, false
	}
	switch v.Kind {
	case ast.Variable:
		x, ok := e.vars[v.Raw]
		return x, ok
	case ast.IntValue, ast.FloatValue:
		return json.Number(v.Raw), true
	case ast.StringValue, ast.BlockValue, ast.EnumValue:
		return v.Raw, true
	case ast.BooleanValue:
		return v.Raw == "true", true
	case ast.NullValue:
		return nil, true
	case ast.ListValue:
		list := make([]any, 0, len(v.Children))
		for _, c := range v.Children {
			x, _ := e.value(c.Value)
			list = append(list, x)
		}
		return list, true
	case ast.ObjectValue:
		m := make(map[string]any, len(v.Children))
		for _, c := range v.Children {
			if x, ok := e.value(c.Value); ok {
				m[c.Name] = x
			}
		}
		return m, true
	}
	return nil, false
}

// idArg returns an ID argument as a string: a string, or an integer.
func idArg(args map[string]any, name string) (string, error) {
	var s string
	switch x := args[name].(type) {
	case string:
		s = x
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err != nil {
			return "", jit.Errorf(jit.EINVALID, "%s must be a string or an integer", name)
		}
		s = string(x)
	case int:
		s = strconv.Itoa(x)
	case int32:
		s = strconv.FormatInt(int64(x), 10)
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return "", jit.Errorf(jit.EINVALID, "%s must be a string or an integer", name)
		}
		s = strconv.FormatInt(int64(x), 10)
	default:
		return "", jit.Errorf(jit.EINVALID, "%s must be a string or an integer", name)
	}
	if s == "" || len(s) > maxIDLen {
		return "", jit.Errorf(jit.EINVALID, "%s must be 1 to %d bytes long", name, maxIDLen)
	}
	return s, nil
}

// stringArg returns a String argument; null or absent is "".
func stringArg(args map[string]any, name string) (string, error) {
	switch x := args[name].(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	}
	return "", jit.Errorf(jit.EINVALID, "%s must be a string", name)
}

// boolArg returns a Boolean argument; null or absent is false.
func boolArg(args map[string]any, name string) bool {
	b, _ := args[name].(bool)
	return b
}

// currencyArg returns the currency argument: an ISO 4217 code jit knows,
// jit.DefaultCurrency when null.
func currencyArg(args map[string]any) (string, error) {
	c, err := stringArg(args, "currency")
	if err != nil {
		return "", err
	}
	if c == "" {
		if _, given := args["currency"]; given && args["currency"] != nil {
			return "", jit.Errorf(jit.EINVALID, "currency must not be empty")
		}
		return jit.DefaultCurrency, nil
	}
	if _, err := jit.Exponent(c); err != nil {
		return "", err
	}
	return c, nil
}

// amountArg parses a Decimal argument into minor units of currency. It must
// be a string holding a JSON number without exponent (an optional "-",
// digits without leading zeros, optionally "." and digits: no "+", spaces or
// JSON number), positive, and exact in the currency ("1.005" is not a USD
// amount; "1.50" and "1.500" both are 150 cents).
func amountArg(args map[string]any, name, currency string) (int64, error) {
	s, ok := args[name].(string)
	if !ok {
		return 0, jit.Errorf(jit.EINVALID, `%s must be a Decimal string such as "12.34"`, name)
	}
	if !plainDecimal(s) {
		return 0, jit.Errorf(jit.EINVALID, `%s %q is not a decimal such as "12.34"`, name, truncate(s))
	}
	a, err := jit.ParseAmount(s)
	if err != nil {
		return 0, jit.Errorf(jit.EINVALID, "%s %q is out of range or has too many decimal places", name, truncate(s))
	}
	minor, err := a.Minor(currency)
	if err != nil {
		return 0, err
	}
	if minor <= 0 {
		return 0, jit.Errorf(jit.EINVALID, "%s must be positive, not %s", name, s)
	}
	return minor, nil
}

func plainDecimal(s string) bool {
	if len(s) == 0 || len(s) > maxDecimalLen {
		return false
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start || (s[start] == '0' && i-start > 1) { // JSON: no leading zeros
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != '.' {
		return false
	}
	i++
	start = i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > start && i == len(s)
}

func truncate(s string) string {
	if len(s) <= maxDecimalLen {
		return s
	}
	return s[:maxDecimalLen] + "…"
}

// money formats minor units of currency as a Decimal ("12.30").
func money(minor int64, currency string) (string, error) {
	a, err := jit.FromMinor(minor, currency)
	if err != nil {
		return "", jit.Errorf(jit.EINTERNAL, "formatting %d %s: %w", minor, currency, err)
	}
	return a.String(), nil
}

// codeOf maps an error to its GraphQL code and client-safe message.
func codeOf(err error) (code, msg string) {
	switch jit.ErrorCode(err) {
	case jit.ENOTFOUND:
		return CodeNotFound, jit.ErrorMessage(err)
	case jit.ECONFLICT:
		return CodeConflict, jit.ErrorMessage(err)
	case jit.EINVALID:
		return CodeBadUserInput, jit.ErrorMessage(err)
	}
	return CodeInternal, "internal error"
}
