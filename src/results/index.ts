// Public surface for reading and writing result sets.

export {
  CSV_COLUMNS,
  SCHEMA_VERSION,
  baseMetadata,
  type ResultMetadata,
  type ResultRow,
  type ResultSet,
  type ResultUnit,
  type RowStopReason,
  type StopPolicyMeta,
} from './schema.js';
export { rowsToCsv } from './csv.js';
export { writeFileAtomic } from '../io/atomic.js';
export { defaultOutBase, defaultOutName, resultPaths, type ResultPaths } from './paths.js';
export { chooseOutput, openIncrementalWriter, prepareOutput, toJson, writeResultSet, type IncrementalWriter, type OutputOptions } from './writer.js';
export { parseResultSet, readResultSet, validateResultSet } from './reader.js';
export { gitRevision, toolProvenance } from './provenance.js';
export { FIGURE_DECIMALS, roundFigure, rowFromSamples, rowFromMeasurement } from './rows.js';
