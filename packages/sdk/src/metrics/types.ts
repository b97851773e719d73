/**
 * The metrics library's contract. Every metric has a direction; a task whose metric direction
 * contradicts its name is refused at prepare.
 */
export type MetricDirection = 'max' | 'min';

/** What a metric is computed from. */
export type MetricInputKind =
  /** class labels (accuracy, F1, kappa) */
  | 'labels'
  /** class probabilities or scores (AUC, log loss) */
  | 'proba'
  /** numbers (RMSE, MAE, R^2) */
  | 'values'
  /** ranked lists per row (MAP@K) */
  | 'ranking'
  /** several numeric target columns (mean column-wise RMSLE / AUC) */
  | 'columns';

export interface MetricInfo {
  /** Canonical name, e.g. 'accuracy', 'f1_macro', 'roc_auc', 'rmse'. */
  name: string;
  direction: MetricDirection;
  input: MetricInputKind;
  /** Task types it applies to. */
  taskTypes: ('binary' | 'multiclass' | 'regression')[];
  /** Other accepted spellings ('f1' for f1_binary, 'auc', 'logloss', 'qwk', ...). */
  aliases?: string[];
  description: string;
  /** K of an @K metric when the name carried it ('map@5' resolves to map_at_k with k 5). */
  k?: number;
}

export type MetricTaskType = 'binary' | 'multiclass' | 'regression';

export interface MetricInput {
  /** Truth: class indices (labels, proba) or numbers (values). */
  truth: readonly number[];
  /** Predicted class indices (labels) or numbers (values). */
  pred?: readonly number[];
  /** Per row, one probability per class (proba); for binary, [p0, p1] or [p1]. */
  proba?: readonly (readonly number[])[];
  /** Number of classes (labels, proba). */
  classes?: number;
  /** Positive class index for binary metrics; default 1. */
  positive?: number;
  /** Ranking input: per row, the ranked predicted items and the set of relevant items. */
  ranked?: readonly (readonly (string | number)[])[];
  relevant?: readonly (readonly (string | number)[])[];
  /** K for @K metrics. */
  k?: number;
  /** Column-wise input: per column, truth and prediction arrays. */
  truthColumns?: readonly (readonly number[])[];
  predColumns?: readonly (readonly number[])[];
}
