/**
 * Multinomial naive Bayes over token counts with Laplace smoothing `alpha`. The vocabulary is what
 * the training documents contain; tokens never seen in training are ignored at prediction time.
 */
export function naiveBayesClassify(alpha: number, docs: string[][], y: number[], classes: number, test: string[][]): number[] {
  const counts: Map<string, number>[] = Array.from({ length: classes }, () => new Map());
  const totals = new Array<number>(classes).fill(0);
  const docsPer = new Array<number>(classes).fill(0);
  const vocab = new Set<string>();
  docs.forEach((tokens, i) => {
    const c = y[i] as number;
    docsPer[c] = (docsPer[c] as number) + 1;
    const m = counts[c] as Map<string, number>;
    for (const t of tokens) {
      m.set(t, (m.get(t) ?? 0) + 1);
      vocab.add(t);
    }
    totals[c] = (totals[c] as number) + tokens.length;
  });
  const v = vocab.size;
  const n = docs.length;
  return test.map((tokens) => {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      // Laplace-smoothed prior so a class absent from training is still possible but unlikely.
      let s = Math.log(((docsPer[c] as number) + 1) / (n + classes));
      const m = counts[c] as Map<string, number>;
      const denom = Math.log((totals[c] as number) + alpha * v);
      for (const t of tokens) {
        if (!vocab.has(t)) continue;
        s += Math.log((m.get(t) ?? 0) + alpha) - denom;
      }
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    return best;
  });
}
