// Prints where it runs, as JSON, and a checksum computed with node's own crypto module.
import os from "node:os";
import { createHash } from "node:crypto";
import { summary } from "./summary.mjs";

const digest = createHash("sha256").update("unseen").digest("hex").slice(0, 12);
console.log(JSON.stringify({ arch: process.arch, uid: process.getuid(), greeting: summary(), digest }));
