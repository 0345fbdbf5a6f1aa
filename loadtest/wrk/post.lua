-- POSTs the file named by $BODY on every request (JSON, unless INFERENCE_HEADER_LENGTH is set).
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
-- With INFERENCE_HEADER_LENGTH set, the body is a JSON header of that many bytes and binary tensors
-- (Triton's binary tensor data extension).
if os.getenv("INFERENCE_HEADER_LENGTH") then
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = os.getenv("INFERENCE_HEADER_LENGTH")
end
-- With AUTHORIZATION set (e.g. "Bearer <token>", loadtest/jwt.sh), every request carries it.
if os.getenv("AUTHORIZATION") then
  wrk.headers["Authorization"] = os.getenv("AUTHORIZATION")
end

-- With RANDOM_APPLICANT set, each request instead scores one random applicant A0000..A0999 by id.
if os.getenv("RANDOM_APPLICANT") then
  function request()
    return wrk.format(nil, nil, nil,
        string.format('{"applicants":[{"applicant_id":"A%04d"}]}', math.random(0, 999)))
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50=%.1f p99=%.1f errors=%d requests=%d ok_rps=%.1f\n",
      summary.requests / seconds, latency:percentile(50), latency:percentile(99),
      errors, summary.requests, (summary.requests - summary.errors.status) / seconds))
end
