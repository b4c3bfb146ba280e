// Command nalgae runs the Nalgae server and its maintenance tasks. main only
// wires: config → database → api.New → serve.
package main

import (
	"fmt"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `nalgae — small-business digital-transition program tracker (날개)

Usage:
  nalgae serve [--addr 127.0.0.1:8080]    run the server (migrates first)
  nalgae migrate                          apply pending schema migrations
  nalgae seed --demo                      load the demo program and print its logins
  nalgae seed --scale N [--json]          write a deterministic synthetic program of N teams
  nalgae user create --email E --name N --role R [--password P]
                                          add a user (password from stdin if omitted)
  nalgae backup FILE                      write a consistent SQLite snapshot while the server runs
                                          (PostgreSQL: use pg_dump)
  nalgae audit verify                     check the audit log's hash chain; names the first broken link
  nalgae searchad-fake [--addr A] [--days N]
                                          a LOCAL STAND-IN for the SearchAd API (made-up numbers,
                                          printed demo keys) to try a pull without an account
  nalgae version                          print the version

Environment: DATABASE_URL (SQLite path, sqlite:// or file: prefix, or postgres://…),
JWT_SECRET or JWT_SECRET_FILE, NALGAE_ENV (development|production), NALGAE_ADDR,
NALGAE_LOG_FORMAT (text|json), NALGAE_TRUST_PROXY, NALGAE_SECURE_COOKIES,
NALGAE_LOGIN_RATE (attempts per minute per address), NALGAE_DB_MAX_OPEN_CONNS,
NALGAE_DB_MAX_IDLE_CONNS, NALGAE_DB_CONN_MAX_LIFETIME (PostgreSQL pool),
NALGAE_HTTP_READ_TIMEOUT, NALGAE_HTTP_WRITE_TIMEOUT, NALGAE_HTTP_IDLE_TIMEOUT,
NALGAE_SHUTDOWN_TIMEOUT.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "nalgae:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return fmt.Errorf("missing command")
	}
	if args[0] == "searchad-fake" {
		// Needs no database, no secrets, no configuration.
		return searchadFake(args[1:])
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	setupLogging(cfg)
	switch args[0] {
	case "serve":
		return serve(cfg, args[1:])
	case "migrate":
		return migrate(cfg)
	case "seed":
		return seedCommand(cfg, args[1:])
	case "user":
		return user(cfg, args[1:])
	case "backup":
		return backup(cfg, args[1:])
	case "audit":
		return audit(cfg, args[1:])
	case "version", "--version", "-v":
		fmt.Println("nalgae", version)
		return nil
	case "help", "--help", "-h":
		fmt.Print(usage)
		return nil
	}
	fmt.Print(usage)
	return fmt.Errorf("unknown command %q", args[0])
}
