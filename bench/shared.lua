-- Every request repeats one alert: the same dedup key, counted on one ticket.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.body = '{"title":"API p95 latency above 1.5s","severity":"warning","dedup_key":"shared-latency","labels":{"team":"checkout"}}'
