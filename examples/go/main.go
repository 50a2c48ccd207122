// The three kinds of connection from a Go program, through the Go SDK generated from the package
// schemas (sdk/go). The engine runs the pulumi-resource-pictory and pulumi-resource-apinizer plugins
// for them; the default credentials come from stack config (pictory:apiKey, apinizer:token), a second
// Pictory account gets an explicit provider:
//
//	pulumi config set --secret pictory:apiKey pictai_...
//	pulumi config set --secret apinizer:token <token>
//	pulumi config set --secret euApiKey pictai_...
//	pulumi config set --secret vimeoSecret <client secret>
//	pulumi config set --secret vimeoToken <access token>
//	pulumi config set --secret smtpPassword <password>
//	pulumi config set existingAwsConnectionId <id of a connection made in the console>   # optional
package main

import (
	"github.com/pulumi-connections/pulumi-connections/sdk/go/apinizer"
	"github.com/pulumi-connections/pulumi-connections/sdk/go/pictory"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")

		// Default provider: the pictory:apiKey of the stack.
		media, err := pictory.NewAwsConnection(ctx, "media", &pictory.AwsConnectionArgs{
			AwsAccountId: pulumi.String("123456789012"),
			AwsRegion:    pulumi.String("us-east-1"),
		})
		if err != nil {
			return err
		}

		// A second Pictory account is a second provider; its key stays secret in the state.
		eu, err := pictory.NewProvider(ctx, "eu", &pictory.ProviderArgs{
			ApiKey: cfg.RequireSecret("euApiKey"),
		})
		if err != nil {
			return err
		}
		euVimeo, err := pictory.NewVimeoConnection(ctx, "eu-vimeo", &pictory.VimeoConnectionArgs{
			ClientIdentifier: pulumi.String("eu-vimeo-app"),
			ClientSecret:     cfg.RequireSecret("vimeoSecret"),
			AccessToken:      cfg.RequireSecret("vimeoToken"),
		}, pulumi.Provider(eu))
		if err != nil {
			return err
		}

		alerts, err := apinizer.NewEmailConnection(ctx, "alerts", &apinizer.EmailConnectionArgs{
			ProjectName: pulumi.String("demo"),
			Host:        pulumi.String("smtp.example.com"),
			Auth:        pulumi.Bool(true),
			Username:    pulumi.String("bot"),
			Password:    cfg.RequireSecret("smtpPassword"),
		})
		if err != nil {
			return err
		}

		// A lookup reads a connection without managing it; without a configured ID it reads the one
		// this stack manages, once it exists.
		lookupID := media.ConnectionId
		if id := cfg.Get("existingAwsConnectionId"); id != "" {
			lookupID = pulumi.String(id).ToStringOutput()
		}
		found := pictory.LookupAwsConnectionOutput(ctx, pictory.LookupAwsConnectionOutputArgs{
			ConnectionId: lookupID,
		})

		ctx.Export("mediaId", media.ID())
		ctx.Export("euVimeoId", euVimeo.ID())
		ctx.Export("alertsId", alerts.ID())
		ctx.Export("lookedUpName", found.Name())
		ctx.Export("lookedUpRegion", found.AwsRegion())
		return nil
	})
}
