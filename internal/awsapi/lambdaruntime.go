package awsapi

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// LambdaHandler answers one invocation of a Lambda function: the event's
// JSON in, the response's JSON out. An error's type name (the type the
// pointer points to) is the error type Lambda reports, which Step
// Functions' Retry and Catch match.
type LambdaHandler interface {
	Invoke(ctx context.Context, event []byte) ([]byte, error)
}

// StartLambda serves h as a Lambda function through the Runtime API named
// by AWS_LAMBDA_RUNTIME_API, one invocation after another, until the
// process is stopped; each invocation's context carries ctx's values and
// the invocation's deadline. It returns only if the Runtime API cannot be
// reached, and then exits the process, as aws-lambda-go does.
func StartLambda(ctx context.Context, h LambdaHandler) {
	lambda.StartWithOptions(h, lambda.WithContext(ctx))
}

// LambdaFunctionARN is the ARN of the function the invocation whose
// context ctx is was made to (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME);
// "" outside an invocation.
func LambdaFunctionARN(ctx context.Context) string {
	lc, ok := lambdacontext.FromContext(ctx)
	if !ok {
		return ""
	}
	return lc.InvokedFunctionArn
}
