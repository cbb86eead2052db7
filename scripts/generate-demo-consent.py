#!/usr/bin/env python3
"""Writes demo/data/events/demo-consent.json: Segment /v1/batch identify calls that carry newsletter consent.

Deterministic (fixed seed). For part of the demo's people (the identify calls of
demo/data/events/demo-events.json; run scripts/generate-demo-events.py first), the shop's website sends
a later identify when the person ticks or unticks "Email me news and offers": the same userId and
traits as before, plus the traits consent_marketing_email (subscribed / unsubscribed) and
consent_marketing_email_at. The segment-batch format copies scalar traits to the record's attributes,
and core reads consent_<purpose>_<channel> attributes as consent statements (docs/privacy.md), so these
people get (or lose) marketing consent on email. The identify is newer than the first one, so the
record's new version replaces the old and keeps its traits.

About 45 % of those with a valid address subscribe; about one in eight of those unsubscribes again later (the identify then says
unsubscribed, at the later time). Names and emails are the Splink fake_1000 ones (MIT).
Run from the repository root: scripts/generate-demo-consent.py
"""
import json
import random
import re
from datetime import datetime, timedelta, timezone

rng = random.Random(20261128)
now = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
# core's EmailNormalizer shape: the newsletter form refuses the few fake_1000 addresses that fail it
ADDRESS = re.compile(r'[^\s@<>()\[\],;:"]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+')


def iso(t):
    return t.isoformat().replace("+00:00", "Z")


with open("demo/data/events/demo-events.json", encoding="utf-8") as f:
    identifies = [e for e in json.load(f)["batch"] if e["type"] == "identify"]

batch, subscribed, unsubscribed = [], 0, 0
for first in identifies:
    if rng.random() >= 0.45 or not ADDRESS.fullmatch(first["traits"]["email"].strip().lower()):
        continue
    known = datetime.fromisoformat(first["timestamp"].replace("Z", "+00:00"))
    at = known + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 12), minutes=rng.randint(1, 59))
    status = "subscribed"
    if rng.random() < 0.125:
        at = at + timedelta(days=rng.randint(20, 200))
        status = "unsubscribed"
    if at > now:
        continue
    traits = dict(first["traits"])
    traits.update({"consent_marketing_email": status, "consent_marketing_email_at": iso(at)})
    batch.append({"type": "identify", "userId": first["userId"], "messageId": first["userId"] + "-consent",
                  "timestamp": iso(at), "traits": traits})
    subscribed += status == "subscribed"
    unsubscribed += status == "unsubscribed"

with open("demo/data/events/demo-consent.json", "w", encoding="utf-8") as out:
    json.dump({"batch": batch}, out, indent=1)
    out.write("\n")
print(f"{len(batch)} identify calls: {subscribed} subscribed, {unsubscribed} unsubscribed")
