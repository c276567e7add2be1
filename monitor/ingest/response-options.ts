/**
 * @module How responses are read, from the settings: where the label and the score are (column index or JSONPath,
 * already checked by the settings' rules), the binary threshold, the positive and negative labels, the score mode.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import { negativeLabelFor, type ResponseOptions } from './explode-response.ts';
import { asColumnIndex, compilePath } from './json-path.ts';

export function responseOptionsOf(config: MonitorConfig): ResponseOptions {
  const positive = canonicalLabel(config.positiveLabel) ?? config.positiveLabel;
  const inferenceColumn = asColumnIndex(config.inferenceAttribute);
  const probabilityColumn = asColumnIndex(config.probabilityAttribute);
  const path = (attribute: string | undefined, column: number | undefined, variable: string) =>
    attribute !== undefined && column === undefined ? compilePath(attribute, variable) : undefined;
  return {
    problemType: config.problemType,
    inferenceColumn,
    probabilityColumn,
    inferencePath: path(config.inferenceAttribute, inferenceColumn, 'inference_attribute'),
    probabilityPath: path(config.probabilityAttribute, probabilityColumn, 'probability_attribute'),
    threshold: config.probabilityThreshold,
    positiveLabel: positive,
    negativeLabel: negativeLabelFor(positive),
    binaryScore: config.binaryScore,
    classLabels: config.classLabels,
  };
}
