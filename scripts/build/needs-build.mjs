// Exits 0 when dist/ is missing or older than a source file (so `npm run build` should run), 1 when it is fresh.
import { fileURLToPath } from "node:url";
import { buildFreshness } from "../../bin/build-freshness.js";

process.exit(buildFreshness(fileURLToPath(new URL("../..", import.meta.url))) === "fresh" ? 1 : 0);
