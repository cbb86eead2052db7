#!/usr/bin/env python3
"""Writes demo/data/surveys/: Typeform form_response webhook bodies (one file each) for the demo's people.

Deterministic (fixed seed). Reads the same 150 people as the other generators (first row of each cluster
in demo/data/crm/fake_1000.csv), their orders from demo/data/events/demo-events.json and their tickets
from demo/data/support/tickets/zendesk-tickets.json (run those generators first), and lets about six in
ten of them (those with a valid address: invitations go by email) answer some of three Typeform forms:

- "How did we do?" (touchpoint support), one to two days after a solved ticket: a 5-star rating (CSAT),
  an effort question (1-7, low = easy) and, mostly, the recommend question (NPS 0-10). Answers follow the ticket: a
  complaint or a bad Zendesk rating gives low stars and often a detractor.
- "Your order" (touchpoint delivery), a few days after an order: a 5-star rating and the recommend question.
- "Quick question" (touchpoint general), a relationship NPS at any time over the last 12 months.

The payload is the shape of Typeform's published example webhook (../shared/data/samples/survey):
hidden fields user_id (the shop's user id, as in the Segment events), email and touchpoint; answers of
type number pointing at definition.fields by id. The recommend question is an opinion_scale of 11 steps
(NPS by the typeform-response format's defaults), the stars a rating of 5 steps (CSAT). The effort
question is an opinion_scale 1-7 (ref ces_effort): the format scores CES only for configured fields and
the ingestion app's configuration cannot name fields yet, so the demo keeps it unscored.

Names and emails are the Splink fake_1000 ones (MIT); answers, tokens and times are made up here.
Run from the repository root: scripts/generate-demo-surveys.py
"""
import csv
import json
import os
import random
import re
import string
from datetime import datetime, timedelta, timezone

rng = random.Random(20261127)
now = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
since = now - timedelta(days=365)
OUT = "demo/data/surveys"
# core's EmailNormalizer shape: a survey invitation cannot reach the few fake_1000 addresses that fail it
ADDRESS = re.compile(r'[^\s@<>()\[\],;:"]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+')


def iso(t):
    return t.isoformat().replace("+00:00", "Z")


def parse(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def ident(n, alphabet=string.ascii_letters + string.digits):
    return "".join(rng.choice(alphabet) for _ in range(n))


def field(fid, ref, kind, title, **properties):
    f = {"id": fid, "title": title, "type": kind, "ref": ref, "allow_multiple_selections": False,
         "allow_other_choice": False}
    if properties:
        f["properties"] = properties
    return f


RECOMMEND = field("Xq3TnP8vLk2R", "nps_recommend", "opinion_scale",
                  "How likely are you to recommend Tessera Shop to a friend or colleague?", steps=11, start_at_one=False,
                  labels={"left": "Not likely", "right": "Very likely"})
REASON = field("Lm7WcQ2aZt9B", "nps_reason", "long_text", "What is the main reason for your score?")
FORMS = {
    "support": {"id": "hW4sKp", "title": "How did we do?", "fields": [
        field("Rt5YbN1eGc7D", "csat_support", "rating", "How would you rate the help you got?", steps=5, shape="star"),
        field("Vb8MjK3pQw6E", "ces_effort", "opinion_scale",
              "How much effort did you personally have to put in to get your issue handled?", steps=7,
              start_at_one=True, labels={"left": "Very low effort", "right": "Very high effort"}),
        RECOMMEND, REASON]},
    "delivery": {"id": "oD9rTx", "title": "Your order", "fields": [
        field("Gy2HsL6nUf4A", "csat_delivery", "rating", "How happy are you with your order and its delivery?",
              steps=5, shape="star"),
        RECOMMEND, REASON]},
    "general": {"id": "qN6vZm", "title": "Quick question", "fields": [RECOMMEND, REASON]},
}
REASONS = {
    "promoter": ["Fast delivery and good quality.", "Always helpful when I need something.", "Great prices.",
                 "Easy to order, never had a problem."],
    "passive": ["Fine, nothing special.", "Good products but delivery could be quicker.", "Prices went up."],
    "detractor": ["It took far too long to sort out my problem.", "I had to explain my issue several times.",
                  "My order arrived late and nobody told me.", "Too expensive for what you get."],
}


def nps(detractor_share, promoter_share):
    r = rng.random()
    if r < detractor_share:
        return rng.choice([0, 1, 2, 3, 3, 4, 5, 5, 6, 6, 6])
    if r < detractor_share + promoter_share:
        return rng.choice([9, 9, 10, 10, 10])
    return rng.choice([7, 7, 8, 8, 8])


def category(score):
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def response(person, touchpoint, submitted, scores, extra_hidden):
    """One form_response webhook body; scores: field ref -> number (fields not listed were skipped)."""
    form = FORMS[touchpoint]
    answers = []
    for f in form["fields"]:
        if f["ref"] in scores:
            answers.append({"type": "number", "number": scores[f["ref"]], "field": {"id": f["id"], "type": f["type"]}})
        elif f["ref"] == "nps_reason" and "nps_recommend" in scores and rng.random() < 0.4:
            answers.append({"type": "text", "text": rng.choice(REASONS[category(scores["nps_recommend"])]),
                            "field": {"id": f["id"], "type": f["type"]}})
    token = "%032x" % rng.getrandbits(128)
    hidden = {"user_id": person["user"], "email": person["email"], "touchpoint": touchpoint}
    hidden.update(extra_hidden)
    return {"event_id": ident(10), "event_type": "form_response", "form_response": {
        "form_id": form["id"], "token": token,
        "landed_at": iso(submitted - timedelta(seconds=rng.randint(25, 300))), "submitted_at": iso(submitted),
        "hidden": hidden,
        "definition": {"id": form["id"], "title": form["title"], "fields": form["fields"]},
        "answers": answers}}


people, by_user, by_requester = [], {}, {}
seen = set()
with open("demo/data/crm/fake_1000.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["cluster"] in seen or not row["email"] or not row["first_name"] or not row["surname"]:
            continue
        seen.add(row["cluster"])
        p = {"user": "u-" + row["cluster"], "email": row["email"], "orders": [], "tickets": []}
        people.append(p)
        by_user[p["user"]] = p
        by_requester[20000 + int(row["cluster"])] = p
        if len(seen) >= 150:
            break
with open("demo/data/events/demo-events.json", encoding="utf-8") as f:
    for e in json.load(f)["batch"]:
        if e.get("event") == "Order Completed" and e["userId"] in by_user:
            by_user[e["userId"]]["orders"].append((parse(e["timestamp"]), e["properties"]["order_id"]))
with open("demo/data/support/tickets/zendesk-tickets.json", encoding="utf-8") as f:
    for t in json.load(f)["tickets"]:
        if "metric_set" in t and t["requester_id"] in by_requester:
            by_requester[t["requester_id"]]["tickets"].append(t)

bodies = []
for p in people:
    if not (p["orders"] or p["tickets"]) or rng.random() >= 0.6 or not ADDRESS.fullmatch(p["email"].strip().lower()):
        continue
    for t in p["tickets"]:
        solved = parse(t["metric_set"]["solved_at"])
        rating = t.get("satisfaction_rating", {}).get("score")
        unhappy = rating == "bad" or "complaint" in t["tags"]
        if rng.random() >= (0.7 if unhappy else 0.4):
            continue
        submitted = solved + timedelta(hours=rng.randint(1, 44), minutes=rng.randint(0, 59))
        if submitted > now:
            continue
        if rating == "bad":
            stars = rng.choice([1, 1, 2, 2, 3])
        elif rating == "good":
            stars = rng.choice([4, 5, 5, 5])
        else:
            stars = rng.choice([2, 3, 4, 4, 5, 5]) if not unhappy else rng.choice([1, 2, 2, 3, 4])
        effort = {5: 1, 4: 2, 3: 3, 2: 5, 1: 5}[stars] + rng.choice([0, 0, 1, 1, 2])
        scores = {"csat_support": stars, "ces_effort": effort}
        if rng.random() < 0.8:
            scores["nps_recommend"] = nps(0.5, 0.15) if unhappy else nps(0.1, 0.62)
        bodies.append(response(p, "support", submitted, scores, {"ticket_id": str(t["id"])}))
    for when, order in p["orders"]:
        if when < since or rng.random() >= 0.15:
            continue
        submitted = when + timedelta(days=rng.randint(3, 9), hours=rng.randint(0, 10))
        if submitted > now:
            continue
        stars = rng.choice([2, 3, 4, 4, 5, 5, 5])
        scores = {"csat_delivery": stars,
                  "nps_recommend": nps(0.35, 0.25) if stars <= 3 else nps(0.06, 0.65)}
        bodies.append(response(p, "delivery", submitted, scores, {"order_id": order}))
    if rng.random() < 0.35:
        day = since.replace(hour=0) + timedelta(days=rng.randint(1, 360))
        submitted = day + timedelta(hours=rng.randint(7, 21), minutes=rng.randint(0, 59))
        bodies.append(response(p, "general", submitted, {"nps_recommend": nps(0.15, 0.55)}, {}))

os.makedirs(OUT, exist_ok=True)
for old in os.listdir(OUT):
    if old.endswith(".json"):
        os.remove(os.path.join(OUT, old))
for body in bodies:
    r = body["form_response"]
    name = f"typeform-{r['submitted_at'][:10]}-{r['token'][:8]}.json"
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as out:
        json.dump(body, out, indent=1)
        out.write("\n")
answers = [a for b in bodies for a in b["form_response"]["answers"]]
refs = {f["id"]: f["ref"] for form in FORMS.values() for f in form["fields"]}
npss = [a["number"] for a in answers if refs[a["field"]["id"]] == "nps_recommend"]
print(f"{len(bodies)} responses from {len({b['form_response']['hidden']['user_id'] for b in bodies})} people: "
      f"{len(npss)} NPS ({sum(s >= 9 for s in npss)} promoters, {sum(s <= 6 for s in npss)} detractors), "
      f"{sum(refs[a['field']['id']].startswith('csat') for a in answers)} ratings, "
      f"{sum(refs[a['field']['id']] == 'ces_effort' for a in answers)} effort answers")
