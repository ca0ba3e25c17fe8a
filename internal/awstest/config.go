package awstest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
)

// Config returns an SDK config for one local endpoint that answers every
// service (such as Moto's), with test credentials, the region Region, the
// fast Retryer and apiOptions (a Counter's Middleware, say): what a test
// hands to code that builds its own clients with NewFromConfig, as the
// functions' cold start does.
func Config(endpoint string, apiOptions ...func(*middleware.Stack) error) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  Credentials,
		BaseEndpoint: aws.String(endpoint),
		Retryer:      Retryer,
		APIOptions:   apiOptions,
	}
}
