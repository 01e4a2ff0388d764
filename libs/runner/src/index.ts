export { progress, type Progress } from './progress';
