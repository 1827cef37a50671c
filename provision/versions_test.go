package provision

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// A calendar like EKS's on 2026-12-03: 1.35 standard (default), 1.34
// leaving standard support soon or extended, 1.31 unsupported.
func testCalendar(endOf134 string, status134 string) []fakeVersion {
	return []fakeVersion{
		{version: "1.35", status: "STANDARD_SUPPORT", def: true, endOfStandard: day("2027-03-27"), endOfExtended: day("2028-03-27")},
		{version: "1.34", status: status134, endOfStandard: day(endOf134), endOfExtended: day("2027-12-02")},
		{version: "1.33", status: "EXTENDED_SUPPORT", endOfStandard: day("2026-07-29"), endOfExtended: day("2027-07-29")},
		{version: "1.31", status: "UNSUPPORTED", endOfStandard: day("2025-11-26"), endOfExtended: day("2026-11-26")},
	}
}

// Every plan warns about the support of each cluster's version, from
// EKS's calendar on the day of the plan: extended support (since when,
// and the $365.00 a month it costs more), unsupported, or standard
// support ending within 90 days (when, and what the upgrade policy will
// then do); nothing for a version well within standard support.
func TestSupportWarnings(t *testing.T) {
	tests := map[string]struct {
		version, policy, endOf134, status134 string
		today                                string
		existing                             bool     // the cluster runs version already (EKS creates none on an unsupported one)
		want                                 []string // substrings of the one warning; none: no warning
	}{
		"extended":              {version: "1.33", today: "2026-12-03", want: []string{"in extended support", "2026-07-29", "$0.60", "$365.00 a month more", "Upgrade to 1.35"}},
		"unsupported":           {version: "1.31", today: "2026-12-03", existing: true, want: []string{"no longer supports", "2026-11-26"}},
		"ending, extended next": {version: "1.34", endOf134: "2026-12-20", status134: "STANDARD_SUPPORT", today: "2026-12-03", want: []string{"leaves standard support on 2026-12-20", "in 17 days", "moves to extended support", "$365.00"}},
		"ending, standard next": {version: "1.34", policy: "STANDARD", endOf134: "2026-12-20", status134: "STANDARD_SUPPORT", today: "2026-12-03", want: []string{"leaves standard support on 2026-12-20", "EKS then upgrades the cluster"}},
		"91 days away":          {version: "1.34", endOf134: "2027-03-04", status134: "STANDARD_SUPPORT", today: "2026-12-03"},
		"well supported":        {version: "1.35", today: "2026-12-03"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			end, st := tt.endOf134, tt.status134
			if end == "" {
				end, st = "2026-12-02", "EXTENDED_SUPPORT"
			}
			w := newFakeAccount()
			c := testCluster("demo")
			c.Version, c.UpgradePolicy = tt.version, tt.policy
			if tt.existing {
				w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
			}
			w.calendar = testCalendar(end, st)
			p := mustPlan(t, w, testConfig(c), PlanOptions{Today: day(tt.today)})
			var got []PlanWarning
			for _, pw := range p.Warnings {
				if strings.Contains(pw.Summary, "support") {
					got = append(got, pw)
				}
			}
			if tt.want == nil {
				if len(got) != 0 {
					t.Errorf("warnings %+v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("support warnings %+v, want one", got)
			}
			text := got[0].Summary + " " + got[0].Detail
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("warning lacks %q:\n%s", s, text)
				}
			}
		})
	}
}

// Kubernetes versions come from EKS: a cluster that names none is created
// at EKS's default and keeps its live version afterwards; a version EKS
// does not offer is refused at the version attribute, with the versions
// it does offer; a cluster already running a version EKS has since
// dropped is only warned about.
func TestVersionsFromEKS(t *testing.T) {
	calendar := func(def string) []fakeVersion {
		cal := testCalendar("2026-12-02", "EXTENDED_SUPPORT")
		for i := range cal {
			cal[i].def = cal[i].version == def
		}
		return cal
	}
	t.Run("new cluster at EKS's default", func(t *testing.T) {
		w := newFakeAccount()
		w.calendar = calendar("1.34")
		c := testCluster("demo")
		c.Version, c.VersionDefaulted = "1.35", true
		p := mustPlan(t, w, testConfig(c), PlanOptions{Today: day("2026-12-03")})
		if got := changeOf(t, p, ClusterAddress("demo")).After.(*ClusterAttrs).Version; got != "1.34" {
			t.Errorf("new cluster planned at %s, want EKS's default 1.34", got)
		}
		w.apply(t, p)
		// EKS's default moves on; the cluster stays where it is.
		w.calendar = calendar("1.35")
		p = mustPlan(t, w, testConfig(c), PlanOptions{Today: day("2026-12-03")})
		if p.HasChanges() {
			t.Errorf("a new EKS default changes a cluster that names no version: %v", summary(p))
		}
	})
	refused := map[string]struct {
		live, version string
		want          []string
	}{
		"unsupported at creation": {version: "1.31", want: []string{"EKS does not offer Kubernetes 1.31", "extended support ended on 2026-11-26", "cannot create the cluster", "EKS offers: 1.33 (extended support), 1.34 (extended support), 1.35 (default)"}},
		"not released":            {version: "1.36", want: []string{"EKS does not offer Kubernetes 1.36", "does not list it", "EKS offers: 1.33"}},
		"upgrade to unreleased":   {live: "1.35", version: "1.36", want: []string{"cannot upgrade the cluster from 1.35"}},
	}
	for name, tt := range refused {
		t.Run(name, func(t *testing.T) {
			w := newFakeAccount()
			c := testCluster("demo")
			if tt.live != "" {
				c.Version = tt.live
				w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
			}
			w.calendar = calendar("1.35")
			c.Version = tt.version
			before := len(w.logged(""))
			_, diags := MakePlan(t.Context(), testConfig(c), w.factory(), PlanOptions{Today: day("2026-12-03")})
			if !diags.HasErrors() {
				t.Fatalf("a plan at %s is not refused", tt.version)
			}
			text := diags.Error()
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("refusal lacks %q:\n%s", s, text)
				}
			}
			if n := len(w.logged("")); n != before {
				t.Errorf("a refused plan made write calls: %v", w.logged("")[before:])
			}
		})
	}
}
