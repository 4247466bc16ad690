// Packages an XGBoost JSON model trained elsewhere (e.g. Python `booster.save_model("m.json")` on the
// CSV from `train.ts --export-examples`) with the snapshot of an artifact of the same data window:
//   npx tsx --tsconfig services/affinity-model-service/tsconfig.json services/affinity-model-service/src/package-model.ts \
//     --model m.json --snapshot-from affinity.model --out external.model
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeArtifact, sha256 } from './adapters/artifact';
import { packageExternalModel } from './training/external-model';

if (require.main === module) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, 'snapshot-from': { type: 'string' }, out: { type: 'string' }, trainer: { type: 'string', default: 'external xgboost (JSON model)' } }, strict: true });
  if (!values.model || !values['snapshot-from'] || !values.out) throw new Error('--model, --snapshot-from and --out are required');
  const base = decodeArtifact(readFileSync(values['snapshot-from']));
  const { bytes, content } = packageExternalModel(base, JSON.parse(readFileSync(values.model, 'utf8')), values.trainer);
  writeFileSync(values.out, bytes);
  console.log(`${content.info.version}  checksum ${sha256(bytes)}  ${bytes.length} bytes → ${values.out}`);
}
