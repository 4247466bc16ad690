// Registers an artifact file written by train.ts in the configured feature store (AISLE_STORE, AISLE_SQLITE_PATH, ...):
//   npx tsx services/copurchase-model-service/src/register.ts --artifact copurchase.aisle [--promote]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registerArtifact } from './adapters/store-registry';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { artifact: { type: 'string' }, promote: { type: 'boolean', default: false } }, strict: true });
  if (!values.artifact) throw new Error('--artifact <file> is required');
  const result = await registerArtifact(readFileSync(values.artifact), { promote: values.promote, promotedBy: 'copurchase-register-cli' });
  console.log(`registered copurchase@${result.version} sha256 ${result.checksum}${values.promote ? `; production now (previous: ${result.previousProduction || 'none'})` : ' as candidate'}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
