/**
 * @module What the run hands to the CloudWatch publishers (the Model Monitor metrics file and PutMetricData).
 */

/** One metric value of a run: a statistics key (accuracy, weighted_f1, mae...) or a join-health figure. */
export interface PublishableMetric {
  name: string;
  value: number;
  /** CloudWatch unit. Default "None". */
  unit?: 'None' | 'Count' | 'Percent';
}

export interface PublishContext {
  /** metric_time, else end_time, else now. */
  timestamp: Date;
  /** sagemaker_endpoint_name; when absent, MonitoringSchedule is the only dimension. */
  endpointName?: string;
  /** sagemaker_monitoring_schedule_name. */
  scheduleName?: string;
}
