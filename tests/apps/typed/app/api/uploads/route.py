"""A sync form handler: urlencoded or multipart, with files."""

from __future__ import annotations

from pydantic import BaseModel

from routetree import Response, UploadFile


class Upload(BaseModel):
    title: str
    tags: list[str] = []
    files: list[UploadFile] = []


def POST(form: Upload) -> Response:
    return Response.json(
        {
            "title": form.title,
            "tags": form.tags,
            "files": [[f.filename, f.content_type, f.size] for f in form.files],
        },
        status=201,
    )
