// Static checks of a service's Dockerfile (no Docker engine is needed): multi-stage, a small Node 20
// base, a non-root numeric USER in the final stage, a HEALTHCHECK and EXPOSE on the service's port,
// AISLE_BIND_HOST=0.0.0.0, and one service per image: every stage builds and copies this service only.
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { ServiceSpec } from './services';

const BASE_IMAGE = /^node:20(\.\d+)*-bookworm-slim(@sha256:[0-9a-f]{64})?$/;

export function checkDockerfile(text: string, service: ServiceSpec, otherServices: readonly string[]): string[] {
  const dockerfile = DockerfileParser.parse(text);
  const problems: string[] = [];
  const froms = dockerfile.getFROMs();
  if (froms.length < 2) problems.push('must be multi-stage (build stages and a runtime stage)');

  // ARG defaults before the first FROM resolve ${NODE_IMAGE}-style base images.
  const globalArgs = new Map<string, string>();
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') break;
    if (instruction.getKeyword() === 'ARG') {
      const [name, value] = instruction.getArgumentsContent()?.split('=') ?? [];
      if (name && value !== undefined) globalArgs.set(name, value);
    }
  }
  const stageNames = new Set(froms.map((from) => from.getBuildStage()).filter(Boolean));
  for (const from of froms) {
    const image = (from.getImageName() ?? '').replace(/^\$\{?(\w+)\}?$/, (_, name: string) => globalArgs.get(name) ?? name);
    const tag = from.getImageTag() ? `${image}:${from.getImageTag()}` : image;
    if (!stageNames.has(image) && !BASE_IMAGE.test(tag)) problems.push(`base image ${tag} is not node:20-bookworm-slim`);
  }

  const lastFrom = froms.at(-1);
  const runtime = dockerfile.getInstructions().filter((instruction) => lastFrom && instruction.getRange().start.line > lastFrom.getRange().start.line);
  const keyword = (name: string): Instruction[] => runtime.filter((instruction) => instruction.getKeyword() === name);
  const user = keyword('USER').at(-1)?.getArgumentsContent() ?? '';
  if (!/^[1-9]\d*(:\d+)?$/.test(user)) problems.push(`the runtime stage must end with a numeric non-root USER (Kubernetes verifies runAsNonRoot only on numeric ids), has "${user || 'none'}"`);
  const healthcheck = keyword('HEALTHCHECK').at(-1)?.getArgumentsContent() ?? '';
  if (!healthcheck.includes('CMD') || !healthcheck.includes(String(service.port))) problems.push(`HEALTHCHECK on port ${service.port} missing`);
  if (!keyword('EXPOSE').some((instruction) => instruction.getArgumentsContent()?.split(/\s+/).includes(String(service.port)))) problems.push(`EXPOSE ${service.port} missing`);
  if (!keyword('ENV').some((instruction) => /AISLE_BIND_HOST=0\.0\.0\.0/.test(instruction.getArgumentsContent() ?? ''))) problems.push('ENV AISLE_BIND_HOST=0.0.0.0 missing in the runtime stage');
  const command = keyword('CMD').at(-1)?.getArgumentsContent() ?? '';
  if (!command.includes(`services/${service.name}/dist/main.js`)) problems.push(`CMD must start services/${service.name}/dist/main.js`);
  if (runtime.some((instruction) => instruction.getKeyword() === 'COPY' && !/--from=/.test(instruction.getTextContent()) && !/healthcheck\.js/.test(instruction.getTextContent()))) {
    problems.push('the runtime stage copies only from build stages (and healthcheck.js), never the whole context');
  }

  const serviceArg = dockerfile.getInstructions().find((instruction) => instruction.getKeyword() === 'ARG' && instruction.getArgumentsContent()?.startsWith('SERVICE='));
  if (serviceArg?.getArgumentsContent() !== `SERVICE=${service.name}`) problems.push(`ARG SERVICE must default to ${service.name}`);
  for (const other of otherServices) {
    if (other !== service.name && text.includes(other)) problems.push(`names another service (${other}): one service per image`);
  }
  if (!/npm ci --omit=dev[^\n]*--workspace services\/\$\{SERVICE\}/.test(text)) problems.push('production dependencies must be installed for this workspace only (npm ci --omit=dev --workspace services/${SERVICE})');
  if (!/nx run \$\{SERVICE\}:build/.test(text)) problems.push('the service must be built with nx (nx run ${SERVICE}:build)');
  return problems;
}
