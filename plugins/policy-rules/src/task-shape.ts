import type { PolicyInput, TaskColumn } from '@datamaster/sdk';

/** What the rules need to know about the task's table: its label and its columns with units and values. */
export interface TaskShape {
  label: string | null;
  columns: TaskColumn[];
  seed: number;
}

/**
 * The benchmark's prepared columns are authoritative for names and types; the task file's hints add units and
 * allowed values, which a benchmark plugin does not know.
 */
export function taskShape(input: Pick<PolicyInput, 'task' | 'prepared'>): TaskShape {
  const hints = input.task.data?.columns ?? [];
  const hintByName = new Map(hints.map((c) => [c.name, c]));
  const base = input.prepared.columns?.length ? input.prepared.columns : hints;
  const columns = base.map((c) => {
    const hint = hintByName.get(c.name);
    return { ...hint, ...c, ...(c.unit ?? hint?.unit ? { unit: c.unit ?? hint?.unit } : {}), ...(c.values ?? hint?.values ? { values: c.values ?? hint?.values } : {}) };
  });
  return { label: input.prepared.label || input.task.data?.label || null, columns, seed: input.task.seed ?? 0 };
}
