package awsapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3PutAPI is the one write vpcdoctor makes to AWS: PutObject, the reports
// the Lambda function (internal/cmd/lambda) stores in the user's bucket.
// It is kept apart from s3API, the reads, so that a test pins it alone.
type s3PutAPI interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// S3Object is one object of a bucket: its key, its content type (for
// S3Put; "" leaves S3's binary/octet-stream) and its bytes.
type S3Object struct {
	Key         string
	ContentType string
	Body        []byte
}

// S3Put writes objects into bucket, one PutObject each, in order, and
// stops at the first that fails: a caller that writes a summary last
// leaves no summary when a report before it was not written. With owner
// non-empty every request carries it as the expected bucket owner, so that
// S3 refuses to write into a bucket another account holds (a deleted bucket's
// name taken again). A bucket in another region than cfg's is found from
// S3's redirect and written there.
func S3Put(ctx context.Context, cfg aws.Config, bucket, owner string, objects []S3Object) error {
	if bucket == "" {
		return fmt.Errorf("no bucket to write to")
	}
	var client s3PutAPI = newS3(cfg, "")
	for i, o := range objects {
		err := putObject(ctx, client, bucket, owner, o)
		if i == 0 && err != nil {
			// The first write finds the bucket's region, as S3Walk does.
			if r := bucketRegion(err); r != "" && r != cfg.Region {
				client = newS3(cfg, r)
				err = putObject(ctx, client, bucket, owner, o)
			}
		}
		if err != nil {
			return fmt.Errorf("write s3://%s/%s: %w", bucket, o.Key, err)
		}
	}
	return nil
}

func putObject(ctx context.Context, client s3PutAPI, bucket, owner string, o S3Object) error {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(o.Key),
		Body:          bytes.NewReader(o.Body),
		ContentLength: aws.Int64(int64(len(o.Body))),
	}
	if o.ContentType != "" {
		in.ContentType = aws.String(o.ContentType)
	}
	if owner != "" {
		in.ExpectedBucketOwner = aws.String(owner)
	}
	_, err := client.PutObject(ctx, in)
	return err
}

// S3GetAll reads every object under url, s3://BUCKET/PREFIX (PREFIX a
// folder: a "/" is added when it lacks one), whose key keep accepts (nil
// keeps all), sorted by key, with their keys relative to the folder.
// Folder markers are passed over. It reads (ListObjectsV2, GetObject),
// and a bucket in another region than cfg's is read there.
func S3GetAll(ctx context.Context, cfg aws.Config, url string, keep func(rel string) bool) ([]S3Object, error) {
	bucket, prefix, err := parseS3URL(url)
	if err != nil {
		return nil, err
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	client, objects, err := listBucket(ctx, cfg, bucket, prefix)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", url, err)
	}
	var out []S3Object
	for _, o := range sortedObjects(objects) {
		rel := strings.TrimPrefix(o.key, prefix)
		if rel == "" || strings.HasSuffix(rel, "/") || (keep != nil && !keep(rel)) {
			continue
		}
		body, err := getObject(ctx, client, bucket, o.key)
		if err != nil {
			return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, o.key, err)
		}
		out = append(out, S3Object{Key: rel, Body: body})
	}
	return out, nil
}

// sortedObjects sorts a listing by key (S3 lists in that order already;
// a server that does not is not trusted).
func sortedObjects(objects []object) []object {
	out := slices.Clone(objects)
	slices.SortFunc(out, func(a, b object) int { return strings.Compare(a.key, b.key) })
	return out
}

func getObject(ctx context.Context, client s3API, bucket, key string) ([]byte, error) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// S3Key joins the parts of a key with "/", as path.Join does, keeping a
// prefix's meaning: "" parts are dropped.
func S3Key(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.Trim(p, "/"); p != "" {
			kept = append(kept, p)
		}
	}
	return path.Join(kept...)
}
