package sentinel_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's code is part of the API: TestREADMECompiles type-checks every ```go block of
// README.md against the module as it is, so a rename cannot leave the README behind.
//
// A block is a whole file (it starts with a package clause), top-level declarations, or, most
// often, statements, which are checked as the body of a func returning error. A block uses
// the packages of readmeImports by name, without importing them, and the variables and user
// code of readmePrelude without declaring them. "Declared and not used" and "imported and not
// used" are the only errors ignored: a snippet shows a call and need not use its result.
//
// A block that is not Go is tagged as what it is (```sh, ```text). A block that is Go but is
// not meant to compile, such as pseudo-code, is preceded by the line
// "<!-- not compiled: <reason> -->"; nothing else excludes a block.

// readmeImports are the packages README blocks use without importing them, by the name they
// are used under. A block gets the import of each such name it uses as a qualifier.
var readmeImports = map[string]string{
	"assert":         "github.com/stretchr/testify/assert",
	"azcore":         "github.com/Azure/azure-sdk-for-go/sdk/azcore",
	"azidentity":     "github.com/Azure/azure-sdk-for-go/sdk/azidentity",
	"blobcheckpoint": "github.com/sentinel-go/sentinel/blobcheckpoint",
	"cloud":          "github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud",
	"container":      "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container",
	"context":        "context",
	"defender":       "github.com/sentinel-go/sentinel/defender",
	"errors":         "errors",
	"fmt":            "fmt",
	"http":           "net/http",
	"json":           "encoding/json",
	"jsontext":       "github.com/go-json-experiment/json/jsontext",
	"log":            "log",
	"os":             "os",
	"policy":         "github.com/Azure/azure-sdk-for-go/sdk/azcore/policy",
	"recording":      "github.com/sentinel-go/sentinel/sentineltest/recording",
	"require":        "github.com/stretchr/testify/require",
	"sentinel":       "github.com/sentinel-go/sentinel",
	"sentineltest":   "github.com/sentinel-go/sentinel/sentineltest",
	"slog":           "log/slog",
	"testclient":     "github.com/sentinel-go/sentinel/sentineltest/testclient",
	"testing":        "testing",
	"time":           "time",
}

// readmePrelude declares what README blocks use without declaring it: the values a reader has
// at hand (a client, a context, an incident ID) and the reader's own code (a SOAR, a handler),
// typed as the README means them. Every block but a whole file is checked in one package
// with it.
const readmePrelude = `package readme

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// A client and the emulator it talks to, a context, credentials.
var (
	ctx    context.Context
	client *sentinel.Client
	srv    *sentineltest.Server
	cred   azcore.TokenCredential
)

// IDs the reader has from elsewhere.
var (
	id, incidentID, runID, bookmarkResourceID string
	templateID, logicAppID, tenantID, triggerURL string
)

// Values the reader has from an earlier step. signIn is the row type the KQL section's
// QueryInto block declares and its QueryRows block reuses.
type signIn struct{ User string }

var (
	entity     sentinel.Entity
	workspaces []sentinel.Workspace
	limiter    *sentinel.RateLimiter
)

// The reader's own code.
var (
	handler     func(context.Context, sentinel.Incident) error
	triage      func(context.Context, *sentinel.Client) error
	export      func(row signIn)
	poisonQueue interface {
		Put(ctx context.Context, inc sentinel.Incident, err error) error
	}
	soar interface {
		CreateCase(ctx context.Context, inc sentinel.Incident) error
		MarkMerged(ctx context.Context, inc sentinel.Incident, mergedInto int64) error
	}
)
`

// notCompiledMarker, followed by a reason and "-->", on the line before a ```go fence keeps
// that block out of the check.
const notCompiledMarker = "<!-- not compiled:"

// readmeBlock is one fenced code block of a Markdown file.
type readmeBlock struct {
	line int    // the line of the first line of code, 1-based
	lang string // the fence's info string: "go", "sh", ...
	code string // without the fence's indentation
	skip string // the reason given by a not-compiled marker, or ""
}

// readmeBlocks returns the fenced code blocks of a Markdown text. A fence without a language
// or one that is never closed is an error: the first may be Go that nobody checks.
func readmeBlocks(text string) ([]readmeBlock, error) {
	lines := strings.Split(text, "\n")
	var blocks []readmeBlock
	var errs []error
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimLeft(lines[i], " ")
		if !strings.HasPrefix(trimmed, "```") {
			continue
		}
		indent := lines[i][:len(lines[i])-len(trimmed)]
		b := readmeBlock{line: i + 2, lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))}
		if b.lang == "" {
			errs = append(errs, fmt.Errorf("README.md:%d: a code block without a language: tag it (```go, ```sh, ```text)", i+1))
		}
		for j := i - 1; j >= 0; j-- {
			prev := strings.TrimSpace(lines[j])
			if prev == "" {
				continue
			}
			if reason, ok := strings.CutPrefix(prev, notCompiledMarker); ok {
				b.skip = strings.TrimSpace(strings.TrimSuffix(reason, "-->"))
				if b.skip == "" {
					errs = append(errs, fmt.Errorf("README.md:%d: a not-compiled marker without a reason", j+1))
				}
			}
			break
		}
		var code []string
		closed := false
		for i++; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == "```" {
				closed = true
				break
			}
			code = append(code, strings.TrimPrefix(lines[i], indent))
		}
		if !closed {
			errs = append(errs, fmt.Errorf("README.md:%d: a code block that is never closed", b.line-1))
		}
		b.code = strings.Join(code, "\n")
		blocks = append(blocks, b)
	}
	return blocks, errors.Join(errs...)
}

// readmeChecker type-checks README blocks against the module's packages. It is not safe for
// concurrent use.
type readmeChecker struct {
	fset *token.FileSet
	imp  types.Importer
}

// newReadmeChecker reads the export data of readmeImports and their dependencies from the
// build cache (go list -export builds what is not there yet), with the test binary's -race
// and -tags, so that the packages are usually the ones go test has just compiled.
func newReadmeChecker() (*readmeChecker, error) {
	args := []string{"list", "-export", "-deps", "-f", "{{if .Export}}{{.ImportPath}}={{.Export}}{{end}}"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if (s.Key == "-race" && s.Value == "true") || (s.Key == "-tags" && s.Value != "") {
				args = append(args, s.Key+"="+s.Value)
			}
		}
	}
	args = append(args, slices.Sorted(maps.Values(readmeImports))...)
	cmd := exec.Command("go", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	exports := map[string]string{}
	for line := range strings.Lines(string(out)) {
		if path, file, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			exports[path] = file
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q: add it to readmeImports", path)
		}
		return os.Open(file)
	})
	return &readmeChecker{fset: fset, imp: imp}, nil
}

// readmeCheckerOnce builds the one checker of a test run: its importer caches packages.
var readmeCheckerOnce = sync.OnceValues(newReadmeChecker)

// check type-checks one block and returns its errors, positioned at README.md lines.
func (c *readmeChecker) check(b readmeBlock) []string {
	src, whole, err := c.wrap(b)
	if err != nil {
		return []string{err.Error()}
	}
	file, err := parser.ParseFile(c.fset, "block.go", src, parser.SkipObjectResolution)
	if err != nil {
		return []string{err.Error()}
	}
	files := []*ast.File{file}
	if !whole {
		prelude, err := parser.ParseFile(c.fset, "readme_prelude.go", readmePrelude, parser.SkipObjectResolution)
		if err != nil {
			return []string{err.Error()}
		}
		files = append(files, prelude)
	}
	var problems []string
	conf := types.Config{Importer: c.imp, Error: func(err error) {
		var te types.Error
		if errors.As(err, &te) && isUnusedError(te.Msg) {
			return
		}
		problems = append(problems, err.Error())
	}}
	_, _ = conf.Check("readme", c.fset, files, nil) // every error went to conf.Error
	return problems
}

// isUnusedError reports whether a type-checking error only says that a variable or import of
// a snippet is not used.
func isUnusedError(msg string) bool {
	return strings.HasPrefix(msg, "declared and not used") ||
		(strings.HasPrefix(msg, `"`) && strings.HasSuffix(msg, " and not used") && strings.Contains(msg, " imported"))
}

// wrap returns a block as a Go file of package readme, with the imports of the readmeImports
// names it uses, or as it is when it is a whole file; either way with a //line directive that
// positions its code at its README lines.
func (c *readmeChecker) wrap(b readmeBlock) (src string, whole bool, err error) {
	directive := fmt.Sprintf("//line README.md:%d:1\n", b.line)
	if _, err := parser.ParseFile(token.NewFileSet(), "", b.code, parser.PackageClauseOnly); err == nil {
		return directive + b.code, true, nil
	}
	prefix, suffix := "", "\n" // top-level declarations
	file, err := parser.ParseFile(token.NewFileSet(), "", "package readme\n"+b.code, parser.SkipObjectResolution)
	if err != nil { // statements
		prefix, suffix = "func _() error {\n", "\nreturn nil\n}\n"
		file, err = parser.ParseFile(token.NewFileSet(), "", "package readme\n"+prefix+directive+b.code+suffix, parser.SkipObjectResolution)
		if err != nil {
			return "", false, err // a syntax error, at its README line
		}
	}
	var imports strings.Builder
	var used []string
	ast.Inspect(file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && readmeImports[x.Name] != "" && !slices.Contains(used, x.Name) {
				used = append(used, x.Name)
				fmt.Fprintf(&imports, "import %s %q\n", x.Name, readmeImports[x.Name])
			}
		}
		return true
	})
	return "package readme\n" + imports.String() + prefix + directive + b.code + suffix, false, nil
}

func TestREADMECompiles(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks, err := readmeBlocks(string(readme))
	require.NoError(t, err)
	checker, err := readmeCheckerOnce()
	require.NoError(t, err)

	checked := 0
	for _, b := range blocks {
		if b.lang != "go" {
			continue
		}
		t.Run(fmt.Sprintf("line_%d", b.line), func(t *testing.T) {
			if b.skip != "" {
				t.Skipf("README.md:%d: not compiled: %s", b.line, b.skip)
			}
			checked++
			for _, p := range checker.check(b) {
				t.Error(p)
			}
		})
	}
	t.Logf("%d Go blocks of README.md type-checked", checked)
	assert.NotZero(t, checked, "README.md has no ```go block: is the fence syntax still ```go?")
}

// TestREADMECheckerReports shows that the check fails, at the README line, for what a rename
// leaves behind, in each kind of block, and ignores only unused variables and imports.
func TestREADMECheckerReports(t *testing.T) {
	checker, err := readmeCheckerOnce()
	require.NoError(t, err)
	tests := []struct {
		name     string
		markdown string
		want     []string // substrings of the one problem; none for a block that compiles
	}{
		{
			name:     "renamed method",
			markdown: "```go\n_, err := client.AddComment(ctx, id, \"contained\", nil)\n```\n",
			want:     []string{"README.md:2:", "client.AddComment undefined"},
		},
		{
			name:     "argument count",
			markdown: "Close it:\n\n```go\ninc, err := client.GetIncident(ctx, id, nil)\nclient.CloseIncident(ctx, inc.Name, sentinel.ClassificationTruePositive, nil)\n```\n",
			want:     []string{"README.md:5:", "not enough arguments in call to client.CloseIncident"},
		},
		{
			name:     "wrong type",
			markdown: "```go\nup := sentinel.IncidentUpdate{Severity: sentinel.SeverityHigh}\n```\n",
			want:     []string{"README.md:2:", "cannot use sentinel.SeverityHigh"},
		},
		{
			name:     "a list returns a pager",
			markdown: "```go\nalerts, err := client.ListAlerts(id, nil)\n```\n",
			want:     []string{"README.md:2:", "assignment mismatch"},
		},
		{
			name:     "declarations",
			markdown: "```go\n// escalate raises an incident.\nfunc escalate(ctx context.Context, c *sentinel.Client) error {\n\treturn c.Escalate(ctx, id)\n}\n```\n",
			want:     []string{"README.md:4:", "c.Escalate undefined"},
		},
		{
			name:     "whole file",
			markdown: "```go\npackage main\n\nimport \"github.com/sentinel-go/sentinel\"\n\nvar _ = sentinel.SeverityHigh.Level\n```\n",
			want:     []string{"README.md:6:", "sentinel.SeverityHigh.Level undefined"},
		},
		{
			name:     "whole file without the prelude",
			markdown: "```go\npackage main\n\nfunc main() { client.GetIncident(nil, \"\", nil) }\n```\n",
			want:     []string{"README.md:4:", "undefined: client"},
		},
		{
			name:     "pseudo-code",
			markdown: "```go\nfor _, inc := range page { ... }\n```\n",
			want:     []string{"README.md:2:", "expected statement"},
		},
		{
			name:     "an indented block",
			markdown: "- Entities:\n\n  ```go\n  host := sentineltest.Host(\"ws-fin-0142\")\n  srv.AddIncident(sentineltest.IncidentSeed{Entities: host})\n  ```\n",
			want:     []string{"README.md:5:", "cannot use host"},
		},
		{
			name:     "only unused variables and imports",
			markdown: "```go\ninc, err := client.GetIncident(ctx, id, nil)\nvar wait time.Duration\n```\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks, err := readmeBlocks(tt.markdown)
			require.NoError(t, err)
			require.Len(t, blocks, 1)
			problems := checker.check(blocks[0])
			if tt.want == nil {
				assert.Empty(t, problems)
				return
			}
			require.Len(t, problems, 1, "%q", problems)
			for _, want := range tt.want {
				assert.Contains(t, problems[0], want)
			}
		})
	}
}

func TestREADMEBlocks(t *testing.T) {
	tests := []struct {
		name     string
		markdown string
		want     []readmeBlock
		wantErr  string
	}{
		{
			name:     "languages and lines",
			markdown: "# Title\n\n```sh\ngo test ./...\n```\n\ntext\n```go\na := 1\n\nb := 2\n```\n",
			want: []readmeBlock{
				{line: 4, lang: "sh", code: "go test ./..."},
				{line: 9, lang: "go", code: "a := 1\n\nb := 2"},
			},
		},
		{
			name:     "indented in a list",
			markdown: "- item\n\n  ```go\n  if ok {\n  \treturn nil\n  }\n  ```\n",
			want:     []readmeBlock{{line: 4, lang: "go", code: "if ok {\n\treturn nil\n}"}},
		},
		{
			name:     "not compiled, with a reason",
			markdown: "<!-- not compiled: the shape of a handler, not a call -->\n\n```go\nfunc(...)\n```\n",
			want:     []readmeBlock{{line: 4, lang: "go", code: "func(...)", skip: "the shape of a handler, not a call"}},
		},
		{
			name:     "a marker counts only right before the block",
			markdown: "<!-- not compiled: stale -->\nSome text.\n```go\nx := 1\n```\n",
			want:     []readmeBlock{{line: 4, lang: "go", code: "x := 1"}},
		},
		{
			name:     "not compiled, without a reason",
			markdown: "<!-- not compiled: -->\n```go\nx\n```\n",
			wantErr:  "README.md:1: a not-compiled marker without a reason",
		},
		{
			name:     "no language",
			markdown: "text\n```\n$ go test\nok\n```\n",
			wantErr:  "README.md:2: a code block without a language",
		},
		{
			name:     "never closed",
			markdown: "```go\nx := 1\n",
			wantErr:  "README.md:1: a code block that is never closed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks, err := readmeBlocks(tt.markdown)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, blocks)
		})
	}
}
