import type { ImageConfig } from "../../runtime/spec/index.ts";
import type { ContainerJsonContext } from "../compat/container-json.ts";
import type { ApiDeps } from "../deps.ts";

/** Lookups the container JSON needs; images are loaded once per request and id. */
export function containerJsonContext(deps: ApiDeps): (imageId: string) => Promise<ContainerJsonContext> {
  const { engine } = deps;
  const images = new Map<string, Promise<ImageConfig | undefined>>();
  const networkIds = new Map(engine.networks.list().map((n) => [n.name, n.id]));
  const now = deps.now();
  return async (imageId) => {
    let img = images.get(imageId);
    if (!img) {
      img = engine.images.find(imageId).then((i) => i?.config.config, () => undefined);
      images.set(imageId, img);
    }
    return {
      now,
      image: await img,
      networkId: (name) => networkIds.get(name) ?? "",
      volumeSource: (name) => engine.volumes.find(name)?.mountpoint ?? "",
      paths: engine.paths,
      layerDirs: (id) => engine.containers.layerDirs(id),
    };
  };
}
