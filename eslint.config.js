// @ts-check
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const importX = require("eslint-plugin-import-x");
const { createTypeScriptImportResolver } = require("eslint-import-resolver-typescript");

module.exports = tseslint.config(
  { ignores: ["node_modules/", "dist/", ".tools/", ".e2e-work/", ".pulumi-state/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
      },
    },
    rules: {
      // The serialized provider shim must `require()` the installed implementation at call time.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "use named exports" },
      ],
    },
  },
  {
    // Layers: a cycle makes a module's meaning depend on load order, and a newcomer cannot read
    // the code bottom-up. Type-only imports are erased at run time and do not count.
    files: ["cli/**/*.ts", "provider/**/*.ts", "sdk/nodejs/**/*.ts", "emulator/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": [
        "error",
        {
          basePath: __dirname,
          zones: [
            {
              target: "./cli/drift",
              from: "./cli/import",
              message: "drift and import share code through cli/shared only",
            },
            {
              target: "./cli/import",
              from: "./cli/drift",
              message: "drift and import share code through cli/shared only",
            },
            {
              target: "./cli/shared",
              from: ["./cli/drift", "./cli/import", "./cli/index.ts", "./cli/main.ts"],
              message: "cli/shared is used by the commands and never uses them",
            },
            {
              target: "./provider/core/planning.ts",
              from: [
                "./provider/core/operations.ts",
                "./provider/core/engine.ts",
                "./provider/core/runtime.ts",
                "./provider/core/lifecycle.ts",
              ],
              message: "planning is pure (no network): the operations use it, never the reverse",
            },
            {
              target: "./emulator",
              from: ["./provider", "./cli", "./sdk"],
              message: "the emulator stays independent of the code it is a test double for",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["test/global-setup.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
