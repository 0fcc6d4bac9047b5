async def GET() -> None:
    raise RuntimeError("boom: the secret is S3CRET-T")
