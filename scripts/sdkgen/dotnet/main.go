// Command sdkgen-dotnet writes the .NET SDK of Pulumi package schemas. It is a module of its own
// because the .NET generator left pkg/v3 after v3.225.1 (it now lives in pulumi-dotnet, whose module
// is not served by the module proxy these builds use): v3.225.1 is the last release that has it,
// deprecated and frozen. It needs the SDK module of the same release (it imports packages that later
// SDK releases dropped).
//
// Usage: sdkgen-dotnet -out DIR SCHEMA.json... writes DIR/dotnet/NAME/... for a schema named NAME.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	dotnetgen "github.com/pulumi/pulumi/pkg/v3/codegen/dotnet" //nolint:staticcheck // see the package comment
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-connections (npm run generate)"

func main() {
	out := flag.String("out", "", "directory that receives dotnet/<package>")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen-dotnet -out DIR SCHEMA.json...")
		os.Exit(2)
	}
	// The generator downloads the NuGet package icon (the schema's logoUrl, else Pulumi's logo from
	// GitHub). Generation must not depend on the network, so every download gets a plain icon.
	http.DefaultTransport = plainIcon{}
	for _, file := range flag.Args() {
		if err := generate(file, *out); err != nil {
			fmt.Fprintf(os.Stderr, "sdkgen-dotnet: %s: %v\n", file, err)
			os.Exit(1)
		}
	}
}

func generate(file, out string) error {
	var spec schema.PackageSpec
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("not a Pulumi package schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, noExternalPackages{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	files, err := dotnetgen.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		return err
	}
	for name, content := range files {
		target := filepath.Join(out, "dotnet", spec.Name, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// noExternalPackages: our schemas are self-contained, so a reference to another package is an
// error in the schema rather than something to download. It repeats the one in ../main.go because
// the two modules bind schemas with different pkg/v3 releases, whose schema types differ.
type noExternalPackages struct{}

func refused(name string) error {
	return fmt.Errorf("the schema refers to package %q; only self-contained schemas are supported", name)
}

func (noExternalPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, refused(name)
}

func (noExternalPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, refused(d.Name)
}

func (noExternalPackages) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, refused(name)
}

func (noExternalPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, refused(d.Name)
}

// plainIcon answers every HTTP request with a 64x64 PNG of one colour, encoded the same way each time.
type plainIcon struct{}

func (plainIcon) RoundTrip(req *http.Request) (*http.Response, error) {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []byte{0x4d, 0x5b, 0xd9, 0xff})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": []string{"image/png"}},
		Body:       io.NopCloser(&buf),
		Request:    req,
	}, nil
}
