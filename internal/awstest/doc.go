// Package awstest starts the local stand-ins for AWS that the adapters'
// and functions' tests run against, and counts the requests they send.
//
//   - MiniDyn: github.com/truora/minidyn's DynamoDB server, in-process behind
//     httptest, reached by the real aws-sdk-go-v2 client over HTTP.
//   - Fauxqs: the fauxqs SQS emulator (npm, node 22) on a free loopback port,
//     through infra/serve-fauxqs.mjs; it skips locally without
//     infra/node_modules and fails under CI=true (see testenv).
//   - Moto: moto_server (EventBridge Scheduler, SSM, Secrets Manager, …) on a
//     free loopback port; it skips locally without moto_server and fails
//     under CI=true.
//   - Counter: SDK middleware that counts operations by service and name, so
//     a test can state what a use case costs in requests.
//
// Nothing here talks to AWS: every client gets static test credentials, the
// region Region and an endpoint on 127.0.0.1.
package awstest

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the region every test client is made for.
const Region = "us-east-1"

// Credentials are static test credentials; the stand-ins accept any.
var Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")

// Retryer is the SDK's standard retryer with the production attempt count
// (3) but short backoffs and no client-side retry quota, so that tests that
// make the stand-ins fail on purpose do not wait seconds per request, and
// hundreds of racing requests never run the quota dry.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxBackoff = 20 * time.Millisecond
		o.RateLimiter = ratelimit.None
	})
}
