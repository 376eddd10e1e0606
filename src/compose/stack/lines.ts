/** Cuts a byte stream into lines (without the newline), keeping an unfinished line for later. */
export class LineSplitter {
  #partial = "";

  push(data: Buffer | string): string[] {
    const text = this.#partial + data.toString();
    const parts = text.split("\n");
    this.#partial = parts.pop() ?? "";
    return parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  }

  /** The unfinished last line, if any, when the stream ends. */
  flush(): string[] {
    const rest = this.#partial;
    this.#partial = "";
    return rest === "" ? [] : [rest];
  }
}
