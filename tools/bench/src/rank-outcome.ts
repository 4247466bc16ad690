// What the load generator reads from a Rank answer: whether any source was not OK (a degraded
// answer) and whether the answer was reused. It reads just those fields off the wire and builds no
// message objects, as the echo client keeps its answer as bytes. Decoding whole answers (ten items with
// their breakdowns) cost each load-generator process ~12 MB/s more old-generation garbage at 1,450
// Ranks/s (30.5 against 18.2 MB/s, the echo client's level) and more of the CPU it shares with the
// services it measures; a backend decodes on its own machine.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { common, ranker } from '@aisle/contracts';

export interface RankOutcome {
  degraded: boolean;
  reused: boolean;
}

// Field numbers in aisle.ranker.v1.RankResponse and aisle.common.v1.SourceStatus.
const RESPONSE_SOURCES = 2;
const RESPONSE_ANSWER_AGE_MS = 10;
const SOURCE_STATE = 2;
const FINE = new Set<number>([common.SourceState.SOURCE_STATE_OK, common.SourceState.SOURCE_STATE_SKIPPED]);

/** Reads a serialized RankResponse's source states and answer age (throws on bytes that are not one). */
export function readRankOutcome(bytes: Uint8Array): RankOutcome {
  const reader = new BinaryReader(bytes);
  let degraded = false;
  let reused = false;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === RESPONSE_SOURCES && wireType === WireType.LengthDelimited) {
      const end = reader.uint32() + reader.pos;
      // A state left at its default (UNSPECIFIED) is not on the wire at all.
      let state: number = common.SourceState.SOURCE_STATE_UNSPECIFIED;
      while (reader.pos < end) {
        const [sourceField, sourceWire] = reader.tag();
        if (sourceField === SOURCE_STATE && sourceWire === WireType.Varint) state = reader.int32();
        else reader.skip(sourceWire);
      }
      degraded ||= !FINE.has(state);
    } else if (field === RESPONSE_ANSWER_AGE_MS && wireType === WireType.Varint) {
      reused = Number(reader.int64()) > 0;
    } else {
      reader.skip(wireType);
    }
  }
  return { degraded, reused };
}

/** The Rank method as the generated client calls it, but answering with a RankOutcome. */
export const RANK_OUTCOME_METHOD = { ...ranker.RankerServiceService.rank, responseDeserialize: (bytes: Buffer) => readRankOutcome(bytes) };
