/**
 * The known word a mistyped one most likely meant, for "did you mean …?" in errors: the candidate at
 * the smallest edit distance, ignoring case, when that distance is small for the word's length (one
 * edit up to 5 letters, two up to 8, three beyond). A swap of two neighbours counts as one edit
 * (`hsots` → `hosts`), as in git's and Cobra's suggestions.
 * @example
 *   didYouMean('comand', ['command', 'env', 'image'])   // → 'command'
 *   didYouMean('xyz', ['command', 'env'])               // → undefined
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const limit = word.length <= 5 ? 1 : word.length <= 8 ? 2 : 3;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The optimal-string-alignment distance (insert, delete, substitute, swap neighbours), or `cap` as
 * soon as it is certain to be at least `cap`.
 */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin >= cap) return cap;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length], cap);
}
