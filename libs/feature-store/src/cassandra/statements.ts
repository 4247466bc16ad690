// Every CQL statement of the store, qualified with the configured keyspace; all are prepared.
export function cql(keyspace: string, logTtlSeconds: number) {
  const ttl = logTtlSeconds > 0 ? ` USING TTL ${logTtlSeconds}` : '';
  return {
    selectLogIds: `SELECT line_id FROM ${keyspace}.transaction_lines WHERE line_id IN ?`,
    insertLog: `INSERT INTO ${keyspace}.transaction_lines (line_id, invoice_no, product_id, description, quantity, unit_price, time_ms, user_id, country, written_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)${ttl}`,
    deleteLog: `DELETE FROM ${keyspace}.transaction_lines WHERE line_id = ?`,
    insertPurchase: `INSERT INTO ${keyspace}.user_purchases (user_id, time_ms, line_id, invoice_no, product_id, quantity, unit_price, country, written_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    selectPurchases: `SELECT line_id, invoice_no, product_id, quantity, unit_price, time_ms, country, written_ms FROM ${keyspace}.user_purchases WHERE user_id = ?`,
    deletePurchases: `DELETE FROM ${keyspace}.user_purchases WHERE user_id = ?`,
    insertProductLine: `INSERT INTO ${keyspace}.product_lines (product_id, invoice_no, line_id, time_ms, quantity, unit_price, description, customer_id, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    selectProductLines: `SELECT invoice_no, line_id, time_ms, quantity, unit_price, description, customer_id, country FROM ${keyspace}.product_lines WHERE product_id = ?`,
    deleteProductLine: `DELETE FROM ${keyspace}.product_lines WHERE product_id = ? AND invoice_no = ? AND line_id = ?`,
    scanLog: `SELECT line_id, invoice_no, product_id, description, quantity, unit_price, time_ms, user_id, country FROM ${keyspace}.transaction_lines`,
    scanProductLines: `SELECT product_id, invoice_no, time_ms, country FROM ${keyspace}.product_lines`,
    selectPopularity: `SELECT product_ids, scores FROM ${keyspace}.popularity WHERE scope = ? AND time_window = ?`,
    selectPopularityKeys: `SELECT scope, time_window FROM ${keyspace}.popularity`,
    insertPopularity: `INSERT INTO ${keyspace}.popularity (scope, time_window, product_ids, scores, computed_ms) VALUES (?, ?, ?, ?, ?)`,
    deletePopularity: `DELETE FROM ${keyspace}.popularity WHERE scope = ? AND time_window = ?`,
    insertVersion: `INSERT INTO ${keyspace}.model_versions (model, version, created_ms, train_start_ms, train_end_ms, training_rows, input_hash, code_version, parameters, metrics, checksum, stage, chunk_count, size_bytes, promoted_by, promoted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    selectVersion: `SELECT * FROM ${keyspace}.model_versions WHERE model = ? AND version = ?`,
    selectVersions: `SELECT * FROM ${keyspace}.model_versions WHERE model = ?`,
    selectModels: `SELECT DISTINCT model FROM ${keyspace}.model_versions`,
    updateStage: `UPDATE ${keyspace}.model_versions SET stage = ?, promoted_by = ?, promoted_ms = ? WHERE model = ? AND version = ?`,
    updateStageOnly: `UPDATE ${keyspace}.model_versions SET stage = ? WHERE model = ? AND version = ?`,
    insertChunk: `INSERT INTO ${keyspace}.model_artifact_chunks (model, version, chunk_index, data) VALUES (?, ?, ?, ?)`,
    selectChunk: `SELECT data FROM ${keyspace}.model_artifact_chunks WHERE model = ? AND version = ? AND chunk_index = ?`,
    selectProduction: `SELECT current_version, history FROM ${keyspace}.model_production WHERE model = ?`,
    insertProduction: `INSERT INTO ${keyspace}.model_production (model, current_version, history, updated_ms) VALUES (?, ?, ?, ?)`,
  };
}
export type Statements = ReturnType<typeof cql>;
