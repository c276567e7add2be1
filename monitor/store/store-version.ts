/**
 * @module The prediction store's schema version and its metadata key, apart from the Arrow schema so that reading or
 * writing a manifest (every run with a store, every run state) does not load apache-arrow.
 */

/** Version of the layout of stored hours (manifest and Parquet columns). A reader refuses versions it does not know. */
export const STORE_SCHEMA_VERSION = 1;

/** Key of the schema version in each part's Parquet key-value metadata. */
export const SCHEMA_VERSION_KEY = 'mpm.prediction_store.schema_version';
