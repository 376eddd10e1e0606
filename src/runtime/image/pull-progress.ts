// Native pull/push progress, per layer; the API translates it to Docker's JSON progress lines.
export type ImageProgress =
  | { readonly kind: "resolved"; readonly ref: string; readonly digest: string }
  | { readonly kind: "layer"; readonly id: string; readonly status: LayerStatus; readonly current?: number; readonly total?: number }
  | { readonly kind: "done"; readonly ref: string; readonly digest: string; readonly newer: boolean };

export type LayerStatus =
  | "Pulling fs layer"
  | "Waiting"
  | "Downloading"
  | "Verifying Checksum"
  | "Download complete"
  | "Extracting"
  | "Pull complete"
  | "Already exists"
  | "Preparing"
  | "Pushing"
  | "Pushed"
  | "Layer already exists"
  | "Mounted from";

export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}
