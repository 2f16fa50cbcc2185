// A tiny static-site generator: src/*.html wrapped in a layout, into dist/.
// The footer names the CPU the build ran on (the engine tests read it back).
const fs = require("fs");
const os = require("os");
const path = require("path");

const src = path.join(__dirname, "src");
const dist = path.join(__dirname, "dist");
fs.mkdirSync(dist, { recursive: true });
const layout = fs.readFileSync(path.join(src, "layout.tmpl"), "utf8");
for (const name of fs.readdirSync(src).filter((f) => f.endsWith(".html"))) {
  const body = fs.readFileSync(path.join(src, name), "utf8");
  const page = layout.replace("{{body}}", body).replace("{{arch}}", os.machine ? os.machine() : process.arch);
  fs.writeFileSync(path.join(dist, name), page);
}
console.log(`built ${fs.readdirSync(dist).length} page(s)`);
