-- Each request is a new alert: a dedup key no other request uses.
local counter = 0
local id = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer bench-token"
  run = os.time()
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"title":"Disk full on host-%d-%d","severity":"warning","dedup_key":"run-%d-t%d-n%d","labels":{"team":"storage"}}',
    id, counter, run, id, counter)
  return wrk.format(nil, nil, nil, body)
end
