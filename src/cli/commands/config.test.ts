import { describe, expect, it } from "vitest";
import { memoryLoaderFs } from "../../compose/load/index.ts";
import { globalOptionsOf } from "../global-options.ts";
import { loadProject } from "../project.ts";
import { renderConfig } from "./config.ts";

const COMPOSE = `
name: demo
services:
  backend:
    image: busybox:1.36
    command: ["sleep", "1000"]
    environment:
      MODE: \${MODE:-dev}
    ports: ["8080:80"]
    depends_on:
      db: { condition: service_healthy }
  db:
    image: redis:7
    volumes: ["data:/data"]
    healthcheck: { test: ["CMD", "true"], interval: 1s }
  debug:
    image: busybox:1.36
    profiles: [debug]
volumes:
  data: {}
`;

const fs = memoryLoaderFs({ "/p/compose.yaml": COMPOSE });
const load = (env: Record<string, string> = {}, profiles: string[] = []) =>
  loadProject({ global: globalOptionsOf({ profile: profiles }, {}), cwd: "/p", env, fs, fileExists: () => false });

describe("config", () => {
  it("prints the normalised model as YAML (golden)", async () => {
    const { project } = await load({ MODE: "prod" });
    expect(renderConfig(project, [], { services: [], format: "yaml", view: "model" })).toMatchInlineSnapshot(`
      "name: demo
      services:
        backend:
          name: backend
          image: busybox:1.36
          command:
            - sleep
            - "1000"
          environment:
            MODE: prod
          ports:
            - protocol: tcp
              mode: ingress
              target: 80
              published: "8080"
          networks:
            default:
              priority: 0
          depends_on:
            db:
              condition: service_healthy
              required: true
              restart: false
          scale: 1
          restart: no
          privileged: false
          read_only: false
          tty: false
          stdin_open: false
        db:
          name: db
          image: redis:7
          volumes:
            - type: volume
              source: data
              target: /data
              read_only: false
              volume:
                nocopy: false
          networks:
            default:
              priority: 0
          healthcheck:
            test:
              - CMD
              - "true"
            interval_ns: 1000000000
          scale: 1
          restart: no
          privileged: false
          read_only: false
          tty: false
          stdin_open: false
      networks:
        default:
          name: demo_default
          external: false
          internal: false
          attachable: false
      volumes:
        data:
          name: demo_data
          external: false
      "
    `);
  });

  it("lists services, volumes, profiles and hashes; profiles come from COMPOSE_PROFILES too", async () => {
    const { project } = await load();
    expect(renderConfig(project, ["debug"], { services: [], format: "yaml", view: "services" })).toBe("backend\ndb\n");
    expect(renderConfig(project, ["debug"], { services: [], format: "yaml", view: "profiles" })).toBe("debug\n");
    expect(renderConfig(project, [], { services: [], format: "yaml", view: "volumes" })).toBe("data\n");
    expect(renderConfig(project, [], { services: [], format: "yaml", view: { hash: ["db"] } })).toMatch(/^db [0-9a-f]{64}\n$/);
    expect(() => renderConfig(project, [], { services: [], format: "yaml", view: { hash: ["nope"] } })).toThrow(/no such service/);
    const withDebug = await load({ COMPOSE_PROFILES: "debug" });
    expect(Object.keys(withDebug.project.services).sort()).toEqual(["backend", "db", "debug"]);
    expect(JSON.parse(renderConfig(project, [], { services: [], format: "json", view: "model" })).name).toBe("demo");
  });

  it("exits 14 without a compose file and 15 for an invalid one", async () => {
    const g = globalOptionsOf({}, {});
    await expect(loadProject({ global: g, cwd: "/none", env: {}, fs: memoryLoaderFs({}) })).rejects.toMatchObject({ category: "compose-file-not-found" });
    const bad = memoryLoaderFs({ "/b/compose.yaml": "services:\n  web:\n    image: x\n    ports: ['80800:80']\n" });
    await expect(loadProject({ global: g, cwd: "/b", env: {}, fs: bad })).rejects.toMatchObject({ category: "compose-invalid" });
  });
});
