export { dataPath, dataRoot, repoRoot } from './root';
