/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  // Engine tests drive the real CLI; they are slow and share one emulator per file.
  testTimeout: 60_000,
  maxWorkers: 2,
  globalSetup: "<rootDir>/test/global-setup.ts",
};
