import type { ContainerRecord } from "../../runtime/containers/container-record.ts";

// `docker ps`'s Status column and Docker's human durations (go-units HumanDuration).

export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

export function statusText(rec: ContainerRecord, now: Date): string {
  const s = rec.state;
  const since = (t: string) => humanDuration(Math.max(0, now.getTime() - Date.parse(t)));
  switch (s.status) {
    case "created":
      return "Created";
    case "running": {
      const health = s.health ? (s.health.status === "starting" ? " (health: starting)" : ` (${s.health.status})`) : "";
      return `Up ${since(s.startedAt)}${health}`;
    }
    case "paused":
      return `Up ${since(s.startedAt)} (Paused)`;
    case "restarting":
      return `Restarting (${s.exitCode}) ${since(s.finishedAt)} ago`;
    case "exited":
      return `Exited (${s.exitCode}) ${since(s.finishedAt)} ago`;
    case "removing":
      return "Removal In Progress";
    case "dead":
      return "Dead";
  }
}
