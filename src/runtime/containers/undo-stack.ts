// Steps that created something push how to undo it; on failure everything is undone in
// reverse, so a failed operation leaves nothing half-created. Undo errors are collected,
// never allowed to hide the original failure.
export class UndoStack {
  private readonly steps: { what: string; undo: () => Promise<unknown> }[] = [];

  push(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  async unwind(): Promise<string[]> {
    const problems: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (err) {
        problems.push(`${step.what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return problems;
  }
}
