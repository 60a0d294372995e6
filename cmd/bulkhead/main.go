// Command bulkhead is Bulkhead's single binary: the web UI and API server,
// and the administration CLI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes a script can rely on.
const (
	exitOK       = 0
	exitError    = 1 // the command failed: bad input, not found, forbidden, database error
	exitUsage    = 2 // unknown command or bad flags
	exitTampered = 3 // verify found a broken audit trail
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is the process environment, passed in so tests can set it.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name, usage string
	run         func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	var all []command
	for _, area := range [][]command{coreCommands(), registerCommands(), peopleCommands(), documentCommands(), riskCommands(), libraryCommands(), custodyCommands(), incidentCommands()} {
		all = append(all, area...)
	}
	return append(all, command{"version", "print the version", cmdVersion})
}

// coreCommands are the foundation's commands; each area of the product
// lists its commands in its own file.
func coreCommands() []command {
	return []command{
		{"serve", "run the web UI and API server", cmdServe},
		{"migrate", "apply database migrations and list them", cmdMigrate},
		{"org add", "create an organisation", cmdOrgAdd},
		{"org list", "list organisations", cmdOrgList},
		{"user add", "add a user to an organisation (password from stdin)", cmdUserAdd},
		{"user passwd", "set a user's password (from stdin)", cmdUserPasswd},
		{"user role", "change a member's role in an organisation", cmdUserRole},
		{"token create", "create an API token for a user (printed once)", cmdTokenCreate},
		{"token list", "list a user's API tokens", cmdTokenList},
		{"token revoke", "revoke an API token", cmdTokenRevoke},
		{"site add", "create a site", cmdSiteAdd},
		{"site list", "list sites", cmdSiteList},
		{"site show", "show one site", cmdSiteShow},
		{"site edit", "change fields of a site (only the flags given)", cmdSiteEdit},
		{"site archive", "archive a site", cmdSiteArchive},
		{"site restore", "restore an archived site", cmdSiteRestore},
		{"audit list", "list audit-trail entries, newest first", cmdAuditList},
		{"verify", "verify the tamper-evident audit trail", cmdVerify},
		{"bench", "measure performance: bench writes|verify|list|risk", cmdBench},
	}
}

// usageError marks errors that exit with exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// tamperedError marks a broken audit trail (exitTampered).
type tamperedError struct{ msg string }

func (e *tamperedError) Error() string { return e.msg }

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: bulkhead <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'bulkhead <command> -h' for a command's flags. Environment: BULKHEAD_DATA, BULKHEAD_DB, BULKHEAD_ADDR, BULKHEAD_DEMO, BULKHEAD_SECURE_COOKIES, BULKHEAD_TLS_CERT, BULKHEAD_TLS_KEY, BULKHEAD_LOG_FORMAT, BULKHEAD_TRUSTED_PROXIES, BULKHEAD_ORG, BULKHEAD_AS set the flags of the same name; flags win.")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 error, 2 usage, 3 audit trail broken.")
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	var cmd *command
	rest := args
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			cmd, rest = &c, args[len(words):]
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "bulkhead: unknown command %q\n\n", strings.Join(args, " "))
		usage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, e, rest)
	var ue *usageError
	var te *tamperedError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "bulkhead %s: %s\n", cmd.name, ue.msg)
		return exitUsage
	case errors.As(err, &te):
		fmt.Fprintf(stderr, "bulkhead %s: %s\n", cmd.name, te.msg)
		return exitTampered
	}
	fmt.Fprintf(stderr, "bulkhead %s: %s\n", cmd.name, describe(err))
	return exitError
}

// describe renders an error for the terminal: the message, then each field
// error on its own line.
func describe(err error) string {
	code := bulkhead.ErrorCode(err)
	if code == bulkhead.EINTERNAL {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(bulkhead.ErrorMessage(err))
	fields := bulkhead.ErrorFields(err)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s: %s", k, i18n.T(i18n.Default, "err."+fields[k]))
	}
	return b.String()
}

// newFlags returns a flag set that reports errors instead of exiting, and
// fills unset flags from BULKHEAD_* environment variables after parsing.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("bulkhead "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// envFlags are the flags that BULKHEAD_<FLAG> environment variables set.
var envFlags = map[string]bool{"data": true, "db": true, "addr": true, "demo": true, "secure-cookies": true, "tls-cert": true, "tls-key": true, "log-format": true, "trusted-proxies": true, "org": true, "as": true}

// parse parses args and applies BULKHEAD_<NAME> environment defaults to
// flags not given on the command line.
func parse(e *env, fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil || !envFlags[f.Name] {
			return
		}
		name := "BULKHEAD_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := e.getenv(name); v != "" {
			if serr := f.Value.Set(v); serr != nil {
				err = &usageError{fmt.Sprintf("%s=%q: %v", name, v, serr)}
			}
		}
	})
	return err
}

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "version")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "bulkhead %s\n", version)
	return nil
}
