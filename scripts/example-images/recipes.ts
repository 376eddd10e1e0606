import { join } from "node:path";
import type { FixtureImageConfig } from "../../test/fixtures/oci-layout-builder.ts";

// What goes into each image of examples/microservices: Debian packages (their shared
// library dependencies are added automatically), the example's own files, and the
// image config. Data only; assemble-image.ts turns a recipe into an OCI image.

export type ImageName = "frontend" | "backend" | "db";

export interface RecipeFile {
  readonly target: string; // absolute inside the image
  readonly source: { readonly kind: "file"; readonly path: string } | { readonly kind: "content"; readonly text: string };
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
}

export interface RecipeDir {
  readonly target: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export interface ImageRecipe {
  readonly name: ImageName;
  readonly packages: readonly string[];
  // Removed from the unpacked packages: documentation and files only a package manager uses.
  readonly exclude: readonly string[];
  readonly dirs: readonly RecipeDir[];
  readonly files: readonly RecipeFile[];
  readonly config: FixtureImageConfig;
}

const PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const SECOND = 1_000_000_000;
const COMMON_EXCLUDES = [
  "usr/share/doc",
  "usr/share/man",
  "usr/share/info",
  "usr/share/lintian",
  "usr/share/bash-completion",
  "usr/share/gdb",
  "usr/share/bug",
  "etc/init.d",
  "etc/default",
  "etc/logrotate.d",
  "lib/systemd",
  "usr/lib/systemd",
];

// A plain-HTTP probe with busybox nc on the loopback address: no DNS lookup, so none of the
// static-glibc resolver trouble Debian's static busybox wget can have inside containers.
// busybox nc half-closes after the request; the backend is written to answer anyway.
export function httpProbe(port: number, path: string): readonly string[] {
  return ["CMD-SHELL", `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 3 127.0.0.1 ${port} | head -n 1 | grep -q ' 200 '`];
}

// Probed every second while starting (so `up --wait` returns quickly), every 5 s after.
const healthcheck = (test: readonly string[]) => ({
  Test: test,
  Interval: 5 * SECOND,
  Timeout: 3 * SECOND,
  StartPeriod: 30 * SECOND,
  StartInterval: 1 * SECOND,
  Retries: 3,
});

const file = (target: string, path: string, mode = 0o644): RecipeFile => ({ target, source: { kind: "file", path }, mode });

export function exampleRecipes(exampleDir: string): readonly ImageRecipe[] {
  const labels = (name: ImageName) => ({
    "org.opencontainers.image.title": `tstack-example/${name}`,
    "org.opencontainers.image.source": "examples/microservices",
  });
  const frontend = join(exampleDir, "frontend");
  return [
    {
      name: "db",
      packages: ["redis-server", "redis-tools"],
      exclude: [...COMMON_EXCLUDES, "etc/redis", "usr/bin/redis-benchmark"],
      dirs: [{ target: "/data", mode: 0o750, uid: 999, gid: 999 }],
      files: [
        {
          target: "/etc/redis/redis.conf",
          source: {
            kind: "content",
            text: [
              "# tstack example: redis in the foreground, reachable on the stack network, data in /data.",
              "bind 0.0.0.0",
              "protected-mode no",
              "port 6379",
              "daemonize no",
              'logfile ""',
              "dir /data",
              "appendonly yes",
              "save 60 1",
              "",
            ].join("\n"),
          },
          mode: 0o644,
        },
      ],
      config: {
        Cmd: ["redis-server", "/etc/redis/redis.conf"],
        Env: [PATH],
        User: "redis",
        WorkingDir: "/data",
        ExposedPorts: { "6379/tcp": {} },
        Volumes: { "/data": {} },
        Healthcheck: healthcheck(["CMD-SHELL", "redis-cli -h 127.0.0.1 ping | grep -q PONG"]),
        Labels: labels("db"),
      },
    },
    {
      name: "backend",
      // Debian's node 18 loads a few of its built-in JS modules (acorn, cjs-module-lexer,
      // undici) from /usr/share/nodejs at start-up; without them it aborts.
      packages: ["nodejs", "node-acorn", "node-cjs-module-lexer", "node-undici"],
      exclude: [...COMMON_EXCLUDES, "usr/share/nodejs/@types", "usr/share/systemtap", "usr/include"],
      dirs: [{ target: "/app", mode: 0o755, uid: 0, gid: 0 }],
      files: [
        file("/app/server.js", join(exampleDir, "backend/server.js")),
        // Debian's node reads this CA bundle at start-up and warns when it is absent; the
        // example makes no TLS connections, so an empty bundle is enough.
        { target: "/etc/ssl/certs/ca-certificates.crt", source: { kind: "content", text: "" }, mode: 0o644 },
      ],
      config: {
        Cmd: ["node", "/app/server.js"],
        Env: [PATH, "NODE_ENV=production", "PORT=3000", "REDIS_HOST=db", "REDIS_PORT=6379"],
        User: "app",
        WorkingDir: "/app",
        ExposedPorts: { "3000/tcp": {} },
        // /healthz answers 200 only when redis answers PING. A `node -e` probe works too but
        // costs ~0.6 s of CPU per probe; nc costs ~0.2 s, most of it the exec itself.
        Healthcheck: healthcheck(httpProbe(3000, "/healthz")),
        Labels: labels("backend"),
      },
    },
    {
      name: "frontend",
      packages: [],
      exclude: [],
      dirs: [{ target: "/var/www/cgi-bin", mode: 0o755, uid: 0, gid: 0 }],
      files: [
        file("/var/www/index.html", join(frontend, "index.html")),
        file("/var/www/app.js", join(frontend, "app.js")),
        file("/var/www/cgi-bin/api", join(frontend, "cgi-bin/api"), 0o755),
      ],
      config: {
        // Binds port 80 as root, then serves (and runs the CGI relay) as www-data.
        Cmd: ["httpd", "-f", "-v", "-p", "80", "-u", "33:33", "-h", "/var/www"],
        Env: [PATH, "BACKEND_HOST=backend", "BACKEND_PORT=3000"],
        ExposedPorts: { "80/tcp": {} },
        Healthcheck: healthcheck(httpProbe(80, "/")),
        Labels: labels("frontend"),
      },
    },
  ];
}
