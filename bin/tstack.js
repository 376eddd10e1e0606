#!/usr/bin/env node
// The tstack command. The package is TypeScript run through tsx's in-process ESM loader (one
// process: faster than spawning `node --import tsx`); the CLI itself loads heavy modules lazily.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main();
