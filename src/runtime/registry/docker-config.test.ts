import { describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import {
  credentialHelperFor,
  credentialsFor,
  defaultDockerConfigPath,
  dockerConfigCredentials,
  normaliseAuthKey,
  parseDockerConfig,
} from "./docker-config.ts";
import type { RegistryLogger } from "./seams.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("docker config", () => {
  it("normalises auth keys to reference domains", () => {
    expect(normaliseAuthKey("https://index.docker.io/v1/")).toBe("docker.io");
    expect(normaliseAuthKey("registry-1.docker.io")).toBe("docker.io");
    expect(normaliseAuthKey("http://localhost:5000/v2/")).toBe("localhost:5000");
    expect(normaliseAuthKey("Example.com")).toBe("example.com");
  });

  it("reads base64 auth (passwords may contain colons) and username/password entries", () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          "https://index.docker.io/v1/": { auth: b64("hubuser:pa:ss") },
          "localhost:5000": { username: "u", password: "p" },
          "empty.example": {},
        },
        credHelpers: { "gcr.io": "gcloud" },
        credsStore: "desktop",
      }),
    );
    expect(credentialsFor(config, "docker.io")).toEqual({ username: "hubuser", password: "pa:ss" });
    expect(credentialsFor(config, "localhost:5000")).toEqual({ username: "u", password: "p" });
    expect(credentialsFor(config, "empty.example")).toBeUndefined();
    expect(credentialsFor(config, "other:5000")).toBeUndefined();
    expect(credentialHelperFor(config, "gcr.io")).toBe("gcloud");
    expect(credentialHelperFor(config, "quay.io")).toBe("desktop");
  });

  it("rejects broken files with InvalidArgument naming them", () => {
    expect(() => parseDockerConfig("{", "/home/x/.docker/config.json")).toThrow(/\/home\/x\/.docker\/config.json is not valid JSON/);
    let err: unknown;
    try {
      parseDockerConfig(JSON.stringify({ auths: { r: { auth: b64("nocolon") } } }));
    } catch (e) {
      err = e;
    }
    expect((err as TstackError).kind).toBe("InvalidArgument");
  });

  it("the edge reader treats a missing file as anonymous and reads the file once", async () => {
    const missing = dockerConfigCredentials({
      readFile: async () => {
        throw Object.assign(new Error("nope"), { code: "ENOENT" });
      },
    });
    expect(await missing("docker.io")).toBeUndefined();

    let reads = 0;
    const warnings: string[] = [];
    const logger: RegistryLogger = { debug: () => {}, warn: (m) => warnings.push(m) };
    const lookup = dockerConfigCredentials({
      path: "/cfg.json",
      logger,
      readFile: async (p) => {
        reads++;
        expect(p).toBe("/cfg.json");
        return JSON.stringify({ auths: { "r.example": { auth: b64("a:b") } }, credHelpers: { "h.example": "pass" } });
      },
    });
    expect(await lookup("r.example")).toEqual({ username: "a", password: "b" });
    expect(await lookup("h.example")).toBeUndefined();
    expect(reads).toBe(1);
    expect(warnings[0]).toContain("docker-credential-pass");
  });

  it("honours DOCKER_CONFIG for the default path", () => {
    expect(defaultDockerConfigPath({ DOCKER_CONFIG: "/etc/dc" })).toBe("/etc/dc/config.json");
  });
});
