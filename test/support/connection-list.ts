/**
 * A URL list of `n` connections for import tests and B11: half named, half repeating one address
 * (10.0.0.1:6379), so the unique-name step numbers n/2 repeats of one name: its worst case.
 */
export function connectionList(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      i % 2 === 0
        ? `svc-${i} redis://10.1.${i % 250}.${i % 200}:6379/${i % 16}`
        : `redis://10.0.0.1:6379/${i % 16}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
