#!/usr/bin/env python3
"""Writes demo/data/support/: a Zendesk users export and a Zendesk tickets export for the demo's people.

Deterministic (fixed seed): for the first people of demo/data/crm/fake_1000.csv (one per cluster), a
Zendesk end-user with the CRM's email, and 0-3 tickets over the past months: questions, problems and
incidents, about one in five tagged "complaint", most solved hours to days later (solved_at in the
ticket's metric set) and many of those with a satisfaction rating (good or bad). The two files are two
sources of one system (record-namespace demo-zendesk), so each ticket reaches its requester's profile.
Run from the repository root: scripts/generate-demo-support.py
"""
import csv
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20261126)
now = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def iso(t):
    return t.isoformat().replace("+00:00", "Z")


seen, users, tickets = set(), [], []
ticket_id = 7000
with open("demo/data/crm/fake_1000.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["cluster"] in seen or not row["email"] or not row["first_name"] or not row["surname"]:
            continue
        seen.add(row["cluster"])
        user_id = 20000 + int(row["cluster"])
        created = now - timedelta(days=rng.randint(120, 400))
        users.append({"id": user_id, "email": row["email"], "name": row["first_name"] + " " + row["surname"],
                      "role": "end-user", "locale": "en-GB", "created_at": iso(created), "updated_at": iso(created)})
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            ticket_id += 1
            opened = now - timedelta(days=rng.randint(1, 110), hours=rng.randint(0, 23))
            kind = rng.choice(["question", "question", "problem", "incident"])
            tags = ["complaint"] if rng.random() < 0.2 else []
            ticket = {"id": ticket_id, "requester_id": user_id, "type": kind, "priority": rng.choice(["low", "normal", "high"]),
                      "created_at": iso(opened), "via": {"channel": rng.choice(["email", "email", "web", "chat", "voice"])},
                      "tags": tags}
            solved = opened + timedelta(hours=rng.randint(2, 120 if not tags else 240))
            # the first agent reply, as Zendesk's ticket metrics give it (minutes after creation); its own
            # generator per ticket, so the rest of the data stays what it was before replies were added
            replies = random.Random(ticket_id * 7919)
            if solved < now and rng.random() < 0.85:
                ticket["status"] = rng.choice(["solved", "closed"])
                ticket["updated_at"] = iso(solved)
                reply = replies.randint(5, max(5, min(int((solved - opened).total_seconds() // 60), 48 * 60)))
                ticket["metric_set"] = {"solved_at": iso(solved),
                                        "reply_time_in_minutes": {"calendar": reply, "business": reply // 3}}
                if rng.random() < 0.6:
                    good = rng.random() < (0.45 if tags else 0.8)
                    ticket["satisfaction_rating"] = {"id": ticket_id * 10, "score": "good" if good else "bad",
                                                     "created_at": iso(solved + timedelta(hours=3)),
                                                     "updated_at": iso(solved + timedelta(hours=3))}
            else:
                ticket["status"] = "open"
                ticket["updated_at"] = iso(opened)
                reply = replies.randint(5, 24 * 60)
                if replies.random() < 0.5 and opened + timedelta(minutes=reply) < now:
                    ticket["metric_set"] = {"reply_time_in_minutes": {"calendar": reply, "business": reply // 3}}
            tickets.append(ticket)
        if len(seen) >= 150:
            break

with open("demo/data/support/users/zendesk-users.json", "w", encoding="utf-8") as out:
    json.dump({"users": users}, out, indent=1)
    out.write("\n")
with open("demo/data/support/tickets/zendesk-tickets.json", "w", encoding="utf-8") as out:
    json.dump({"tickets": tickets}, out, indent=1)
    out.write("\n")
print(f"{len(users)} users, {len(tickets)} tickets")
