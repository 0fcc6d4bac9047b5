def on_request_error(error, request, context):
    raise RuntimeError(f"on_request_error broke for {request['path']}")
