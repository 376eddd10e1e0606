import { TstackError } from "../../common/errors.ts";
import type { ByteSink } from "../../common/http1/byte-sink.ts";
import type { Http1Response } from "../../common/http1/http1-request.ts";
import { familiarRepository } from "../reference/format-reference.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import type { Descriptor } from "./manifest-types.ts";
import { isAbort, networkError } from "./registry-errors.ts";
import type { Clock, ProgressListener, RegistryLogger } from "./seams.ts";
import type { Transport } from "./transport.ts";
import { pullScope } from "./scopes.ts";

export interface BlobDownloadDeps {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly logger: RegistryLogger;
}

export interface BlobDownload {
  readonly ref: ImageReference;
  readonly desc: Descriptor;
  /** The answer to the first GET (already checked to be a success). */
  readonly first: Http1Response;
  readonly onProgress: ProgressListener | undefined;
  readonly signal: AbortSignal | undefined;
}

/**
 * Streams a blob's body into `sink`. A connection lost midway is resumed where it stopped
 * (a Range request; if the registry answers with the whole blob again, the bytes already
 * delivered are dropped), within the transport's retry budget. A clean but early end is left
 * to the sink's verification (a short read); an error the sink throws ends the download as is.
 */
export async function downloadInto(deps: BlobDownloadDeps, dl: BlobDownload, sink: ByteSink): Promise<void> {
  const { ref, desc, onProgress, signal } = dl;
  const path = `/v2/${ref.path}/blobs/${desc.digest}`;
  const action = `pull blob ${desc.digest} of ${familiarRepository(ref)}`;
  let res = dl.first;
  let received = 0;
  let skip = 0; // bytes to drop when a resume got the whole blob again (no Range support)
  let sinkError: { readonly error: unknown } | undefined;
  const counting: ByteSink = {
    write(bytes) {
      let view = bytes;
      if (skip > 0) {
        const drop = Math.min(skip, view.byteLength);
        skip -= drop;
        view = view.subarray(drop);
        if (view.byteLength === 0) return true;
      }
      received += view.byteLength;
      onProgress?.({ kind: "blob", phase: "download", digest: desc.digest, current: received, total: desc.size });
      try {
        return sink.write(view);
      } catch (error) {
        sinkError = { error };
        throw error;
      }
    },
    drained: () => sink.drained(),
  };
  for (let resumes = 0; ; resumes++) {
    try {
      await res.pipeTo(counting);
      return;
    } catch (err) {
      if (sinkError !== undefined) throw sinkError.error;
      if (isAbort(err, signal)) throw signal?.reason ?? err;
      if (err instanceof TstackError) throw err;
      if (resumes + 1 >= deps.transport.retry.attempts || received >= desc.size) throw networkError(err, ref.domain, action);
      deps.logger.debug("blob download interrupted; resuming", { digest: desc.digest, received, error: String(err) });
      await deps.clock.sleep(deps.transport.backoff(resumes + 1), signal);
      res = await deps.transport.stream({
        method: "GET",
        domain: ref.domain,
        path,
        scopes: pullScope(ref),
        headers: { Range: `bytes=${received}-` },
        action,
        signal,
      });
      if (res.status === 206) {
        const start = /^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "")?.[1];
        if (start !== undefined && Number(start) !== received) {
          await res.body?.cancel().catch(() => {});
          throw new TstackError("Unavailable", `${action}: registry resumed at byte ${start}, expected ${received}`);
        }
      } else {
        skip = received;
      }
    }
  }
}
