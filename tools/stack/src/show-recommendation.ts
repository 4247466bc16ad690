// Prints one real Rank answer: items with their score breakdown, per-source statuses, model
// versions and stage timings — what a backend gets back, made readable.
import { common } from '@aisle/contracts';
import { createRankerClient } from '@aisle/ranker-client';

const STATES = Object.fromEntries(Object.entries(common.SourceState).map(([name, value]) => [value, name.replace('SOURCE_STATE_', '')]));

export async function showRecommendation(rankerAddress: string, userId = '17850', k = 10): Promise<void> {
  const client = createRankerClient(rankerAddress, { timeoutMs: 2000 });
  try {
    const request = { userId, k, context: { country: 'United Kingdom', timeUnixMs: 0 } };
    // Right after start-up the feature service's caches are cold and its first popularity refresh
    // holds its event loop, so a stage can miss its budget: say so and ask again, a few times, for a
    // freshly computed answer (the ranker would otherwise reuse the degraded one for a moment).
    let response = await client.rank(request);
    for (let attempt = 1; attempt < 6; attempt++) {
      const late = response.sources.filter((source) => source.state !== common.SourceState.SOURCE_STATE_OK && source.state !== common.SourceState.SOURCE_STATE_SKIPPED);
      if (late.length === 0) break;
      console.log(`Rank ${attempt} after start-up: ${late.map((source) => `${source.source}=${STATES[source.state]}`).join(', ')} (warming up); asking again.`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      response = await client.rank({ ...request, options: { excludePurchased: false, explain: false, fresh: true } });
    }
    console.log(`\nRank(user_id=${userId}, k=${k})${response.coldStart ? '  [cold start: no history for this user]' : ''}`);
    console.log('   #  product   score   copurch  affinity  popular  repeat  context  description');
    response.items.forEach((item, index) => {
      const b = item.breakdown!;
      const cells = [item.score, b.copurchase, b.affinity, b.popularity, b.repeat, b.context].map((value) => value.toFixed(3).padStart(7));
      console.log(`  ${String(index + 1).padStart(2)}  ${item.productId.padEnd(8)} ${cells.join('  ')}  ${item.description}`);
    });
    console.log(`  sources: ${response.sources.map((source) => `${source.source}=${STATES[source.state]}`).join(', ')}`);
    console.log(`  models:  ${response.models.map((model) => `${model.model}@${model.version}`).join(', ')}`);
    const reused = response.answerAgeMs > 0 ? `; answer reused, computed ${response.answerAgeMs} ms ago` : '';
    console.log(`  timings: ${response.timings.map((timing) => `${timing.stage} ${timing.ms.toFixed(1)}ms`).join(', ')}; feature age ${response.featureAgeMs} ms${reused}`);
    if (response.traceId) console.log(`  trace:   ${response.traceId}`);
  } finally {
    client.close();
  }
}
