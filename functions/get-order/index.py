"""GET /orders?id=...: returns one order, with a short-lived link to its receipt."""

import os

import boto3
from orders_common import order_key, response  # from the shared layer

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
s3 = boto3.client("s3")


def handler(event, context):
    order_id = (event.get("queryStringParameters") or {}).get("id")
    if not order_id:
        return response(400, {"error": "query parameter 'id' is required"})
    item = table.get_item(Key=order_key(order_id)).get("Item")
    if item is None:
        return response(404, {"error": f"order {order_id} not found"})
    item["receiptUrl"] = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": os.environ["BUCKET_NAME"], "Key": f"receipts/{order_id}.json"},
        ExpiresIn=300,
    )
    return response(200, item)
