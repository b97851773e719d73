import { Prng } from '../prng.ts';
import { round, type Row } from '../table.ts';
import type { BuiltTask, FeatureSpec, TaskSpec } from './spec.ts';
import { distinctBy, seededParts } from './split.ts';
import { vegaJson } from './vega.ts';

const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const MEASURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] as const;
/** Drone estimates are biased, in standard deviations of each measure. */
const BIAS: Record<(typeof MEASURES)[number], number> = { bill_length_mm: 1.5, bill_depth_mm: -1.5, flipper_length_mm: -1.2, body_mass_g: 1.2 };

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function taskRow(r: Row): Row {
  return {
    island: r.Island ?? null,
    bill_length_mm: num(r['Beak Length (mm)']),
    bill_depth_mm: num(r['Beak Depth (mm)']),
    flipper_length_mm: num(r['Flipper Length (mm)']),
    body_mass_g: num(r['Body Mass (g)']),
    sex: r.Sex ?? null,
    species: r.Species ?? null,
  };
}

const TASK_COLUMNS = [
  { name: 'island', type: 'VARCHAR' as const },
  { name: 'bill_length_mm', type: 'DOUBLE' as const, unit: 'mm' },
  { name: 'bill_depth_mm', type: 'DOUBLE' as const, unit: 'mm' },
  { name: 'flipper_length_mm', type: 'DOUBLE' as const, unit: 'mm' },
  { name: 'body_mass_g', type: 'DOUBLE' as const, unit: 'g' },
  { name: 'sex', type: 'VARCHAR' as const },
  { name: 'species', type: 'VARCHAR' as const },
];
const IDENTITY = Object.fromEntries(TASK_COLUMNS.map((c) => [c.name, c.name]));

async function build(): Promise<BuiltTask> {
  const all = distinctBy(vegaJson('penguins.json').map(taskRow), (r) => JSON.stringify(penguins.keyColumns.map((c) => r[c])));
  const [test = [], val = [], train = []] = seededParts(all, 201, [100, 100]);
  const rng = new Prng(202);
  const rotate = (s: unknown) => SPECIES[(SPECIES.indexOf(String(s)) + 1) % SPECIES.length] ?? null;
  // Per-measure spread of the training rows, to scale the measurement noise.
  const sd = Object.fromEntries(
    MEASURES.map((m) => {
      const xs = train.map((r) => r[m]).filter((v): v is number => typeof v === 'number');
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return [m, Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)];
    }),
  );
  return {
    train,
    val,
    test,
    pool: [
      {
        id: 'penguin-field-notes',
        title: 'Palmer penguins field notes (transcribed)',
        description: 'Penguin measurements transcribed from field notebooks: island, bill length and depth, flipper length, body mass, sex and species.',
        file: 'penguin-field-notes.csv',
        format: 'csv',
        license: 'CC0-1.0',
        tags: ['penguins', 'palmer', 'species', 'measurements'],
        columns: TASK_COLUMNS,
        rows: rng.shuffle(train).map((r) => ({ ...r, species: rotate(r.species) })),
        role: 'harmful',
        why: "the task's own training inputs with every species label shifted to the next species during transcription: systematic label error",
        mapping: IDENTITY,
      },
      {
        id: 'penguin-drone-survey',
        title: 'Penguin drone survey: estimated body measurements',
        description: 'Bill, flipper and body mass estimated from drone images, with species from the survey team.',
        file: 'penguin-drone-survey.jsonl',
        format: 'jsonl',
        license: 'CC-BY-4.0',
        tags: ['penguins', 'survey', 'species', 'measurements'],
        columns: [
          { name: 'site', type: 'VARCHAR' },
          { name: 'bill_len', type: 'DOUBLE', unit: 'mm' },
          { name: 'bill_dep', type: 'DOUBLE', unit: 'mm' },
          { name: 'flipper', type: 'DOUBLE', unit: 'mm' },
          { name: 'mass_kg', type: 'DOUBLE', unit: 'kg' },
          { name: 'species_name', type: 'VARCHAR' },
        ],
        rows: train.map((r) => {
          // Image-based estimates: a calibration bias of about one standard deviation per measure, plus noise.
          const noisy = (m: (typeof MEASURES)[number], digits: number) =>
            typeof r[m] === 'number' ? round((r[m] as number) + (sd[m] as number) * (BIAS[m] + 0.5 * rng.normal()), digits) : null;
          const mass = noisy('body_mass_g', 0);
          return {
            site: r.island ?? null,
            bill_len: noisy('bill_length_mm', 1),
            bill_dep: noisy('bill_depth_mm', 1),
            flipper: noisy('flipper_length_mm', 0),
            mass_kg: mass === null ? null : round(mass / 1000, 3),
            // The survey team tells Gentoo apart but records every Adelie as Chinstrap.
            species_name: r.species === 'Adelie' ? 'Chinstrap' : (r.species ?? null),
          };
        }),
        role: 'harmful',
        why: 'the same birds estimated from drone images: measures biased by more than one standard deviation (covariate shift) and every Adelie recorded as Chinstrap (systematic label error)',
        mapping: { island: 'site', bill_length_mm: 'bill_len', bill_depth_mm: 'bill_dep', flipper_length_mm: 'flipper', body_mass_g: 'mass_kg * 1000', species: 'species_name' },
      },
      {
        id: 'penguin-colony-census',
        title: 'Penguin colony census by island',
        description: 'Counts of breeding pairs by island and year. No individual measurements.',
        file: 'penguin-colony-census.tsv',
        format: 'tsv',
        license: 'CC0-1.0',
        tags: ['penguins', 'census', 'islands'],
        columns: [
          { name: 'island', type: 'VARCHAR' },
          { name: 'year', type: 'BIGINT' },
          { name: 'nests', type: 'BIGINT' },
        ],
        // Counts derived from the measured birds per island (a summary table: nothing to train on).
        rows: ['Biscoe', 'Dream', 'Torgersen'].flatMap((island) =>
          [2007, 2008, 2009].map((year, k) => ({ island, year, nests: all.filter((r) => r.island === island).length * 10 + k * 7 })),
        ),
        role: 'useless',
        why: 'a summary by island and year without species or measurements: maps to nothing the learner can use',
      },
      {
        id: 'palmer-penguins-full',
        title: 'Palmer penguins (full release)',
        description: 'The Palmer Station penguin measurements with species, island and sex.',
        file: 'palmer-penguins-full.parquet',
        format: 'parquet',
        license: 'CC0-1.0',
        tags: ['penguins', 'palmer', 'species'],
        columns: TASK_COLUMNS,
        rows: test,
        role: 'leaking',
        why: 'exactly the held-out test birds with their species: the contamination check must reject it',
        mapping: IDENTITY,
      },
    ],
  };
}

const measure = (name: string, description: string, unit: string, impute: number): FeatureSpec => ({ name, type: 'DOUBLE', kind: 'numeric', description, unit, impute });

export const penguins: TaskSpec = {
  name: 'penguins',
  title: 'Palmer penguin species',
  description: 'Predict the species (Adelie, Chinstrap, Gentoo) of a Palmer Archipelago penguin from its island, bill, flipper, body mass and sex. The 144 labelled birds are already enough: no candidate source improves the learner, so the right answer is to add nothing.',
  version: 2,
  label: { name: 'species', type: 'VARCHAR', description: 'penguin species', classes: SPECIES },
  features: [
    { name: 'island', type: 'VARCHAR', kind: 'categorical', description: 'island', values: ['Biscoe', 'Dream', 'Torgersen'] },
    measure('bill_length_mm', 'bill (culmen) length', 'mm', 44),
    measure('bill_depth_mm', 'bill (culmen) depth', 'mm', 17),
    measure('flipper_length_mm', 'flipper length', 'mm', 200),
    measure('body_mass_g', 'body mass', 'g', 4200),
    { name: 'sex', type: 'VARCHAR', kind: 'categorical', description: 'sex', values: ['FEMALE', 'MALE'] },
  ],
  metric: { name: 'accuracy', direction: 'max' },
  learner: { kind: 'random-forest-classifier', trees: 60, maxDepth: 8, maxFeatures: 6, minNumSamples: 2, maxRows: 4000 },
  queries: ['penguin species measurements', 'palmer penguins bill flipper body mass'],
  keyColumns: ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex'],
  build,
};
