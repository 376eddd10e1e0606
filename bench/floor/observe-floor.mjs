// The floor of a no-op `up -d` for any Node.js client on this machine: start Node, read the
// compose file, ask the engine for the project's containers, networks and volumes (what tstack's
// observe step asks), print a line per container. No loading, validation or planning.
// usage: node observe-floor.mjs SOCKET PROJECT COMPOSE_FILE
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

const [socketPath, project, file] = process.argv.slice(2);
createHash("sha256").update(readFileSync(file)).digest("hex");
const get = (path) =>
  new Promise((resolve, reject) =>
    request({ socketPath, path, headers: { Host: "localhost" }, servername: "" }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
    })
      .on("error", reject)
      .end(),
  );
const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
const [containers] = await Promise.all([get(`/containers/json?all=1&filters=${filters}`), get(`/networks?filters=${filters}`), get(`/volumes?filters=${filters}`)]);
for (const c of containers) process.stdout.write(` Container ${c.Names[0].slice(1)}  Running\n`);
