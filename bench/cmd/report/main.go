// Command report reads `go test -bench` output on stdin and prints the comparison table of
// bench/README.md: per benchmark group, each client's median figures and its ratios to this
// SDK, then whether each target holds.
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var lineRE = regexp.MustCompile(`^Benchmark([^/\s]+)/(\S+?)(-\d+)?\s+\d+\s+(.*)$`)

type key struct{ group, client string }

func main() {
	samples := map[key]map[string][]float64{}
	var order []key
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		k := key{m[1], m[2]}
		if samples[k] == nil {
			samples[k] = map[string][]float64{}
			order = append(order, k)
		}
		f := strings.Fields(m[4])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				samples[k][f[i+1]] = append(samples[k][f[i+1]], v)
			}
		}
	}
	med := func(k key, unit string) (float64, bool) {
		v := samples[k][unit]
		if len(v) == 0 {
			return 0, false
		}
		s := append([]float64(nil), v...)
		sort.Float64s(s)
		return s[len(s)/2], true
	}
	groups := []string{}
	seen := map[string]bool{}
	for _, k := range order {
		if !seen[k.group] {
			seen[k.group] = true
			groups = append(groups, k.group)
		}
	}
	units := map[string][]string{
		"ListIncidents": {"ns/incident", "allocs/incident"},
		"ListEntities":  {"ns/entity", "allocs/entity"},
		"KQLDecode":     {"ns/row", "allocs/row", "cpu-ns/row"},
		"PagerMemory":   {"peak-heap-MiB"},
		"RoundTrips":    {"requests", "ns/op"},
	}
	for _, g := range groups {
		us := units[g]
		if us == nil {
			us = []string{"ns/op", "allocs/op"}
		}
		fmt.Printf("\n%s\n", g)
		fmt.Printf("  %-28s", "client")
		for _, u := range us {
			fmt.Printf(" %16s", u)
		}
		fmt.Printf(" %14s\n", "time vs sdk")
		base, _ := med(key{g, "sdk"}, us[0])
		for _, k := range order {
			if k.group != g {
				continue
			}
			fmt.Printf("  %-28s", k.client)
			for _, u := range us {
				v, _ := med(k, u)
				if u == "ns/op" && g == "RoundTrips" {
					fmt.Printf(" %14.0fms", v/1e6)
					continue
				}
				fmt.Printf(" %16.2f", v)
			}
			if v, ok := med(k, us[0]); ok && base > 0 {
				fmt.Printf(" %13.2fx", v/base)
			}
			fmt.Println()
		}
	}
	fmt.Println("\nTargets")
	check := func(name string, ok bool, detail string) {
		mark := "MET "
		if !ok {
			mark = "MISS"
		}
		fmt.Printf("  [%s] %-58s %s\n", mark, name, detail)
	}
	ratio := func(g, a, b, u string) (float64, bool) {
		x, ok1 := med(key{g, a}, u)
		y, ok2 := med(key{g, b}, u)
		if !ok1 || !ok2 || y == 0 {
			return 0, false
		}
		return x / y, true
	}
	if r, ok := ratio("ListIncidents", "armsecurityinsights", "sdk", "ns/incident"); ok {
		check("listing >= 10x faster than armsecurityinsights", r >= 10, fmt.Sprintf("%.1fx", r))
	}
	if r, ok := ratio("ListIncidents", "sdk", "raw-jsonv2", "ns/incident"); ok {
		check("listing within 1.3x of the raw jsonv2 decode", r <= 1.3, fmt.Sprintf("%.2fx", r))
	}
	if v, ok := med(key{"ListIncidents", "sdk"}, "allocs/incident"); ok {
		check("listing <= 8 allocations per incident", v <= 8, fmt.Sprintf("%.2f", v))
	}
	if r, ok := ratio("ListEntities", "armsecurityinsights", "sdk", "ns/entity"); ok {
		check("entities >= 5x faster than armsecurityinsights", r >= 5, fmt.Sprintf("%.1fx", r))
	}
	if r, ok := ratio("KQLDecode", "azquery", "sdk", "ns/row"); ok {
		check("KQL typed rows >= 10x faster than azquery", r >= 10, fmt.Sprintf("%.1fx", r))
	}
	if r, ok := ratio("KQLDecode", "sdk", "raw-tokenize", "ns/row"); ok {
		check("KQL typed rows within 1.5x of the tokenize-only pass", r <= 1.5, fmt.Sprintf("%.2fx", r))
	}
	if r, ok := ratio("PagerMemory", "100000", "1000", "peak-heap-MiB"); ok {
		check("pager peak heap for 100,000 within 2x of 1,000", r <= 2, fmt.Sprintf("%.2fx", r))
	}
	if r, ok := ratio("RoundTrips", "armsecurityinsights", "sdk", "requests"); ok {
		check("20x fewer requests than armsecurityinsights", r >= 20, fmt.Sprintf("%.0fx", r))
	}
	if r, ok := ratio("RoundTrips", "armsecurityinsights", "sdk", "ns/op"); ok {
		check("50 ms-latency listing correspondingly faster", r >= 10, fmt.Sprintf("%.1fx", r))
	}
}
