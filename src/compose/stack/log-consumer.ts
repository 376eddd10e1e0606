/** One line of a container's output, attributed. */
export interface LogLine {
  readonly service: string;
  /** "web-1": the service and replica number, as compose prefixes lines. */
  readonly label: string;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

/** Where `logs` and an attached `up` send what the containers print (the CLI formats and colours it). */
export interface LogConsumer {
  line(l: LogLine): void;
  /** A container of an attached `up` exited: `web-1 exited with code 3`. */
  exited?(label: string, code: number): void;
}
