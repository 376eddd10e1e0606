// A separate process that pulls one image into a state root, to be killed mid-download.
import { openImageEnv } from "./image-env.ts";

const [root, ref] = process.argv.slice(2);
const env = await openImageEnv(root!);
await env.images.pull(ref!);
console.log("pulled");
