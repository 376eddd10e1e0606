import { describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import { MediaType } from "./media-types.ts";
import { parseImageConfig, parseImageIndex, parseImageManifest, parseManifestDocument } from "./parse-manifest.ts";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;
const desc = (digest = D1, mediaType: string = MediaType.OciLayerGzip) => ({ mediaType, digest, size: 10 });

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TstackError) return `${err.kind}: ${err.message}`;
    throw err;
  }
  return "ok";
}

describe("parseManifestDocument", () => {
  it("parses OCI and Docker manifests and indexes, the document's mediaType winning", () => {
    const m = { schemaVersion: 2, mediaType: MediaType.DockerManifest, config: desc(D2, MediaType.DockerConfig), layers: [desc()] };
    const doc = parseManifestDocument(JSON.stringify(m), "application/json");
    expect(doc.kind).toBe("manifest");
    expect(doc.mediaType).toBe(MediaType.DockerManifest);
    const idx = { schemaVersion: 2, manifests: [{ ...desc(D1, MediaType.OciManifest), platform: { os: "linux", architecture: "amd64" } }] };
    const parsed = parseManifestDocument(JSON.stringify(idx), `${MediaType.DockerManifestList}; charset=utf-8`);
    expect(parsed).toMatchObject({ kind: "index", mediaType: MediaType.DockerManifestList });
    // Without mediaType or Content-Type the shape decides.
    expect(parseImageIndex(JSON.stringify(idx)).manifests[0]?.platform).toEqual({ os: "linux", architecture: "amd64" });
    expect(parseImageManifest(JSON.stringify({ schemaVersion: 2, config: desc(D2), layers: [] })).layers).toEqual([]);
  });

  it("refuses malformed documents with DataLoss and schema 1 / artifacts with Unimplemented", () => {
    const base = { schemaVersion: 2, mediaType: MediaType.OciManifest, config: desc(D2), layers: [desc()] };
    expect(kindOf(() => parseManifestDocument("not json"))).toMatch(/^DataLoss: manifest is not valid JSON/);
    expect(kindOf(() => parseManifestDocument("[]"))).toMatch(/^DataLoss/);
    expect(kindOf(() => parseManifestDocument(JSON.stringify({ ...base, layers: undefined })))).toMatch(/DataLoss: manifest: missing "layers"/);
    expect(kindOf(() => parseManifestDocument(JSON.stringify({ ...base, config: { ...desc(D2), size: -1 } })))).toMatch(/"size"/);
    expect(kindOf(() => parseManifestDocument(JSON.stringify({ ...base, layers: [{ ...desc(), digest: "sha256:xyz" }] })))).toMatch(
      /DataLoss: manifest layers\[0\]: invalid digest/,
    );
    expect(kindOf(() => parseManifestDocument(JSON.stringify({ ...base, layers: [desc(`sha512:${"a".repeat(128)}`)] })))).toMatch(
      /^Unimplemented: .*only sha256/,
    );
    expect(kindOf(() => parseManifestDocument(JSON.stringify({ ...base, schemaVersion: 3 })))).toMatch(/schemaVersion 3/);
    expect(kindOf(() => parseManifestDocument(JSON.stringify({ schemaVersion: 1, fsLayers: [] })))).toMatch(/^Unimplemented: .*schema 1/);
    expect(kindOf(() => parseManifestDocument("{}", MediaType.DockerManifestV1Signed))).toMatch(/^Unimplemented/);
    expect(kindOf(() => parseManifestDocument(JSON.stringify({ ...base, mediaType: "application/vnd.cncf.helm.chart" })))).toMatch(
      /^Unimplemented: .*not an image manifest/,
    );
    expect(kindOf(() => parseImageManifest(JSON.stringify({ schemaVersion: 2, manifests: [] })))).toMatch(/expected an image manifest/);
  });
});

describe("parseImageConfig", () => {
  const good = {
    architecture: "amd64",
    os: "linux",
    config: { Env: ["PATH=/bin"], Cmd: ["sh"], Entrypoint: null, Labels: null },
    rootfs: { type: "layers", diff_ids: [D1] },
    history: [{ created_by: "x" }],
  };

  it("accepts a typical config", () => {
    const c = parseImageConfig(JSON.stringify(good));
    expect(c.config?.Cmd).toEqual(["sh"]);
    expect(c.rootfs.diff_ids).toEqual([D1]);
    expect(parseImageConfig(JSON.stringify({ ...good, config: null })).config).toBeUndefined();
  });

  it("refuses configs the engine cannot use", () => {
    expect(kindOf(() => parseImageConfig(JSON.stringify({ ...good, rootfs: undefined })))).toMatch(/DataLoss: .*missing "rootfs"/);
    expect(kindOf(() => parseImageConfig(JSON.stringify({ ...good, os: 1 })))).toMatch(/"os" must be a string/);
    expect(kindOf(() => parseImageConfig(JSON.stringify({ ...good, config: { Env: "PATH=/bin" } })))).toMatch(/"Env" must be a list/);
    expect(kindOf(() => parseImageConfig(JSON.stringify({ ...good, rootfs: { type: "layers", diff_ids: ["x"] } })))).toMatch(/diff_ids\[0\]/);
  });
});
