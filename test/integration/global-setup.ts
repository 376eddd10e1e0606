// Integration tests run as root against real runc, overlayfs, cgroups, CNI and a loopback registry.
export default function setup(): void {
  if (process.getuid?.() !== 0) throw new Error("integration tests must run as root (real runc, overlay, cgroups)");
}
