// The normalised compose model. Field names follow the compose specification's long syntax
// (snake_case) so that `tstack config` can print it as-is and readers can map it to the spec
// without a translation table. Every short syntax has been expanded, defaults are written in,
// relative paths are absolute, durations are nanoseconds and sizes are bytes.

export type Extensions = Readonly<Record<`x-${string}`, unknown>>;

export type PortProtocol = "tcp" | "udp" | "sctp";

export interface PortConfig {
  readonly target: number;
  /** A port ("8080") or a range the engine picks from ("8000-8010"); absent = random port. */
  readonly published?: string;
  readonly host_ip?: string;
  readonly protocol: PortProtocol;
  readonly mode: "ingress" | "host";
  readonly name?: string;
  readonly app_protocol?: string;
}

export type VolumeType = "bind" | "volume" | "tmpfs" | "npipe" | "cluster" | "image";

export interface ServiceVolumeConfig {
  readonly type: VolumeType;
  /** Absolute host path (bind), volume key in Project.volumes (volume), image ref (image); absent for anonymous volumes and tmpfs. */
  readonly source?: string;
  readonly target: string;
  readonly read_only: boolean;
  readonly consistency?: string;
  readonly bind?: {
    readonly propagation?: string;
    readonly create_host_path: boolean;
    readonly selinux?: "z" | "Z";
    readonly recursive?: "enabled" | "disabled" | "writable" | "readonly";
  };
  readonly volume?: { readonly nocopy: boolean; readonly subpath?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly tmpfs?: { readonly size?: number; readonly mode?: number };
  readonly image?: { readonly subpath?: string };
}

export type DependencyCondition = "service_started" | "service_healthy" | "service_completed_successfully";

export interface ServiceDependency {
  readonly condition: DependencyCondition;
  readonly required: boolean;
  readonly restart: boolean;
}

export interface EnvFileConfig {
  readonly path: string;
  readonly required: boolean;
  readonly format?: string;
}

export interface BuildConfig {
  /** Absolute directory, or a URL (git/http) kept verbatim. */
  readonly context: string;
  readonly dockerfile?: string;
  readonly dockerfile_inline?: string;
  readonly args: Readonly<Record<string, string | null>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly tags: readonly string[];
  readonly cache_from: readonly string[];
  readonly cache_to: readonly string[];
  readonly no_cache: boolean;
  readonly pull: boolean;
  readonly network?: string;
  readonly platforms: readonly string[];
  readonly additional_contexts: Readonly<Record<string, string>>;
  /** Build options tstack passes through without interpreting (ssh, secrets, shm_size, ...). */
  readonly other: Readonly<Record<string, unknown>>;
}

export interface HealthcheckConfig {
  /** ["NONE"] when disabled; ["CMD", ...] / ["CMD-SHELL", cmd]; absent = image default. */
  readonly test?: readonly string[];
  readonly interval_ns?: number;
  readonly timeout_ns?: number;
  readonly start_period_ns?: number;
  readonly start_interval_ns?: number;
  readonly retries?: number;
}

export interface ServiceNetworkConfig {
  readonly aliases: readonly string[];
  readonly ipv4_address?: string;
  readonly ipv6_address?: string;
  readonly link_local_ips?: readonly string[];
  readonly mac_address?: string;
  readonly interface_name?: string;
  readonly driver_opts?: Readonly<Record<string, string>>;
  readonly priority: number;
  readonly gw_priority?: number;
}

export interface FileReferenceConfig {
  readonly source: string;
  readonly target?: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: number;
}

export interface ResourcesConfig {
  readonly cpus?: number;
  readonly memory?: number;
  readonly pids?: number;
  readonly devices?: readonly DeviceRequest[];
  readonly generic_resources?: readonly unknown[];
}

export interface DeviceRequest {
  readonly capabilities: readonly string[];
  /** -1 = all */
  readonly count?: number;
  readonly device_ids?: readonly string[];
  readonly driver?: string;
  readonly options?: Readonly<Record<string, string>>;
}

export interface DeployConfig {
  readonly mode?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly resources: { readonly limits?: ResourcesConfig; readonly reservations?: ResourcesConfig };
  readonly restart_policy?: {
    readonly condition?: string;
    readonly delay_ns?: number;
    readonly max_attempts?: number;
    readonly window_ns?: number;
  };
  /** Swarm-only settings (placement, update_config, ...) kept verbatim; tstack warns about them. */
  readonly other: Readonly<Record<string, unknown>>;
}

export interface WatchRule {
  /** Absolute host path. */
  readonly path: string;
  readonly action: "rebuild" | "sync" | "restart" | "sync+restart" | "sync+exec";
  readonly target?: string;
  readonly ignore: readonly string[];
  readonly include: readonly string[];
  readonly initial_sync: boolean;
  readonly exec?: ServiceHook;
}

export interface ServiceHook {
  readonly command: readonly string[];
  readonly user?: string;
  readonly privileged: boolean;
  readonly working_dir?: string;
  readonly environment: Readonly<Record<string, string | null>>;
}

export interface LoggingConfig {
  readonly driver?: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface UlimitConfig {
  readonly soft: number;
  readonly hard: number;
}

export interface DeviceMapping {
  readonly source: string;
  readonly target: string;
  readonly permissions: string;
}

export interface ServiceConfig {
  readonly name: string;
  readonly image?: string;
  readonly build?: BuildConfig;
  readonly pull_policy?: string;
  readonly platform?: string;
  /** Absent = image default; [] = explicitly empty. Strings are split like a shell would. */
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** null = take the value from the environment tstack runs in (`environment: [FOO]`). */
  readonly environment: Readonly<Record<string, string | null>>;
  readonly env_file: readonly EnvFileConfig[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ports: readonly PortConfig[];
  readonly expose: readonly string[];
  readonly volumes: readonly ServiceVolumeConfig[];
  readonly volumes_from: readonly string[];
  /** "target[:options]" entries, as the engine's HostConfig.Tmpfs takes them. */
  readonly tmpfs: readonly string[];
  readonly network_mode?: string;
  /** Empty when network_mode is set; otherwise at least `default`. */
  readonly networks: Readonly<Record<string, ServiceNetworkConfig>>;
  readonly depends_on: Readonly<Record<string, ServiceDependency>>;
  readonly links: readonly string[];
  readonly external_links: readonly string[];
  readonly healthcheck?: HealthcheckConfig;
  /** Number of containers: from `scale`, else `deploy.replicas`, else 1. */
  readonly scale: number;
  readonly deploy?: DeployConfig;
  readonly restart: string;
  readonly stop_grace_period_ns?: number;
  readonly stop_signal?: string;
  readonly user?: string;
  readonly working_dir?: string;
  readonly hostname?: string;
  readonly domainname?: string;
  readonly container_name?: string;
  readonly mac_address?: string;
  readonly privileged: boolean;
  readonly read_only: boolean;
  readonly tty: boolean;
  readonly stdin_open: boolean;
  readonly init?: boolean;
  readonly cap_add: readonly string[];
  readonly cap_drop: readonly string[];
  readonly security_opt: readonly string[];
  readonly sysctls: Readonly<Record<string, string>>;
  readonly ulimits: Readonly<Record<string, UlimitConfig>>;
  readonly dns: readonly string[];
  readonly dns_search: readonly string[];
  readonly dns_opt: readonly string[];
  /** "host:ip" entries as the engine's HostConfig.ExtraHosts takes them. */
  readonly extra_hosts: readonly string[];
  readonly devices: readonly DeviceMapping[];
  readonly group_add: readonly string[];
  readonly ipc?: string;
  readonly pid?: string;
  readonly uts?: string;
  readonly userns_mode?: string;
  readonly cgroup?: "host" | "private";
  readonly cgroup_parent?: string;
  readonly cpus?: number;
  readonly cpu_shares?: number;
  readonly cpu_quota?: number;
  readonly cpu_period?: number;
  readonly cpuset?: string;
  readonly mem_limit?: number;
  readonly mem_reservation?: number;
  readonly memswap_limit?: number;
  readonly mem_swappiness?: number;
  readonly pids_limit?: number;
  readonly shm_size?: number;
  readonly oom_kill_disable?: boolean;
  readonly oom_score_adj?: number;
  readonly logging?: LoggingConfig;
  readonly secrets: readonly FileReferenceConfig[];
  readonly configs: readonly FileReferenceConfig[];
  readonly develop?: { readonly watch: readonly WatchRule[] };
  readonly post_start: readonly ServiceHook[];
  readonly pre_stop: readonly ServiceHook[];
  readonly profiles: readonly string[];
  /** Accepted keys tstack does not model (blkio_config, gpus, runtime, ...), verbatim. */
  readonly other: Readonly<Record<string, unknown>>;
  readonly extensions: Extensions;
}

export interface NetworkConfig {
  /** The engine-side name: `<project>_<key>` unless `name` or external says otherwise. */
  readonly name: string;
  readonly driver?: string;
  readonly driver_opts: Readonly<Record<string, string>>;
  readonly ipam?: {
    readonly driver?: string;
    readonly config: readonly { readonly subnet?: string; readonly ip_range?: string; readonly gateway?: string; readonly aux_addresses?: Readonly<Record<string, string>> }[];
    readonly options: Readonly<Record<string, string>>;
  };
  readonly external: boolean;
  readonly internal: boolean;
  readonly attachable: boolean;
  readonly enable_ipv4?: boolean;
  readonly enable_ipv6?: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly extensions: Extensions;
}

export interface VolumeConfig {
  readonly name: string;
  readonly driver?: string;
  readonly driver_opts: Readonly<Record<string, string>>;
  readonly external: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly extensions: Extensions;
}

/** A top-level secret or config; exactly one of file / environment / content / external. */
export interface FileObjectConfig {
  readonly name: string;
  readonly file?: string;
  readonly environment?: string;
  readonly content?: string;
  readonly external: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly driver?: string;
  readonly driver_opts?: Readonly<Record<string, string>>;
  readonly template_driver?: string;
  readonly extensions: Extensions;
}
export type SecretConfig = FileObjectConfig;
export type ConfigObjConfig = FileObjectConfig;

export interface ModelConfig {
  readonly name?: string;
  readonly model: string;
  readonly context_size?: number;
  readonly runtime_flags: readonly string[];
}

/** A loaded, validated and normalised compose project. Immutable; build a new one to change it. */
export interface Project {
  readonly name: string;
  readonly working_dir: string;
  readonly config_files: readonly string[];
  /** Active services only (profiles and explicit selection applied). */
  readonly services: Readonly<Record<string, ServiceConfig>>;
  /** Names of services defined but not active. */
  readonly disabled_services: readonly string[];
  readonly networks: Readonly<Record<string, NetworkConfig>>;
  readonly volumes: Readonly<Record<string, VolumeConfig>>;
  readonly secrets: Readonly<Record<string, SecretConfig>>;
  readonly configs: Readonly<Record<string, ConfigObjConfig>>;
  readonly models: Readonly<Record<string, ModelConfig>>;
  readonly extensions: Extensions;
}
