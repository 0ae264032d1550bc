package awsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// s3API is every S3 call this package makes.
type s3API interface {
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// logSuffixes are the object names a prefix's listing reads, the same as
// flowlog.Walk's in a folder: S3 delivery's ….log.gz, unpacked ….log,
// CloudWatch Logs exports' ….gz and saved ….txt. Compression is decided
// by content.
var logSuffixes = []string{".log", ".gz", ".txt"}

// S3Sources returns the flow-log objects under url, s3://BUCKET/PREFIX, as
// S3Walk does, without the keys it skipped.
func S3Sources(ctx context.Context, cfg aws.Config, url string) ([]flowlog.Source, error) {
	srcs, _, err := S3Walk(ctx, cfg, url)
	return srcs, err
}

// S3Walk lists url, s3://BUCKET/PREFIX, the way flowlog.Walk walks a
// folder: an object whose key is PREFIX is a source whatever its name;
// otherwise PREFIX is a folder (a "/" is added when it lacks one, so
// s3://b/AWSLogs/1234 does not take in AWSLogs/12345/...) and its objects
// named *.log, *.gz or *.txt are sources, the others returned in skipped
// (as s3:// URLs); folder markers and names starting with a dot are
// passed over. Sources are sorted by key (S3's layout
// AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/ sorts by date). Each
// source streams its object with GetObject when opened, with ctx.
//
// A bucket in another region than cfg's is found from S3's redirect
// (its x-amz-bucket-region header) and read there.
func S3Walk(ctx context.Context, cfg aws.Config, url string) (sources []flowlog.Source, skipped []string, err error) {
	bucket, prefix, err := parseS3URL(url)
	if err != nil {
		return nil, nil, err
	}
	client, objects, err := listBucket(ctx, cfg, bucket, prefix)
	if err != nil {
		return nil, nil, fmt.Errorf("list %s: %w", url, err)
	}
	return s3Sources(ctx, client, bucket, prefix, objects)
}

// listBucket lists every object of bucket under prefix with a client of
// cfg's region, or, when S3 answers that the bucket is in another region
// (its x-amz-bucket-region header), with a client of that region, which it
// returns for the reads that follow.
func listBucket(ctx context.Context, cfg aws.Config, bucket, prefix string) (*s3.Client, []object, error) {
	client := newS3(cfg, "")
	objects, err := listObjects(ctx, client, bucket, prefix)
	if err != nil {
		if r := bucketRegion(err); r != "" && r != cfg.Region {
			client = newS3(cfg, r)
			objects, err = listObjects(ctx, client, bucket, prefix)
		}
	}
	return client, objects, err
}

func newS3(cfg aws.Config, region string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		// Objects without a stored checksum are normal (older
		// deliveries, S3-compatible servers): no DEBUG line on stderr.
		o.DisableLogOutputChecksumValidationSkipped = true
		if cfg.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
		if region != "" {
			o.Region = region
		}
	})
}

type object struct {
	key  string
	size int64
}

// listPage is how many keys one ListObjectsV2 call asks for; 0 leaves
// S3's 1000.
var listPage int32

// listObjects lists every object under prefix, page by page.
func listObjects(ctx context.Context, client s3API, bucket, prefix string) ([]object, error) {
	var out []object
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)}
	if listPage > 0 {
		in.MaxKeys = aws.Int32(listPage)
	}
	p := s3.NewListObjectsV2Paginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			out = append(out, object{key: aws.ToString(o.Key), size: aws.ToInt64(o.Size)})
		}
	}
	return out, nil
}

// s3Sources picks the sources of a listing (see S3Walk).
func s3Sources(ctx context.Context, client s3API, bucket, prefix string, objects []object) (sources []flowlog.Source, skipped []string, err error) {
	folder := prefix
	if folder != "" && !strings.HasSuffix(folder, "/") {
		folder += "/"
	}
	slices.SortFunc(objects, func(a, b object) int { return strings.Compare(a.key, b.key) })
	for _, o := range objects {
		switch {
		case o.key == prefix && !strings.HasSuffix(o.key, "/"):
			// the object the URL names
		case !strings.HasPrefix(o.key, folder) || strings.HasSuffix(o.key, "/"):
			continue // a sibling (AWSLogs/12345 for AWSLogs/1234) or a folder marker
		case hiddenPart(strings.TrimPrefix(o.key, folder)):
			continue
		case !isLogName(o.key):
			skipped = append(skipped, "s3://"+bucket+"/"+o.key)
			continue
		}
		sources = append(sources, s3Source(ctx, client, bucket, o))
	}
	return sources, skipped, nil
}

func s3Source(ctx context.Context, client s3API, bucket string, o object) flowlog.Source {
	name := "s3://" + bucket + "/" + o.key
	return flowlog.Source{
		Name: name,
		Size: o.size,
		Open: func() (io.ReadCloser, error) {
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(o.key)})
			if err != nil {
				return nil, fmt.Errorf("get %s: %w", name, err)
			}
			return out.Body, nil
		},
	}
}

// parseS3URL splits s3://BUCKET/PREFIX.
func parseS3URL(url string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(url, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an S3 URL (s3://BUCKET/PREFIX)", url)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q names no bucket (s3://BUCKET/PREFIX)", url)
	}
	return bucket, prefix, nil
}

func isLogName(key string) bool {
	name := strings.ToLower(path.Base(key))
	for _, s := range logSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// hiddenPart: a folder or file name under the prefix starts with a dot.
func hiddenPart(rel string) bool {
	for part := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// bucketRegion is the region S3 names when it redirects a request to the
// bucket's own region (301 PermanentRedirect, or 400 on a wrongly signed
// request, with the x-amz-bucket-region header); "" otherwise.
func bucketRegion(err error) string {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return ""
	}
	return re.Response.Header.Get("X-Amz-Bucket-Region")
}
