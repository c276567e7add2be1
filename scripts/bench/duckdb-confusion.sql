-- The confusion matrix of the benchmark's capture as a data engineer would get it with DuckDB, beside the monitor
-- (scripts/bench/duckdb-run.ts runs it; npm run bench checks its result against the generator's manifest).
-- Variables: capture_glob and ground_truth_glob (file globs). This is the count-check version: a request whose
-- record count differs from its response's prediction count is dropped, as the monitor drops it (count_mismatch).
-- Lines that are not JSON are skipped (ignore_errors), as the monitor skips them.
WITH capture AS (
  SELECT eventMetadata.inferenceId AS inference_id,
         captureData.endpointInput.data AS request,
         from_json(captureData.endpointOutput.data, '[{"payload_index": "INTEGER", "label": "INTEGER"}]') AS items
  FROM read_json(getvariable('capture_glob'), format = 'newline_delimited', ignore_errors = true,
                 maximum_object_size = 67108864,
                 columns = {captureData: 'STRUCT(endpointInput STRUCT(data VARCHAR), endpointOutput STRUCT(data VARCHAR))',
                            eventMetadata: 'STRUCT(inferenceId VARCHAR)'})
),
predictions AS (
  SELECT inference_id, p.payload_index, p.label
  FROM capture, unnest(items) AS u(p)
  WHERE json_array_length(request) = len(items)
),
labels AS (
  SELECT InferenceId AS inference_id, payload_index, groundTruthLabel AS actual
  FROM read_json(getvariable('ground_truth_glob'), format = 'newline_delimited',
                 columns = {InferenceId: 'VARCHAR', payload_index: 'INTEGER', groundTruthLabel: 'INTEGER'})
)
SELECT l.actual, p.label AS predicted, count(*) AS n
FROM predictions p JOIN labels l USING (inference_id, payload_index)
GROUP BY ALL
ORDER BY ALL;
