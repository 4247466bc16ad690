// Cassandra query spans say what ran (statement kind and table, the semantic conventions'
// db.operation.name and db.collection.name) and never what it ran on: Aisle binds every value as a
// parameter, and any literal that still appears in a statement's text is replaced by `?` before export.
import type { Span } from '@opentelemetry/api';

export interface StatementSummary {
  operation: string;
  /** Table (without keyspace), when the statement names one. */
  collection?: string;
}

const TABLE_AFTER: Record<string, RegExp> = {
  SELECT: /\bFROM\s+([\w."]+)/i,
  DELETE: /\bFROM\s+([\w."]+)/i,
  INSERT: /\bINTO\s+([\w."]+)/i,
  UPDATE: /^\s*UPDATE\s+([\w."]+)/i,
  CREATE: /\b(?:TABLE|INDEX|KEYSPACE)\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w."]+)/i,
};

export function summarizeStatement(text: string): StatementSummary {
  const statements = text.split('\n').filter((line) => line.trim() !== '');
  if (statements.length > 1) {
    const parts = statements.map(summarizeStatement);
    const collections = [...new Set(parts.map((part) => part.collection).filter(Boolean))];
    return { operation: 'BATCH', collection: collections.length === 1 ? collections[0] : undefined };
  }
  const operation = (/^\s*(\w+)/.exec(text)?.[1] ?? 'UNKNOWN').toUpperCase();
  const table = TABLE_AFTER[operation]?.exec(text)?.[1]?.replaceAll('"', '');
  return { operation, collection: table?.split('.').pop() };
}

/** The statement's text with every string, number, uuid and blob literal replaced by `?`. */
export function redactLiterals(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\b0x[0-9a-f]+\b/gi, '?')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '?')
    .replace(/(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])/g, '?');
}

/** Names a query span `<KIND> <table>` and records its statement with literals redacted. */
export function describeCassandraSpan(span: Span, text: string | undefined): void {
  if (!text) return;
  const summary = summarizeStatement(text);
  span.setAttribute('db.query.text', redactLiterals(text));
  span.setAttribute('db.operation.name', summary.operation);
  if (summary.collection) span.setAttribute('db.collection.name', summary.collection);
  span.updateName(summary.collection ? `${summary.operation} ${summary.collection}` : summary.operation);
}

type SpanStarter = (request: { op: string; query?: string }, client: unknown) => Span;

/**
 * The cassandra-driver instrumentation either records a statement's raw text (enhancedDatabaseReporting)
 * or nothing. Its span factory is wrapped so that every query span, failed ones included, gets the
 * summary and the redacted text instead. The whole-stack trace test checks the result.
 */
export function describeCassandraSpans<T extends object>(instrumentation: T): T {
  const target = instrumentation as unknown as { startSpan?: SpanStarter };
  const original = target.startSpan?.bind(instrumentation);
  if (!original) throw new Error('cassandra-driver instrumentation no longer has startSpan: update describeCassandraSpans');
  target.startSpan = (request, client) => {
    const span = original(request, client);
    describeCassandraSpan(span, request.query);
    return span;
  };
  return instrumentation;
}
