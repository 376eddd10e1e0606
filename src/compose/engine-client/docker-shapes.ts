// The Docker Engine API request bodies the compose layer sends, as Docker names them
// (PascalCase). Only the fields tstack writes are declared; anything else an engine accepts can
// be added here without touching callers. Durations are nanoseconds, sizes bytes, as in the API.

export interface HealthConfigBody {
  readonly Test?: readonly string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly StartInterval?: number;
  readonly Retries?: number;
}

export interface MountBody {
  readonly Type: "bind" | "volume" | "tmpfs" | "npipe" | "cluster" | "image";
  readonly Source?: string;
  readonly Target: string;
  readonly ReadOnly?: boolean;
  readonly Consistency?: string;
  readonly BindOptions?: { readonly Propagation?: string; readonly CreateMountpoint?: boolean; readonly ReadOnlyNonRecursive?: boolean; readonly ReadOnlyForceRecursive?: boolean; readonly NonRecursive?: boolean };
  readonly VolumeOptions?: { readonly NoCopy?: boolean; readonly Labels?: Readonly<Record<string, string>>; readonly Subpath?: string };
  readonly TmpfsOptions?: { readonly SizeBytes?: number; readonly Mode?: number };
  readonly ImageOptions?: { readonly Subpath?: string };
}

export interface PortBindingBody {
  readonly HostIp?: string;
  readonly HostPort?: string;
}

export interface EndpointSettingsBody {
  readonly Aliases?: readonly string[];
  readonly Links?: readonly string[];
  readonly IPAMConfig?: { readonly IPv4Address?: string; readonly IPv6Address?: string; readonly LinkLocalIPs?: readonly string[] };
  readonly MacAddress?: string;
  readonly DriverOpts?: Readonly<Record<string, string>>;
  readonly GwPriority?: number;
}

export interface HostConfigBody {
  readonly Binds?: readonly string[];
  readonly Mounts?: readonly MountBody[];
  readonly Tmpfs?: Readonly<Record<string, string>>;
  readonly NetworkMode?: string;
  readonly PortBindings?: Readonly<Record<string, readonly PortBindingBody[]>>;
  readonly PublishAllPorts?: boolean;
  readonly RestartPolicy?: { readonly Name: "" | "no" | "always" | "unless-stopped" | "on-failure"; readonly MaximumRetryCount?: number };
  readonly AutoRemove?: boolean;
  readonly VolumesFrom?: readonly string[];
  readonly CapAdd?: readonly string[];
  readonly CapDrop?: readonly string[];
  readonly Dns?: readonly string[];
  readonly DnsOptions?: readonly string[];
  readonly DnsSearch?: readonly string[];
  readonly ExtraHosts?: readonly string[];
  readonly GroupAdd?: readonly string[];
  readonly IpcMode?: string;
  readonly PidMode?: string;
  readonly UTSMode?: string;
  readonly UsernsMode?: string;
  readonly CgroupnsMode?: string;
  readonly Cgroup?: string;
  readonly Privileged?: boolean;
  readonly ReadonlyRootfs?: boolean;
  readonly SecurityOpt?: readonly string[];
  readonly ShmSize?: number;
  readonly Sysctls?: Readonly<Record<string, string>>;
  readonly Init?: boolean;
  readonly OomScoreAdj?: number;
  readonly LogConfig?: { readonly Type: string; readonly Config: Readonly<Record<string, string>> };
  readonly Links?: readonly string[];
  readonly Annotations?: Readonly<Record<string, string>>;
  // Resources (flattened into HostConfig, as in the API)
  readonly CgroupParent?: string;
  readonly Memory?: number;
  readonly MemoryReservation?: number;
  readonly MemorySwap?: number;
  readonly MemorySwappiness?: number;
  readonly NanoCpus?: number;
  readonly CpuShares?: number;
  readonly CpuQuota?: number;
  readonly CpuPeriod?: number;
  readonly CpusetCpus?: string;
  readonly PidsLimit?: number;
  readonly OomKillDisable?: boolean;
  readonly Ulimits?: readonly { readonly Name: string; readonly Soft: number; readonly Hard: number }[];
  readonly Devices?: readonly { readonly PathOnHost: string; readonly PathInContainer: string; readonly CgroupPermissions: string }[];
  readonly DeviceRequests?: readonly {
    readonly Driver?: string;
    readonly Count?: number;
    readonly DeviceIDs?: readonly string[];
    readonly Capabilities?: readonly (readonly string[])[];
    readonly Options?: Readonly<Record<string, string>>;
  }[];
}

/** POST /containers/create body. */
export interface ContainerCreateBody {
  readonly Image: string;
  readonly Hostname?: string;
  readonly Domainname?: string;
  readonly User?: string;
  readonly AttachStdin?: boolean;
  readonly AttachStdout?: boolean;
  readonly AttachStderr?: boolean;
  readonly ExposedPorts?: Readonly<Record<string, Readonly<Record<string, never>>>>;
  readonly Tty?: boolean;
  readonly OpenStdin?: boolean;
  readonly StdinOnce?: boolean;
  readonly Env?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Healthcheck?: HealthConfigBody;
  readonly WorkingDir?: string;
  readonly MacAddress?: string;
  readonly NetworkDisabled?: boolean;
  readonly Labels: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  readonly StopTimeout?: number;
  readonly HostConfig: HostConfigBody;
  readonly NetworkingConfig?: { readonly EndpointsConfig: Readonly<Record<string, EndpointSettingsBody>> };
}

/** POST /networks/create body. */
export interface NetworkCreateBody {
  readonly Name: string;
  readonly Driver?: string;
  readonly Internal?: boolean;
  readonly Attachable?: boolean;
  readonly EnableIPv4?: boolean;
  readonly EnableIPv6?: boolean;
  readonly Options?: Readonly<Record<string, string>>;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly IPAM?: {
    readonly Driver?: string;
    readonly Config?: readonly { readonly Subnet?: string; readonly IPRange?: string; readonly Gateway?: string; readonly AuxiliaryAddresses?: Readonly<Record<string, string>> }[];
    readonly Options?: Readonly<Record<string, string>>;
  };
}

/** POST /volumes/create body. */
export interface VolumeCreateBody {
  readonly Name: string;
  readonly Driver?: string;
  readonly DriverOpts?: Readonly<Record<string, string>>;
  readonly Labels?: Readonly<Record<string, string>>;
}

/** POST /containers/{id}/exec body. */
export interface ExecCreateBody {
  readonly Cmd: readonly string[];
  readonly AttachStdin?: boolean;
  readonly AttachStdout?: boolean;
  readonly AttachStderr?: boolean;
  readonly Tty?: boolean;
  readonly Env?: readonly string[];
  readonly Privileged?: boolean;
  readonly User?: string;
  readonly WorkingDir?: string;
}
