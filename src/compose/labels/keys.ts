// Every label key the compose layer reads or writes, in one place. Ownership of engine objects
// lives in these labels (no private state file), so `down`, `ps` and `logs` need only the
// project name. The `com.docker.compose.*` keys are Docker Compose's, so a project brought up
// by docker compose and one brought up by tstack can be managed by either tool.
export const LABEL = {
  project: "com.docker.compose.project",
  service: "com.docker.compose.service",
  containerNumber: "com.docker.compose.container-number",
  configHash: "com.docker.compose.config-hash",
  oneoff: "com.docker.compose.oneoff",
  dependsOn: "com.docker.compose.depends_on",
  workingDir: "com.docker.compose.project.working_dir",
  configFiles: "com.docker.compose.project.config_files",
  /** The image ID (`sha256:…`) the container was created from. */
  image: "com.docker.compose.image",
  version: "com.docker.compose.version",
  network: "com.docker.compose.network",
  volume: "com.docker.compose.volume",
  /** On a replacement container while it still has its temporary name: the ID it replaces. */
  replace: "com.docker.compose.replace",
} as const;

/** tstack's own labels. */
export const TSTACK_LABEL = {
  /** The tstack version that created the object. */
  version: "io.tstack.version",
} as const;

/** The compose version written to `com.docker.compose.version`; tools only display it. */
export const COMPOSE_VERSION_LABEL_VALUE = "2.40.0";

/** Docker Compose writes the oneoff label as Python-style booleans. */
export const ONEOFF_TRUE = "True";
export const ONEOFF_FALSE = "False";
