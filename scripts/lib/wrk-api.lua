-- wrk script for scripts/bench-api.sh: each request asks for a random entry of a list file, with a
-- bearer token. Environment: WRK_LIST (file, one value per line), WRK_MODE (id | email), WRK_TOKEN.
local values = {}
local mode = os.getenv("WRK_MODE") or "id"
local token = os.getenv("WRK_TOKEN") or ""

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  for line in io.lines(os.getenv("WRK_LIST")) do
    values[#values + 1] = line
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local value = values[math.random(#values)]
  local path
  if mode == "email" then
    path = "/api/v1/profiles?email=" .. urlencode(value)
  else
    path = "/api/v1/profiles/" .. value
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" })
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. "\n") end
  end
end

function done(summary, latency, requests)
  local s = summary
  local rps = s.requests / (s.duration / 1e6)
  io.write(string.format("requests=%d non2xx=%d socket_errors=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    s.requests, s.errors.status, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout, rps,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
