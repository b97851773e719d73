import { computeMetric } from '@datamaster/sdk';
import type { MetricName } from './suite/spec.ts';

/**
 * The suite's metrics, computed by the SDK's metrics library, under the names the suite's tasks use
 * (macro_f1 is the library's f1_macro), rounded to 6 decimals for stable comparisons.
 */
export function scoreAll(kind: 'classification' | 'regression', truth: number[], pred: number[], classes: number): Partial<Record<MetricName, number>> {
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  if (truth.length === 0) return kind === 'classification' ? { accuracy: 0, macro_f1: 0 } : { rmse: 0, mae: 0 };
  if (kind === 'classification') {
    const input = { truth, pred, classes };
    return { accuracy: r6(computeMetric('accuracy', input)), macro_f1: r6(computeMetric('f1_macro', input)) };
  }
  return { rmse: r6(computeMetric('rmse', { truth, pred })), mae: r6(computeMetric('mae', { truth, pred })) };
}
