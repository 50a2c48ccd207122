// The connections from a Go program, through the Go SDK generated from the package schemas (sdk/go)
// and the native plugins; the same stack as examples/yaml. Install the plugins with
// `pulumi plugin install resource pictory <version> --file <archive>` (and apinizer), then:
//
//	pulumi config set --secret pictory:apiKey pictai_...
//	pulumi config set apinizer:baseUrl https://apinizer.example.com/apiops
//	pulumi config set --secret apinizer:token ...
//	pulumi config set --secret vimeoClientSecret ... ; pulumi config set --secret vimeoAccessToken ...
//	pulumi config set --secret secondApiKey pictai_... ; pulumi config set secondBaseUrl https://...
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

		// A second Pictory account, reached through an explicit provider with its own key (kept
		// secret in the state, like every secret read with RequireSecret).
		secondBaseURL := cfg.Get("secondBaseUrl")
		if secondBaseURL == "" {
			secondBaseURL = "https://api.pictory.ai/pictoryapis"
		}
		secondAccount, err := pictory.NewProvider(ctx, "secondAccount", &pictory.ProviderArgs{
			ApiKey:  cfg.RequireSecret("secondApiKey"),
			BaseUrl: pulumi.String(secondBaseURL),
		})
		if err != nil {
			return err
		}

		// Autonamed: the resource name plus 7 random hex characters.
		media, err := pictory.NewAwsConnection(ctx, "media", &pictory.AwsConnectionArgs{
			AwsAccountId: pulumi.String("123456789012"),
			AwsRegion:    pulumi.String("us-east-2"),
			Description:  pulumi.String("rendered media"),
		})
		if err != nil {
			return err
		}

		uploads, err := pictory.NewVimeoConnection(ctx, "uploads", &pictory.VimeoConnectionArgs{
			Name:             pulumi.String("uploads"),
			ClientIdentifier: pulumi.String("marketing-app"),
			ClientSecret:     cfg.RequireSecret("vimeoClientSecret"),
			AccessToken:      cfg.RequireSecret("vimeoAccessToken"),
		})
		if err != nil {
			return err
		}

		archive, err := pictory.NewAwsConnection(ctx, "archive", &pictory.AwsConnectionArgs{
			Name:         pulumi.String("archive"),
			AwsAccountId: pulumi.String("210987654321"),
			AwsRegion:    pulumi.String("eu-west-1"),
		}, pulumi.Provider(secondAccount))
		if err != nil {
			return err
		}

		mail, err := apinizer.NewEmailConnection(ctx, "mail", &apinizer.EmailConnectionArgs{
			ProjectName: pulumi.String("demo"),
			Name:        pulumi.String("mail"),
			Host:        pulumi.String("smtp.example.com"),
			Port:        pulumi.Int(587),
		})
		if err != nil {
			return err
		}

		// A lookup: the connection as the API holds it.
		mediaNow := pictory.LookupAwsConnectionOutput(ctx, pictory.LookupAwsConnectionOutputArgs{
			ConnectionId: media.ConnectionId,
		})

		ctx.Export("mediaId", media.ConnectionId)
		ctx.Export("mediaName", mediaNow.Name())
		ctx.Export("uploadsId", uploads.ID())
		ctx.Export("archiveId", archive.ID())
		ctx.Export("mailId", mail.ID())
		return nil
	})
}
