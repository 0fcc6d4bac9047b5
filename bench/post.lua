-- wrk script for POST /api/users: the same body the harness checks the answer against.
wrk.method = "POST"
wrk.body = '{"name":"Ada","email":"ada@example.com"}'
wrk.headers["Content-Type"] = "application/json"
