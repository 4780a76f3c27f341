"""POST /orders: stores a new order and answers its id."""

import json
import os
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import boto3
from orders_common import order_key, response  # from the shared layer

ssm = boto3.client("ssm")
dynamodb = boto3.resource("dynamodb")
_table = None


def table():
    # The table name is read from SSM at run time (not imported), which is how the team broke
    # its old app <-> data cycle.
    global _table
    if _table is None:
        param = ssm.get_parameter(Name=os.environ["TABLE_NAME_PARAM"])
        _table = dynamodb.Table(param["Parameter"]["Value"])
    return _table


def handler(event, context):
    try:
        body = json.loads(event.get("body") or "{}", parse_float=Decimal)
    except json.JSONDecodeError:
        return response(400, {"error": "body must be JSON"})
    order_id = str(uuid.uuid4())
    table().put_item(
        Item={
            **order_key(order_id),
            "id": order_id,
            "createdAt": datetime.now(timezone.utc).isoformat(),
            "customer": body.get("customer", "anonymous"),
            "items": body.get("items", []),
        }
    )
    return response(201, {"id": order_id})
