/**
 * @module What the run hands to the CloudWatch publishers (the Model Monitor metrics file and PutMetricData).
 */

/** CloudWatch's StatisticValues: a metric published as a statistic set instead of one value. */
export interface StatisticSet {
  SampleCount: number;
  Sum: number;
  Minimum: number;
  Maximum: number;
}

/**
 * One metric value of a run: a statistics key (accuracy, weighted_f1, mae...), a join-health figure, or a data-quality
 * feature metric (with its Feature dimension, and for feature_data_* a statistic set).
 */
export interface PublishableMetric {
  name: string;
  /** The value; with `statisticValues`, the value shown for it (their average) and never published. */
  value: number;
  /** CloudWatch unit. Default "None". */
  unit?: 'None' | 'Count' | 'Percent';
  /** Published as StatisticValues instead of Value (never both, as the contract requires). */
  statisticValues?: StatisticSet;
  /** Dimensions of this metric after the run's own (Endpoint, MonitoringSchedule), e.g. Feature. */
  dimensions?: Array<{ Name: string; Value: string }>;
}

export interface PublishContext {
  /** metric_time, else end_time, else now. */
  timestamp: Date;
  /** sagemaker_endpoint_name; when absent, MonitoringSchedule is the only dimension. */
  endpointName?: string;
  /** sagemaker_monitoring_schedule_name. */
  scheduleName?: string;
}
