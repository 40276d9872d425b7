-- wrk script: participants and coordinators of a seeded scale program, 80% reads and 20% writes (bench/load/run.sh).
-- users.lua (written by run.sh) holds the program id, the coordinator's cookie and, per signed-in pair, its id and
-- both members' cookies. Every response that is not 2xx counts as an error (a 302 would be a lost session).
local users = dofile(os.getenv("LOAD_USERS") or "users.lua")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

-- Weights out of 100: reads 80, writes 20. Participants send 85 of them, the coordinator 15.
mix = {
  {w = 14, kind = "mentee", path = function(p) return "/" end},                                   -- participant home page (mentee)
  {w = 10, kind = "mentee", path = function(p) return "/api/v1/me/home" end},
  {w = 10, kind = "mentor", path = function(p) return "/my/relationships" end},                   -- participant list page
  {w = 8,  kind = "mentee", path = function(p) return "/api/v1/relationships/mine" end},
  {w = 10, kind = "mentor", path = function(p) return "/api/v1/relationships/" .. p.rel .. "/meetings" end},
  {w = 8,  kind = "mentee", path = function(p) return "/api/v1/relationships/" .. p.rel .. "/check-ins" end},
  {w = 3,  kind = "coord",  path = function(p) return "/" end},                                   -- coordinator home page
  {w = 3,  kind = "coord",  path = function(p) return "/programs/" .. users.program .. "/health" end},
  {w = 3,  kind = "coord",  path = function(p) return "/api/v1/programs/" .. users.program .. "/health?status=AtRisk" end},
  {w = 3,  kind = "coord",  path = function(p) return "/api/v1/programs/" .. users.program .. "/relationships" end},
  {w = 3,  kind = "coord",  path = function(p) return "/api/v1/programs/" .. users.program .. "/enrolments" end},
  {w = 3,  kind = "coord",  path = function(p) return "/programs" end},
  {w = 2,  kind = "coord",  path = function(p) return "/programs/" .. users.program .. "/relationships" end},
  {w = 12, kind = "mentor", write = "check-in"},                                                  -- an unscheduled contact
  {w = 8,  kind = "mentee", write = "meeting"},                                                   -- a meeting proposal
}
local total = 0
for _, m in ipairs(mix) do total = total + m.w end

function init(args)
  math.randomseed(id * 7919 + os.time())
  errors, statuses = 0, {}
end

-- LOAD_ONLY=n sends only the n-th entry (run.sh's one-user pass over every page and write).
local only = tonumber(os.getenv("LOAD_ONLY") or "")

local function pick()
  if only then return mix[only] end
  local r = math.random(total)
  for _, m in ipairs(mix) do
    if r <= m.w then return m end
    r = r - m.w
  end
end

function request()
  local m = pick()
  local p = users.pairs[math.random(#users.pairs)]
  local cookie = m.kind == "coord" and users.coordinator or p[m.kind]
  local headers = {["Cookie"] = cookie}
  if m.write == "check-in" then
    headers["Content-Type"] = "application/json"
    -- A minute of the last 150 days (the seeded pairs started six months ago): one author's second contact in the same
    -- minute is refused as sent twice (ADR 121), so each check-in gets its own minute (about 216,000 to choose from).
    local body = '{"happened":true,"topics":"Load test: revision plan","nextSteps":"Meet again soon","rating":4,"occurredAt":"'
      .. os.date("!%Y-%m-%dT%H:%M:00Z", os.time() - 60 * math.random(60, 150 * 1440)) .. '"}'
    return wrk.format("POST", "/api/v1/relationships/" .. p.rel .. "/check-ins", headers, body)
  elseif m.write == "meeting" then
    headers["Content-Type"] = "application/json"
    local at = os.time() + 86400 * math.random(3, 120) + 60 * math.random(0, 600)
    local body = '{"startsAt":"' .. os.date("!%Y-%m-%dT%H:%M:00Z", at) .. '","durationMinutes":45,"place":"School library"}'
    return wrk.format("POST", "/api/v1/relationships/" .. p.rel .. "/meetings", headers, body)
  end
  return wrk.format("GET", m.path(p), headers)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    errors = errors + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local e, by = 0, {}
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    for s, n in pairs(t:get("statuses")) do by[s] = (by[s] or 0) + n end
  end
  local parts = {}
  for s, n in pairs(by) do table.insert(parts, s .. ":" .. n) end
  io.write(string.format("LOAD requests %d, %.0f req/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, not 2xx %d %s, socket errors %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e, table.concat(parts, " "),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
