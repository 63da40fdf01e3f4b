-- wrk script for bench/bench_load.py: rotate through a list of GET requests and count answers that are not
-- 2xx/3xx. Lua API: https://github.com/wg/wrk/blob/4.1.0/SCRIPTING
--
--   wrk ... -s bench/load_mix.lua http://127.0.0.1:PORT -- REQUESTS_FILE
--
-- REQUESTS_FILE holds one request a line: "PATH<TAB>ACCEPT<TAB>ACCEPT-ENCODING" (either header may be empty). Each wrk thread has its own
-- Lua state; each starts at a different offset so the threads do not ask for the same path at the same time.
-- done() prints one line "LOAD_JSON {...}" that bench_load.py reads.

local threads = {}
local counter = 1

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local requests = {}
local i = 0
local by_status = {}   -- status -> count, for answers outside 200-399
-- globals, so that done() can read them with thread:get (it copies strings and numbers)
bad = 0                -- answers outside 200-399
bad_statuses = ""      -- the same counts by status, as "404=3,500=1"

function init(args)
   local host = wrk.port and (wrk.host .. ":" .. wrk.port) or wrk.host
   local file = assert(io.open(args[1], "r"))
   for line in file:lines() do
      local path, accept, encoding = line:match("^([^\t]+)\t([^\t]*)\t(.*)$")
      if path then
         local headers = {Host = host}
         if accept ~= "" then headers["Accept"] = accept end
         if encoding ~= "" then headers["Accept-Encoding"] = encoding end
         table.insert(requests, wrk.format("GET", path, headers))
      end
   end
   file:close()
   assert(#requests > 0, "no requests in " .. args[1])
   i = (id or 1) * 7 % #requests
end

function request()
   i = i % #requests + 1
   return requests[i]
end

function response(status, headers, body)
   if status < 200 or status >= 400 then
      bad = bad + 1
      by_status[status] = (by_status[status] or 0) + 1
      local parts = {}
      for s, n in pairs(by_status) do table.insert(parts, s .. "=" .. n) end
      bad_statuses = table.concat(parts, ",")
   end
end

function done(summary, latency, requests_)
   local non_ok, seen = 0, {}
   for _, thread in ipairs(threads) do
      non_ok = non_ok + (thread:get("bad") or 0)
      local s = thread:get("bad_statuses") or ""
      if s ~= "" then table.insert(seen, s) end
   end
   local e = summary.errors
   io.write(string.format(
      'LOAD_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
      '"timeout": %d, "status": %d, "non_2xx_3xx_lua": %d, "p50_us": %d, "p75_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "bad_statuses": "%s"}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status, non_ok,
      latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, table.concat(seen, ",")))
end
