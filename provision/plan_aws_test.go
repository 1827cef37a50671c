package provision

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
)

func TestClientsFactoryRegions(t *testing.T) {
	f := newFactory(aws.Config{Region: "eu-west-1"})
	c1, err := f("")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := f.DefaultRegion(); r != "eu-west-1" {
		t.Errorf("DefaultRegion = %q", r)
	}
	if c2, _ := f("eu-west-1"); c2 != c1 {
		t.Error("clients are not cached per region")
	}
	c3, _ := f("us-east-1")
	if c3 == c1 || clientsRegion(c3, "") != "us-east-1" {
		t.Error("another region must get its own clients")
	}
	_, err = newFactory(aws.Config{})("")
	if err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("no region: err = %v, want one saying how to set a region", err)
	}
}

// SDK log lines must not interleave with plan and apply output unless asked for.
func TestSDKLoggingQuietUnlessDebug(t *testing.T) {
	for debug, wantNop := range map[bool]bool{false: true, true: false} {
		var o config.LoadOptions
		for _, f := range sdkLogging(debug) {
			if err := f(&o); err != nil {
				t.Fatal(err)
			}
		}
		_, isNop := o.Logger.(logging.Nop)
		if isNop != wantNop {
			t.Errorf("debug=%v: logger %T, want Nop=%v", debug, o.Logger, wantNop)
		}
		if debug && o.ClientLogMode == nil {
			t.Errorf("debug=%v: no client log mode set, retries would not be logged", debug)
		}
	}
}
