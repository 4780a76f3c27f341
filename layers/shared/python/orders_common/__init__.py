"""Code the order functions share, shipped once in the `shared` Lambda layer.

Lambda puts a layer's `python/` folder on `sys.path`, so the functions import this package
as `orders_common`. Heavy dependencies (boto3 comes with the runtime) would go here too.
"""

import json
from decimal import Decimal

__all__ = ["response", "order_key"]


def _default(value):
    # DynamoDB returns numbers as Decimal: whole ones become int, the rest float.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def response(status, body):
    """An API Gateway proxy response with a JSON body."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=_default),
    }


def order_key(order_id):
    """The table key of an order's item."""
    return {"pk": f"ORDER#{order_id}", "sk": "META"}
