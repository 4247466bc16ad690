/** Products seen in the training baskets, with dense ids, and the baskets re-expressed in them. */
export interface Vocabulary {
  /** Product ids, sorted; an item's id is its position here. */
  readonly products: readonly string[];
  /** Baskets containing each product. */
  readonly counts: Int32Array;
  /** Baskets with at least two known products, as distinct ids. */
  readonly baskets: readonly Int32Array[];
}

export function buildVocabulary(baskets: readonly (readonly string[])[], minCount: number): Vocabulary {
  const basketCounts = new Map<string, number>();
  for (const basket of baskets) for (const product of new Set(basket)) basketCounts.set(product, (basketCounts.get(product) ?? 0) + 1);
  const products = [...basketCounts.keys()].filter((product) => (basketCounts.get(product) ?? 0) >= minCount).sort();
  const idOf = new Map(products.map((product, id) => [product, id]));
  const counts = Int32Array.from(products, (product) => basketCounts.get(product) ?? 0);
  const encoded: Int32Array[] = [];
  for (const basket of baskets) {
    const ids = new Set<number>();
    for (const product of basket) {
      const id = idOf.get(product);
      if (id !== undefined) ids.add(id);
    }
    if (ids.size >= 2) encoded.push(Int32Array.from(ids));
  }
  return { products, counts, baskets: encoded };
}
