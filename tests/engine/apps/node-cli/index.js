// Prints where it runs, as JSON: the engine tests read the architecture from it.
const os = require("os");
const { greet } = require("./lib/greet");

console.log(
  JSON.stringify({
    arch: os.machine ? os.machine() : process.arch,
    node: process.versions.node,
    uid: process.getuid(),
    greeting: greet("node"),
  })
);
