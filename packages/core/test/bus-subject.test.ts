import t from 'tap';
import { subjectMatches } from '../src/bus/subject.ts';

t.test('subjectMatches follows NATS wildcard rules', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['a.b.c', 'a.b.c', true],
    ['a.b.c', 'a.b', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.x.c', false],
    ['a.*', 'a', false],
    ['a.>', 'a.b', true],
    ['a.>', 'a.b.c.d', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['*', 'a.b', false],
    ['*.b.>', 'x.b.y', true],
    ['dm.r1.evt.node.*', 'dm.r1.evt.node.pruned', true],
    ['dm.r1.evt.node.*', 'dm.r1.evt.run.finished', false],
  ];
  for (const [p, s, want] of cases) t.equal(subjectMatches(p, s), want, `${p} ~ ${s}`);
});
