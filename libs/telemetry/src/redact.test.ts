import { describe, expect, it } from 'vitest';
import { redactLiterals, summarizeStatement } from './redact';

describe('summarizeStatement', () => {
  it.each([
    ['SELECT line_id FROM aisle.transaction_lines WHERE line_id IN ?', 'SELECT', 'transaction_lines'],
    ['INSERT INTO ks.user_purchases (user_id, time_ms) VALUES (?, ?) USING TTL 86400', 'INSERT', 'user_purchases'],
    ['  update ks."model_stages" SET version = ? WHERE model = ?', 'UPDATE', 'model_stages'],
    ['DELETE FROM ks.user_purchases WHERE user_id = ?', 'DELETE', 'user_purchases'],
    ['CREATE TABLE IF NOT EXISTS ks.popularity (scope text PRIMARY KEY)', 'CREATE', 'popularity'],
    ['SELECT release_version FROM system.local WHERE key = ?', 'SELECT', 'local'],
  ])('%s → %s %s', (text, operation, collection) => {
    expect(summarizeStatement(text)).toEqual({ operation, collection });
  });

  it('names a batch of one table by that table, of several by none', () => {
    expect(summarizeStatement('INSERT INTO ks.a (x) VALUES (?)\nINSERT INTO ks.a (x) VALUES (?)')).toEqual({ operation: 'BATCH', collection: 'a' });
    expect(summarizeStatement('INSERT INTO ks.a (x) VALUES (?)\nDELETE FROM ks.b WHERE x = ?')).toEqual({ operation: 'BATCH', collection: undefined });
  });
});

describe('redactLiterals', () => {
  it('replaces string, number, uuid and blob literals, and keeps names and placeholders', () => {
    const text = "SELECT * FROM ks.user_purchases WHERE user_id = '17850' AND time_ms > 1291191960000 AND id = 123e4567-e89b-12d3-a456-426614174000 AND b = 0xCAFE AND ratio = -0.5 AND x = ?";
    const redacted = redactLiterals(text);
    expect(redacted).toBe('SELECT * FROM ks.user_purchases WHERE user_id = ? AND time_ms > ? AND id = ? AND b = ? AND ratio = ? AND x = ?');
  });

  it("handles quotes escaped by doubling ('')", () => {
    expect(redactLiterals("INSERT INTO ks.t (d) VALUES ('it''s 17850')")).toBe('INSERT INTO ks.t (d) VALUES (?)');
  });

  it('keeps digits that are part of names (keyspaces, tables, v1)', () => {
    expect(redactLiterals('SELECT a1 FROM aisle_e2e_42.t2 WHERE k = ?')).toBe('SELECT a1 FROM aisle_e2e_42.t2 WHERE k = ?');
  });
});
