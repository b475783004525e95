package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/motcua/motcua/internal/config"
)

// runConfig prints an example configuration file or checks one.
func runConfig(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("config", "config example | config check [FILE]   (FILE: env "+config.EnvFile+")", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 1 && fs.Arg(0) == "example":
		_, err := io.WriteString(stdout, config.Example())
		return err
	case fs.NArg() <= 2 && fs.NArg() >= 1 && fs.Arg(0) == "check":
		path := os.Getenv(config.EnvFile)
		if fs.NArg() == 2 {
			path = fs.Arg(1)
		}
		if path == "" {
			return fmt.Errorf("config check: cần tên tệp / a file is required (or env %s)", config.EnvFile)
		}
		return checkConfig(path, stdout)
	}
	fs.Usage()
	return fmt.Errorf("config: cần example hoặc check TỆP / expected example or check FILE, got %v", fs.Args())
}

// checkConfig validates a file with the environment applied, as serve would load it, and
// prints every setting with its source; secrets are redacted. Problems make it fail.
func checkConfig(path string, stdout io.Writer) error {
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Cấu hình hợp lệ / configuration is valid: %s\n\n", path)
	for _, s := range config.Describe(cfg, path, os.LookupEnv) {
		fmt.Fprintf(stdout, "  %-28s = %-40s (%s)\n", s.Key.Name, s.Value, s.Source)
	}
	return nil
}
