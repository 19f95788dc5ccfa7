-- One request shape for wrk (bench/bench_http.py). Arguments after the URL:
--   METHOD PATH BODY_TEMPLATE RUN_LABEL CONNECTION [TOKENS_FILE]
-- "{key}" in BODY_TEMPLATE becomes a slug unique per run, wrk thread and request (an empty template sends
-- no body). CONNECTION "close" sends "Connection: close", so every request comes on a new connection;
-- "keep-alive" reuses them. TOKENS_FILE has one bearer token a line (kept off the command line); each request uses the
-- next one, so the per-token API throttle does not cap the run.
-- At the end one line "BENCH_JSON {...}" gives counts and latencies (microseconds).

local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("thread_id", thread_number)
end

function init(args)
  method = args[1]
  path = args[2]
  body_template = args[3]
  run_label = args[4]
  close = args[5] == "close"
  tokens = {}
  if args[6] then
    for line in io.lines(args[6]) do
      if line ~= "" then
        tokens[#tokens + 1] = line
      end
    end
  end
  counter = 0
end

function request()
  counter = counter + 1
  local headers = {}
  if close then
    headers["Connection"] = "close"
  end
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]
  end
  local body = nil
  if body_template ~= "" then
    local key = string.format("bench-%s-%d-%d", run_label, thread_id, counter)
    body = string.gsub(body_template, "{key}", key)
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.6f, "status_errors": %d, "socket_errors": %d, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests,
    summary.duration / 1e6,
    errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    latency:percentile(99) / 1000
  ))
end
