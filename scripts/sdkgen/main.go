// Command sdkgen writes the Go and Python SDKs of Pulumi package schemas with Pulumi's own code
// generators (github.com/pulumi/pulumi/pkg/v3/codegen). `pulumi package gen-sdk` would do the same,
// but it asks the language host for the SDK (the GeneratePackage call), and the language hosts that
// can be built here from published Go modules predate that call.
//
// Usage: sdkgen -out DIR SCHEMA.json...
// For a schema named NAME it writes DIR/go/NAME/... and DIR/python/NAME/...; scripts/generate-sdks.ts
// prepares the schemas (language options) and compares that tree with the committed one. The .NET SDK comes from the sibling module in dotnet/,
// because the .NET generator is no longer part of pkg/v3 at the version pinned here.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the "do not edit" header of every generated file.
const tool = "pulumi-connections (npm run generate)"

func main() {
	out := flag.String("out", "", "directory that receives go/<package> and python/<package>")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen -out DIR SCHEMA.json...")
		os.Exit(2)
	}
	for _, file := range flag.Args() {
		if err := generate(file, *out); err != nil {
			fmt.Fprintf(os.Stderr, "sdkgen: %s: %v\n", file, err)
			os.Exit(1)
		}
	}
}

func generate(file, out string) error {
	spec, err := readSpec(file)
	if err != nil {
		return err
	}
	pkg, diags, err := schema.BindSpec(spec, noExternalPackages{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	goFiles, err := gogen.GeneratePackage(tool, pkg, nil)
	if err != nil {
		return fmt.Errorf("Go SDK: %w", err)
	}
	// The Go generator already puts every file under the last element of importBasePath.
	if err := writeAll(filepath.Join(out, "go"), goFiles); err != nil {
		return err
	}
	pyFiles, err := pygen.GeneratePackage(tool, pkg, nil, noExternalPackages{})
	if err != nil {
		return fmt.Errorf("Python SDK: %w", err)
	}
	return writeAll(filepath.Join(out, "python", spec.Name), pyFiles)
}

func readSpec(file string) (schema.PackageSpec, error) {
	var spec schema.PackageSpec
	raw, err := os.ReadFile(file)
	if err != nil {
		return spec, err
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return spec, fmt.Errorf("not a Pulumi package schema: %w", err)
	}
	return spec, nil
}

func writeAll(dir string, files map[string][]byte) error {
	for name, content := range files {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// noExternalPackages is the schema loader: our schemas are self-contained, so a reference to another
// package is an error in the schema rather than something to download.
type noExternalPackages struct{}

func (noExternalPackages) refused(name string) error {
	return fmt.Errorf("the schema refers to package %q; only self-contained schemas are supported", name)
}

func (l noExternalPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refused(name)
}

func (l noExternalPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refused(d.Name)
}

func (l noExternalPackages) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refused(name)
}

func (l noExternalPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refused(d.Name)
}
