// Media types of the OCI image spec and Docker's image manifest v2 (schema 2). The two
// families are interchangeable in shape; a registry may serve either.
export const MediaType = {
  OciIndex: "application/vnd.oci.image.index.v1+json",
  OciManifest: "application/vnd.oci.image.manifest.v1+json",
  OciConfig: "application/vnd.oci.image.config.v1+json",
  OciLayer: "application/vnd.oci.image.layer.v1.tar",
  OciLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  OciLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  OciEmpty: "application/vnd.oci.empty.v1+json",
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  DockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  DockerManifestV1: "application/vnd.docker.distribution.manifest.v1+json",
  DockerManifestV1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

export type ManifestMediaType =
  | typeof MediaType.OciIndex
  | typeof MediaType.DockerManifestList
  | typeof MediaType.OciManifest
  | typeof MediaType.DockerManifest;

export function isIndexMediaType(mt: string): boolean {
  return mt === MediaType.OciIndex || mt === MediaType.DockerManifestList;
}

export function isImageManifestMediaType(mt: string): boolean {
  return mt === MediaType.OciManifest || mt === MediaType.DockerManifest;
}

// Order matters to some registries (first acceptable wins); indexes first so a
// multi-platform image is returned whole and the platform is chosen here.
export const MANIFEST_ACCEPT = [
  MediaType.OciIndex,
  MediaType.DockerManifestList,
  MediaType.OciManifest,
  MediaType.DockerManifest,
].join(", ");
