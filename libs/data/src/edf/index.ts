// EDF / EDF+ reading (no well-kept npm reader exists): header, signals in physical units and µV,
// EDF+ annotations. Errors name the file and the field.
export { ANNOTATION_LABEL, EdfError, parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './header';
export { parseTals, type EdfAnnotation } from './tal';
export { cleanLabel, readEdf, toMicrovoltFactor, type EdfFile, type ReadEdfOptions } from './read';
export { looksCrlfConverted, undoCrlfConversion } from './line-endings';
export { summariseEdf, type EdfSummary, type SummariseOptions } from './summary';
