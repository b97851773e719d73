import type { DataFormat, RecipeStep, Source, Task, TaskColumn } from '../schema/types.ts';
import type { DataPool, DataTree, GlobalMemory, TreeNode } from '../state/types.ts';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  retries?: number;
  /** Content types accepted (prefix match); others fail with E_HTTP_CONTENT_TYPE. */
  accept?: string[];
  /** Cancels the request (and any wait between retries). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The only network access a plugin gets: time, size and redirect limits, retry with backoff honouring Retry-After. */
export interface HttpClient {
  request(url: string, opts?: HttpRequestOptions): Promise<HttpResponse>;
  json<T>(url: string, opts?: HttpRequestOptions): Promise<T>;
  /** Streams a body to `file`; fails (and removes the partial file) past maxBytes or on a truncated body. */
  download(url: string, file: string, opts?: HttpRequestOptions): Promise<{ bytes: number; sha256: string; contentType: string }>;
}

/** Secrets come from the environment; they never reach a log line or an event. */
export interface Secrets {
  get(name: string): string | undefined;
}

export interface PluginContext<C = Record<string, unknown>> {
  /** Plugin package name. */
  name: string;
  config: C;
  /** The plugin's own sandboxed working directory (created for it). */
  workDir: string;
  /** Directory that relative paths in the config are resolved against (the task or config file's folder). */
  baseDir: string;
  logger: Logger;
  http: HttpClient;
  secrets: Secrets;
  signal?: AbortSignal;
}

export interface DataFile {
  path: string;
  format: DataFormat;
}

// ---- source ----
export interface SourceQuery {
  text: string;
  task: Pick<Task, 'id' | 'description' | 'title'> & { label?: string; columns?: TaskColumn[] };
  limit: number;
}
export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}
export interface FetchedFile extends DataFile {
  bytes: number;
}
export interface SourcePlugin<C = Record<string, unknown>> {
  kind: 'source';
  search(query: SourceQuery, ctx: PluginContext<C>): Promise<Source[]>;
  fetch(source: Source, dir: string, limits: FetchLimits, ctx: PluginContext<C>): Promise<FetchedFile[]>;
}

// ---- benchmark ----
export interface PreparedTask {
  /** The task's own training data: the root node's recipe base. */
  base: DataFile;
  label: string;
  columns: TaskColumn[];
  /** Held-out test inputs WITHOUT labels, for the contamination check only. */
  testInputs?: DataFile;
  /** Columns that identify an input row (for the contamination check); default all but the label. */
  keyColumns?: string[];
  /**
   * What the benchmark inferred or decided while preparing (task type, id column, feature kinds, the
   * validation split and its seed): printed at the start of a run and recorded in run.started.
   */
  info?: Record<string, unknown>;
}
export interface EvaluateInput {
  artifact: DataFile;
  fidelity: number;
  seed: number;
}
export interface EvaluateResult {
  score: number;
  /** Every metric the benchmark computed (the task's metric included), plus counts such as trainRows. */
  metrics?: Record<string, number>;
  seconds?: number;
}
export interface GradeResult {
  score: number;
  metrics?: Record<string, number>;
  medal?: 'gold' | 'silver' | 'bronze' | 'none';
}
export interface BenchmarkPlugin<C = Record<string, unknown>> {
  kind: 'benchmark';
  prepare(task: Task, ctx: PluginContext<C>): Promise<PreparedTask>;
  /** Trains the fixed learner on the artifact and scores it on the validation split. */
  evaluate(input: EvaluateInput, ctx: PluginContext<C>): Promise<EvaluateResult>;
  /** Trains on the artifact and scores on the held-out test split: the final pick only. */
  grade(input: EvaluateInput, ctx: PluginContext<C>): Promise<GradeResult>;
}

// ---- critic ----
export interface CriticInput {
  node: TreeNode;
  parent: TreeNode | null;
  /** Best evaluated node before this one. */
  best: TreeNode | null;
  tree: DataTree;
  pool: DataPool;
  memory: GlobalMemory;
  direction: 'max' | 'min';
}
export interface CriticFinding {
  kind: 'source_effect' | 'step_effect' | 'failure' | 'leakage' | 'overfitting' | 'note';
  subject?: string;
  delta?: number;
  text: string;
  evidence?: Record<string, unknown>;
}
export interface CriticVerdict {
  reward: number;
  verdict: 'baseline' | 'improved' | 'new_best' | 'neutral' | 'worse' | 'suspect';
  deltaParent?: number;
  deltaBest?: number;
  notes?: string[];
  findings: CriticFinding[];
}
export interface CriticPlugin<C = Record<string, unknown>> {
  kind: 'critic';
  judge(input: CriticInput, ctx: PluginContext<C>): Promise<CriticVerdict>;
}

// ---- policy ----
export interface Proposal {
  kind: 'expand' | 'refine';
  /** Steps appended to the parent's recipe steps. */
  steps: RecipeStep[];
  rationale: string;
}
export interface PolicyInput {
  node: TreeNode;
  tree: DataTree;
  pool: DataPool;
  memory: GlobalMemory;
  task: Task;
  prepared: PreparedTask;
  /** How many proposals the planner wants at most. */
  want: number;
}
export interface PolicyPlugin<C = Record<string, unknown>> {
  kind: 'policy';
  propose(input: PolicyInput, ctx: PluginContext<C>): Promise<Proposal[]>;
}

export type AnyPlugin = SourcePlugin<any> | BenchmarkPlugin<any> | CriticPlugin<any> | PolicyPlugin<any>;
export type PluginOfKind<K extends AnyPlugin['kind']> = Extract<AnyPlugin, { kind: K }>;

/** Identity with types: a plugin module's default export. The host checks kind and methods at load. */
export function definePlugin<P extends AnyPlugin>(plugin: P): P {
  return plugin;
}
