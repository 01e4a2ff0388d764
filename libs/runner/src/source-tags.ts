// The method config's `source` as tracking tags, so every logged number carries how close its
// method is to the reference (the reports mark abstract-only rows from kdlab.source_level).
import type { SourceConfig } from './config/schema';
import { TAG } from './train/naming';

/** MLflow's limit on a tag value (characters); longer values are cut with a marker. */
export const TAG_VALUE_LIMIT = 8000;

function clip(value: string): string {
  const chars = [...value];
  if (chars.length <= TAG_VALUE_LIMIT) return value;
  const mark = ' ...[truncated]';
  return chars.slice(0, TAG_VALUE_LIMIT - mark.length).join('') + mark;
}

export function sourceTags(source: SourceConfig | undefined): Record<string, string> {
  if (!source) return {};
  return {
    [TAG.sourceLevel]: source.level,
    [TAG.sourceReference]: clip(source.reference),
    [TAG.sourceDeviations]: clip(JSON.stringify(source.deviations)),
  };
}
