package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// athenaOptions are the SQL's options from the flags: the partition date
// range.
func athenaOptions(opts *Options) ([]athena.Option, error) {
	var from, to time.Time
	var err error
	if opts.From != "" {
		if from, err = time.Parse(time.DateOnly, opts.From); err != nil {
			return nil, cmdutil.BadInput(fmt.Errorf("--from %q is not a date YYYY-MM-DD", opts.From))
		}
	}
	if opts.To != "" {
		if to, err = time.Parse(time.DateOnly, opts.To); err != nil {
			return nil, cmdutil.BadInput(fmt.Errorf("--to %q is not a date YYYY-MM-DD", opts.To))
		}
	}
	if !from.IsZero() || !to.IsZero() {
		return []athena.Option{athena.DateRange(from, to)}, nil
	}
	return nil, nil
}

// athenaSQL is stage 1 as Athena SQL over --table, within --from/--to.
func athenaSQL(opts *Options, ports flows.ListeningPorts) (string, error) {
	aopts, err := athenaOptions(opts)
	if err != nil {
		return "", err
	}
	sql, err := athena.SQL(opts.Table, ports, aopts...)
	if err != nil {
		return "", cmdutil.BadInput(err)
	}
	return sql, nil
}

func printAthenaSQL(opts *Options, ports flows.ListeningPorts) error {
	if opts.Table == "" {
		return cmdutil.BadInput(errors.New("--athena-sql needs --table, the Athena table of the flow logs"))
	}
	sql, err := athenaSQL(opts, ports)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, strings.TrimRight(sql, "\n"))
	return err
}

// runAthena runs stage 1 on Athena and builds the same edges from its rows.
func runAthena(ctx context.Context, opts *Options, inv *model.Inventory, ports flows.ListeningPorts) error {
	var missing []string
	for flag, v := range map[string]string{"--database": opts.Database, "--table": opts.Table} {
		if v == "" {
			missing = append(missing, flag)
		}
	}
	if len(missing) > 0 {
		return cmdutil.BadInput(fmt.Errorf("--engine athena needs %s", strings.Join(sortStrings(missing), ", ")))
	}
	if opts.AthenaOut != "" && !strings.HasPrefix(opts.AthenaOut, "s3://") {
		return cmdutil.BadInput(fmt.Errorf("--output %q is not an s3:// URL", opts.AthenaOut))
	}
	sql, err := athenaSQL(opts, ports)
	if err != nil {
		return err
	}
	ranges, err := ipRanges(ctx, opts)
	if err != nil {
		return err
	}
	cfg, err := awsapi.LoadConfig(ctx, awsapi.Options{Endpoint: opts.IO.Getenv("AWS_ENDPOINT_URL")})
	if err != nil {
		return err
	}
	obs, err := awsapi.RunAthena(ctx, cfg, sql, opts.Database, opts.Workgroup, opts.AthenaOut)
	if err != nil {
		return fmt.Errorf("athena: %w", err)
	}
	edges := flows.Edges(obs, flows.NewEndpoints(inv, ranges))
	var st flowlog.Stats
	for _, o := range obs {
		st.Records += o.Records
	}
	notes := []string{"Aggregated by Amazon Athena: files, NODATA/SKIPDATA rows and lines that did not parse are not counted here; records counts the records behind the flows."}
	rep := report.BuildFlows(edges, obs, st, ranges.Date().Format(time.DateOnly), "athena", notes)
	return write(opts, rep)
}

// s3Sources lists the flow-log objects under an s3:// prefix.
func s3Sources(ctx context.Context, opts *Options, url string) ([]flowlog.Source, error) {
	cfg, err := awsapi.LoadConfig(ctx, awsapi.Options{Endpoint: opts.IO.Getenv("AWS_ENDPOINT_URL")})
	if err != nil {
		return nil, err
	}
	sources, err := awsapi.S3Sources(ctx, cfg, url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return sources, nil
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
