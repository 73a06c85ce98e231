-- wrk script for the nckg benchmark: POSTs SPARQL queries (application/sparql-query) round-robin.
-- wrk ... -s bench/wrk/sparql.lua URL -- <bodies file> <mode: fixed|nonce> <accept> <result json path>
-- The bodies file holds queries separated by lines "#----". Mode "nonce" appends a unique comment to every request,
-- so that no cache keyed on the query text can answer it (uncached / unique ad-hoc queries).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local bodies, mode, accept, n

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local text = f:read("*a")
  f:close()
  bodies = {}
  for chunk in (text .. "\n#----\n"):gmatch("(.-)\n#%-%-%-%-\n") do
    if chunk:match("%S") then table.insert(bodies, chunk) end
  end
  mode = args[2] or "fixed"
  accept = args[3] or "application/sparql-results+json"
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/sparql-query"
  wrk.headers["Accept"] = accept
end

function request()
  n = n + 1
  local body = bodies[(n - 1) % #bodies + 1]
  if mode == "nonce" then body = body .. "\n# nonce " .. tid .. "-" .. n .. "\n" end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("WRK_RESULT") or "wrk-result.json", "w"))
  local e = summary.errors
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}, "latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99)))
  out:close()
end
