"""Every source at once, for a 422 that locates failures across all of them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from routetree import Request, Response, RouteContext


class Item(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class Order(BaseModel):
    items: list[Item]


class Options(BaseModel):
    dry_run: bool = False


class OrderPath(BaseModel):
    order_id: int


class Idempotency(BaseModel):
    idempotency_key: str


class Session(BaseModel):
    session: str


async def PUT(
    request: Request,
    context: RouteContext,
    body: Order,
    query: Options,
    params: OrderPath,
    headers: Idempotency,
    cookies: Session,
) -> Response:
    return Response.json(
        {
            "order_id": params.order_id,
            "items": [item.model_dump() for item in body.items],
            "dry_run": query.dry_run,
            "key": headers.idempotency_key,
            "session": cookies.session,
            "raw": context.params,
        }
    )
