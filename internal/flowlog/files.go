package flowlog

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// logSuffixes are the names of the files a folder walk reads: what S3
// delivery writes (….log.gz), what people unpack it to (….log) and what
// CloudWatch Logs exports write (….gz, often 000000.gz) or are saved as
// (….txt). Compression is decided by content, not by name.
var logSuffixes = []string{".log", ".gz", ".txt"}

// Files returns the sources paths name, as Walk does, without the list of
// the files skipped.
func Files(paths ...string) ([]Source, error) {
	srcs, _, err := Walk(paths...)
	return srcs, err
}

// Walk returns the sources paths name, in order and without duplicates.
// A path that is a file is a source whatever its name. A folder is walked
// recursively in lexical order (S3's layout
// AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/ sorts by date): its
// files named *.log, *.gz or *.txt are sources; the others (Parquet
// deliveries, notes) are returned in skipped, once each and only when no
// path makes them sources; folders and files
// whose names start with a dot are passed over. A path that does not
// exist, or a folder that cannot be listed, is an error naming it.
func Walk(paths ...string) (sources []Source, skipped []string, err error) {
	seen := map[string]bool{}
	add := func(path string, size int64) {
		clean := filepath.Clean(path)
		if seen[clean] {
			return
		}
		seen[clean] = true
		sources = append(sources, fileSource(path, size))
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("flow logs: %w", err)
		}
		if !info.IsDir() {
			add(p, info.Size())
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("flow logs: %w", err)
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			info, err := os.Stat(path) // follows a symbolic link
			if err != nil {
				return fmt.Errorf("flow logs: %w", err)
			}
			if !info.Mode().IsRegular() {
				return nil
			}
			if !isLogName(d.Name()) {
				skipped = append(skipped, path)
				return nil
			}
			add(path, info.Size())
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	// A file skipped by one walk may be a source by another path.
	kept := skipped[:0]
	for _, p := range skipped {
		if clean := filepath.Clean(p); !seen[clean] {
			seen[clean] = true
			kept = append(kept, p)
		}
	}
	return sources, kept, nil
}

func isLogName(name string) bool {
	name = strings.ToLower(name)
	for _, s := range logSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

func fileSource(path string, size int64) Source {
	return Source{Name: path, Size: size, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}
