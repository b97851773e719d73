import { DataMasterError, didYouMeanHint, metricInfo, type PreparedTask, type Task } from '@datamaster/sdk';

/**
 * A task's fields are honoured or refused, never accepted and then ignored. After the benchmark has prepared
 * the task, its declared label and columns must be the ones the benchmark trains on.
 */
export function checkPrepared(task: Task, taskFile: string, prepared: PreparedTask): void {
  const names = prepared.columns.map((c) => c.name);
  const label = task.data?.label;
  if (label !== undefined && label !== prepared.label) {
    throw new DataMasterError(
      'E_TASK_LABEL',
      `${taskFile} at /data/label: '${label}' is not the label the benchmark ${task.benchmark.plugin} trains on ('${prepared.label}')${didYouMeanHint(label, [prepared.label, ...names])}; set data.label to '${prepared.label}'`,
      { file: taskFile, path: '/data/label', label, expected: prepared.label },
    );
  }
  for (const [i, c] of (task.data?.columns ?? []).entries()) {
    if (names.includes(c.name)) continue;
    throw new DataMasterError(
      'E_TASK_COLUMN',
      `${taskFile} at /data/columns/${i}/name: '${c.name}' is not a column of the task's data${didYouMeanHint(c.name, names)} (columns: ${names.join(', ')}); fix the name or remove the entry`,
      { file: taskFile, path: `/data/columns/${i}/name`, column: c.name, columns: names },
    );
  }
}

/**
 * Checks a task's own fields before any plugin loads: a metric the metrics library knows must be optimised in
 * its direction (minimising F1 would pick the worst node). A metric the library does not know is the benchmark's
 * to check.
 */
export function checkTaskFields(task: Task, taskFile: string): void {
  const info = metricInfo(task.metric.name);
  if (info && info.direction !== task.metric.direction) {
    throw new DataMasterError(
      'E_METRIC_DIRECTION',
      `${taskFile} at /metric/direction: metric '${task.metric.name}' is ${info.direction === 'max' ? 'maximised' : 'minimised'}, but the task says '${task.metric.direction}'; set direction to '${info.direction}'`,
      { file: taskFile, path: '/metric/direction', metric: task.metric.name, expected: info.direction },
    );
  }
}
