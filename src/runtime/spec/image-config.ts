// The runtime part of an OCI/Docker image config (the `config` object of the image config
// blob), with the image format's own capitalised keys. Structurally compatible with the
// registry's `ImageRuntimeConfig`, so a pulled image's config can be passed in as is.

export interface ImageHealthcheck {
  readonly Test?: readonly string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly StartInterval?: number;
  readonly Retries?: number;
}

export interface ImageConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Env?: readonly string[] | null;
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Volumes?: Readonly<Record<string, object>> | null;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly StopSignal?: string;
  readonly Healthcheck?: ImageHealthcheck;
}
