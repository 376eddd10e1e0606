import type { EngineEvent, EventBus } from "../events/event-bus.ts";
import type { ContainerRecord } from "./container-record.ts";

/** A container event as Docker sends it: the container's labels, name and image as attributes, then `extra`. */
export function emitContainerEvent(events: EventBus, rec: ContainerRecord, action: string, extra: Readonly<Record<string, string>> = {}): EngineEvent {
  return events.emit({
    type: "container",
    action,
    id: rec.id,
    attributes: { ...rec.config.labels, name: rec.name, image: rec.config.image, ...extra },
  });
}
