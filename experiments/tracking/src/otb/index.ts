// The OTB protocol without TensorFlow: box files and scores (what `kdlab track eval` loads).
export { formatBoxes, parseBoxes, polygonToBox, readBoxes, type Box } from './boxes';
export { centreError, iou, meanOverSequences, otbScores, OTB_CONVENTION, PRECISION_THRESHOLDS, SUCCESS_THRESHOLDS, type OtbScores } from './metrics';
