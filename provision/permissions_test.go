package provision

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestREADMEListsEveryPermission keeps the README's IAM permissions
// complete: every call eksctl-lite makes (the EKSAPI, IAMAPI, EC2API,
// AutoScalingAPI and SSMAPI interfaces) is listed as SERVICE:NAME in its
// section.
func TestREADMEListsEveryPermission(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, readme, ok := strings.Cut(string(b), "### IAM permissions")
	if !ok {
		t.Fatal("README has no IAM permissions section")
	}
	readme, _, _ = strings.Cut(readme, "\n## ")
	for prefix, api := range map[string]reflect.Type{"eks:": reflect.TypeFor[EKSAPI](), "iam:": reflect.TypeFor[IAMAPI](), "ec2:": reflect.TypeFor[EC2API](),
		"autoscaling:": reflect.TypeFor[AutoScalingAPI](), "ssm:": reflect.TypeFor[SSMAPI]()} {
		for i := range api.NumMethod() {
			if p := prefix + api.Method(i).Name; !strings.Contains(readme, "`"+p+"`") {
				t.Errorf("README's permissions do not list %s", p)
			}
		}
	}
}
