def on_request_error(error, request, context):
    raise RuntimeError("on_request_error broke")
