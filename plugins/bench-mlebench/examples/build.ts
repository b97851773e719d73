/**
 * Builds the example competitions into examples/data/ (the layout `mlebench prepare` writes) and a
 * leaderboard for each under examples/data/competitions/<id>/leaderboard.csv, so that
 * examples/*.task.json run as they are:
 *
 *   npx tsx plugins/bench-mlebench/examples/build.ts
 *   node packages/agents/bin/datamaster.js run plugins/bench-mlebench/examples/insults.task.json
 *
 * The leaderboards are made up (a spread of plausible scores), since Kaggle's are Git LFS files in the
 * mle-bench repository; with a real checkout, point leaderboardDir at <checkout>/mlebench/competitions.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInsults, buildPenguinBreeds, buildPenguinCactus, buildPizza, buildTextNorm, buildTpsDec, CACTUS, DOG_BREEDS, INSULTS, PIZZA, TEXT_NORM_EN, TPS_DEC, writeLeaderboard } from './competitions.ts';

const root = fileURLToPath(new URL('./data/', import.meta.url));
rmSync(root, { recursive: true, force: true });
const lb = (id: string, scores: number[]) => writeLeaderboard(join(root, 'competitions', id, 'leaderboard.csv'), scores);
const desc = (n: number, top: number, step: number) => Array.from({ length: n }, (_, i) => Number((top - step * i).toFixed(6)));

const built = {
  [INSULTS]: buildInsults(root),
  [TPS_DEC]: buildTpsDec(root),
  [PIZZA]: await buildPizza(root),
  [TEXT_NORM_EN]: await buildTextNorm(root),
  [DOG_BREEDS]: buildPenguinBreeds(root),
  [CACTUS]: await buildPenguinCactus(root),
};
lb(INSULTS, desc(50, 0.999, 0.002)); // AUC, 50 teams
lb(TPS_DEC, desc(150, 0.8, 0.002)); // accuracy, 150 teams
lb(PIZZA, desc(300, 0.75, 0.0008)); // AUC, 300 teams
lb(TEXT_NORM_EN, desc(260, 0.999, 0.0003)); // accuracy, 260 teams
lb(DOG_BREEDS, Array.from({ length: 120 }, (_, i) => Number((0.05 + 0.01 * i).toFixed(4)))); // log loss, lower is better
lb(CACTUS, desc(1200, 1, 0.00005)); // AUC, 1,200 teams
for (const [id, b] of Object.entries(built)) console.log(`${id}: ${b.trainRows} training rows, ${b.testRows} test rows -> ${join(root, id, 'prepared')}`);
