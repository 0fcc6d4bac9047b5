-- wrk script for POST /api/accounts: the same body the harness checks the answer against.
wrk.method = "POST"
wrk.body = '{"name":"Ada","email":"ada@example.com","age":36,"active":true,"tags":["math","poetry"]}'
wrk.headers["Content-Type"] = "application/json"
