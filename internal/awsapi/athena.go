package awsapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	flowsql "github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
)

// athenaAPI is every Athena call this package makes.
type athenaAPI interface {
	StartQueryExecution(context.Context, *athena.StartQueryExecutionInput, ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(context.Context, *athena.GetQueryExecutionInput, ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
	GetQueryResults(context.Context, *athena.GetQueryResultsInput, ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error)
}

// AthenaQuery is one run of the flows query (internal/flows/athena.SQL).
type AthenaQuery struct {
	SQL       string
	Database  string // the table's database (the query may also name it)
	WorkGroup string // "" for the account's "primary"
	// Output is the S3 folder for the result (s3://BUCKET/PREFIX/); "" when
	// the workgroup sets one. Athena writes the result there and nothing
	// else anywhere.
	Output string
}

// AthenaResult is what a run gives.
type AthenaResult struct {
	Observations     []flows.Observation // sorted by flows.CompareKeys
	QueryExecutionID string
	DataScanned      int64         // bytes Athena read (what it charges for)
	EngineTime       time.Duration // as Athena measured it
}

// pollFirst and pollMax bound the wait between two GetQueryExecution
// calls: it starts at pollFirst and grows by half up to pollMax.
var (
	pollFirst = 500 * time.Millisecond
	pollMax   = 5 * time.Second
)

// RunAthena runs query (the text internal/flows/athena.SQL wrote) on
// Athena in database and workgroup, with the result written to outputS3
// ("" when the workgroup sets the output), waits for it and returns its
// rows as observations, sorted.
func RunAthena(ctx context.Context, cfg aws.Config, query, database, workgroup, outputS3 string) ([]flows.Observation, error) {
	res, err := RunAthenaQuery(ctx, cfg, AthenaQuery{SQL: query, Database: database, WorkGroup: workgroup, Output: outputS3})
	return res.Observations, err
}

// RunAthenaQuery is RunAthena with the run's facts. When ctx ends while
// the query runs, the error names the query execution, which is left to
// Athena (stopping it would be a call that changes something).
func RunAthenaQuery(ctx context.Context, cfg aws.Config, q AthenaQuery) (AthenaResult, error) {
	return runAthena(ctx, athena.NewFromConfig(cfg), q)
}

func runAthena(ctx context.Context, client athenaAPI, q AthenaQuery) (AthenaResult, error) {
	var res AthenaResult
	if q.Output != "" && !strings.HasPrefix(q.Output, "s3://") {
		return res, fmt.Errorf("athena output %q: want s3://BUCKET/PREFIX/", q.Output)
	}
	in := &athena.StartQueryExecutionInput{QueryString: aws.String(q.SQL)}
	if q.Database != "" {
		in.QueryExecutionContext = &types.QueryExecutionContext{Database: aws.String(q.Database)}
	}
	if q.WorkGroup != "" {
		in.WorkGroup = aws.String(q.WorkGroup)
	}
	if q.Output != "" {
		in.ResultConfiguration = &types.ResultConfiguration{OutputLocation: aws.String(q.Output)}
	}
	start, err := client.StartQueryExecution(ctx, in)
	if err != nil {
		return res, fmt.Errorf("athena: start query: %w", err)
	}
	id := aws.ToString(start.QueryExecutionId)
	res.QueryExecutionID = id

	wait := pollFirst
	for {
		select {
		case <-ctx.Done():
			return res, fmt.Errorf("athena query %s: %w (it may still be running)", id, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*3/2, pollMax)
		out, err := client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("athena query %s: %w (it may still be running)", id, ctx.Err())
			}
			return res, fmt.Errorf("athena query %s: %w", id, err)
		}
		qe := out.QueryExecution
		if qe == nil || qe.Status == nil {
			return res, fmt.Errorf("athena query %s: GetQueryExecution returned no status", id)
		}
		if st := qe.Statistics; st != nil {
			res.DataScanned = aws.ToInt64(st.DataScannedInBytes)
			res.EngineTime = time.Duration(aws.ToInt64(st.EngineExecutionTimeInMillis)) * time.Millisecond
		}
		switch qe.Status.State {
		case types.QueryExecutionStateSucceeded:
			obs, err := queryResults(ctx, client, id)
			res.Observations = obs
			return res, err
		case types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
			reason := aws.ToString(qe.Status.StateChangeReason)
			if ae := qe.Status.AthenaError; ae != nil && reason == "" {
				reason = aws.ToString(ae.ErrorMessage)
			}
			return res, fmt.Errorf("athena query %s %s: %s", id, strings.ToLower(string(qe.Status.State)), reason)
		}
		// QUEUED or RUNNING: wait on.
	}
}

// queryResults reads every page of a succeeded query's result. The first
// row of the first page is the header (the column names).
func queryResults(ctx context.Context, client athenaAPI, id string) ([]flows.Observation, error) {
	var obs []flows.Observation
	p := athena.NewGetQueryResultsPaginator(client, &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id), MaxResults: aws.Int32(1000)})
	row := make([]string, len(flowsql.Columns))
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("athena query %s: results: %w", id, err)
		}
		if page.ResultSet == nil {
			continue
		}
		for _, r := range page.ResultSet.Rows {
			n++
			if len(r.Data) != len(row) {
				return nil, fmt.Errorf("athena query %s: result row %d has %d columns, want %d (%s): is this vpcdoctor's query?", id, n, len(r.Data), len(row), strings.Join(flowsql.Columns, ", "))
			}
			for i, d := range r.Data {
				row[i] = aws.ToString(d.VarCharValue) // NULL has none
			}
			if n == 1 {
				if !slices.Equal(row, flowsql.Columns) {
					return nil, fmt.Errorf("athena query %s: the result's columns are %s, want %s", id, strings.Join(row, ", "), strings.Join(flowsql.Columns, ", "))
				}
				continue
			}
			ob, err := flowsql.ParseRow(row)
			if err != nil {
				return nil, fmt.Errorf("athena query %s: result row %d: %w", id, n, err)
			}
			obs = append(obs, ob)
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("athena query %s: the result has no header row", id)
	}
	slices.SortFunc(obs, func(a, b flows.Observation) int { return flows.CompareKeys(a.ObservationKey, b.ObservationKey) })
	return obs, nil
}
