// Decodes `Transfer-Encoding: chunked` (RFC 9112 §7.1) incrementally, emitting the data of each chunk
// as views of the input: the body bytes are never copied here.

type State =
  | "size" // hex digits of a chunk size
  | "sizeWs" // whitespace after the size, before a ';'
  | "ext" // chunk extensions, ignored
  | "sizeLf"
  | "data"
  | "dataCr"
  | "dataLf"
  | "trailerStart" // start of a trailer field line or of the final empty line
  | "trailer" // inside a trailer field line, skipped
  | "trailerLf"
  | "endLf"
  | "done";

const CR = 0x0d;
const LF = 0x0a;
/** Size lines and trailers are framing, not data: bound them so a hostile peer cannot make us spin forever. */
const MAX_LINE_BYTES = 16 * 1024;
const MAX_TRAILER_BYTES = 64 * 1024;

const bad = (what: string) => new Error(`malformed chunked body: ${what}`);

export class ChunkedDecoder {
  private state: State = "size";
  private size = 0;
  private digits = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  private remaining = 0;

  get done(): boolean {
    return this.state === "done";
  }

  /**
   * Feeds the next bytes; `emit` gets chunk data as subarrays of `bytes`. Returns how many bytes were
   * consumed: all of them unless the body ended inside `bytes`. Throws on malformed framing.
   */
  push(bytes: Uint8Array, emit: (view: Uint8Array) => void): number {
    let i = 0;
    while (i < bytes.length && this.state !== "done") {
      if (this.state === "data") {
        const n = Math.min(this.remaining, bytes.length - i);
        emit(bytes.subarray(i, i + n));
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.state = "dataCr";
        continue;
      }
      this.step(bytes[i]!);
      i++;
    }
    return i;
  }

  private step(b: number): void {
    switch (this.state) {
      case "size": {
        const digit = hexValue(b);
        if (digit >= 0) {
          if (this.size > (Number.MAX_SAFE_INTEGER - digit) / 16) throw bad("chunk size too large");
          this.size = this.size * 16 + digit;
          this.digits++;
          this.countLine();
          return;
        }
        if (this.digits === 0) throw bad("missing chunk size");
        return this.afterSize(b);
      }
      case "sizeWs":
        return this.afterSize(b);
      case "ext":
        if (b === CR) this.state = "sizeLf";
        else if (isControl(b)) throw bad("control character in chunk extension");
        else this.countLine();
        return;
      case "sizeLf":
        this.expect(b, LF);
        if (this.size === 0) this.state = "trailerStart";
        else {
          this.state = "data";
          this.remaining = this.size;
        }
        return;
      case "dataCr":
        this.expect(b, CR);
        this.state = "dataLf";
        return;
      case "dataLf":
        this.expect(b, LF);
        this.state = "size";
        this.size = 0;
        this.digits = 0;
        this.lineBytes = 0;
        return;
      case "trailerStart":
        this.countTrailer();
        if (b === CR) this.state = "endLf";
        else if (b === LF) throw bad("bare LF");
        else this.state = "trailer";
        return;
      case "trailer":
        this.countTrailer();
        if (b === CR) this.state = "trailerLf";
        else if (b === LF) throw bad("bare LF");
        return;
      case "trailerLf":
        this.expect(b, LF);
        this.state = "trailerStart";
        return;
      case "endLf":
        this.expect(b, LF);
        this.state = "done";
        return;
      case "data":
      case "done":
        // push() handles data in bulk and stops at done; reaching here is a bug in this class.
        throw new Error(`chunked decoder stepped in state ${this.state}`);
      default:
        return assertNever(this.state);
    }
  }

  // After the size digits: optional whitespace, then ';' and extensions, or the CRLF.
  private afterSize(b: number): void {
    this.countLine();
    if (b === 0x20 || b === 0x09) this.state = "sizeWs";
    else if (b === 0x3b) this.state = "ext";
    else if (b === CR && this.state === "size") this.state = "sizeLf";
    else throw bad(`unexpected byte 0x${b.toString(16)} after chunk size`);
  }

  private expect(b: number, want: number): void {
    if (b !== want) throw bad(`expected ${want === CR ? "CR" : "LF"}, got 0x${b.toString(16)}`);
  }

  private countLine(): void {
    if (++this.lineBytes > MAX_LINE_BYTES) throw bad(`chunk size line over ${MAX_LINE_BYTES} bytes`);
  }

  private countTrailer(): void {
    if (++this.trailerBytes > MAX_TRAILER_BYTES) throw bad(`trailers over ${MAX_TRAILER_BYTES} bytes`);
  }
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

// HTAB is allowed in extensions (as BWS); other controls, bare LF included, are not.
function isControl(b: number): boolean {
  return (b < 0x20 && b !== 0x09) || b === 0x7f;
}

function assertNever(x: never): never {
  throw new Error(`unexpected state ${String(x)}`);
}
