-- wrk script for the nckg benchmark: POSTs SPARQL queries (application/sparql-query) round-robin.
-- wrk ... -s bench/wrk/sparql.lua URL -- <bodies file> <mode: fixed|nonce|unique> [accept] [method: POST|GET]
-- (the result JSON goes to $WRK_RESULT). GET sends the query URL-encoded in ?query=.
-- The bodies file holds queries separated by lines "#----". Mode "nonce" appends a unique comment to every request,
-- so that no cache keyed on the raw query text can answer it; mode "unique" changes the query itself (see request()).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local bodies, mode, accept, method, n

local function urlencode(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

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
  method = args[4] or "POST"
  n = 0
  wrk.method = method
  if method == "POST" then wrk.headers["Content-Type"] = "application/sparql-query" end
  wrk.headers["Accept"] = accept
end

function request()
  n = n + 1
  local body = bodies[(n - 1) % #bodies + 1]
  if mode == "nonce" then body = body .. "\n# nonce " .. tid .. "-" .. n .. "\n" end
  -- "unique": a LIMIT no answer reaches, different on every request - unlike a comment, it changes the text a
  -- cache keys on (nckg's cache drops comments); the queries sent in this mode have no LIMIT of their own
  if mode == "unique" then body = body .. "\nLIMIT " .. (100000000 + n * 64 + tid) .. "\n" end
  if method == "GET" then return wrk.format("GET", wrk.path .. "?query=" .. urlencode(body), nil, nil) end
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
