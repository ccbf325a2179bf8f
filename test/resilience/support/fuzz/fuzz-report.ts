type Row = { sent: number; statuses: Map<number, number>; ms: number };

/** Requests sent and answers seen, per operation, printed once at the end of the run. */
export class FuzzReport {
  private readonly rows = new Map<string, Row>();

  record(operation: string, status: number, ms: number): void {
    const row = this.rows.get(operation) ?? { sent: 0, statuses: new Map<number, number>(), ms: 0 };
    row.sent++;
    row.ms += ms;
    row.statuses.set(status, (row.statuses.get(status) ?? 0) + 1);
    this.rows.set(operation, row);
  }

  sent(operation: string): number {
    return this.rows.get(operation)?.sent ?? 0;
  }

  get total(): number {
    return [...this.rows.values()].reduce((sum, row) => sum + row.sent, 0);
  }

  /** How many answers with one of `statuses` an operation got (2xx: `[200, 201, 202, 204]`). */
  count(operation: string, statuses: number[]): number {
    const row = this.rows.get(operation);
    return row ? statuses.reduce((sum, status) => sum + (row.statuses.get(status) ?? 0), 0) : 0;
  }

  get operations(): number {
    return this.rows.size;
  }

  /** Answers, over every operation, whose status satisfies `test`. */
  where(test: (status: number) => boolean): number {
    let n = 0;
    for (const row of this.rows.values()) for (const [status, count] of row.statuses) if (test(status)) n += count;
    return n;
  }

  summary(header: string): string {
    const width = Math.max(...[...this.rows.keys()].map((key) => key.length), 10);
    const lines = [...this.rows.entries()].map(([operation, row]) => {
      const statuses = [...row.statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}:${n}`)
        .join(' ');
      return `${operation.padEnd(width)} ${String(row.sent).padStart(6)} req ${(row.ms / 1000).toFixed(1).padStart(6)} s  ${statuses}`;
    });
    return `\n${header}\n${lines.join('\n')}\n${'total'.padEnd(width)} ${String(this.total).padStart(6)} req\n\n`;
  }
}
