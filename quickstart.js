// Entry point of the quickstart stack (Pulumi.yaml `main`). It sits at the top level because the
// Node.js language host these machines can build (see scripts/ensure-pulumi.sh) resolves the
// program against the project root and ignores a `main` folder; the program is examples/quickstart.
module.exports = require("./dist/examples/quickstart");
