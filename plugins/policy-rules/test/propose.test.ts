import t from 'tap';
import { schemas, type AddSourceStep, type Proposal } from '@datamaster/core';
import { resolvePolicyConfig } from '../src/config.ts';
import { childRecipe, childRecipeHash } from '../src/memory.ts';
import { mix, propose, proposeWithReport } from '../src/propose.ts';
import { emptyMemory } from '@datamaster/core/testing';
import { NOAA_RAW, finding, input, rootTree } from './fixture.ts';

const config = resolvePolicyConfig({});
const sourceOf = (p: Proposal | undefined) => (p?.steps[0]?.op === 'add_source' ? (p.steps[0] as AddSourceStep).source : null);

/** A node below the root that already has NOAA, so both sides have candidates. */
function midTree() {
  const b = rootTree();
  b.add('n2', 'n1', [{ op: 'add_source', source: 'local:noaa', mapping: NOAA_RAW }], 0.72);
  return b;
}

t.test("the root's first expansion: 1 discovery child + refinements (the paper's 1 + 5)", async (t) => {
  const b = rootTree();
  const got = propose(input(b, b.node('n1'), 8), config);
  t.same(got.map((p) => p.kind), ['expand', 'refine', 'refine', 'refine'], 'all 3 root refinements, 1 expansion');
  t.equal(sourceOf(got[0]), 'local:noaa', 'best-profiled source first');
  t.same(propose(input(b, b.node('n1'), 2), config).map((p) => p.kind), ['expand', 'refine'], 'capped at want');
  t.same(propose(input(b, b.node('n1'), 8), resolvePolicyConfig({ rootExpansions: 2 })).map((p) => p.kind).filter((k) => k === 'expand').length, 2);
});

t.test('mix: expandShare splits want, a short side is filled from the other', async (t) => {
  t.same(mix(4, 5, 5, false, config), { e: 2, r: 2 });
  t.same(mix(4, 1, 5, false, config), { e: 1, r: 3 });
  t.same(mix(4, 5, 1, false, config), { e: 3, r: 1 });
  t.same(mix(4, 5, 5, false, resolvePolicyConfig({ expandShare: 0 })), { e: 0, r: 4 });
  t.same(mix(4, 5, 0, false, resolvePolicyConfig({ expandShare: 0 })), { e: 4, r: 0 }, 'nothing else left: expand anyway');
  t.same(mix(1, 5, 5, false, config), { e: 1, r: 0 });
  t.same(mix(6, 3, 9, true, config), { e: 1, r: 5 });
  t.same(mix(0, 3, 9, false, config), { e: 0, r: 0 });
});

t.test('below the root: interleaved, at most want, deterministic', async (t) => {
  const b = midTree();
  const a = propose(input(b, b.node('n2'), 4), config);
  t.same(a.map((p) => p.kind), ['expand', 'refine', 'expand', 'refine']);
  t.same(a.map(sourceOf).filter(Boolean), ['hf:weather', 'local:same-q']);
  t.equal(a[1]?.steps[0]?.op, 'map_columns', 'unit alignment is the first refinement');
  t.same(propose(input(b, b.node('n2'), 4), config), a, 'same input, same proposals');
  t.same(propose(input(b, b.node('n2'), 0), config), []);
});

t.test('every proposal makes a schema-valid recipe', async (t) => {
  const b = midTree();
  const all = propose(input(b, b.node('n2'), 20), resolvePolicyConfig({ expandShare: 0.2 }));
  t.equal(all.length, 10, '2 expansions + 8 refinements');
  for (const p of all) t.same(schemas().check('recipe', childRecipe(b.node('n2'), p.steps)), [], p.rationale);
});

t.test('memory: a recipe already tried (memory.tried) or in the tree (byRecipe) is never proposed', async (t) => {
  const b = rootTree();
  const first = propose(input(b, b.node('n1'), 1), config)[0]!;
  t.equal(sourceOf(first), 'local:noaa');
  const memory = emptyMemory();
  memory.tried[childRecipeHash(b.node('n1'), first.steps)] = ['old-node'];
  const next = proposeWithReport(input(b, b.node('n1'), 1, { memory }), config);
  t.equal(sourceOf(next.proposals[0]), 'hf:weather', 'the tried recipe is skipped');
  t.equal(next.droppedTried, 1);

  b.add('n2', 'n1', first.steps, 0.75);
  const viaTree = propose(input(b, b.node('n1'), 1), config);
  t.equal(sourceOf(viaTree[0]), 'hf:weather', 'a sibling with that recipe counts as tried');
  const refs = propose(input(b, b.node('n1'), 5), config).filter((p) => p.kind === 'refine');
  b.add('n3', 'n1', refs[0]!.steps, 0.7);
  const again = propose(input(b, b.node('n1'), 5), config).filter((p) => p.kind === 'refine');
  t.notOk(again.some((p) => JSON.stringify(p.steps) === JSON.stringify(refs[0]!.steps)), 'a proposed refinement is not proposed twice');
});

t.test('negative findings: demoted after one, held back after avoidAfter, used when nothing else is left', async (t) => {
  const b = rootTree();
  const once = emptyMemory();
  once.findings.push(finding('local:noaa', -0.02));
  const demoted = propose(input(b, b.node('n1'), 6, { memory: once }), resolvePolicyConfig({ rootExpansions: 3 }));
  t.same(demoted.filter((p) => p.kind === 'expand').map(sourceOf), ['hf:weather', 'local:same-q', 'local:noaa'], 'demoted to the end');
  t.match(demoted.find((p) => sourceOf(p) === 'local:noaa')?.rationale, /hurt in 1 finding elsewhere: demoted/);

  const twice = emptyMemory();
  twice.findings.push(finding('local:noaa', -0.02), finding('local:noaa', -0.01));
  const held = proposeWithReport(input(b, b.node('n1'), 6, { memory: twice }), resolvePolicyConfig({ rootExpansions: 3 }));
  t.notOk(held.proposals.some((p) => sourceOf(p) === 'local:noaa'), 'held back');
  t.equal(held.heldBack, 1);

  const mixed = emptyMemory();
  mixed.findings.push(finding('local:noaa', -0.02), finding('local:noaa', -0.01), finding('local:noaa', 0.03), finding('local:noaa', 0.02), finding('local:noaa', 0.01));
  t.equal(sourceOf(propose(input(b, b.node('n1'), 1, { memory: mixed }), config)[0]), 'local:noaa', 'it helped more often than it hurt');

  const noise = emptyMemory();
  noise.findings.push(finding('local:noaa', -0.0001, 'source_effect', 'neutral'), finding('local:noaa', -0.0002, 'source_effect', 'neutral'));
  t.equal(sourceOf(propose(input(b, b.node('n1'), 1, { memory: noise }), config)[0]), 'local:noaa', 'noise-level findings are not harm');

  const steps = emptyMemory();
  steps.findings.push(finding('dedupe', -0.01, 'step_effect'), finding('dedupe', -0.02, 'step_effect'));
  const refs = propose(input(b, b.node('n1'), 6, { memory: steps }), config).filter((p) => p.kind === 'refine');
  t.notOk(refs.some((p) => p.steps[0]?.op === 'dedupe'), 'a step that hurt twice elsewhere is held back');

  // Only the harmful step is left: it is proposed, with the reason.
  const only = rootTree();
  const all = propose(input(only, only.node('n1'), 10), resolvePolicyConfig({ rootExpansions: 10, rootRefinements: 10 }));
  const tried = emptyMemory();
  for (const p of all) if (p.steps[0]?.op !== 'dedupe') tried.tried[childRecipeHash(only.node('n1'), p.steps)] = ['x'];
  tried.findings.push(...steps.findings);
  const last = propose(input(only, only.node('n1'), 3, { memory: tried }), config);
  t.same(last.map((p) => p.steps[0]?.op), ['dedupe']);
  t.match(last[0]?.rationale, /nothing else is left/);
});
