package features

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
)

// godog's JUnit formatter writes a skipped step as <error type="skipped">,
// which CI systems count as an error, and never writes <skipped/>. fixJUnit
// rewrites its report: a scenario that did not run gets <skipped> with the
// reason, and the skipped steps after a failure are dropped (the <failure>
// says what went wrong).

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name    string        `xml:"name,attr"`
	Status  string        `xml:"status,attr"`
	Time    string        `xml:"time,attr"`
	Failure *junitMessage `xml:"failure,omitempty"`
	Skipped *junitMessage `xml:"skipped,omitempty"`
	Errors  []junitError  `xml:"error,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

type junitError struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
}

// fixJUnit rewrites a godog JUnit report; reasons maps scenario names to
// why they were skipped.
func fixJUnit(data []byte, reasons map[string]string) ([]byte, error) {
	var s junitSuites
	if err := xml.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read junit report: %w", err)
	}
	s.Skipped = 0
	for i := range s.Suites {
		ts := &s.Suites[i]
		ts.Skipped = 0
		for j := range ts.Cases {
			tc := &ts.Cases[j]
			var kept []junitError
			for _, e := range tc.Errors {
				if e.Type != "skipped" {
					kept = append(kept, e)
				}
			}
			allSkipped := len(tc.Errors) > 0 && len(kept) == 0 && tc.Failure == nil && (tc.Status == "" || tc.Status == "skipped")
			tc.Errors = kept
			if allSkipped {
				tc.Status = "skipped"
				reason := reasons[baseName(tc.Name)]
				if reason == "" {
					reason = "skipped"
				}
				tc.Skipped = &junitMessage{Message: reason}
				ts.Skipped++
				s.Skipped++
			}
		}
	}
	out, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write junit report: %w", err)
	}
	return append(append([]byte(xml.Header), out...), '\n'), nil
}

// baseName drops the " #2" godog appends to Scenario Outline rows.
func baseName(name string) string {
	if i := strings.LastIndex(name, " #"); i > 0 && strings.Trim(name[i+2:], "0123456789") == "" {
		return name[:i]
	}
	return name
}

func fixJUnitFile(path string, reasons map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	fixed, err := fixJUnit(data, reasons)
	if err != nil {
		return err
	}
	return os.WriteFile(path, fixed, 0o644)
}

// junitOutputs splits a format list into the JUnit files it writes and
// whether a JUnit report goes to the output.
func junitOutputs(format string) (files []string, toOutput bool) {
	for _, part := range strings.Split(format, ",") {
		name, file, hasFile := strings.Cut(part, ":")
		switch {
		case name != "junit":
		case hasFile:
			files = append(files, file)
		default:
			toOutput = true
		}
	}
	return files, toOutput
}

func skipReasons(r *Result) map[string]string {
	m := map[string]string{}
	for _, f := range r.Features {
		for _, s := range f.Scenarios {
			if s.Status == StatusSkipped {
				m[s.Name] = s.SkipReason
			}
		}
	}
	return m
}

// fixJUnitOutputs rewrites the JUnit reports of a finished run. When the
// output carries nothing but a JUnit report it is rewritten too.
func fixJUnitOutputs(format string, buffered *bytes.Buffer, res *Result) ([]byte, error) {
	files, toOutput := junitOutputs(format)
	reasons := skipReasons(res)
	for _, f := range files {
		if err := fixJUnitFile(f, reasons); err != nil {
			return nil, err
		}
	}
	if buffered == nil {
		return nil, nil
	}
	if toOutput && len(strings.Split(format, ","))-len(files) == 1 {
		return fixJUnit(buffered.Bytes(), reasons)
	}
	return buffered.Bytes(), nil
}
