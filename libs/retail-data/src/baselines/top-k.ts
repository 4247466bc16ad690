/**
 * The `k` best of `items`, best first, where `before(a, b)` is true when `a` ranks ahead of `b`
 * (must be a strict total order). Uses a bounded heap, O(n log k), because rankers only ever need a
 * short head of thousands of scored candidates; identical result to a full sort then slice.
 */
export function topK(items: readonly number[], k: number, before: (a: number, b: number) => boolean): number[] {
  if (k <= 0) return [];
  // Min-heap on rank: the root is the worst of the best k kept so far.
  const heap: number[] = [];
  const worse = (x: number, y: number): boolean => before(heap[y], heap[x]);
  const swap = (x: number, y: number): void => {
    const t = heap[x];
    heap[x] = heap[y];
    heap[y] = t;
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      for (let c = heap.length - 1; c > 0; ) {
        const parent = (c - 1) >> 1;
        if (!worse(c, parent)) break;
        swap(c, parent);
        c = parent;
      }
    } else if (before(item, heap[0])) {
      heap[0] = item;
      for (let p = 0; ; ) {
        const l = 2 * p + 1;
        const r = l + 1;
        let w = p;
        if (l < heap.length && worse(l, w)) w = l;
        if (r < heap.length && worse(r, w)) w = r;
        if (w === p) break;
        swap(p, w);
        p = w;
      }
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
