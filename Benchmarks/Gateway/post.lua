-- wrk: every request a POST with the body in BODY_FILE and the key in KEY (both from the environment).
local file = io.open(os.getenv("BODY_FILE"), "r")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
wrk.headers["x-api-key"] = os.getenv("KEY")
wrk.headers["anthropic-version"] = "2023-06-01"

-- wrk counts answers other than 2xx and 3xx in summary.errors.status: the report shows them.
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f errors_http=%d errors_socket=%d p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
