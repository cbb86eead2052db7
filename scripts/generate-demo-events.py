#!/usr/bin/env python3
"""Writes demo/data/events/demo-events.json: Segment /v1/batch events for the demo's CRM people.

Deterministic (fixed seed): for the first people of demo/data/crm/fake_1000.csv (one per cluster), an
identify with the CRM's email and name, then 1-4 "Order Completed" events over the past 14 months and
now and then an "Order Refunded". Run from the repository root: scripts/generate-demo-events.py
"""
import csv
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20261125)
now = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
seen, batch = set(), []
with open("demo/data/crm/fake_1000.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["cluster"] in seen or not row["email"] or not row["first_name"] or not row["surname"]:
            continue
        seen.add(row["cluster"])
        user = "u-" + row["cluster"]
        first = now - timedelta(days=rng.randint(60, 420))
        batch.append({"type": "identify", "userId": user, "messageId": user + "-identify",
                      "timestamp": first.isoformat().replace("+00:00", "Z"),
                      "traits": {"email": row["email"], "firstName": row["first_name"], "lastName": row["surname"]}})
        when = first
        for n in range(rng.randint(1, 4)):
            when = when + timedelta(days=rng.randint(1, 90), hours=rng.randint(0, 23))
            if when > now:
                break
            order = f"{user}-o{n + 1}"
            total = round(rng.uniform(12, 240), 2)
            batch.append({"type": "track", "userId": user, "messageId": order + "-completed", "event": "Order Completed",
                          "timestamp": when.isoformat().replace("+00:00", "Z"),
                          "context": {"channel": rng.choice(["web", "web", "mobile"])},
                          "properties": {"order_id": order, "total": total, "currency": "GBP",
                                         "products": [{"sku": f"SKU-{rng.randint(100, 999)}", "quantity": 1}]}})
            if rng.random() < 0.08:
                back = when + timedelta(days=rng.randint(2, 20))
                batch.append({"type": "track", "userId": user, "messageId": order + "-refunded", "event": "Order Refunded",
                              "timestamp": back.isoformat().replace("+00:00", "Z"),
                              "properties": {"order_id": order, "total": total, "currency": "GBP"}})
        if len(seen) >= 150:
            break
with open("demo/data/events/demo-events.json", "w", encoding="utf-8") as out:
    json.dump({"batch": batch}, out, indent=1)
print(f"{len(seen)} people, {len(batch)} events")
