package provision

import "github.com/hashicorp/hcl/v2"

// Diagnostics of the plan: every refusal and AWS read failure is an
// hcl.Diagnostic pointing at the block or attribute it is about.

// errorDiag is an error diagnostic at rng.
func errorDiag(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rangePtr(rng)}
}

// awsDiag reports a failed AWS call. The error itself rides along in Extra
// so that the command can group diagnostics by cause (one "cannot connect"
// instead of one per read) without parsing their text.
func awsDiag(rng hcl.Range, summary string, err error) *hcl.Diagnostic {
	d := errorDiag(rng, summary, err.Error()+"\n\nCheck your AWS credentials, region and permissions, then run the plan again.")
	d.Extra = err
	return d
}

// rangePtr returns nil for an empty range, so diagnostics without a source
// location print without a bogus snippet.
func rangePtr(rng hcl.Range) *hcl.Range {
	if rng.Filename == "" {
		return nil
	}
	return &rng
}
