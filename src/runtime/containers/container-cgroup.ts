/** The cgroup a container runs in (its spec's cgroupsPath): stats and OOM kills are read there. */
export function containerCgroupsPath(id: string): string {
  return `/tstack-${id}`;
}
