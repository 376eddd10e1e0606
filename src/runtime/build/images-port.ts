import type { BuildImages, BuildLayer, ResolvedImage } from "../../build/executor/ports.ts";
import type { Platform } from "../../build/expand/platform.ts";
import { dataLoss } from "../../common/errors.ts";
import type { ContentStore } from "../content/content-store.ts";
import { isDigest, type Digest } from "../content/digest.ts";
import type { ImageService, LocalImage } from "../image/image-service.ts";
import { MediaType } from "../registry/media-types.ts";
import type { ImageManifest } from "../registry/manifest-types.ts";

// The builder's images over the engine's image service. A base is used as the engine has it
// when its platform fits (as `docker build` without --pull), else pulled for the platform; its
// layers are unpacked before the build reads them. A built image is stored as containerd does:
// its config and an OCI manifest are blobs in the content store, and the image service records
// the manifest under the tags (untagged without), so `images.list` shows it and containers can
// be created from it.

export function createBuildImages(o: { readonly images: ImageService; readonly content: ContentStore }): BuildImages {
  const { images, content } = o;
  return {
    async resolve(ref, platform, signal) {
      const local = await images.find(ref);
      const image = local !== undefined && fits(local, platform) ? local : await images.pull(ref, { platform, signal });
      const chain = await images.ensureSnapshots(image.id);
      return resolved(image, chain);
    },
    async store(config, layers, tags, signal) {
      signal.throwIfAborted();
      const configBytes = Buffer.from(JSON.stringify(config));
      const configInfo = await content.writeBytes(configBytes);
      const manifest: ImageManifest = {
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciConfig, digest: configInfo.digest, size: configInfo.size },
        layers: layers.map((l) => ({ mediaType: l.blob.mediaType, digest: digest(l.blob.digest), size: l.blob.size })),
      };
      const manifestInfo = await content.writeBytes(Buffer.from(JSON.stringify(manifest)));
      const image = await images.record(manifestInfo.digest, tags);
      return { id: image.id };
    },
  };
}

function fits(image: LocalImage, p: Platform): boolean {
  const c = image.config;
  return c.os === p.os && c.architecture === p.architecture && (p.variant === undefined || c.variant === undefined || c.variant === p.variant);
}

function resolved(image: LocalImage, chain: readonly string[]): ResolvedImage {
  const diffIds = image.config.rootfs.diff_ids;
  if (diffIds.length !== image.manifest.layers.length) throw dataLoss(`image ${image.id}: its manifest and config disagree on its layers`);
  const layers: BuildLayer[] = image.manifest.layers.map((l, i) => ({
    diffId: diffIds[i] as string,
    blob: { digest: l.digest, size: l.size, mediaType: l.mediaType },
  }));
  return { digest: image.manifestDigest, chainId: chain.at(-1), config: image.config, layers };
}

function digest(d: string): Digest {
  if (!isDigest(d)) throw dataLoss(`layer blob digest ${JSON.stringify(d)} is not a sha256 digest`);
  return d;
}
