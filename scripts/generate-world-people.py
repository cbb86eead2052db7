#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""
generate-world-people.py -- independent synthetic customer data for evaluating
record linkage / entity resolution.  Python 3.11, standard library only.

  python3 scripts/generate-world-people.py --persons N --seed S --out FILE.csv
                 [--country-mix US=1,DE=2,...] [--truth-out persons.jsonl]

Written without reading Tessera's matching code, so that its noise model is not
the one the matcher was tuned on (docs/world-people-data.md, docs/benchmarks.md).

Output columns:
  record_id,source,source_id,first_name,last_name,email,phone,birth_date,
  street,city,postcode,country,person
`person` is the ground-truth person id.  See docs/world-people-data.md for the noise model.
"""
import argparse
import csv
import datetime as dt
import json
import math
import random
import sys
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from itertools import accumulate

REF_DATE = dt.date(2025, 6, 1)
HEADER = ["record_id", "source", "source_id", "first_name", "last_name", "email",
          "phone", "birth_date", "street", "city", "postcode", "country", "person"]
CODES = ["US", "UK", "DE", "FR", "ES", "IT", "NL", "PL", "IN", "BR"]


def L(s):
    return [x.strip() for x in s.split(",") if x.strip()]


class Zipf:
    """Popularity-ranked pool: weight(rank r) = 1 / r**s."""

    def __init__(self, items, s=1.0, weights=None):
        self.items = list(items)
        w = weights if weights is not None else [1.0 / (i + 1) ** s for i in range(len(self.items))]
        self.cum = list(accumulate(w))

    def pick(self, rng):
        return self.items[min(bisect_left(self.cum, rng.random() * self.cum[-1]), len(self.items) - 1)]


def wchoice(rng, pairs):
    """pairs: [(item, weight), ...]"""
    tot = sum(w for _, w in pairs)
    x = rng.random() * tot
    for it, w in pairs:
        x -= w
        if x < 0:
            return it
    return pairs[-1][0]


def alt(rng, s, p_canon=0.75):
    """'A|B|C' -> A with p_canon else one of the alternates."""
    parts = s.split("|")
    if len(parts) == 1 or rng.random() < p_canon:
        return parts[0]
    return rng.choice(parts[1:])


def canon(s):
    return s.split("|")[0]


# ---------------------------------------------------------------------------
# Country meta data
# ---------------------------------------------------------------------------
COUNTRY = {
    "US": dict(cc="1", trunk="", iso="US", iso3="USA", en="United States", local="United States",
               extra=["USA", "U.S.", "U.S.A.", "United States of America", "America"],
               landline=0.30, middle=0.45,
               mail=[("gmail.com", 40), ("yahoo.com", 14), ("hotmail.com", 7), ("outlook.com", 8),
                     ("aol.com", 5), ("icloud.com", 9), ("comcast.net", 4), ("att.net", 3), ("msn.com", 2)],
               work=["northwind.com", "contoso.com", "fabrikam.com", "adatum.com", "litware.com",
                     "proseware.com", "tailspin-air.com", "wingtiptoys.com"]),
    "UK": dict(cc="44", trunk="0", iso="GB", iso3="GBR", en="United Kingdom", local="United Kingdom",
               extra=["UK", "U.K.", "Great Britain", "GB", "Britain"],
               landline=0.45, middle=0.30,
               mail=[("gmail.com", 35), ("hotmail.co.uk", 14), ("yahoo.co.uk", 8), ("outlook.com", 8),
                     ("btinternet.com", 7), ("sky.com", 4), ("icloud.com", 7), ("live.co.uk", 4),
                     ("googlemail.com", 3), ("aol.co.uk", 2)],
               work=["thamesbridge.co.uk", "northgate-group.co.uk", "albionhealth.nhs.uk",
                     "kestrel-law.co.uk", "pennine-logistics.co.uk", "avonsoft.com"]),
    "DE": dict(cc="49", trunk="0", iso="DE", iso3="DEU", en="Germany", local="Deutschland",
               extra=["BRD", "Deutschland", "GERMANY", "D", "Allemagne"],
               landline=0.55, middle=0.15,
               mail=[("gmail.com", 22), ("web.de", 22), ("gmx.de", 18), ("gmx.net", 7), ("t-online.de", 10),
                     ("yahoo.de", 4), ("outlook.de", 4), ("freenet.de", 3), ("posteo.de", 2),
                     ("googlemail.com", 5), ("icloud.com", 3)],
               work=["mueller-logistik.de", "stadtwerke-nord.de", "kanzlei-becker.de", "technoplan.de",
                     "rheinmedia.de", "alpenbau-gmbh.de"]),
    "FR": dict(cc="33", trunk="0", iso="FR", iso3="FRA", en="France", local="France",
               extra=["FRANCE", "Frankreich", "Republique Francaise"],
               landline=0.50, middle=0.20,
               mail=[("gmail.com", 30), ("orange.fr", 16), ("free.fr", 10), ("hotmail.fr", 10),
                     ("laposte.net", 6), ("sfr.fr", 6), ("wanadoo.fr", 5), ("yahoo.fr", 7), ("outlook.fr", 4),
                     ("icloud.com", 3)],
               work=["groupe-lumiere.fr", "atelier-dumas.fr", "batiplus.fr", "mutuelle-sud.fr",
                     "conseil-rive-gauche.fr"]),
    "ES": dict(cc="34", trunk="", iso="ES", iso3="ESP", en="Spain", local="España",
               extra=["Espana", "ESPAÑA", "Spanien", "Reino de España"],
               landline=0.40, middle=0.0,
               mail=[("gmail.com", 45), ("hotmail.com", 16), ("hotmail.es", 10), ("yahoo.es", 8),
                     ("outlook.es", 6), ("telefonica.net", 4), ("movistar.es", 2), ("icloud.com", 4)],
               work=["grupoiberia-serv.es", "construcciones-levante.es", "asesoria-martin.es",
                     "tecnored.es"]),
    "IT": dict(cc="39", trunk="", iso="IT", iso3="ITA", en="Italy", local="Italia",
               extra=["ITALIA", "Italien", "Repubblica Italiana"],
               landline=0.45, middle=0.05,
               mail=[("gmail.com", 35), ("libero.it", 18), ("hotmail.it", 10), ("yahoo.it", 8),
                     ("virgilio.it", 6), ("alice.it", 5), ("tiscali.it", 3), ("outlook.it", 4),
                     ("icloud.com", 3), ("fastwebnet.it", 2)],
               work=["studio-rossi.it", "edilnord.it", "farmacia-centrale.it", "tecnosud.it",
                     "gruppo-adriatico.it"]),
    "NL": dict(cc="31", trunk="0", iso="NL", iso3="NLD", en="Netherlands", local="Nederland",
               extra=["The Netherlands", "Holland", "Nederland", "Niederlande", "NEDERLAND"],
               landline=0.35, middle=0.30,
               mail=[("gmail.com", 35), ("hotmail.com", 16), ("ziggo.nl", 9), ("kpnmail.nl", 8),
                     ("outlook.com", 8), ("live.nl", 6), ("planet.nl", 4), ("home.nl", 3), ("hetnet.nl", 2),
                     ("xs4all.nl", 2), ("icloud.com", 3)],
               work=["polderbouw.nl", "gemeente-voorbeeld.nl", "vandijk-advies.nl", "kanaal-logistiek.nl"]),
    "PL": dict(cc="48", trunk="", iso="PL", iso3="POL", en="Poland", local="Polska",
               extra=["POLSKA", "Polen", "Rzeczpospolita Polska", "Pologne"],
               landline=0.30, middle=0.10,
               mail=[("gmail.com", 36), ("wp.pl", 16), ("o2.pl", 10), ("onet.pl", 10), ("interia.pl", 10),
                     ("op.pl", 6), ("poczta.onet.pl", 2), ("tlen.pl", 2), ("outlook.com", 3)],
               work=["budimex-serwis.pl", "kancelaria-nowak.pl", "polmed.com.pl", "transbud.pl"]),
    "IN": dict(cc="91", trunk="0", iso="IN", iso3="IND", en="India", local="India",
               extra=["Bharat", "INDIA", "Republic of India", "Ind"],
               landline=0.20, middle=0.10,
               mail=[("gmail.com", 55), ("yahoo.co.in", 12), ("rediffmail.com", 8), ("hotmail.com", 6),
                     ("yahoo.in", 4), ("outlook.com", 5), ("yahoo.com", 5)],
               work=["infotechsol.co.in", "sharma-associates.in", "bharatsoft.com", "deccanlogistics.in",
                     "mahalaxmi-traders.in"]),
    "BR": dict(cc="55", trunk="0", iso="BR", iso3="BRA", en="Brazil", local="Brasil",
               extra=["BRASIL", "Brasilien", "Republica Federativa do Brasil", "Brésil"],
               landline=0.30, middle=0.0,
               mail=[("gmail.com", 45), ("hotmail.com", 16), ("uol.com.br", 8), ("bol.com.br", 6),
                     ("yahoo.com.br", 8), ("terra.com.br", 4), ("outlook.com", 6), ("ig.com.br", 2)],
               work=["construtora-paulista.com.br", "agrosul.com.br", "clinicavida.com.br",
                     "transportes-rio.com.br"]),
}

# immigrant name origins by residence country (name culture differs from address country)
IMMIGRANT = {"US": ["IN", "IT", "PL", "ES"], "UK": ["IN", "PL", "IT", "ES"], "DE": ["PL", "IT", "ES", "NL"],
             "FR": ["ES", "IT", "PL", "BR"], "ES": ["BR", "IT", "FR", "UK"], "IT": ["BR", "ES", "PL", "FR"],
             "NL": ["DE", "PL", "IN", "UK"], "PL": ["DE", "UK", "IT"], "IN": ["UK"], "BR": ["IT", "ES", "DE"]}


# ---------------------------------------------------------------------------
# Cities: name, population (thousands), alternates, postcode spec, area codes, extra
# postcode spec: ('r', lo, hi) numeric range, ('l', [...]) list, ('uk', 'E|N|...')
# ---------------------------------------------------------------------------
def C(name, pop, alts, pc, ac, **kw):
    d = dict(name=name, pop=pop, alts=[a for a in alts.split("|") if a], pc=pc, ac=ac.split("|"))
    d.update(kw)
    return d


CITIES = {
    "US": [
        C("New York", 8336, "New York City|NYC|Manhattan", ("r", 10001, 10282), "212|718|917|646|347", st="NY"),
        C("Los Angeles", 3899, "LA|L.A.", ("r", 90001, 90089), "213|310|323|818", st="CA"),
        C("Chicago", 2746, "Chicago IL", ("r", 60601, 60661), "312|773|872", st="IL"),
        C("Houston", 2304, "", ("r", 77002, 77099), "713|281|832", st="TX"),
        C("Phoenix", 1608, "", ("r", 85003, 85054), "602|480|623", st="AZ"),
        C("Philadelphia", 1603, "Philly", ("r", 19102, 19154), "215|267", st="PA"),
        C("San Antonio", 1434, "San Antonio TX", ("r", 78201, 78266), "210", st="TX"),
        C("San Diego", 1386, "", ("r", 92101, 92199), "619|858", st="CA"),
        C("Dallas", 1304, "", ("r", 75201, 75287), "214|469|972", st="TX"),
        C("San Jose", 1013, "", ("r", 95110, 95148), "408|669", st="CA"),
        C("Austin", 961, "", ("r", 78701, 78759), "512|737", st="TX"),
        C("Jacksonville", 949, "", ("r", 32202, 32277), "904", st="FL"),
        C("Columbus", 905, "", ("r", 43201, 43235), "614", st="OH"),
        C("Charlotte", 874, "", ("r", 28202, 28289), "704|980", st="NC"),
        C("Seattle", 737, "", ("r", 98101, 98199), "206", st="WA"),
        C("Denver", 715, "", ("r", 80202, 80249), "303|720", st="CO"),
        C("Washington", 689, "Washington DC|Washington, D.C.|DC", ("r", 20001, 20037), "202", st="DC"),
        C("Boston", 675, "", ("r", 2108, 2137), "617|857", st="MA"),
        C("Nashville", 689, "Nashville-Davidson", ("r", 37201, 37250), "615", st="TN"),
        C("Portland", 652, "", ("r", 97201, 97239), "503|971", st="OR"),
        C("Atlanta", 498, "", ("r", 30303, 30350), "404|470|678", st="GA"),
        C("Miami", 442, "", ("r", 33125, 33199), "305|786", st="FL"),
    ],
    "UK": [
        C("London", 8982, "Greater London", ("uk", "E|EC|N|NW|SE|SW|W|WC"), "20", nation="England"),
        C("Birmingham", 1141, "B'ham", ("uk", "B"), "121", nation="England"),
        C("Leeds", 793, "", ("uk", "LS"), "113", nation="England"),
        C("Glasgow", 635, "Glasgow City", ("uk", "G"), "141", nation="Scotland"),
        C("Sheffield", 584, "", ("uk", "S"), "114", nation="England"),
        C("Manchester", 553, "Greater Manchester", ("uk", "M"), "161", nation="England"),
        C("Edinburgh", 527, "Edinburgh City|Dùn Èideann", ("uk", "EH"), "131", nation="Scotland"),
        C("Liverpool", 498, "", ("uk", "L"), "151", nation="England"),
        C("Bristol", 467, "", ("uk", "BS"), "117", nation="England"),
        C("Coventry", 371, "", ("uk", "CV"), "24", nation="England"),
        C("Cardiff", 362, "Caerdydd", ("uk", "CF"), "29", nation="Wales"),
        C("Leicester", 355, "", ("uk", "LE"), "116", nation="England"),
        C("Bradford", 349, "", ("uk", "BD"), "1274", nation="England"),
        C("Belfast", 343, "", ("uk", "BT"), "28", nation="Northern Ireland"),
        C("Nottingham", 331, "", ("uk", "NG"), "115", nation="England"),
        C("Newcastle upon Tyne", 300, "Newcastle|Newcastle-upon-Tyne", ("uk", "NE"), "191", nation="England"),
        C("Brighton", 290, "Brighton and Hove|Brighton & Hove", ("uk", "BN"), "1273", nation="England"),
        C("Kingston upon Hull", 260, "Hull", ("uk", "HU"), "1482", nation="England"),
        C("Southampton", 253, "", ("uk", "SO"), "23", nation="England"),
    ],
    "DE": [
        C("Berlin", 3645, "", ("r", 10115, 14199), "30"),
        C("Hamburg", 1841, "", ("r", 20095, 22769), "40"),
        C("München", 1472, "Munich|Muenchen|Munchen", ("r", 80331, 81929), "89"),
        C("Köln", 1086, "Cologne|Koeln|Koln", ("r", 50667, 51149), "221"),
        C("Frankfurt am Main", 753, "Frankfurt|Frankfurt/Main|Frankfurt a.M.|Frankfurt a. M.", ("r", 60306, 60599), "69"),
        C("Stuttgart", 635, "", ("r", 70173, 70629), "711"),
        C("Düsseldorf", 619, "Duesseldorf|Dusseldorf", ("r", 40210, 40629), "211"),
        C("Dortmund", 588, "", ("r", 44135, 44388), "231"),
        C("Leipzig", 587, "", ("r", 4103, 4357), "341"),
        C("Essen", 582, "", ("r", 45127, 45359), "201"),
        C("Bremen", 567, "", ("r", 28195, 28779), "421"),
        C("Dresden", 556, "", ("r", 1067, 1328), "351"),
        C("Hannover", 535, "Hanover", ("r", 30159, 30669), "511"),
        C("Nürnberg", 518, "Nuremberg|Nuernberg|Nurnberg", ("r", 90402, 90491), "911"),
        C("Duisburg", 498, "", ("r", 47051, 47279), "203"),
        C("Bochum", 365, "", ("r", 44787, 44894), "234"),
        C("Bonn", 327, "", ("r", 53111, 53229), "228"),
    ],
    "FR": [
        C("Paris", 2161, "", ("l", ["750%02d" % i for i in range(1, 21)]), "1"),
        C("Marseille", 870, "Marseilles", ("l", ["130%02d" % i for i in range(1, 17)]), "4"),
        C("Lyon", 516, "Lyons", ("l", ["6900%d" % i for i in range(1, 10)]), "4"),
        C("Toulouse", 479, "", ("l", ["31000", "31100", "31200", "31300", "31400", "31500"]), "5"),
        C("Nice", 342, "", ("l", ["06000", "06100", "06200", "06300"]), "4"),
        C("Nantes", 309, "", ("l", ["44000", "44100", "44200", "44300"]), "2"),
        C("Montpellier", 285, "", ("l", ["34000", "34070", "34080", "34090"]), "4"),
        C("Strasbourg", 280, "Strassburg", ("l", ["67000", "67100", "67200"]), "3"),
        C("Bordeaux", 257, "", ("l", ["33000", "33100", "33200", "33300", "33800"]), "5"),
        C("Lille", 233, "", ("l", ["59000", "59160", "59260", "59777", "59800"]), "3"),
        C("Rennes", 216, "", ("l", ["35000", "35200", "35700"]), "2"),
        C("Reims", 182, "", ("l", ["51100"]), "3"),
        C("Saint-Étienne", 173, "Saint-Etienne|St-Étienne|St Etienne|Saint Etienne", ("l", ["42000", "42100"]), "4"),
        C("Toulon", 171, "", ("l", ["83000", "83100", "83200"]), "4"),
        C("Le Havre", 170, "", ("l", ["76600", "76610", "76620"]), "2"),
        C("Grenoble", 158, "", ("l", ["38000", "38100"]), "4"),
        C("Dijon", 156, "", ("l", ["21000"]), "3"),
    ],
    "ES": [
        C("Madrid", 3305, "", ("r", 28001, 28055), "91"),
        C("Barcelona", 1620, "", ("r", 8001, 8042), "93"),
        C("Valencia", 791, "València", ("r", 46001, 46026), "96"),
        C("Sevilla", 684, "Seville", ("r", 41001, 41020), "95"),
        C("Zaragoza", 675, "Saragossa", ("r", 50001, 50021), "976"),
        C("Málaga", 578, "", ("r", 29001, 29018), "952"),
        C("Murcia", 460, "", ("r", 30001, 30012), "968"),
        C("Palma", 416, "Palma de Mallorca", ("r", 7001, 7015), "971"),
        C("Las Palmas de Gran Canaria", 378, "Las Palmas|Las Palmas de G.C.", ("r", 35001, 35019), "928"),
        C("Bilbao", 346, "Bilbo", ("r", 48001, 48015), "94"),
        C("Alicante", 337, "Alacant", ("r", 3001, 3016), "965"),
        C("Córdoba", 322, "", ("r", 14001, 14014), "957"),
        C("Valladolid", 298, "", ("r", 47001, 47017), "983"),
        C("Vigo", 296, "", ("r", 36201, 36216), "986"),
        C("A Coruña", 245, "La Coruña|Coruña|Corunna", ("r", 15001, 15011), "981"),
    ],
    "IT": [
        C("Roma", 2761, "Rome", ("r", 118, 199), "06"),
        C("Milano", 1371, "Milan", ("r", 20121, 20162), "02"),
        C("Napoli", 914, "Naples", ("r", 80121, 80147), "081"),
        C("Torino", 848, "Turin", ("r", 10121, 10156), "011"),
        C("Palermo", 630, "", ("r", 90121, 90151), "091"),
        C("Genova", 558, "Genoa", ("r", 16121, 16167), "010"),
        C("Bologna", 390, "", ("r", 40121, 40141), "051"),
        C("Firenze", 367, "Florence", ("r", 50121, 50145), "055"),
        C("Bari", 316, "", ("r", 70121, 70132), "080"),
        C("Catania", 298, "", ("r", 95121, 95131), "095"),
        C("Verona", 257, "", ("r", 37121, 37142), "045"),
        C("Venezia", 254, "Venice|Mestre", ("r", 30121, 30176), "041"),
        C("Messina", 224, "", ("r", 98121, 98168), "090"),
        C("Padova", 209, "Padua", ("r", 35121, 35143), "049"),
        C("Trieste", 200, "", ("r", 34121, 34151), "040"),
    ],
    "NL": [
        C("Amsterdam", 921, "", ("r", 1011, 1109), "20"),
        C("Rotterdam", 655, "", ("r", 3011, 3089), "10"),
        C("Den Haag", 552, "'s-Gravenhage|The Hague|s-Gravenhage|Den-Haag", ("r", 2491, 2599), "70"),
        C("Utrecht", 361, "", ("r", 3511, 3585), "30"),
        C("Eindhoven", 238, "", ("r", 5611, 5658), "40"),
        C("Groningen", 233, "", ("r", 9711, 9747), "50"),
        C("Tilburg", 222, "", ("r", 5011, 5049), "13"),
        C("Almere", 215, "", ("r", 1311, 1363), "36"),
        C("Breda", 184, "", ("r", 4811, 4841), "76"),
        C("Nijmegen", 179, "", ("r", 6511, 6546), "24"),
        C("Apeldoorn", 164, "", ("r", 7311, 7336), "55"),
        C("Arnhem", 164, "", ("r", 6811, 6846), "26"),
        C("Haarlem", 162, "", ("r", 2011, 2037), "23"),
        C("Enschede", 160, "", ("r", 7511, 7548), "53"),
        C("'s-Hertogenbosch", 156, "Den Bosch|s-Hertogenbosch|Hertogenbosch", ("r", 5211, 5237), "73"),
    ],
    "PL": [
        C("Warszawa", 1794, "Warsaw|Warszawa-Mokotów", ("r", 1, 4999), "22"),
        C("Kraków", 780, "Krakow|Cracow", ("r", 30001, 31999), "12"),
        C("Łódź", 672, "Lodz", ("r", 90001, 94999), "42"),
        C("Wrocław", 641, "Wroclaw|Breslau", ("r", 50001, 54999), "71"),
        C("Poznań", 532, "Poznan", ("r", 60001, 61999), "61"),
        C("Gdańsk", 470, "Gdansk|Danzig", ("r", 80001, 80999), "58"),
        C("Szczecin", 396, "", ("r", 70001, 71999), "91"),
        C("Lublin", 339, "", ("r", 20001, 20999), "81"),
        C("Bydgoszcz", 337, "", ("r", 85001, 85999), "52"),
        C("Białystok", 297, "Bialystok", ("r", 15001, 15999), "85"),
        C("Katowice", 290, "", ("r", 40001, 40999), "32"),
        C("Gdynia", 245, "", ("r", 81001, 81999), "58"),
        C("Częstochowa", 214, "Czestochowa", ("r", 42200, 42299), "34"),
    ],
    "IN": [
        C("Mumbai", 12442, "Bombay|Navi Mumbai|Greater Mumbai", ("r", 400001, 400104), "22", region="west",
          loc="Andheri West|Andheri East|Bandra West|Borivali West|Dadar|Powai|Goregaon East|Malad West|Chembur|Colaba|Juhu|Kandivali East"),
        C("Delhi", 11034, "New Delhi|Dilli|NCT Delhi", ("r", 110001, 110096), "11", region="north",
          loc="Lajpat Nagar|Dwarka|Rohini|Karol Bagh|Saket|Vasant Kunj|Janakpuri|Mayur Vihar|Pitampura|Connaught Place"),
        C("Bengaluru", 8443, "Bangalore|Bengalooru", ("r", 560001, 560100), "80", region="south",
          loc="Indiranagar|Koramangala|Jayanagar|Whitefield|HSR Layout|Malleshwaram|BTM Layout|Electronic City|Marathahalli|JP Nagar"),
        C("Hyderabad", 6993, "Secunderabad|Hyd", ("r", 500001, 500095), "40", region="south",
          loc="Banjara Hills|Jubilee Hills|Madhapur|Gachibowli|Kukatpally|Ameerpet|Begumpet|Kondapur"),
        C("Ahmedabad", 5577, "Amdavad", ("r", 380001, 380061), "79", region="west",
          loc="Navrangpura|Satellite|Maninagar|Vastrapur|Bopal|Paldi"),
        C("Chennai", 4646, "Madras", ("r", 600001, 600119), "44", region="south",
          loc="T. Nagar|Adyar|Anna Nagar|Velachery|Mylapore|Tambaram|Besant Nagar|Porur"),
        C("Kolkata", 4496, "Calcutta", ("r", 700001, 700107), "33", region="east",
          loc="Salt Lake|Ballygunge|Behala|Dum Dum|Tollygunge|New Town|Garia"),
        C("Surat", 4467, "", ("r", 395001, 395010), "261", region="west",
          loc="Adajan|Vesu|Varachha|Piplod|Athwa"),
        C("Pune", 3124, "Poona", ("r", 411001, 411062), "20", region="west",
          loc="Kothrud|Hinjewadi|Aundh|Baner|Viman Nagar|Hadapsar|Shivajinagar"),
        C("Jaipur", 3046, "", ("r", 302001, 302039), "141", region="north",
          loc="Malviya Nagar|Vaishali Nagar|C-Scheme|Mansarovar|Raja Park"),
        C("Lucknow", 2817, "", ("r", 226001, 226031), "522", region="north",
          loc="Gomti Nagar|Hazratganj|Aliganj|Indira Nagar|Alambagh"),
    ],
    "BR": [
        C("São Paulo", 12325, "Sao Paulo|S. Paulo|SP|Sampa", ("r", 1000, 5999), "11",
          bairro="Vila Mariana|Pinheiros|Moema|Mooca|Tatuapé|Santana|Lapa|Itaim Bibi|Jardim Paulista|Bela Vista"),
        C("Rio de Janeiro", 6748, "Rio|RJ", ("r", 20000, 23799), "21",
          bairro="Copacabana|Tijuca|Botafogo|Barra da Tijuca|Ipanema|Méier|Flamengo|Campo Grande"),
        C("Brasília", 3055, "Brasilia|DF", ("r", 70000, 72799), "61", bairro="Asa Sul|Asa Norte|Taguatinga|Lago Sul"),
        C("Salvador", 2886, "", ("r", 40000, 42599), "71", bairro="Barra|Pituba|Itapuã|Centro"),
        C("Fortaleza", 2687, "", ("r", 60000, 61599), "85", bairro="Aldeota|Meireles|Centro|Messejana"),
        C("Belo Horizonte", 2521, "BH|B. Horizonte", ("r", 30000, 31999), "31", bairro="Savassi|Funcionários|Pampulha|Centro"),
        C("Manaus", 2219, "", ("r", 69000, 69099), "92", bairro="Adrianópolis|Centro|Ponta Negra"),
        C("Curitiba", 1948, "", ("r", 80000, 82999), "41", bairro="Batel|Água Verde|Centro|Portão"),
        C("Recife", 1653, "", ("r", 50000, 52999), "81", bairro="Boa Viagem|Casa Forte|Centro|Graças"),
        C("Goiânia", 1536, "Goiania", ("r", 74000, 74999), "62", bairro="Setor Bueno|Setor Oeste|Centro"),
        C("Belém", 1499, "Belem", ("r", 66000, 66999), "91", bairro="Nazaré|Umarizal|Centro"),
        C("Porto Alegre", 1488, "POA|P. Alegre", ("r", 90000, 91999), "51", bairro="Moinhos de Vento|Menino Deus|Centro"),
        C("Guarulhos", 1392, "", ("r", 7000, 7399), "11", bairro="Centro|Vila Galvão|Cumbica"),
        C("Campinas", 1213, "", ("r", 13000, 13149), "19", bairro="Cambuí|Barão Geraldo|Centro"),
    ],
}
CITY_ZIPF = {cc: Zipf(cs, weights=[c["pop"] for c in cs]) for cc, cs in CITIES.items()}

# ---------------------------------------------------------------------------
# Names (ordered by popularity; Zipf-weighted)
# ---------------------------------------------------------------------------
NAMES = {
    "US": dict(
        m=L("James, Michael, Robert, John, David, William, Richard, Joseph, Thomas, Christopher, Charles, Daniel, "
            "Matthew, Anthony, Mark, Donald, Steven, Andrew, Paul, Joshua, Kenneth, Kevin, Brian, Timothy, Ronald, "
            "George, Jason, Edward, Jeffrey, Ryan, Jacob, Nicholas, Gary, Eric, Jonathan, Stephen, Larry, Justin, "
            "Scott, Brandon, Benjamin, Samuel, Gregory, Alexander, Patrick, Frank, Raymond, Jack, Dennis, Jerry, "
            "Tyler, Aaron, Jose, Adam, Nathan, Henry, Zachary, Douglas, Peter, Kyle, Noah, Ethan, Jeremy, Walter, "
            "Keith, Austin, Roger, Terry, Sean, Gerald, Carl, Dylan, Harold, Jordan, Jesse, Bryan, Lawrence, Arthur, "
            "Gabriel, Bruce, Logan, Juan, Elijah, Albert, Wayne, Randy, Mason, Vincent, Liam, Roy, Caleb, Bradley, "
            "Russell, Lucas"),
        f=L("Mary, Patricia, Jennifer, Linda, Elizabeth, Barbara, Susan, Jessica, Karen, Sarah, Lisa, Nancy, Sandra, "
            "Betty, Ashley, Emily, Kimberly, Margaret, Donna, Michelle, Carol, Amanda, Melissa, Deborah, Stephanie, "
            "Dorothy, Rebecca, Sharon, Laura, Cynthia, Amy, Kathleen, Angela, Shirley, Emma, Brenda, Pamela, Nicole, "
            "Anna, Samantha, Katherine, Christine, Debra, Rachel, Carolyn, Janet, Maria, Olivia, Heather, Helen, "
            "Catherine, Diane, Julie, Victoria, Joyce, Lauren, Kelly, Christina, Ruth, Joan, Virginia, Judith, "
            "Evelyn, Hannah, Andrea, Megan, Cheryl, Jacqueline, Madison, Teresa, Abigail, Sophia, Martha, Sara, "
            "Gloria, Janice, Kathryn, Ann, Isabella, Judy, Charlotte, Julia, Grace, Amber, Alice, Jean, Denise, "
            "Frances, Danielle, Marilyn, Natalie, Beverly, Diana, Brittany, Theresa, Kayla, Alexis, Doris, Lori, "
            "Tiffany"),
        s=L("Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, Hernandez, Lopez, "
            "Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Martin, Lee, Perez, Thompson, White, "
            "Harris, Sanchez, Clark, Ramirez, Lewis, Robinson, Walker, Young, Allen, King, Wright, Scott, Torres, "
            "Nguyen, Hill, Flores, Green, Adams, Nelson, Baker, Hall, Rivera, Campbell, Mitchell, Carter, Roberts, "
            "Gomez, Phillips, Evans, Turner, Diaz, Parker, Cruz, Edwards, Collins, Reyes, Stewart, Morris, Morales, "
            "Murphy, Cook, Rogers, Gutierrez, Ortiz, Morgan, Cooper, Peterson, Bailey, Reed, Kelly, Howard, Ramos, "
            "Kim, Cox, Ward, Richardson, Watson, Brooks, Chavez, Wood, James, Bennett, Gray, Mendoza, Ruiz, Hughes, "
            "Price, Alvarez, Castillo, Sanders, Patel, Myers, Long, Ross, Foster, Jimenez, O'Brien, McDonald, "
            "Sullivan, O'Connor, DeLuca, MacKenzie")),
    "UK": dict(
        m=L("David, John, Paul, James, Mark, Andrew, Richard, Michael, Christopher, Stephen, Peter, Robert, Oliver, "
            "George, Thomas, Daniel, Matthew, William, Jack, Harry, Ian, Simon, Gary, Martin, Neil, Jonathan, Lee, "
            "Stuart, Craig, Graham, Kevin, Darren, Anthony, Philip, Colin, Keith, Alan, Brian, Gareth, Callum, Ryan, "
            "Liam, Adam, Noah, Charlie, Muhammad, Oscar, Henry, Leo, Alfie, Joshua, Freddie, Archie, Ethan, Isaac, "
            "Alexander, Joseph, Edward, Samuel, Max, Arthur, Lucas, Mohammed, Jamie, Scott, Ross, Nigel, Trevor"),
        f=L("Sarah, Emma, Claire, Helen, Elizabeth, Susan, Margaret, Karen, Julie, Louise, Nicola, Rachel, Lisa, "
            "Joanne, Michelle, Catherine, Jane, Victoria, Amy, Hannah, Laura, Rebecca, Gemma, Kelly, Samantha, Lucy, "
            "Zoe, Jennifer, Alison, Caroline, Deborah, Joanna, Katie, Natalie, Olivia, Amelia, Isla, Ava, Emily, "
            "Sophia, Grace, Mia, Poppy, Ella, Lily, Jessica, Isabella, Freya, Sophie, Charlotte, Evie, Chloe, Ruby, "
            "Patricia, Ann, Jean, Pauline, Christine, Janet, Gillian, Fiona, Kirsty, Siobhan, Bethany, Megan, "
            "Shannon, Leanne, Hayley"),
        s=L("Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson, Roberts, Robinson, "
            "Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall, Lewis, Harris, Clarke, Patel, Jackson, "
            "Wood, Turner, Martin, Cooper, Hill, Ward, Morris, Moore, Clark, Lee, King, Baker, Harrison, Morgan, "
            "Allen, James, Scott, Phillips, Watson, Davis, Parker, Price, Bennett, Young, Griffiths, Mitchell, Kelly, "
            "Cook, Carter, Richardson, Bailey, Collins, Bell, Shaw, Murphy, Miller, Cox, Richards, Khan, Marshall, "
            "Anderson, Simpson, Ellis, Adams, Singh, Begum, Wilkinson, Foster, Chapman, Powell, Webb, Rogers, Gray, "
            "Mason, Ali, Hunt, Hussain, Campbell, Matthews, Owen, Palmer, Holmes, Mills, Barnes, Knight, Lloyd, "
            "Butler, Russell, Barker, Fisher, Stevens, Jenkins, Murray, Dixon, Harvey, MacDonald, Stewart, "
            "O'Connor, McLaughlin, Reid, Fraser, Smyth, Ahmed")),
    "DE": dict(
        m=L("Thomas, Michael, Andreas, Stefan, Peter, Christian, Markus, Frank, Klaus, Jürgen, Wolfgang, Hans, Uwe, "
            "Matthias, Alexander, Daniel, Sebastian, Jan, Tobias, Martin, Florian, Maximilian, Lukas, Jonas, Felix, "
            "Paul, Leon, Dieter, Günter, Horst, Manfred, Werner, Bernd, Ralf, Sven, Dirk, Jörg, Tim, Niklas, Moritz, "
            "Philipp, Julian, Heinz, Karl-Heinz, Johannes, Christoph, Holger, Carsten, Kai, Oliver, Mehmet, Ahmet, "
            "Friedrich, Helmut, Gerhard, Björn"),
        f=L("Sabine, Petra, Andrea, Claudia, Susanne, Monika, Birgit, Ursula, Anna, Julia, Katharina, Laura, Lisa, "
            "Sarah, Lena, Hannah, Sophie, Marie, Emma, Lea, Anja, Stefanie, Nicole, Christina, Sandra, Melanie, "
            "Kerstin, Heike, Gabriele, Renate, Karin, Ingrid, Helga, Brigitte, Jana, Nina, Franziska, Johanna, "
            "Jessica, Tanja, Katrin, Daniela, Martina, Silke, Ute, Angelika, Jutta, Elke, Annette, Elisabeth, Ayşe, "
            "Fatma, Jülide, Bärbel"),
        s=L("Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schäfer, Koch, "
            "Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, "
            "Lange, Schmitt, Werner, Schmitz, Krause, Meier, Lehmann, Schmid, Schulze, Maier, Köhler, Herrmann, "
            "König, Walter, Mayer, Huber, Kaiser, Fuchs, Peters, Lang, Scholz, Möller, Weiß, Jung, Hahn, Schubert, "
            "Vogel, Friedrich, Keller, Günther, Frank, Berger, Winkler, Roth, Beck, Lorenz, Baumann, Franke, "
            "Albrecht, Schuster, Simon, Ludwig, Böhm, Winter, Kraus, Martin, Schumacher, Krämer, Vogt, Stein, "
            "Jäger, Otto, Sommer, Groß, Seidel, Heinrich, Brandt, Haas, Schreiber, Graf, Schulte, Dietrich, "
            "Ziegler, Kuhn, Kühn, Pohl, Engel, Horn, Busch, Bergmann, Thomas, Voigt, Sauer, Arnold, Wolff, "
            "Pfeiffer, Yılmaz, Kaya, Öztürk, Demir, Şahin, Nowak")),
    "FR": dict(
        m=L("Jean, Pierre, Michel, Philippe, Alain, Nicolas, Christophe, Patrick, Daniel, Bernard, Éric, Frédéric, "
            "Laurent, Stéphane, David, Olivier, Julien, Thomas, Sébastien, Antoine, Alexandre, François, Jacques, "
            "Guillaume, Mathieu, Vincent, Maxime, Romain, Lucas, Hugo, Louis, Gabriel, Arthur, Jules, Léo, Raphaël, "
            "Théo, Nathan, Paul, Jean-Pierre, Jean-Claude, Jean-Luc, Jean-Marc, Jean-Baptiste, Mohamed, Yves, "
            "Gérard, Thierry, Pascal, Didier, Benoît, Jérôme, Cédric"),
        f=L("Marie, Nathalie, Isabelle, Sylvie, Catherine, Françoise, Valérie, Christine, Monique, Sandrine, "
            "Véronique, Stéphanie, Céline, Julie, Aurélie, Émilie, Camille, Sophie, Laura, Manon, Léa, Chloé, Emma, "
            "Jade, Louise, Alice, Inès, Sarah, Anne, Martine, Nicole, Brigitte, Hélène, Caroline, Patricia, "
            "Florence, Claire, Élodie, Marine, Pauline, Mathilde, Charlotte, Lucie, Océane, Anaïs, Marie-Claire, "
            "Marie-Christine, Fatima, Jacqueline, Dominique, Élisabeth, Agnès"),
        s=L("Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, Michel, "
            "Lefèvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine, "
            "Rousseau, Vincent, Muller, Lefebvre, Faure, André, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, "
            "François, Legrand, Gauthier, Garcia, Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu, "
            "Gautier, Masson, Marchand, Duval, Denis, Dumont, Marie, Lemaire, Noël, Meyer, Dufour, Meunier, Brun, "
            "Blanchard, Giraud, Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche, "
            "Renard, Schmitt, Roy, Leroux, Colin, Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, "
            "Dumas, Lacroix, Olivier, Leclerc, Le Gall, Le Goff, Da Silva, Benoît, Lévêque, Boulanger")),
    "ES": dict(
        m=L("Antonio, José, Manuel, Francisco, David, Juan, Javier, José Antonio, Daniel, José Luis, "
            "Francisco Javier, Carlos, Jesús, Alejandro, Miguel, José Manuel, Rafael, Pablo, Pedro, Ángel, Sergio, "
            "Fernando, Jorge, Luis, Alberto, Juan Carlos, Álvaro, Adrián, Juan José, Diego, Raúl, Enrique, Ramón, "
            "Vicente, Iván, Rubén, Óscar, Andrés, Joaquín, Santiago, Eduardo, Víctor, Roberto, Jaime, Mario, "
            "Ignacio, Hugo, Marcos, Alfonso, Jordi, Guillermo"),
        f=L("María Carmen, María, Carmen, Ana María, Laura, María Pilar, María Dolores, Isabel, Josefa, Ana, "
            "Cristina, María Teresa, Marta, Lucía, Francisca, Antonia, Dolores, María Isabel, Elena, Sara, "
            "María José, María Ángeles, Paula, Raquel, Rosa María, Pilar, Concepción, Manuela, Mercedes, Julia, "
            "Beatriz, Nuria, Silvia, Irene, Alba, Patricia, Rosario, Montserrat, Encarnación, Teresa, Andrea, Rocío, "
            "Mónica, Alicia, Sonia, Sandra, Marina, Inmaculada, Yolanda, Eva, Verónica"),
        s=L("García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín, Jiménez, "
            "Hernández, Ruiz, Díaz, Moreno, Muñoz, Álvarez, Romero, Gutiérrez, Alonso, Navarro, Torres, Domínguez, "
            "Ramos, Vázquez, Ramírez, Gil, Serrano, Morales, Molina, Blanco, Suárez, Castro, Ortega, Delgado, Ortiz, "
            "Marín, Rubio, Núñez, Medina, Sanz, Castillo, Iglesias, Cortés, Garrido, Santos, Guerrero, Lozano, Cano, "
            "Cruz, Méndez, Flores, Prieto, Herrera, Peña, León, Márquez, Cabrera, Gallego, Calvo, Vidal, Campos, "
            "Reyes, Vega, Fuentes, Carrasco, Díez, Aguilar, Caballero, Nieto, Santana, Vargas, Pascual, Giménez, "
            "Herrero, Hidalgo, Montero, Lorenzo, Santiago, Benítez, Ibáñez, Puig")),
    "IT": dict(
        m=L("Giuseppe, Giovanni, Antonio, Mario, Luigi, Francesco, Angelo, Vincenzo, Pietro, Salvatore, Carlo, "
            "Franco, Domenico, Bruno, Paolo, Michele, Giorgio, Aldo, Sergio, Luciano, Marco, Alessandro, Andrea, "
            "Luca, Matteo, Lorenzo, Leonardo, Stefano, Roberto, Massimo, Fabio, Davide, Simone, Federico, Riccardo, "
            "Gabriele, Emanuele, Daniele, Alberto, Claudio, Maurizio, Raffaele, Nicola, Giacomo, Tommaso, Filippo, "
            "Enrico, Gianluca, Pasquale, Gennaro, Nicolò"),
        f=L("Maria, Anna, Giuseppina, Rosa, Angela, Giovanna, Teresa, Lucia, Carmela, Caterina, Francesca, "
            "Anna Maria, Antonietta, Carla, Elena, Concetta, Rita, Margherita, Franca, Paola, Giulia, Sofia, Aurora, "
            "Alice, Ginevra, Emma, Giorgia, Martina, Chiara, Sara, Valentina, Alessandra, Laura, Silvia, Federica, "
            "Roberta, Elisa, Cristina, Barbara, Simona, Monica, Stefania, Daniela, Patrizia, Manuela, Serena, "
            "Claudia, Ilaria, Maria Grazia, Luisa, Elisabetta"),
        s=L("Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti, "
            "De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro, Mariani, "
            "Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, Longo, Gentile, Martinelli, Vitale, Lombardo, Serra, "
            "Coppola, De Santis, D'Angelo, Marchetti, Parisi, Villa, Conte, Ferraro, Ferri, Fabbri, Bianco, Marini, "
            "Grasso, Valentini, Messina, Sala, De Angelis, Gatti, Pellegrini, Palumbo, Sanna, Farina, Rizzi, Monti, "
            "Cattaneo, Morelli, Amato, Silvestri, Mazza, Testa, Grassi, Pellegrino, Carbone, Giuliani, Benedetti, "
            "Barone, Rossetti, Caputo, Montanari, Guerra, Palmieri, Bernardi, Martino, Fiore, De Rosa, Ferretti, "
            "Bellini, Basile, Riva, Donati, Piras, D'Amico, Lo Russo, Di Stefano, Dell'Acqua, Esposti")),
    "NL": dict(
        m=L("Jan, Johannes, Peter, Cornelis, Hendrik, Pieter, Gerrit, Willem, Jacobus, Hans, Kees, Henk, Bas, Daan, "
            "Sem, Lucas, Levi, Finn, Milan, Jesse, Thomas, Lars, Ruben, Tim, Niels, Jeroen, Mark, Martijn, Dennis, "
            "Erik, Robert, Michel, Sander, Maarten, Wouter, Bram, Joost, Stijn, Rick, Thijs, Sven, Koen, Wim, "
            "Gerard, Theo, Frans, Wilhelmus, Adrianus, Mohamed, Noah, Sebastiaan"),
        f=L("Maria, Anna, Johanna, Elisabeth, Sanne, Lisa, Emma, Julia, Sophie, Cornelia, Wilhelmina, Catharina, "
            "Tess, Anouk, Fleur, Eva, Lotte, Femke, Iris, Inge, Linda, Marieke, Monique, Sandra, Esther, Petra, "
            "Ingrid, Anja, Mirjam, Saskia, Annemieke, Marloes, Nicole, Kim, Laura, Sara, Mila, Noor, Yara, Evi, "
            "Lieke, Ilse, Wendy, Karin, Els, Ria, Joke, Hendrika, Fatima, Geertruida"),
        s=L("de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, de Boer, "
            "Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, de Wit, Dijkstra, Smits, "
            "de Graaf, van der Meer, van der Linden, Kok, Jacobs, de Haan, Vermeulen, van den Heuvel, van der Veen, "
            "van den Broek, de Bruijn, de Bruin, van der Heijden, Schouten, van Beek, Willems, van Vliet, "
            "van de Ven, Hoekstra, Maas, Verhoeven, Koster, van Dam, van der Wal, Prins, Blom, Huisman, Peeters, "
            "de Leeuw, Kuipers, van Wijk, Post, Kuijpers, Veenstra, Kramer, van den Bosch, Vonk, van der Laan, "
            "Bosman, Scholten, Wouters, Verbeek, Hermans, Evers, Mertens, Postma, van Doorn, Jonker, van Rijn, "
            "Sanders, Yilmaz, El Amrani, Bouzid")),
    "PL": dict(
        m=L("Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Jan, Michał, Marcin, Stanisław, Jakub, Adam, Marek, Łukasz, "
            "Grzegorz, Mateusz, Wojciech, Mariusz, Dariusz, Zbigniew, Jerzy, Józef, Maciej, Rafał, Kamil, Robert, "
            "Janusz, Henryk, Kazimierz, Ryszard, Tadeusz, Sebastian, Bartłomiej, Jarosław, Przemysław, Sławomir, "
            "Mirosław, Szymon, Aleksander, Filip, Antoni, Kacper, Dawid, Artur, Daniel, Damian, Radosław, "
            "Zdzisław, Bogdan, Leszek, Wiesław"),
        f=L("Anna, Maria, Katarzyna, Małgorzata, Agnieszka, Barbara, Ewa, Krystyna, Elżbieta, Magdalena, Joanna, "
            "Zofia, Aleksandra, Monika, Teresa, Danuta, Natalia, Julia, Karolina, Marta, Beata, Dorota, Halina, "
            "Jadwiga, Alicja, Janina, Grażyna, Iwona, Jolanta, Paulina, Justyna, Bożena, Urszula, Renata, Agata, "
            "Zuzanna, Hanna, Wiktoria, Helena, Irena, Sylwia, Patrycja, Izabela, Emilia, Marianna, Weronika, Kinga, "
            "Oliwia, Lena, Dominika"),
        s=L("Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak, "
            "Dąbrowski, Kozłowski, Jankowski, Mazur, Wojciechowski, Kwiatkowski, Krawczyk, Kaczmarek, Piotrowski, "
            "Grabowski, Zając, Pawłowski, Michalski, Król, Wieczorek, Jabłoński, Wróbel, Nowakowski, Majewski, "
            "Olszewski, Stępień, Malinowski, Jaworski, Adamczyk, Dudek, Nowicki, Pawlak, Górski, Witkowski, "
            "Walczak, Sikora, Baran, Rutkowski, Michalak, Szewczyk, Ostrowski, Tomaszewski, Pietrzak, Zalewski, "
            "Wróblewski, Marciniak, Jasiński, Zawadzki, Bąk, Jakubowski, Sadowski, Duda, Włodarczyk, Wilk, "
            "Chmielewski, Borkowski, Sokołowski, Szczepański, Sawicki, Lis, Kucharski, Mazurek, Kubiak, "
            "Kalinowski, Wysocki, Czarnecki, Kołodziej")),
    "BR": dict(
        m=L("José, João, Antônio, Francisco, Carlos, Paulo, Pedro, Lucas, Luiz, Marcos, Luís, Gabriel, Rafael, "
            "Daniel, Marcelo, Bruno, Eduardo, Felipe, Raimundo, Rodrigo, Manoel, Mateus, André, Fernando, Fábio, "
            "Leonardo, Gustavo, Guilherme, Leandro, Tiago, Anderson, Ricardo, Márcio, Jorge, Sebastião, Alexandre, "
            "Roberto, Edson, Diego, Vitor, Sérgio, Cláudio, Matheus, Thiago, Geraldo, Adriano, Luciano, Júlio, "
            "Renato, Vinícius, Rogério, Samuel, Ronaldo, João Pedro, João Paulo, José Carlos, Luiz Carlos, "
            "Carlos Eduardo"),
        f=L("Maria, Ana, Francisca, Antônia, Adriana, Juliana, Márcia, Fernanda, Patrícia, Aline, Sandra, Camila, "
            "Amanda, Bruna, Jéssica, Letícia, Júlia, Luciana, Vanessa, Mariana, Gabriela, Vera, Vitória, Larissa, "
            "Cláudia, Beatriz, Luana, Rita, Sônia, Renata, Eliane, Josefa, Simone, Natália, Cristiane, Carla, "
            "Débora, Rosângela, Jaqueline, Rosa, Daniela, Aparecida, Marlene, Terezinha, Raimunda, Andréia, "
            "Fabiana, Lúcia, Raquel, Ângela, Ana Paula, Maria José, Maria Aparecida, Ana Carolina, Maria Eduarda"),
        s=L("Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa, Ribeiro, "
            "Martins, Carvalho, Almeida, Lopes, Soares, Fernandes, Vieira, Barbosa, Rocha, Dias, Nascimento, "
            "Andrade, Moreira, Nunes, Marques, Machado, Mendes, Freitas, Cardoso, Ramos, Gonçalves, Santana, "
            "Teixeira, Araújo, Pinto, Correia, Cavalcanti, Moura, Batista, Monteiro, Castro, Campos, Reis, Azevedo, "
            "Farias, Melo, Barros, Medeiros, Cunha, Bezerra, Cruz, Miranda, Tavares, Pires, Sales, Sousa, Xavier, "
            "Duarte, Jesus, Conceição")),
}
# particle used with Brazilian surnames when they appear as "da Silva" etc.
BR_PARTICLE = {"Silva": "da", "Santos": "dos", "Oliveira": "de", "Souza": "de", "Costa": "da", "Lima": "de",
               "Almeida": "de", "Cruz": "da", "Nascimento": "do", "Jesus": "de", "Freitas": "de", "Conceição": "da",
               "Paula": "de", "Sousa": "de", "Andrade": "de", "Carvalho": "de", "Moura": "de", "Assis": "de"}

IN_NAMES = {
    "m_gen": L("Rahul, Amit, Rajesh, Suresh, Sanjay, Vijay, Anil, Sunil, Ajay, Manoj, Ashok, Deepak, Vinod, Ravi, "
               "Prakash, Mahesh, Rakesh, Mukesh, Dinesh, Naresh, Sachin, Rohit, Vikram, Arjun, Aditya, Siddharth, "
               "Abhishek, Nikhil, Akash, Vishal, Gaurav, Saurabh, Ankit, Pradeep, Aarav, Vivaan, Pranav, Ramesh, "
               "Arun, Ganesh, Ravindra, Sandeep"),
    "f_gen": L("Priya, Sunita, Anita, Kavita, Pooja, Neha, Deepa, Anjali, Divya, Sneha, Shweta, Meena, Rekha, Geeta, "
               "Sita, Radha, Asha, Usha, Nisha, Rani, Savita, Aishwarya, Ananya, Shreya, Kavya, Sangeeta, Jyoti, "
               "Manisha, Preeti, Swati, Pallavi, Archana, Ritu, Megha, Nandini, Aarti, Kiran, Sushma, Poonam, "
               "Deepika"),
    "m_south": L("Venkatesh, Srinivas, Karthik, Suresh, Ramesh, Subramanian, Senthil, Murali, Balaji, "
                 "Ramachandran, Sai, Prakash, Ganesh, Arun, Vijay, Rajesh, Krishna, Raghavan, Sundar, Anand, "
                 "Gopal, Manikandan, Saravanan"),
    "f_south": L("Lakshmi, Priya, Divya, Vijayalakshmi, Saranya, Revathi, Gayathri, Kavitha, Deepa, Meena, Padma, "
                 "Sangeetha, Geetha, Bhavana, Anitha, Sowmya, Keerthana, Nandini, Radha, Swathi"),
    "m_mus": L("Mohammed, Mohammad, Imran, Irfan, Salman, Faisal, Arif, Asif, Aamir, Sameer, Rizwan, Javed, Tariq, Zaid"),
    "f_mus": L("Fatima, Ayesha, Sana, Zainab, Nazia, Farah, Shabana, Sadia, Heena, Noor, Yasmin, Rukhsar"),
    "m_sikh": L("Harpreet, Gurpreet, Manpreet, Jaspreet, Harjit, Gurmeet, Amarjeet, Kuldeep, Balwinder, Ranjit"),
    "f_sikh": L("Harpreet, Gurpreet, Manpreet, Simran, Jasleen, Navneet, Kuldeep, Amandeep, Rajinder, Paramjit"),
    "s_north": L("Sharma, Kumar, Singh, Verma, Gupta, Agarwal, Jain, Srivastava, Mishra, Pandey, Tiwari, Yadav, "
                 "Chauhan, Saxena, Malhotra, Kapoor, Khanna, Chopra, Bhatia, Arora, Sethi, Chaudhary, Thakur, "
                 "Rathore, Dubey, Shukla, Rastogi"),
    "s_west": L("Patel, Shah, Mehta, Desai, Joshi, Kulkarni, Deshpande, Patil, Jadhav, Shinde, More, Pawar, Gaikwad, "
                "Bhosale, Parikh, Trivedi, Modi, Sharma, Gupta, Jain"),
    "s_south": L("Reddy, Rao, Nair, Iyer, Pillai, Menon, Naidu, Krishnan, Subramanian, Raman, Natarajan, Rajan, "
                 "Murthy, Hegde, Shetty, Gowda, Naik, Kamath, Prabhu, Varghese, Iyengar, Chettiar, Kumar, Thomas, "
                 "Joseph"),
    "s_east": L("Das, Banerjee, Chatterjee, Mukherjee, Ghosh, Bose, Dutta, Sen, Roy, Chakraborty, Bhattacharya, "
                "Saha, Paul, Mondal, Sarkar, Biswas, Dey, Kumar, Singh"),
    "s_mus": L("Khan, Ahmed, Ali, Sheikh, Qureshi, Ansari, Siddiqui, Hussain, Shaikh, Syed, Mirza, Pathan"),
    "s_sikh": L("Singh, Gill, Sandhu, Sidhu, Grewal, Dhillon"),
    # father's given names used as patronymic "surnames" / initials in Tamil Nadu etc.
    "patro": L("Krishnan, Subramanian, Ramasamy, Murugan, Venkatesan, Selvam, Raja, Kumar, Srinivasan, "
               "Balasubramanian, Raghavan, Sundaram, Gopal, Narayanan, Shankar, Ramesh, Kannan, Palani"),
}

# zipf pools
POOLS = {}
for _cc, _d in NAMES.items():
    POOLS[_cc] = dict(m=Zipf(_d["m"], 0.95), f=Zipf(_d["f"], 0.95), s=Zipf(_d["s"], 0.9))
IN_POOLS = {k: Zipf(v, 0.9) for k, v in IN_NAMES.items()}

# ---------------------------------------------------------------------------
# Nicknames / short forms / official-vs-call names, per name culture
# ---------------------------------------------------------------------------
def _nd(d):
    return {k: v.split("|") for k, v in d.items() if v}


NICK_EN = _nd({
    "William": "Bill|Will|Billy|Liam", "Robert": "Bob|Rob|Bobby|Robbie", "Richard": "Rick|Rich|Dick|Richie",
    "James": "Jim|Jimmy|Jamie", "John": "Jack|Johnny", "Michael": "Mike|Mick|Mikey",
    "Elizabeth": "Liz|Beth|Betty|Lizzie|Eliza", "Katherine": "Kate|Kathy|Katie", "Catherine": "Cathy|Kate|Cat",
    "Kathleen": "Kathy|Kate", "Kathryn": "Kate|Kathy", "Margaret": "Maggie|Peggy|Meg", "Jennifer": "Jen|Jenny",
    "Christopher": "Chris|Topher", "Christine": "Chris|Chrissy", "Christina": "Tina|Chris", "Matthew": "Matt",
    "Daniel": "Dan|Danny", "David": "Dave|Davey", "Joseph": "Joe|Joey", "Thomas": "Tom|Tommy", "Anthony": "Tony",
    "Steven": "Steve", "Stephen": "Steve", "Edward": "Ed|Eddie|Ted", "Charles": "Charlie|Chuck",
    "Patricia": "Pat|Patty|Trish", "Susan": "Sue|Susie", "Deborah": "Debbie|Deb", "Debra": "Debbie|Deb",
    "Rebecca": "Becky|Becca", "Alexander": "Alex|Xander", "Samuel": "Sam|Sammy", "Benjamin": "Ben|Benny",
    "Nicholas": "Nick|Nicky", "Jonathan": "Jon|Johnny", "Andrew": "Andy|Drew", "Timothy": "Tim|Timmy",
    "Victoria": "Vicky|Tori", "Jessica": "Jess|Jessie", "Samantha": "Sam|Sammie", "Amanda": "Mandy",
    "Stephanie": "Steph", "Kimberly": "Kim", "Barbara": "Barb|Babs", "Dorothy": "Dot|Dottie", "Gregory": "Greg",
    "Kenneth": "Ken|Kenny", "Ronald": "Ron|Ronnie", "Donald": "Don|Donnie", "Joshua": "Josh", "Emily": "Em|Emmy",
    "Abigail": "Abby", "Oliver": "Ollie", "Henry": "Harry|Hank", "Jacob": "Jake", "Zachary": "Zach|Zack",
    "Gerald": "Jerry|Gerry", "Raymond": "Ray", "Lawrence": "Larry", "Frances": "Fran", "Pamela": "Pam",
    "Cynthia": "Cindy", "Judith": "Judy", "Virginia": "Ginny", "Theresa": "Terri|Tess", "Teresa": "Terri|Tess",
    "Nancy": "Nan", "Angela": "Angie", "Melissa": "Mel|Missy", "Michelle": "Shelly", "Natalie": "Nat",
    "Caroline": "Carrie|Caro", "Jacqueline": "Jackie", "Gillian": "Gill|Jill", "Nicola": "Nicky", "Joanne": "Jo",
    "Joanna": "Jo", "Louise": "Lou", "Alison": "Ali", "Philip": "Phil", "Peter": "Pete", "Patrick": "Pat|Paddy",
    "Douglas": "Doug", "Bradley": "Brad", "Walter": "Walt", "Arthur": "Art|Artie", "Albert": "Al|Bert",
    "Alan": "Al", "Isabella": "Bella|Izzy", "Sophia": "Sophie", "Olivia": "Liv|Livvy", "Charlotte": "Charlie|Lottie",
    "Amelia": "Millie|Amy", "Harold": "Harry|Hal", "Vincent": "Vince|Vinny", "Russell": "Russ",
    "Mohammed": "Mo", "Muhammad": "Mo", "Frederick": "Fred|Freddie", "Alfie": "Alf", "Freddie": "Fred",
    "Callum": "Cal", "Gareth": "Gaz", "Darren": "Daz", "Leanne": "Lea", "Hayley": "Hay", "Bethany": "Beth",
    "Katie": "Kate", "Lucy": "Lu", "Evelyn": "Evie|Eve", "Madison": "Maddie", "Alexis": "Lexi",
    "Danielle": "Dani", "Jeffrey": "Jeff", "Eric": "Rick", "Austin": "Aus", "Jose": "Pepe",
})
NICK = {
    "US": NICK_EN, "UK": NICK_EN,
    "DE": _nd({
        "Katharina": "Kathi|Kati|Katja", "Johannes": "Hannes|Johann|Jo", "Alexander": "Alex", "Christian": "Chris",
        "Maximilian": "Max", "Stefanie": "Steffi", "Franziska": "Franzi", "Elisabeth": "Lisa|Elli|Sissi",
        "Susanne": "Susi|Sanne", "Gabriele": "Gabi", "Andreas": "Andi", "Thomas": "Tom|Tommi", "Michael": "Micha|Michi",
        "Sebastian": "Basti", "Tobias": "Tobi", "Christina": "Tina", "Daniela": "Dani", "Karl-Heinz": "Kalle|Karl",
        "Philipp": "Phil", "Johanna": "Hanna|Jo", "Florian": "Flo", "Angelika": "Geli", "Barbara": "Babsi",
        "Nicole": "Nici", "Wolfgang": "Wolf", "Matthias": "Matze|Matthes", "Stefan": "Steff", "Annette": "Anne",
        "Ursula": "Uschi|Ulla", "Brigitte": "Gitte", "Friedrich": "Fritz", "Julia": "Jule", "Sabine": "Bine",
        "Katrin": "Kati", "Jessica": "Jessi", "Martina": "Tina", "Maximilian ": "Maxi", "Helmut": "Helle",
        "Gerhard": "Gerd", "Bernd": "Bernie", "Heinz": "Heini", "Jürgen": "Jogi", "Dieter": "Didi",
        "Alexandra": "Alex", "Christoph": "Chris", "Daniel": "Dani", "Niklas": "Nik", "Moritz": "Mo",
        "Ayşe": "Ayse", "Mehmet": "Memo",
    }),
    "FR": _nd({
        "Nicolas": "Nico", "Alexandre": "Alex", "Catherine": "Cathy|Cath", "Christophe": "Chris|Tof",
        "Frédéric": "Fred", "Isabelle": "Isa", "Élisabeth": "Babeth|Lisa", "Philippe": "Phil",
        "Stéphanie": "Steph|Fanny", "Sébastien": "Seb|Séb", "Mathieu": "Mat|Matt", "Dominique": "Dom",
        "Valérie": "Val", "Véronique": "Véro", "Caroline": "Caro", "Jean-Pierre": "JP|J-P|Jean P.",
        "Jean-Baptiste": "JB|Jean", "Jean-Claude": "JC|Jean", "Jean-Marc": "JM|Jean", "Jean-Luc": "Jean",
        "Marie-Christine": "Marie|Christine", "Marie-Claire": "Marie|Claire", "Maxime": "Max", "Nathalie": "Nat|Nath",
        "Raphaël": "Raph", "Gabriel": "Gaby", "Benoît": "Ben", "Anne": "Annie", "Julien": "Ju", "Thomas": "Tom",
        "Antoine": "Toine", "Émilie": "Emi", "Sandrine": "Sandy", "Jacqueline": "Jacquie", "Agnès": "Agnès",
        "Françoise": "Fanfan|Françou", "Aurélie": "Aurel", "Guillaume": "Guigui|Will", "Jérôme": "Jérem",
    }),
    "ES": _nd({
        "Francisco": "Paco|Curro|Pancho|Fran", "José": "Pepe", "Manuel": "Manolo|Manu", "Antonio": "Toni|Toño",
        "Dolores": "Lola|Loli", "María Dolores": "Lola|Loli|Mari Lola", "Concepción": "Concha|Conchi",
        "Ignacio": "Nacho", "Jesús": "Chus|Chuchi", "Rosario": "Charo", "Enrique": "Quique",
        "Alejandro": "Álex|Alex|Jandro", "Javier": "Javi", "Francisco Javier": "Javi|Javier|Fran|Fco. Javier",
        "Cristina": "Cris", "Montserrat": "Montse", "Mercedes": "Merche", "Pilar": "Pili",
        "María Pilar": "Pili|Pilar|Mari Pili", "Fernando": "Fer|Nando", "Isabel": "Isa|Chabela", "Alberto": "Beto",
        "Roberto": "Rober|Beto", "Daniel": "Dani", "Rafael": "Rafa", "Eduardo": "Edu", "Josefa": "Pepa|Fina",
        "José Luis": "Pepelu|Josete|José", "José Antonio": "Josean|José|Toni", "José Manuel": "Chema|José",
        "Juan Carlos": "Juanca|Juan", "María Carmen": "Mari Carmen|Maricarmen|Carmen|Menchu",
        "María José": "Majo|Mariajo|María", "María Teresa": "Maite|Teresa", "María Isabel": "Maribel|Isabel",
        "María Ángeles": "Marian|Mariángeles|Ángeles", "Encarnación": "Encarna", "Inmaculada": "Inma",
        "Rosa María": "Rosa|Rosamari", "Ramón": "Moncho", "Santiago": "Santi|Iago", "Joaquín": "Quino|Ximo",
        "Vicente": "Vicen|Chente", "Andrés": "Andy", "Guillermo": "Guille|Memo", "Adrián": "Adri",
        "Patricia": "Patri", "Beatriz": "Bea", "Verónica": "Vero", "Alicia": "Ali", "Lucía": "Lu",
        "Ana María": "Ana|Anamari", "Juan José": "Juanjo|Juan", "Sergio": "Sergi", "Jordi": "Jorge",
        "Miguel": "Migue", "Raúl": "Raulito",
    }),
    "IT": _nd({
        "Giuseppe": "Peppe|Beppe|Pino|Peppino", "Giovanni": "Gianni|Vanni", "Francesco": "Franco|Ciccio|Checco",
        "Salvatore": "Totò|Turi|Salvo", "Alessandro": "Ale|Sandro", "Antonio": "Tonino|Totò|Toni",
        "Domenico": "Mimmo|Nico", "Roberto": "Robi|Berto", "Vincenzo": "Enzo", "Luigi": "Gigi|Gino",
        "Massimo": "Max", "Giacomo": "Giaco|Mino", "Elisabetta": "Betta|Elisa", "Francesca": "Fra|Cesca|Franci",
        "Alessandra": "Ale|Sandra", "Giuseppina": "Pina|Peppina", "Caterina": "Cate|Rina", "Federica": "Fede",
        "Valentina": "Vale", "Margherita": "Rita|Marghe", "Raffaele": "Lello|Raffa", "Gabriele": "Lele|Gabri",
        "Emanuele": "Manu|Lele", "Daniele": "Dani", "Riccardo": "Ricky|Rick", "Federico": "Fede|Chicco",
        "Tommaso": "Tommy|Maso", "Leonardo": "Leo", "Lorenzo": "Lollo|Enzo", "Matteo": "Teo", "Stefano": "Ste",
        "Filippo": "Pippo", "Pasquale": "Lino|Pasqualino", "Gennaro": "Rino", "Nicola": "Nico",
        "Anna Maria": "Annamaria|Anna", "Maria Grazia": "Mariagrazia|Grazia", "Concetta": "Titti|Cetta",
        "Carmela": "Carmen|Melina", "Antonietta": "Etta|Tina", "Simona": "Simo", "Cristina": "Cri",
        "Patrizia": "Patty", "Claudia": "Clau", "Giovanna": "Gianna|Vanna", "Michele": "Lele", "Angelo": "Lino",
        "Nicolò": "Nico", "Gianluca": "Luca", "Maurizio": "Mauri", "Alberto": "Albi",
    }),
    "NL": _nd({
        "Johannes": "Jan|Hans|Johan|Joop", "Cornelis": "Kees|Cor", "Hendrik": "Henk|Rik", "Jacobus": "Jaap|Koos",
        "Pieter": "Piet|Peter", "Wilhelmus": "Wim|Willem", "Willem": "Wim", "Gerrit": "Gert",
        "Adrianus": "Arie|Ad|Adrie", "Johanna": "Joke|Annie|Jo", "Maria": "Marieke|Mieke|Ria|Mia",
        "Elisabeth": "Els|Lies|Elly|Betty", "Catharina": "Karin|Toos|Ria|Tineke", "Wilhelmina": "Willy|Mien|Wil",
        "Cornelia": "Corrie|Nel|Cor", "Hendrika": "Riek|Rika|Henny", "Anna": "Anneke|Annie",
        "Geertruida": "Truus|Gerda", "Martijn": "Tijn", "Sebastiaan": "Bas", "Thomas": "Tom", "Gerard": "Gert|Ger",
        "Theo": "Thei", "Frans": "Frank", "Maarten": "Mart", "Annemieke": "Mieke|Anne", "Marieke": "Mariek",
    }),
    "PL": _nd({
        "Aleksander": "Olek|Olo|Aleks", "Aleksandra": "Ola|Olka", "Katarzyna": "Kasia|Kaśka",
        "Małgorzata": "Gosia|Małgosia", "Magdalena": "Magda", "Agnieszka": "Aga|Agusia", "Joanna": "Asia",
        "Krzysztof": "Krzysiek|Krzyś", "Tomasz": "Tomek", "Piotr": "Piotrek", "Grzegorz": "Grzesiek|Grześ",
        "Andrzej": "Jędrek", "Stanisław": "Staszek|Stasiek", "Wojciech": "Wojtek", "Jakub": "Kuba",
        "Józef": "Józek", "Jan": "Janek|Jasiek", "Elżbieta": "Ela", "Barbara": "Basia", "Zofia": "Zosia",
        "Anna": "Ania|Anka", "Maria": "Marysia", "Ewa": "Ewka", "Dariusz": "Darek", "Bartłomiej": "Bartek",
        "Jarosław": "Jarek", "Mirosław": "Mirek", "Zbigniew": "Zbyszek", "Przemysław": "Przemek",
        "Radosław": "Radek", "Sławomir": "Sławek", "Maciej": "Maciek", "Mateusz": "Mati", "Sebastian": "Seba",
        "Kazimierz": "Kazik", "Tadeusz": "Tadek", "Ryszard": "Rysiek|Rychu", "Henryk": "Heniek", "Jerzy": "Jurek",
        "Krystyna": "Krysia", "Danuta": "Danka|Danusia", "Halina": "Halinka", "Janina": "Janka|Jasia",
        "Jadwiga": "Jadzia", "Urszula": "Ula", "Jolanta": "Jola", "Izabela": "Iza", "Weronika": "Wera|Nika",
        "Zuzanna": "Zuza|Zuzia", "Wiktoria": "Wika", "Natalia": "Nata", "Karolina": "Karo", "Monika": "Monia",
        "Patrycja": "Pati", "Antoni": "Antek", "Szymon": "Szymek", "Wiesław": "Wiesiek", "Zdzisław": "Zdzichu",
        "Bogdan": "Bodzio", "Rafał": "Rafcio", "Łukasz": "Łukaszek", "Michał": "Michu", "Paweł": "Pawełek",
    }),
    "IN": _nd({
        "Venkatesh": "Venky|Venkat", "Subramanian": "Subbu|Mani|Subramani", "Krishna": "Krish",
        "Rajesh": "Raju|Raj", "Srinivas": "Srini|Cheenu|Seenu", "Vijayalakshmi": "Viji|Vijaya|Lakshmi",
        "Ramachandran": "Ram|Ramu", "Mohammed": "Md.|Mohd.|Md", "Mohammad": "Md.|Mohd.", "Balaji": "Bala",
        "Aishwarya": "Ash|Aishu", "Deepika": "Deepu", "Abhishek": "Abhi", "Siddharth": "Sid|Siddhu",
        "Harpreet": "Harry|Preet", "Gurpreet": "Guri|Garry", "Anjali": "Anju", "Sanjay": "Sanju",
        "Ravindra": "Ravi", "Karthik": "Karthi", "Vikram": "Vicky", "Vishal": "Vicky", "Gayathri": "Gayu",
        "Saranya": "Sara", "Kavitha": "Kavi", "Ramesh": "Ramu", "Suresh": "Suri", "Ananya": "Anu",
        "Nandini": "Nandu", "Aditya": "Adi", "Manpreet": "Mani|Manny", "Jaspreet": "Jassi|Jas",
        "Saravanan": "Saran", "Manikandan": "Mani", "Sundar": "Sundu", "Lakshmi": "Lucky", "Priya": "Pri",
    }),
    "BR": _nd({
        "José": "Zé", "Antônio": "Toninho|Tonho|Toni", "Francisco": "Chico|Chiquinho", "Eduardo": "Edu|Dudu",
        "Carlos": "Cacá|Carlinhos", "Ricardo": "Rick|Ricardinho", "Fernando": "Nando", "Rafael": "Rafa",
        "Gabriel": "Gabi|Biel", "Guilherme": "Gui", "Roberto": "Beto", "Paulo": "Paulinho", "Felipe": "Lipe",
        "Vinícius": "Vini", "Leonardo": "Leo", "Gustavo": "Guga|Gus", "João Pedro": "JP|João",
        "João Paulo": "JP|João", "Carlos Eduardo": "Cadu|Carlos", "Luiz Carlos": "Luiz", "José Carlos": "Zeca|Zé Carlos",
        "Maria Eduarda": "Duda|Maria", "Fernanda": "Nanda|Fer", "Gabriela": "Gabi", "Mariana": "Mari",
        "Letícia": "Lê|Leti", "Ana Carolina": "Carol|Ana", "Beatriz": "Bia", "Patrícia": "Paty", "Luciana": "Lu",
        "Juliana": "Ju", "Vanessa": "Van", "Daniela": "Dani", "Natália": "Nati", "Cristiane": "Cris",
        "Maria José": "Zezé|Maria", "Maria Aparecida": "Cida|Maria", "Aparecida": "Cida", "Ana Paula": "Ana|Paulinha",
        "Sebastião": "Tião", "Alexandre": "Alê|Xande", "Adriana": "Dri", "Camila": "Mila|Cami", "Júlia": "Ju",
        "Larissa": "Lari", "Bruna": "Bru", "Raimundo": "Mundinho", "Francisca": "Chica|Chiquinha",
        "Antônia": "Toninha", "Terezinha": "Terê", "Rodrigo": "Digo", "Marcelo": "Celo", "Matheus": "Teteu",
    }),
}
NL_OFFICIAL = set(L("Johannes, Cornelis, Hendrik, Jacobus, Pieter, Wilhelmus, Adrianus, Maria, Johanna, Elisabeth, "
                    "Cornelia, Wilhelmina, Catharina, Hendrika, Geertruida, Anna"))

# Spelling / phonetic variant groups (records typed from hearing, or alternative spellings)
PHON_GROUPS = [
    # German
    "Meyer|Meier|Maier|Mayer|Mayr", "Schmidt|Schmitt|Schmid", "Hoffmann|Hofmann|Hoffman", "Schulz|Schultz|Schulze",
    "Walter|Walther", "Günther|Günter|Gunther", "Ralf|Ralph", "Stefan|Stephan", "Christoph|Christof",
    "Katharina|Katarina|Catharina|Kathrin", "Claudia|Klaudia", "Carsten|Karsten", "Kerstin|Kirsten",
    "Philipp|Philip|Filip|Phillip", "Weiß|Weiss|Weis", "Krüger|Krueger|Kruger", "Jäger|Jaeger|Jeger",
    "Becker|Bäcker|Beker", "Schäfer|Schaefer|Schaeffer|Schefer", "Vogt|Voigt|Vogd", "Kraus|Krause|Krauss",
    "Lorenz|Lorentz", "Fischer|Fisher", "Sabine|Sabina", "Heike|Haike", "Bernd|Bernt", "Jörg|Jürg", "Kai|Kay",
    "Sven|Swen", "Björn|Bjoern", "Müller|Mueller|Miller",
    # English
    "Catherine|Katherine|Kathryn|Katharine|Kathrine", "Steven|Stephen", "Jon|John", "Sara|Sarah", "Ann|Anne",
    "Jeffrey|Geoffrey|Jeffery", "Brian|Bryan", "Alan|Allan|Allen", "Thompson|Thomson|Tompson", "Smith|Smyth",
    "Reid|Reed|Read", "Gray|Grey", "Clark|Clarke", "Phillips|Philips", "Stewart|Stuart",
    "MacDonald|McDonald|Macdonald", "Matthew|Mathew", "Nicholas|Nicolas", "Rachel|Rachael", "Teresa|Theresa",
    "Marc|Mark", "Carl|Karl", "Eric|Erik", "Megan|Meghan", "Davis|Davies", "Sean|Shaun|Shawn", "Graham|Graeme",
    "Neil|Neal", "Lewis|Louis", "Zoe|Zoey", "Isabella|Isabela", "Sophia|Sofia", "Hayley|Haley|Hailey",
    "Leanne|Lianne", "Gillian|Jillian", "Nicola|Nichola", "Debra|Debora|Deborah", "Caroline|Carolyn",
    "Johnson|Jonson", "Harris|Harriss", "Jenkins|Jenkens", "Philip|Phillip", "Lee|Leigh", "Anderson|Andersen",
    "Peterson|Petersen", "Nguyen|Nguen",
    # French
    "Lefèvre|Lefebvre|Lefevre|Lefeuvre", "Mathieu|Matthieu", "Dupont|Dupond", "Thibault|Thibaut",
    "Gauthier|Gautier", "Rousseau|Rousseaux", "Philippe|Phillipe", "Leclerc|Leclercq|Leclair",
    "Renaud|Renault|Reynaud", "Laurent|Lorent", "Chevalier|Chevallier", "Colin|Collin", "Bertrand|Bertran",
    "Denis|Denys", "Perrin|Perin", "Nathalie|Natalie", "Sylvie|Silvie", "Stéphane|Stefane", "Frédéric|Frederik",
    "Jérôme|Gérome", "Cédric|Sedric",
    # Spanish / Portuguese
    "Jiménez|Giménez|Ximénez", "González|Gonzales", "Pérez|Peres", "Vázquez|Vásquez|Velázquez",
    "Sánchez|Sanches", "Rodríguez|Rodrigues", "Álvarez|Alvares", "Yolanda|Iolanda", "Javier|Xavier",
    "Elena|Helena", "Victoria|Vitoria", "Ibáñez|Ybáñez", "Cortés|Cortez", "Núñez|Nuñes", "Benítez|Benites",
    "Herrera|Errera", "Hernández|Hernandes", "Gómez|Gomes", "Martínez|Martines", "Díaz|Dias", "Vicente|Bicente",
    "Sevilla|Sebilla", "Rocío|Rozío",
    "Luiz|Luís|Luis", "Souza|Sousa", "Thiago|Tiago", "Matheus|Mateus", "Rafael|Raphael", "Felipe|Filipe|Phelipe",
    "Vinícius|Vinicios", "Ester|Esther", "Sofia|Sophia", "Gonçalves|Gonsalves", "Correia|Corrêa|Correa",
    "Cavalcanti|Cavalcante", "Batista|Baptista", "Andréia|Andreia|Andrea", "Jaqueline|Jacqueline",
    "Márcio|Marcio", "Sérgio|Sergio", "Manoel|Manuel", "Terezinha|Teresinha", "Raimundo|Raymundo",
    "Conceição|Conceicão", "Cláudia|Claudia",
    # Italian
    "Esposito|Esposto|Exposito", "Ferrari|Ferraro|Ferrara", "Ricci|Rizzi", "Marino|Marini", "Romano|Romani",
    "De Luca|Deluca|Di Luca", "Di Stefano|Distefano|De Stefano", "Lo Russo|Lorusso", "Dell'Acqua|Dellacqua|Della Acqua",
    "D'Angelo|Dangelo|De Angelo", "D'Amico|Damico", "Matteo|Mattheo", "Cristina|Christina", "Federico|Frederico",
    "Nicolò|Niccolò|Nicola", "Caterina|Catterina", "Giuseppina|Giuseppa", "Concetta|Concettina",
    "Mancini|Mangini", "Gallo|Galli", "Bruno|Bruni", "Conti|Conte", "Rizzo|Rizzi",
    # Dutch
    "de Jong|de Jongh|de Jonge", "Jansen|Janssen|Janszen", "Bakker|Backer", "Smit|Smid|Smith",
    "Meijer|Meyer|Meier", "Bos|Bosch", "Vos|Fos", "Peters|Peeters|Pieters", "Hendriks|Hendrikx|Hendrickx",
    "Dekker|Decker", "Dijkstra|Dykstra", "Willems|Willemse", "Kuijpers|Kuipers|Kuypers",
    "de Bruijn|de Bruin|de Bruyn", "van Dijk|van Dyk|van Dijck", "Brouwer|Brouer", "Huisman|Huismann",
    "Thijs|Tijs|Thys", "Stijn|Styn", "Marieke|Marijke", "Femke|Vemke", "Wouter|Wouder", "Sanne|Sanna",
    "Maarten|Marten", "Annemieke|Annemiek",
    # Polish
    "Nowak|Novak|Nowack", "Kowalski|Kovalski|Kowalsky", "Wiśniewski|Wisniewski|Wiszniewski", "Wójcik|Wojcik|Woycik",
    "Kowalczyk|Kovalczyk|Kowalczik", "Kamiński|Kaminski|Kaminsky", "Lewandowski|Lewandowsky|Levandowski",
    "Zieliński|Zielinski", "Szymański|Szymanski|Shymanski", "Woźniak|Wozniak|Vozniak",
    "Dąbrowski|Dabrowski|Dombrowski", "Kozłowski|Kozlowski|Koslowski", "Zając|Zajac|Zajonc",
    "Wróbel|Wrobel|Vrobel", "Jabłoński|Jablonski", "Michał|Michal|Mihal", "Wojciech|Wojtech",
    "Krzysztof|Krzystof|Krystof", "Łukasz|Lukasz|Lukas", "Grzegorz|Gregorz", "Katarzyna|Katazyna|Katarina",
    "Agnieszka|Agneszka|Agnieshka", "Elżbieta|Elzbieta|Elizbieta", "Jerzy|Jezy", "Piotr|Pjotr",
    # Indian
    "Mohammed|Mohammad|Muhammad|Mohamed|Mohd", "Srinivas|Shrinivas|Sreenivas|Srinivasa", "Lakshmi|Laxmi|Lakshmy",
    "Srivastava|Shrivastava|Shrivastav|Srivastav", "Chaudhary|Choudhary|Chowdhury|Chaudhari",
    "Agarwal|Aggarwal|Agrawal", "Reddy|Reddi", "Iyer|Iyyer|Aiyer", "Verma|Varma", "Mishra|Misra",
    "Tiwari|Tiwary|Tewari", "Pandey|Pande", "Banerjee|Banerji|Bannerjee", "Chatterjee|Chatterji",
    "Mukherjee|Mukherji|Mukerjee", "Bose|Basu", "Kavita|Kavitha", "Geeta|Geetha|Gita", "Sita|Seetha|Seeta",
    "Sangeeta|Sangeetha|Sangita", "Swati|Swathi", "Shweta|Swetha|Sweta", "Karthik|Kartik|Karthick",
    "Venkatesh|Venkatesan", "Murali|Murli", "Deepa|Dipa", "Preeti|Priti", "Pooja|Puja", "Jyoti|Jyothi",
    "Aarti|Arti|Aarthi", "Vijay|Vijai", "Sanjay|Sanjai", "Ajay|Ajai", "Rohit|Rohith", "Sharma|Sarma",
    "Naidu|Naydu", "Pillai|Pillay", "Nair|Nayar", "Kaur|Kour", "Ahmed|Ahmad", "Hussain|Hussein|Husain",
    "Shaikh|Sheikh|Shaik", "Qureshi|Quraishi|Kureshi", "Siddiqui|Siddiqi", "Syed|Sayed|Saiyed",
    "Fatima|Fathima", "Ayesha|Aisha|Aysha", "Yasmin|Yasmeen", "Anitha|Anita", "Sowmya|Soumya",
    "Gayathri|Gayatri", "Revathi|Revati", "Saravanan|Sarvanan", "Subramanian|Subramaniam|Subramanyam",
    "Krishnan|Krishnen", "Ramesh|Ramesch", "Suresh|Sures", "Singh|Sing",
]
PHON = {}
for _g in PHON_GROUPS:
    _ms = _g.split("|")
    for _m in _ms:
        PHON.setdefault(_m, [x for x in _ms if x != _m])

# rule-based phonetic respellings by name culture: (from, to)
PHON_RULES = {
    "DE": [("ie", "i"), ("ei", "ai"), ("ai", "ei"), ("dt", "tt"), ("th", "t"), ("ph", "f"), ("ck", "k"),
           ("tz", "z"), ("ß", "ss"), ("v", "f"), ("ä", "e"), ("eu", "oi"), ("mm", "m"), ("nn", "n")],
    "US": [("ph", "f"), ("y", "ie"), ("ie", "y"), ("ee", "ea"), ("c", "k"), ("ll", "l"), ("nn", "n"),
           ("er", "ar"), ("ey", "y"), ("tt", "t"), ("ck", "k"), ("ou", "o")],
    "FR": [("eau", "o"), ("au", "o"), ("ault", "ot"), ("ph", "f"), ("é", "è"), ("ll", "l"), ("tt", "t"),
           ("qu", "k"), ("y", "i"), ("ss", "s"), ("ç", "ss"), ("er", "é")],
    "ES": [("v", "b"), ("b", "v"), ("ll", "y"), ("y", "ll"), ("z", "s"), ("ce", "se"), ("ci", "si"),
           ("j", "g"), ("ge", "je"), ("gi", "ji"), ("qu", "k")],
    "IT": [("cc", "c"), ("ll", "l"), ("tt", "t"), ("zz", "z"), ("ss", "s"), ("pp", "p"), ("rr", "r"),
           ("mm", "m"), ("gn", "ni"), ("ch", "c"), ("z", "zz"), ("c", "cc")],
    "NL": [("ij", "y"), ("y", "ij"), ("ij", "ei"), ("ei", "ij"), ("ks", "x"), ("c", "k"), ("k", "c"),
           ("dt", "d"), ("ui", "uy"), ("ou", "au"), ("sch", "s"), ("ee", "e"), ("aa", "a")],
    "PL": [("w", "v"), ("sz", "sh"), ("cz", "ch"), ("rz", "ż"), ("ż", "rz"), ("ch", "h"), ("h", "ch"),
           ("ó", "u"), ("u", "ó"), ("ł", "l"), ("ń", "n"), ("ś", "sz")],
    "IN": [("th", "t"), ("sh", "s"), ("s", "sh"), ("ee", "i"), ("i", "ee"), ("oo", "u"), ("u", "oo"),
           ("v", "w"), ("w", "v"), ("aa", "a"), ("dh", "d"), ("bh", "b")],
    "BR": [("ç", "ss"), ("ss", "ç"), ("s", "z"), ("z", "s"), ("th", "t"), ("ph", "f"), ("y", "i"),
           ("k", "c"), ("ll", "l"), ("lh", "li"), ("nh", "ni"), ("x", "ch"), ("ch", "x"), ("ei", "e")],
}
PHON_RULES["UK"] = PHON_RULES["US"]

# ---------------------------------------------------------------------------
# Street vocabularies
# ---------------------------------------------------------------------------
US_STREETS = L("Main, Oak, Maple, Park, Washington, Lake, Hill, Pine, Cedar, Elm, 2nd|Second, 1st|First, "
               "3rd|Third, Sunset, Lincoln, Jackson, Church, Highland, Mill, Franklin, Madison, Jefferson, Ridge, "
               "Walnut, Chestnut, Spring, River, Willow, Center, Forest, Meadow, Adams, Broad, Market, Union, "
               "Prospect, Cherry, Dogwood, Magnolia, Hickory, 4th|Fourth, 5th|Fifth, "
               "Martin Luther King Jr|MLK|Martin Luther King, Lakeview, Sycamore, Birch, Valley, Green, "
               "Pleasant, Woodland, College, Grand")
US_TYPES = [("Street", 28, "St|St."), ("Avenue", 18, "Ave|Av|Ave."), ("Road", 10, "Rd|Rd."), ("Drive", 12, "Dr|Dr."),
            ("Lane", 8, "Ln"), ("Boulevard", 4, "Blvd|Blvd."), ("Court", 6, "Ct"), ("Place", 4, "Pl"),
            ("Way", 4, "Wy"), ("Terrace", 2, "Ter"), ("Circle", 2, "Cir"), ("Parkway", 2, "Pkwy")]
UK_STREETS = L("High, Station, Church, Victoria, Park, London, Green, Manor, Mill, Queens, Kings, School, North, "
               "Albert, New, York, Windsor, Grange, Springfield, Chester, Alexandra, Richmond, Main, Brook, "
               "Orchard, Meadow, Beech, Oak, Elm, Cedar, Highfield, St John's|St. John's|Saint John's, "
               "St Mary's|St. Mary's, Westfield, Stanley, Princes, Mount Pleasant, Queen's|Queens")
UK_TYPES = [("Road", 30, "Rd|Rd."), ("Street", 22, "St|St."), ("Lane", 10, "Ln"), ("Avenue", 8, "Ave|Av."),
            ("Close", 8, "Cl"), ("Drive", 6, "Dr"), ("Way", 4, ""), ("Gardens", 4, "Gdns"),
            ("Crescent", 4, "Cres|Cresc."), ("Place", 3, "Pl"), ("Grove", 3, "Gr"), ("Terrace", 3, "Terr|Ter"),
            ("Court", 2, "Ct")]
DE_BASES = L("Haupt, Bahnhof, Schul, Garten, Kirch, Dorf, Berg, Wald, Linden, Birken, Mühlen, Wiesen, Feld, Rosen, "
             "Tannen, Buchen, Eichen, Mozart, Goethe, Schiller, Beethoven, Bismarck, Kant, Lessing, Uhland, Mittel, "
             "Sonnen, Post, Industrie, Markt, Blumen, Ahorn, Brunnen, Jahn, Park, Ring, Friedhof, Burg, Wiesen, "
             "Fichten, Amsel, Lerchen, Gartenfeld")
DE_SUFFIX = [("straße", 62), ("weg", 18), ("allee", 5), ("ring", 5), ("platz", 3), ("gasse", 3), ("damm", 2),
             ("steig", 2)]
DE_SPECIAL = L("Friedrich-Ebert-Straße, Karl-Marx-Straße, Konrad-Adenauer-Straße, Am Markt, Am Bahnhof, "
               "An der Kirche, Unter den Linden, Im Winkel, Berliner Straße, Hamburger Straße, Frankfurter Allee, "
               "Münchner Straße, Kölner Straße, Leipziger Straße, Dresdner Straße, Kaiser-Wilhelm-Straße, "
               "Am Sportplatz, Zur Mühle, Auf dem Berg, Hans-Böckler-Straße, Robert-Koch-Straße, "
               "Rathausplatz, Schloßstraße, Kurfürstendamm, Königsallee")
FR_TYPES = [("rue", 62, "r.|R."), ("avenue", 14, "av.|Av.|ave"), ("boulevard", 7, "bd|Bd|boul."),
            ("place", 4, "pl.|Pl."), ("chemin", 5, "ch.|chem."), ("allée", 4, "all.|allee"),
            ("impasse", 3, "imp.|Imp."), ("route", 1, "rte|Rte")]
FR_NAMES = L("de la Paix, Victor Hugo|V. Hugo, Jean Jaurès|J. Jaurès|Jean-Jaurès, Voltaire, de la République, "
             "Pasteur|Louis Pasteur, du Moulin, de l'Église|de l'Eglise, des Écoles|des Ecoles, de la Gare, "
             "Nationale, Gambetta|Léon Gambetta, Jules Ferry|J. Ferry, du Général de Gaulle|du Gal de Gaulle|Charles de Gaulle, "
             "du Général Leclerc|du Gal Leclerc|Leclerc, de Verdun, de la Liberté, du Château, des Lilas, "
             "des Tilleuls, Émile Zola|Emile Zola|E. Zola, Anatole France, Carnot|Sadi Carnot, "
             "du Maréchal Foch|Foch|du Mal Foch, Saint-Michel|St-Michel|St Michel, de Paris, du Commerce, "
             "de Strasbourg, Lafayette|La Fayette, des Acacias, du Stade, Jean Moulin, Marcel Pagnol, "
             "de la Fontaine, des Roses, de Lattre de Tassigny, Pierre Curie, Molière, de Bretagne, des Vignes")
ES_TYPES = [("Calle", 66, "C/|c/|C.|Cl."), ("Avenida", 15, "Avda.|Av.|Avd."), ("Plaza", 5, "Pza.|Pl.|Plza."),
            ("Paseo", 4, "Pº|P.º|Pso."), ("Camino", 3, "Cno.|Cmno."), ("Ronda", 2, "Rda."),
            ("Travesía", 2, "Trv.|Travesia")]
ES_NAMES = L("Mayor, Real, de la Constitución|Constitución, del Sol, de España|España, San Juan|S. Juan, Nueva, "
             "de Alcalá|Alcalá, de Gracia, Iglesia|de la Iglesia, de Andalucía|Andalucía, Cervantes|Miguel de Cervantes, "
             "de las Flores|Las Flores, Doctor Fleming|Dr. Fleming|Dr Fleming, San Francisco, Santa María|Sta. María, "
             "del Carmen, de la Paz, Castilla, Goya, Colón, Serrano, Príncipe de Vergara, Alfonso XIII, "
             "Reyes Católicos, Antonio Machado|A. Machado, García Lorca|Federico García Lorca, "
             "Blasco Ibáñez|Vicente Blasco Ibáñez, Juan Carlos I, de la Libertad, de Cataluña|Catalunya, "
             "Ramón y Cajal|Ramon y Cajal, Sagasta, Ancha, Lepanto, Velázquez")
IT_TYPES = [("Via", 70, "V.|v."), ("Viale", 10, "V.le|v.le"), ("Piazza", 6, "P.za|P.zza|p.zza"),
            ("Corso", 7, "C.so|c.so"), ("Largo", 2, "L.go"), ("Vicolo", 2, "Vic.|v.lo"), ("Strada", 3, "Str.")]
IT_NAMES = L("Roma, Giuseppe Garibaldi|Garibaldi|G. Garibaldi, Giuseppe Mazzini|Mazzini|G. Mazzini, Cavour, "
             "Dante Alighieri|Dante, Vittorio Emanuele II|V. Emanuele II|Vittorio Emanuele, Umberto I, "
             "Guglielmo Marconi|Marconi|G. Marconi, Giacomo Matteotti|Matteotti|G. Matteotti, XX Settembre|20 Settembre, "
             "IV Novembre|4 Novembre, Kennedy|J.F. Kennedy, della Repubblica, San Francesco|S. Francesco, Europa, "
             "Giuseppe Verdi|Verdi, Alessandro Manzoni|Manzoni, Antonio Gramsci|Gramsci, Nazionale, del Popolo, "
             "della Libertà, dei Mille, Cesare Battisti|C. Battisti, Giacomo Leopardi|Leopardi, Galileo Galilei|Galilei, "
             "Aldo Moro|A. Moro, Trieste, Torino, Milano, Napoli, Duomo|del Duomo, San Giovanni|S. Giovanni, "
             "dei Tigli, delle Rose, Santa Maria|S. Maria")
NL_STREETS = L("Kerkstraat, Dorpsstraat, Schoolstraat, Molenweg, Stationsweg, Julianastraat, Beatrixlaan, "
               "Wilhelminastraat, Nieuwstraat, Marktplein, Prinsengracht, Keizersgracht, Hoofdstraat, Parallelweg, "
               "Eikenlaan, Industrieweg, Kastanjelaan, Oranjestraat, Prins Bernhardlaan|Pr. Bernhardlaan, "
               "Burgemeester Visserstraat|Burg. Visserstraat, Van Goghstraat|van Goghstraat, Rembrandtlaan, "
               "Vondelstraat, Lindenlaan, Emmastraat, Koningin Wilhelminalaan|Kon. Wilhelminalaan, "
               "Sint Jansstraat|St. Jansstraat|St Jansstraat, Dokter Schaepmanstraat|Dr. Schaepmanstraat, "
               "Zuiderzeeweg, Molenstraat, Veldweg, Kanaalweg, Populierenlaan, Raadhuisstraat, Brink, Havenstraat")
PL_STREETS = [("ul.", x) for x in L(
    "Długa, Polna, Leśna, Słoneczna, Krótka, Szkolna, Ogrodowa, Lipowa, Łąkowa, Kościuszki|Tadeusza Kościuszki|T. Kościuszki, "
    "Mickiewicza|Adama Mickiewicza|A. Mickiewicza, Jana Pawła II|J. Pawła II|Jana Pawla II, "
    "Piłsudskiego|Józefa Piłsudskiego|J. Piłsudskiego, Marszałkowska, Sienkiewicza|Henryka Sienkiewicza, "
    "Kwiatowa, Zielona, Kolejowa, Parkowa, Brzozowa, Wiejska, Akacjowa, Słowackiego|Juliusza Słowackiego, "
    "Reymonta, Kopernika|Mikołaja Kopernika, 3 Maja|Trzeciego Maja, 11 Listopada, Piękna, Grunwaldzka, "
    "Wrocławska, Warszawska, Krakowska, Poznańska")] + \
    [("al.", x) for x in L("Jerozolimskie|Aleje Jerozolimskie, Niepodległości, Solidarności, Armii Krajowej|AK")] + \
    [("os.", x) for x in L("Tysiąclecia, Piastów, Słoneczne")] + [("pl.", x) for x in L("Grunwaldzki, Wolności")]
IN_STREETS = [("MG|M.G.|Mahatma Gandhi", "Road"), ("Station", "Road"), ("Nehru|J.N.|Jawaharlal Nehru", "Road"),
              ("Link", "Road"), ("Linking", "Road"), ("Church", "Street"), ("Brigade", "Road"),
              ("Residency", "Road"), ("Ring", "Road"), ("Park", "Street"), ("SV|S.V.|Swami Vivekananda", "Road"),
              ("LBS|L.B.S.|Lal Bahadur Shastri", "Marg"), ("Sardar Patel|S.P.", "Road"), ("Main", "Road"),
              ("4th Cross", ""), ("12th Main", ""), ("100 Feet|100 Ft|100ft", "Road"), ("Gandhi", "Road"),
              ("Subhash|Netaji Subhash", "Marg"), ("Tilak", "Road"), ("Rajaji", "Street"), ("Temple", "Street"),
              ("Old Airport", "Road"), ("Hosur", "Road"), ("Sector 15", ""), ("Nehru", "Nagar")]
IN_BUILDINGS = L("Sai Krupa Apartments, Shanti Niketan, Sunshine Residency, Green Park Apartments, Lakshmi Nivas, "
                 "Ganga Towers, Om Sai Heights, Royal Enclave, Prestige Shantiniketan, Krishna Kunj, "
                 "Silver Oak Apartments, Shree Ganesh Society, Vrindavan Apartments, Sapphire Towers")
BR_TYPES = [("Rua", 70, "R.|r."), ("Avenida", 20, "Av.|Avda"), ("Travessa", 3, "Tv.|Trav."),
            ("Alameda", 3, "Al."), ("Praça", 2, "Pç.|Pça."), ("Estrada", 2, "Estr.|Est.")]
BR_NAMES = L("das Flores, Sete de Setembro|7 de Setembro, XV de Novembro|15 de Novembro|Quinze de Novembro, Brasil, "
             "São José|S. José|Sao Jose, Santo Antônio|Sto. Antônio|Santo Antonio, Dom Pedro II|D. Pedro II, "
             "Tiradentes, Rui Barbosa, Bahia, Getúlio Vargas|Getulio Vargas, Boa Vista, Direita, Amazonas, "
             "Castro Alves, Duque de Caxias, Marechal Deodoro|Mal. Deodoro, Presidente Vargas|Pres. Vargas, "
             "Barão do Rio Branco|Rio Branco, Santos Dumont, Floriano Peixoto, José Bonifácio, Visconde de Mauá, "
             "Paraná, Minas Gerais, Goiás, das Palmeiras, das Acácias, Ipiranga, Brigadeiro Faria Lima|Brig. Faria Lima, "
             "Nossa Senhora de Fátima|N. Sra. de Fátima|Nossa Sra. de Fatima, Paulista, Treze de Maio|13 de Maio, "
             "Carlos Gomes, Independência")
BR_BAIRRO_GENERIC = L("Centro, Jardim América, Vila Nova, Boa Vista, Santa Cruz, São José, Jardim Botânico")

# ---------------------------------------------------------------------------
# Text utilities: folding, typos, phonetic respelling
# ---------------------------------------------------------------------------
_SPECIAL = {"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
            "đ": "d", "Đ": "D", "ı": "i", "ð": "d", "þ": "th", "’": "'"}
_GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


def strip_acc(s):
    s = "".join(_SPECIAL.get(c, c) for c in s)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def de_translit(s):
    return strip_acc("".join(_GERMAN.get(c, c) for c in s))


def has_acc(s):
    return strip_acc(s) != s


def fold(s, rng, origin):
    """Remove diacritics the way a system / person would: German umlaut expansion or plain stripping."""
    if origin == "DE" and rng.random() < 0.6:
        return de_translit(s)
    return strip_acc(s)


def mojibake(s):
    try:
        return s.encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "?")
    except Exception:
        return s


def norm_key(s):
    return " ".join(strip_acc(s).lower().replace("-", " ").replace("'", "").replace(".", " ").split())


_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
_OFFS = [0, 0.5, 0.8, 1.3]
_POS = {ch: (r, c + _OFFS[r]) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
KB_NEIGH = {ch: [o for o, (r2, c2) in _POS.items() if o != ch and abs(r2 - r) <= 1 and abs(c2 - c) <= 1.0]
            for ch, (r, c) in _POS.items()}
OCR = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"), ("o", "0"), ("O", "0"),
       ("l", "1"), ("i", "l"), ("I", "l"), ("e", "c"), ("c", "e"), ("h", "b"), ("u", "v"), ("n", "h"),
       ("S", "5"), ("B", "8"), ("a", "o"), ("ri", "n")]


def _match_case(orig, new):
    return new.upper() if orig.isupper() else new


def typo(s, rng, kind=None):
    """One realistic keyboard / OCR / cognitive error."""
    if len(s) < 2:
        return s
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if not idx:
        return s
    kind = kind or wchoice(rng, [("sub", 30), ("del", 20), ("ins", 15), ("trans", 18), ("ocr", 7), ("dbl", 10)])
    # errors are rarer on the first letter
    inner = [i for i in idx if i > 0] or idx
    i = rng.choice(inner)
    c = s[i]
    if kind == "sub":
        nb = KB_NEIGH.get(c.lower())
        if not nb:
            return s
        return s[:i] + _match_case(c, rng.choice([x for x in nb if x.isalpha()] or nb)) + s[i + 1:]
    if kind == "del":
        return s[:i] + s[i + 1:]
    if kind == "ins":
        nb = KB_NEIGH.get(c.lower(), [c.lower()])
        return s[:i + 1] + rng.choice([x for x in nb if x.isalpha()] or [c]) + s[i + 1:]
    if kind == "trans":
        if i + 1 < len(s) and s[i + 1].isalpha() and s[i + 1] != c:
            return s[:i] + s[i + 1] + c + s[i + 2:]
        if i > 1 and s[i - 1].isalpha():
            return s[:i - 1] + c + s[i - 1] + s[i + 1:]
        return s
    if kind == "dbl":
        # double a letter or undouble a double letter
        for j in range(1, len(s)):
            if s[j] == s[j - 1] and s[j].isalpha() and rng.random() < 0.7:
                return s[:j] + s[j + 1:]
        return s[:i] + c + s[i:]
    if kind == "ocr":
        opts = [(a, b) for a, b in OCR if a in s[1:]]
        if not opts:
            return typo(s, rng, "sub")
        a, b = rng.choice(opts)
        pos = [k for k in range(1, len(s)) if s.startswith(a, k)]
        k = rng.choice(pos)
        return s[:k] + b + s[k + len(a):]
    return s


def phonetic(s, rng, origin):
    """Replace by a known spelling variant, else apply a culture-specific respelling rule."""
    if s in PHON and rng.random() < 0.85:
        return rng.choice(PHON[s])
    rules = PHON_RULES.get(origin, PHON_RULES["US"])
    low = s.lower()
    opts = [(a, b) for a, b in rules if a in low[1:]]
    if not opts:
        return s
    a, b = rng.choice(opts)
    pos = [k for k in range(1, len(s)) if low.startswith(a, k)]
    k = rng.choice(pos)
    return s[:k] + b + s[k + len(a):]


def recase(s, rng, p_upper, p_lower, p_title=0.02):
    x = rng.random()
    if x < p_upper:
        return s.upper()
    if x < p_upper + p_lower:
        return s.lower()
    if x < p_upper + p_lower + p_title:
        return s.title()
    return s


def messy_ws(s, rng):
    x = rng.random()
    if x < 0.4:
        return " " + s
    if x < 0.8:
        return s + " "
    if " " in s:
        return s.replace(" ", "  ", 1)
    return s + "  "


def pl_gender(surname, sex):
    if sex != "F":
        return surname
    for a, b in (("dzki", "dzka"), ("cki", "cka"), ("ski", "ska")):
        if surname.endswith(a):
            return surname[: -len(a)] + b
    return surname


def pl_male(surname):
    for a, b in (("dzka", "dzki"), ("cka", "cki"), ("ska", "ski")):
        if surname.endswith(a):
            return surname[: -len(a)] + b
    return surname


# ---------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------
UK_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def gen_postcode(cc, city, rng):
    spec = city["pc"]
    if spec[0] == "uk":
        area = rng.choice(spec[1].split("|"))
        if area in ("EC", "WC"):
            district = "%d%s" % (rng.randint(1, 2), rng.choice("ABEHNRVMY"))
        else:
            district = str(rng.randint(1, 20 if len(area) == 1 else 14))
        return "%s%s %d%s%s" % (area, district, rng.randint(1, 9), rng.choice(UK_LETTERS), rng.choice(UK_LETTERS))
    if spec[0] == "l":
        return rng.choice(spec[1])
    n = rng.randint(spec[1], spec[2])
    if cc in ("US", "DE", "ES", "IT", "FR"):
        return "%05d" % n
    if cc == "NL":
        while True:
            ab = rng.choice("ABCDEGHJKLMNPRSTVWXZ") + rng.choice("ABCDEGHJKLMNPRSTVWXZ")
            if ab not in ("SA", "SD", "SS"):
                return "%04d %s" % (n, ab)
    if cc == "PL":
        s = "%05d" % n
        return s[:2] + "-" + s[2:]
    if cc == "IN":
        return "%06d" % n
    if cc == "BR":
        return "%05d-%03d" % (n, rng.choice([0, 0, rng.randint(0, 999), rng.randint(0, 999), rng.randint(0, 999)]))
    return str(n)


def house_number(rng, lo, hi):
    return str(int(math.exp(rng.uniform(math.log(lo), math.log(hi + 1)))))


def make_street(cc, city, rng):
    s = dict(num=house_number(rng, 1, 150), sfx="", apt="", dir="", bldg="", loc="")
    if cc == "US":
        s.update(name=Zipf(US_STREETS, 0.6).pick(rng), type=wchoice(rng, [(t, w) for t, w, _ in US_TYPES]),
                 num=house_number(rng, 1, 9800))
        if rng.random() < 0.12:
            s["dir"] = rng.choice("NSEW")
        if rng.random() < 0.30:
            s["apt"] = "%d%s" % (rng.randint(1, 24), rng.choice(["", "A", "B", "C", "D", "F"]))
    elif cc == "UK":
        s.update(name=Zipf(UK_STREETS, 0.7).pick(rng), type=wchoice(rng, [(t, w) for t, w, _ in UK_TYPES]),
                 num=house_number(rng, 1, 220))
        if rng.random() < 0.20:
            s["apt"] = "%d%s" % (rng.randint(1, 30), rng.choice(["", "", "A", "B"]))
    elif cc == "DE":
        if rng.random() < 0.3:
            s["name"] = rng.choice(DE_SPECIAL)
        else:
            suf = wchoice(rng, DE_SUFFIX)
            base = Zipf(DE_BASES, 0.5).pick(rng)
            s["name"] = base + suf
        if rng.random() < 0.08:
            s["sfx"] = rng.choice("abc")
        if rng.random() < 0.08:
            s["apt"] = rng.choice(["%d. OG" % rng.randint(1, 5), "App. %d" % rng.randint(1, 40), "Hinterhaus",
                                   "Whg. %d" % rng.randint(1, 30), "EG links", "2. OG rechts"])
    elif cc == "FR":
        s.update(type=wchoice(rng, [(t, w) for t, w, _ in FR_TYPES]), name=Zipf(FR_NAMES, 0.6).pick(rng))
        if rng.random() < 0.05:
            s["sfx"] = rng.choice(["bis", "bis", "ter"])
        if rng.random() < 0.30:
            s["apt"] = rng.choice(["Apt %d" % rng.randint(1, 60), "Bât. %s" % rng.choice("ABCD"),
                                   "%de étage" % rng.randint(1, 8), "Résidence Les Pins", "Escalier %s" % rng.choice("AB")])
    elif cc == "ES":
        s.update(type=wchoice(rng, [(t, w) for t, w, _ in ES_TYPES]), name=Zipf(ES_NAMES, 0.6).pick(rng))
        if s["name"].startswith("Gran Vía"):
            s["type"] = ""
        if rng.random() < 0.70:
            s["apt"] = "%d|%s" % (rng.randint(1, 9), rng.choice(["A", "B", "C", "D", "izq.", "dcha.", "1ª", "2ª"]))
    elif cc == "IT":
        s.update(type=wchoice(rng, [(t, w) for t, w, _ in IT_TYPES]), name=Zipf(IT_NAMES, 0.6).pick(rng),
                 num=house_number(rng, 1, 220))
        if rng.random() < 0.06:
            s["sfx"] = rng.choice("ABC")
        if rng.random() < 0.20:
            s["apt"] = rng.choice(["int. %d" % rng.randint(1, 30), "scala %s" % rng.choice("ABC"),
                                   "piano %d" % rng.randint(1, 7), "scala B int. %d" % rng.randint(1, 20)])
    elif cc == "NL":
        s.update(name=Zipf(NL_STREETS, 0.6).pick(rng), num=house_number(rng, 1, 260))
        if rng.random() < 0.15:
            s["sfx"] = rng.choice(["A", "B", "C", "1", "2", "3", "II", "hs", "bis"])
    elif cc == "PL":
        t, n = rng.choice(PL_STREETS[:10]) if rng.random() < 0.5 else rng.choice(PL_STREETS)
        s.update(type=t, name=n, num=house_number(rng, 1, 120))
        if rng.random() < 0.12:
            s["sfx"] = rng.choice("ABC")
        if rng.random() < 0.60:
            s["apt"] = str(rng.randint(1, 120))
    elif cc == "IN":
        nm, t = rng.choice(IN_STREETS)
        s.update(name=nm, type=t, num=house_number(rng, 1, 600), loc=rng.choice(city["loc"].split("|")))
        if rng.random() < 0.5:
            s["apt"] = str(rng.choice([rng.randint(1, 20) * 100 + rng.randint(1, 12), rng.randint(1, 40)]))
            s["bldg"] = rng.choice(IN_BUILDINGS)
    elif cc == "BR":
        s.update(type=wchoice(rng, [(t, w) for t, w, _ in BR_TYPES]), name=Zipf(BR_NAMES, 0.6).pick(rng),
                 num=house_number(rng, 10, 3500), loc=rng.choice((city.get("bairro") or "Centro").split("|")))
        if s["name"] == "Paulista" and city["name"] != "São Paulo":
            s["name"] = "Brasil"
        if rng.random() < 0.35:
            s["apt"] = rng.choice(["apto %d" % rng.randint(11, 154), "Bloco %s apto %d" % (rng.choice("ABC"), rng.randint(11, 124)),
                                   "casa %d" % rng.randint(1, 4), "fundos", "sala %d" % rng.randint(1, 20)])
    return s


def make_address(cc, rng, city=None):
    city = city or CITY_ZIPF[cc].pick(rng)
    return dict(cc=cc, city=city, postcode=gen_postcode(cc, city, rng), street=make_street(cc, city, rng))


def _abbr(types, t, rng):
    for name, _, ab in types:
        if name == t and ab:
            return rng.choice(ab.split("|"))
    return t


def render_street(addr, rng, abbrev=False, show_apt=True, num=None, pname=0.8):
    """Render the structured street in the local style with optional abbreviations / apartment info."""
    cc = addr["cc"]
    s = addr["street"]
    name = alt(rng, s["name"], pname)
    num = s["num"] if num is None else num
    apt = s["apt"] if show_apt else ""
    sfx = s["sfx"]
    if cc == "US":
        t = _abbr(US_TYPES, s["type"], rng) if abbrev else s["type"]
        d = ""
        if s["dir"]:
            full = {"N": "North", "S": "South", "E": "East", "W": "West"}[s["dir"]]
            d = (rng.choice([s["dir"], s["dir"] + "."]) if abbrev else full) + " "
        line = ("%s %s%s %s" % (num, d, name, t)).strip()
        if apt:
            line += rng.choice([", Apt %s", " Apt %s", " #%s", ", Apt. %s", " Unit %s", ", #%s"]) % apt
        return line
    if cc == "UK":
        t = _abbr(UK_TYPES, s["type"], rng) if abbrev else s["type"]
        line = ("%s %s %s" % (num, name, t)).strip()
        if apt:
            line = rng.choice(["Flat %s, %s", "Flat %s %s", "%s/%s"]) % (apt, line) if rng.random() < 0.85 \
                else "%s, Flat %s" % (line, apt)
        return line
    if cc == "DE":
        if abbrev:
            r = rng.random()
            if r < 0.55:
                name = name.replace("straße", "str.").replace("Straße", "Str.")
            elif r < 0.8:
                name = name.replace("straße", "strasse").replace("Straße", "Strasse").replace("ß", "ss")
            else:
                name = name.replace("straße", "str").replace("Straße", "Str")
            if "-" in name and rng.random() < 0.4:
                name = name.replace("-", " ")
        n = num + ((rng.choice(["", " "]) + (sfx if rng.random() < 0.7 else sfx.upper())) if sfx else "")
        line = "%s %s" % (name, n)
        if apt:
            line += rng.choice([", %s", " / %s", " %s"]) % apt
        return line
    if cc == "FR":
        t = _abbr(FR_TYPES, s["type"], rng) if abbrev else s["type"]
        if rng.random() < 0.2:
            t = t[:1].upper() + t[1:]
        n = num + ((" " + sfx) if sfx and rng.random() < 0.8 else (sfx[:1].upper() if sfx else ""))
        line = rng.choice(["%s %s %s", "%s, %s %s", "%s %s %s"]) % (n, t, name)
        if apt:
            line = rng.choice(["%s, %s", "%s %s"]) % (apt, line) if rng.random() < 0.5 else "%s, %s" % (line, apt)
        if rng.random() < 0.12:
            line = line.upper()
        return line
    if cc == "ES":
        t = _abbr(ES_TYPES, s["type"], rng) if abbrev and s["type"] else s["type"]
        base = ("%s %s" % (t, name)).strip()
        if t in ("C/", "c/"):
            base = t + rng.choice(["", " "]) + name
        numtxt = rng.choice(["%s", "%s", "nº %s", "n.º %s", "núm. %s"]) % num
        line = rng.choice(["%s, %s", "%s %s", "%s, %s"]) % (base, numtxt)
        if apt:
            fl, door = apt.split("|")
            line += rng.choice([", %sº %s", " %sº%s", ", piso %s %s", " %sº %s", ", %s-%s"]) % (fl, door)
        return line
    if cc == "IT":
        t = _abbr(IT_TYPES, s["type"], rng) if abbrev else s["type"]
        n = num + (rng.choice(["/", "", " "]) + sfx if sfx else "")
        line = rng.choice(["%s %s %s", "%s %s, %s", "%s %s n. %s", "%s %s, n.%s"]) % (t, name, n)
        if apt:
            line += rng.choice([" %s", ", %s", " - %s"]) % apt
        return line
    if cc == "NL":
        if abbrev:
            name = name.replace("straat", rng.choice(["str.", "str"])).replace("Burgemeester", "Burg.") \
                .replace("Koningin", "Kon.").replace("Sint ", "St. ").replace("Dokter", "Dr.")
        add = ""
        if sfx:
            add = rng.choice(["%s", "-%s", " %s", "-%s"]) % (sfx if rng.random() < 0.75 else sfx.lower())
        return "%s %s%s" % (name, num, add)
    if cc == "PL":
        t = s["type"]
        r = rng.random()
        if r < 0.2:
            t = ""
        elif r < 0.27:
            t = {"ul.": "ulica", "al.": "aleja", "os.": "osiedle", "pl.": "plac"}[t]
        elif r < 0.35:
            t = t.capitalize()
        n = num + (sfx if sfx else "")
        if apt:
            n += rng.choice(["/%s", "/%s", " m. %s", " lok. %s", " m %s", "/%s"]) % apt
        return ("%s %s %s" % (t, name, n)).strip()
    if cc == "IN":
        t = s["type"]
        if abbrev and t == "Road":
            t = rng.choice(["Rd", "Rd.", "rd"])
        street = ("%s %s" % (name, t)).strip()
        parts = []
        if apt and s["bldg"]:
            b = s["bldg"].replace("Apartments", "Apts") if abbrev else s["bldg"]
            parts.append(rng.choice(["Flat %s, %s", "Flat No. %s, %s", "%s, %s", "#%s %s"]) % (apt, b))
            if num and rng.random() < 0.5:
                parts.append("%s %s" % (num, street))
            else:
                parts.append(street)
        else:
            parts.append(rng.choice(["%s, %s", "%s %s", "No. %s, %s", "#%s, %s", "H.No. %s, %s"]) % (num, street)
                         if num else street)
        if s["loc"] and rng.random() < 0.75:
            parts.append(s["loc"] if rng.random() < 0.85 else s["loc"].replace("T. Nagar", "T Nagar"))
        return ", ".join(p for p in parts if p)
    if cc == "BR":
        t = _abbr(BR_TYPES, s["type"], rng) if abbrev else s["type"]
        numtxt = rng.choice(["%s", "%s", "nº %s", "n. %s", "%s"]) % num if num else "s/n"
        line = rng.choice(["%s %s, %s", "%s %s, %s", "%s %s %s", "%s %s - %s"]) % (t, name, numtxt)
        if apt:
            line += rng.choice([", %s", " - %s", " %s", ", %s"]) % (apt if rng.random() < 0.8 else apt.replace("apto", "ap."))
        if s["loc"] and rng.random() < 0.25:
            line += " - " + s["loc"]
        return line
    return name


def render_city(addr, rng, ascii_p, alt_p=0.12):
    c = addr["city"]
    name = c["name"]
    if c["alts"] and rng.random() < alt_p:
        name = rng.choice(c["alts"])
    if addr["cc"] == "US" and rng.random() < 0.15:
        name = "%s, %s" % (name, c["st"]) if rng.random() < 0.7 else "%s %s" % (name, c["st"])
    if addr["cc"] == "FR" and name == "Paris" and rng.random() < 0.05:
        name = "Paris %s" % addr["postcode"][-2:].lstrip("0")
    if addr["cc"] == "FR" and rng.random() < 0.15:
        name = name.upper()   # La Poste norm: city in capitals
    if has_acc(name) and rng.random() < ascii_p:
        name = fold(name, rng, addr["cc"])
    return name


def render_postcode(addr, rng):
    pc = addr["postcode"]
    cc = addr["cc"]
    r = rng.random()
    if cc == "UK":
        if r < 0.2:
            pc = pc.replace(" ", "")
        elif r < 0.25:
            pc = pc.lower()
    elif cc == "NL":
        if r < 0.25:
            pc = pc.replace(" ", "")
        elif r < 0.30:
            pc = pc.lower()
    elif cc == "PL" and r < 0.15:
        pc = pc.replace("-", "")
    elif cc == "BR":
        if r < 0.2:
            pc = pc.replace("-", "")
        elif r < 0.23:
            pc = pc[:2] + "." + pc[2:]
    elif cc == "IN" and r < 0.15:
        pc = pc[:3] + " " + pc[3:]
    elif cc == "US" and r < 0.10:
        pc = "%s-%04d" % (pc, (sum(map(ord, addr["street"]["name"] + addr["street"]["num"])) * 7919) % 9000 + 1000)
    elif cc == "DE" and r < 0.03:
        pc = "D-" + pc
    elif cc == "FR" and r < 0.02:
        pc = "F-" + pc
    # spreadsheet round-trip drops leading zero
    if pc[:1] == "0" and cc in ("US", "DE", "ES", "IT", "FR", "BR") and rng.random() < 0.06:
        pc = pc.lstrip("0")
    return pc


def postcode_typo(pc, rng):
    digits = [i for i, c in enumerate(pc) if c.isdigit()]
    if not digits:
        return pc
    if rng.random() < 0.5 and len(digits) >= 2:
        k = rng.randrange(len(digits) - 1)
        i, j = digits[k], digits[k + 1]
        lst = list(pc)
        lst[i], lst[j] = lst[j], lst[i]
        return "".join(lst)
    i = rng.choice(digits[1:] or digits)
    return pc[:i] + str((int(pc[i]) + rng.choice([1, -1, 2])) % 10) + pc[i + 1:]


# ---------------------------------------------------------------------------
# Phones: canonical national significant number (NSN) + local formatting
# ---------------------------------------------------------------------------
def _digits(rng, n, first="0123456789"):
    if n <= 0:
        return ""
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def gen_landline(cc, city, rng):
    ac = rng.choice(city["ac"])
    if cc == "US":
        nsn = ac + _digits(rng, 7, "23456789")
    elif cc == "UK":
        nsn = ac + _digits(rng, 10 - len(ac), "378" if ac == "20" else "23456789")
    elif cc == "DE":
        nsn = ac + _digits(rng, (10 if len(ac) == 2 else rng.choice([10, 10, 11])) - len(ac), "23456789")
    elif cc == "FR":
        nsn = ac + _digits(rng, 8, "123456789")
    elif cc in ("ES", "PL"):
        nsn = ac + _digits(rng, 9 - len(ac), "2345678")
    elif cc == "IT":
        nsn = ac + _digits(rng, 10 - len(ac) if ac in ("06", "02") else rng.choice([9, 10]) - len(ac), "23456789")
    elif cc == "NL":
        nsn = ac + _digits(rng, 7, "23456789")
    elif cc == "IN":
        nsn = ac + _digits(rng, 10 - len(ac), "2456")
    elif cc == "BR":
        nsn = ac + _digits(rng, 8, "2345")
    else:
        nsn = ac + _digits(rng, 7)
    return dict(cc=cc, nsn=nsn, kind="l", acl=len(ac))


def gen_mobile(cc, city, rng):
    if cc == "US":
        ac = rng.choice(city["ac"])
        return dict(cc=cc, nsn=ac + _digits(rng, 7, "23456789"), kind="m", acl=3)
    if cc == "UK":
        return dict(cc=cc, nsn="7" + rng.choice("4579") + _digits(rng, 8), kind="m", acl=4)
    if cc == "DE":
        p = rng.choice(["151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174",
                        "175", "176", "177", "178", "179"])
        return dict(cc=cc, nsn=p + _digits(rng, 8 if p.startswith("15") or p == "176" else 7, "123456789"),
                    kind="m", acl=3)
    if cc == "FR":
        return dict(cc=cc, nsn=rng.choice("667") + _digits(rng, 8, "123456789"), kind="m", acl=1)
    if cc == "ES":
        return dict(cc=cc, nsn="6" + _digits(rng, 8), kind="m", acl=3)
    if cc == "IT":
        return dict(cc=cc, nsn="3" + rng.choice("234589") + _digits(rng, 8), kind="m", acl=3)
    if cc == "NL":
        return dict(cc=cc, nsn="6" + rng.choice("12345") + _digits(rng, 7), kind="m", acl=1)
    if cc == "PL":
        p = rng.choice(["50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"])
        return dict(cc=cc, nsn=p + _digits(rng, 7), kind="m", acl=3)
    if cc == "IN":
        return dict(cc=cc, nsn=_digits(rng, 10, "6789"), kind="m", acl=5)
    if cc == "BR":
        ac = rng.choice(city["ac"])
        return dict(cc=cc, nsn=ac + "9" + _digits(rng, 8, "6789"), kind="m", acl=2)
    return dict(cc=cc, nsn=_digits(rng, 9), kind="m", acl=3)


def phone_parts(ph):
    cc, n, k, a = ph["cc"], ph["nsn"], ph["kind"], ph["acl"]
    if cc == "US":
        return [n[:3], n[3:6], n[6:]]
    if cc == "UK":
        if k == "m" or a == 4:
            return [n[:4], n[4:]]
        if a == 2:
            return [n[:2], n[2:6], n[6:]]
        return [n[:3], n[3:6], n[6:]]
    if cc == "DE":
        return [n[:a], n[a:]]
    if cc == "FR":
        return [n[0]] + [n[i:i + 2] for i in range(1, 9, 2)]
    if cc == "ES":
        return [n[:3], n[3:6], n[6:]]
    if cc == "IT":
        if k == "m":
            return [n[:3], n[3:6], n[6:]]
        return [n[:a], n[a:]]
    if cc == "NL":
        if k == "m":
            return [n[:1], n[1:]]
        return [n[:2], n[2:5], n[5:]]
    if cc == "PL":
        if k == "m":
            return [n[:3], n[3:6], n[6:]]
        return [n[:2], n[2:5], n[5:7], n[7:]]
    if cc == "IN":
        if k == "m":
            return [n[:5], n[5:]]
        return [n[:a], n[a:]]
    if cc == "BR":
        if k == "m":
            return [n[:2], n[2:7], n[7:]]
        return [n[:2], n[2:6], n[6:]]
    return [n]


def fmt_phone(ph, rng, intl_p, trunk_err=False, drop_area=False):
    cc = ph["cc"]
    meta = COUNTRY[cc]
    code, trunk = meta["cc"], meta["trunk"]
    parts = phone_parts(ph)
    if rng.random() < intl_p or trunk_err:
        p0 = (trunk + parts[0]) if trunk_err and trunk else parts[0]
        if trunk_err and cc == "IT" and parts[0].startswith("0"):
            p0 = parts[0][1:]          # the classic Italian mistake: dropping the 0 after +39
        rest = parts[1:]
        style = wchoice(rng, [("sp", 40), ("e164", 25), ("00", 15), ("(0)", 8 if trunk else 0), ("dash", 7),
                              ("paren", 5)])
        if cc == "US" and style == "paren":
            return "+1 (%s) %s-%s" % (parts[0], parts[1], parts[2])
        if style == "sp":
            return "+%s %s" % (code, " ".join([p0] + rest))
        if style == "e164":
            return "+%s%s" % (code, "".join([p0] + rest))
        if style == "00":
            return "00%s %s" % (code, " ".join([p0] + rest) if rng.random() < 0.7 else "".join([p0] + rest))
        if style == "(0)":
            return "+%s (0)%s %s" % (code, p0, " ".join(rest))
        if style == "dash":
            return "+%s-%s" % (code, "-".join([p0] + rest))
        return "(+%s) %s" % (code, " ".join([p0] + rest))
    # national formats
    p = list(parts)
    if trunk:
        p[0] = trunk + p[0]
    k = ph["kind"]
    if drop_area and cc in ("US", "BR") :
        return rng.choice(["%s-%s", "%s %s"]) % (p[-2], p[-1])
    if cc == "US":
        return wchoice(rng, [("(%s) %s-%s" % tuple(p), 35), ("%s-%s-%s" % tuple(p), 30), ("%s.%s.%s" % tuple(p), 10),
                             ("%s %s %s" % tuple(p), 5), ("".join(p), 10), ("1-%s-%s-%s" % tuple(p), 5),
                             ("1 (%s) %s-%s" % tuple(p), 5)])
    if cc == "UK":
        return wchoice(rng, [(" ".join(p), 60), ("".join(p), 20), ("(%s) %s" % (p[0], " ".join(p[1:])), 10),
                             ("-".join(p), 5), ("%s %s" % (p[0], "".join(p[1:])), 5)])
    if cc == "DE":
        r = p[1]
        grouped = " ".join([r[i:i + 2] for i in range(0, len(r), 2)]) if len(r) % 2 == 0 else r[:3] + " " + r[3:]
        return wchoice(rng, [("%s %s" % (p[0], r), 35), ("%s/%s" % (p[0], r), 25), ("%s-%s" % (p[0], r), 10),
                             ("(%s) %s" % (p[0], r), 10), (p[0] + r, 10), ("%s %s" % (p[0], grouped), 10)])
    if cc == "FR":
        return wchoice(rng, [(" ".join(p), 55), (".".join(p), 20), ("".join(p), 15), ("-".join(p), 7),
                             ("%s%s %s %s %s" % tuple(p), 3)])
    if cc == "ES":
        n = "".join(p)
        return wchoice(rng, [(" ".join(p), 45), (n, 30), ("%s %s %s %s" % (n[:2], n[2:5], n[5:7], n[7:]), 15),
                             ("%s-%s-%s" % (n[:3], n[3:6], n[6:]), 10)])
    if cc == "IT":
        n = "".join(p)
        if k == "m":
            return wchoice(rng, [(" ".join(p), 35), (n, 30), ("%s-%s" % (n[:3], n[3:]), 15), ("%s/%s" % (n[:3], n[3:]), 10),
                                 ("%s %s" % (n[:3], n[3:]), 10)])
        return wchoice(rng, [("%s %s" % (p[0], p[1]), 35), (n, 25), ("%s/%s" % (p[0], p[1]), 10),
                             ("%s-%s" % (p[0], p[1]), 15), ("%s %s %s" % (p[0], p[1][:-4], p[1][-4:]), 15)])
    if cc == "NL":
        n = "".join(p)
        if k == "m":
            return wchoice(rng, [("06-%s" % n[2:], 35), ("06 %s %s" % (n[2:6], n[6:]), 20), (n, 25),
                                 ("06 " + " ".join(n[i:i + 2] for i in range(2, 10, 2)), 10), ("(06) %s" % n[2:], 10)])
        return wchoice(rng, [("%s-%s" % (p[0], "".join(p[1:])), 35), (" ".join(p), 25), (n, 20),
                             ("(%s) %s" % (p[0], "".join(p[1:])), 10), ("%s %s" % (p[0], "".join(p[1:])), 10)])
    if cc == "PL":
        n = "".join(p)
        if k == "m":
            return wchoice(rng, [(" ".join(p), 45), (n, 25), ("-".join(p), 20), ("+48%s" % n, 0), ("%s %s" % (n[:3], n[3:]), 10)])
        return wchoice(rng, [(" ".join(p), 45), (n, 20), ("(%s) %s-%s-%s" % tuple(p), 15), ("%s %s" % (p[0], "".join(p[1:])), 10),
                             ("0 %s" % " ".join(p), 5), ("(0-%s) %s" % (p[0], "".join(p[1:])), 5)])
    if cc == "IN":
        if k == "m":
            raw = ph["nsn"]
            return wchoice(rng, [("%s %s" % (raw[:5], raw[5:]), 40), (raw, 35), ("0%s %s" % (raw[:5], raw[5:]), 5),
                                 ("0" + raw, 10), ("%s-%s" % (raw[:5], raw[5:]), 10)])
        return wchoice(rng, [("%s %s %s" % (p[0], p[1][:-4], p[1][-4:]), 35), ("%s-%s" % (p[0], p[1]), 35),
                             ("(%s) %s" % (p[0], p[1]), 15), ("".join(p), 15)])
    if cc == "BR":
        a = p[0][1:] if p[0].startswith("0") else p[0]
        return wchoice(rng, [("(%s) %s-%s" % (a, p[1], p[2]), 50), ("%s %s-%s" % (a, p[1], p[2]), 15),
                             (a + p[1] + p[2], 15), ("(0%s) %s-%s" % (a, p[1], p[2]), 5), ("%s-%s-%s" % (a, p[1], p[2]), 5),
                             ("(%s) %s%s" % (a, p[1], p[2]), 10)])
    return "".join(p)


def phone_digit_error(ph, rng):
    n = list(ph["nsn"])
    i = rng.randrange(max(1, len(n) - 7), len(n))
    if rng.random() < 0.5 and i + 1 < len(n) and n[i] != n[i + 1]:
        n[i], n[i + 1] = n[i + 1], n[i]
    else:
        n[i] = rng.choice([d for d in "0123456789" if d != n[i]])
    return dict(ph, nsn="".join(n))


# ---------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------
class Person:
    def __init__(self, **kw):
        self.hh = None
        self.role = "single"
        self.flags = []
        self.middle = ""
        self.suffix = ""
        self.maiden = ""
        self.patro = False
        self.prev_addr = None
        self.prev_landline = None
        self.email_old = None
        self.keep_email = True
        self.work_email = None
        self.family_email = None
        self.split_move = 0
        self.split_name = 0
        self.group = ""
        self.alt_email = None
        self.sticky = {}
        self.old_mobile = None
        self.__dict__.update(kw)


class Ctx:
    def __init__(self, rng, mix):
        self.rng = rng
        self.mix = mix
        self.persons = []
        self.emails = set()
        self.phones = set()
        self.sids = defaultdict(set)
        self.n_hh = 0
        self.hh_sizes = Counter()


def birth_from_age(rng, age):
    return REF_DATE - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 364))


def add_years(d, years, rng):
    return d + dt.timedelta(days=int(years * 365.25) + rng.randint(-150, 150))


def adult_age(rng):
    return max(18.0, min(94.0, rng.triangular(18, 92, 36)))


def choose_origin(cc, rng):
    if rng.random() < 0.07 and IMMIGRANT.get(cc):
        return rng.choice(IMMIGRANT[cc])
    return cc


def in_group(city, rng, residence):
    region = city.get("region") if residence == "IN" else rng.choice(["north", "west", "south", "east"])
    r = rng.random()
    if r < 0.12:
        return "mus", region
    if r < 0.16 or (region == "north" and r < 0.20):
        return "sikh", region
    return "hindu", region


def pick_first(origin, sex, rng, group="", region=""):
    if origin == "IN":
        s = sex.lower()
        if group == "mus":
            return IN_POOLS[s + "_mus"].pick(rng)
        if group == "sikh":
            return IN_POOLS[s + "_sikh"].pick(rng)
        if region == "south" and rng.random() < 0.75:
            return IN_POOLS[s + "_south"].pick(rng)
        return IN_POOLS[s + "_gen"].pick(rng)
    return POOLS[origin][sex.lower()].pick(rng)


def pick_surname(origin, sex, rng, group="", region=""):
    """Family surname in its male/base form (PL gender applied by caller)."""
    if origin == "IN":
        if group == "mus":
            return IN_POOLS["s_mus"].pick(rng)
        if group == "sikh":
            if rng.random() < 0.8:
                return "Kaur" if sex == "F" else "Singh"
            return IN_POOLS["s_sikh"].pick(rng)
        return IN_POOLS["s_" + (region or "north")].pick(rng)
    pool = POOLS[origin]["s"]
    if origin == "ES":
        a = pool.pick(rng)
        b = pool.pick(rng)
        while b == a:
            b = pool.pick(rng)
        return a + " " + b
    if origin == "BR":
        words = [pool.pick(rng)]
        if rng.random() < 0.55:
            w2 = pool.pick(rng)
            if w2 != words[0]:
                words.append(w2)
        out = []
        for w in words:
            if w in BR_PARTICLE and rng.random() < 0.35:
                out.append(BR_PARTICLE[w] + " " + w)
            else:
                out.append(w)
        return " ".join(out)
    return pool.pick(rng)


def br_units(s):
    """'da Silva Santos' -> ['da Silva', 'Santos']"""
    out, pend = [], ""
    for w in s.split():
        if w in ("da", "de", "do", "dos", "das"):
            pend = w
        else:
            out.append((pend + " " + w).strip())
            pend = ""
    return out or [s]


def br_last_word(s):
    return br_units(s)[-1]


def form_surname(origin, sex, base):
    return pl_gender(base, sex) if origin == "PL" else base


def slug(s, rng, origin):
    s = fold(s, rng, origin).lower()
    return "".join(c for c in s if c.isalnum())


def email_surname(last, origin, rng):
    words = last.replace("-", " ").split()
    if not words:
        return ""
    if origin == "ES":
        return words[0] if rng.random() < 0.75 else "".join(words[:2])
    if origin == "BR":
        w = [x for x in words if x not in ("da", "de", "do", "dos", "das")]
        return w[-1] if rng.random() < 0.7 else "".join(w)
    if origin == "NL":
        core = [x for x in words if x.lower() not in ("van", "de", "der", "den", "het", "ter", "te")]
        return "".join(words) if rng.random() < 0.5 else (core[-1] if core else words[-1])
    return "".join(words)


HANDLE_WORDS = L("sunny, tiger, blue, star, dragon, cool, happy, music, soccer, rocky, lucky, shadow, "
                 "sweet, magic, pixel, eagle, ninja, moon, surf, dream, red, silver, wild, jazz")


def canon_email(e):
    # a mailbox as the provider sees it: Gmail ignores dots and treats googlemail.com as gmail.com
    local, dom = e.lower().rsplit("@", 1)
    if dom in ("gmail.com", "googlemail.com"):
        return local.replace(".", "") + "@gmail.com"
    return local + "@" + dom


def make_email(ctx, p, first=None, last=None, domain=None):
    rng = ctx.rng
    first = first or p.first
    last = last if last is not None else p.last
    fw = first.replace("-", " ").split()
    f = slug(fw[0] if (len(fw) > 1 and rng.random() < 0.7) else "".join(fw), rng, p.origin) or "x"
    l = slug(email_surname(last, p.origin, rng), rng, p.origin) or slug(p.first, rng, p.origin)
    yy = "%02d" % (p.birth.year % 100)
    yyyy = str(p.birth.year)
    nick = NICK.get(p.origin, {}).get(first)
    nk = slug(rng.choice(nick), rng, p.origin) if nick else f
    mi = slug(p.middle, rng, p.origin)[:1] if p.middle else ""
    pat = wchoice(rng, [("f.l", 25), ("fl", 10), ("f_l", 4), ("fl99", 12), ("f.l99", 6), ("fil", 8), ("fi.l", 4),
                        ("f99", 8), ("l.f", 4), ("nick", 6), ("init", 4), ("handle", 4), ("l99", 3), ("fml", 2)])
    num = rng.choice([yy, yy, yyyy, str(rng.randint(1, 99)), str(rng.randint(100, 999))])
    local = {"f.l": f + "." + l, "fl": f + l, "f_l": f + "_" + l, "fl99": f + l + num, "f.l99": f + "." + l + num,
             "fil": f[:1] + l, "fi.l": f[:1] + "." + l, "f99": f + num, "l.f": l + "." + f, "nick": nk + num,
             "init": f[:1] + mi + l[:1] + num, "handle": rng.choice(HANDLE_WORDS) + rng.choice(["", "_"]) + f + num,
             "l99": l + num, "fml": f + mi + l}[pat]
    dom = domain or wchoice(rng, COUNTRY[p.cc]["mail"])
    e = "%s@%s" % (local, dom)
    tries = 0
    while canon_email(e) in ctx.emails:
        tries += 1
        local2 = local + (str(rng.randint(1, 9)) if tries < 3 else str(rng.randint(10, 9999)))
        e = "%s@%s" % (local2, dom)
    ctx.emails.add(canon_email(e))
    return e


def make_family_email(ctx, p, other_first):
    rng = ctx.rng
    l = slug(email_surname(p.last, p.origin, rng), rng, p.origin)
    f1 = slug(p.first.split()[0], rng, p.origin)
    f2 = slug(other_first.split()[0], rng, p.origin)
    word = {"DE": "familie", "FR": "famille", "ES": "familia", "IT": "famiglia", "NL": "fam", "PL": "rodzina",
            "BR": "familia"}.get(p.origin, "family")
    local = rng.choice(["%s.family" % l, "%sfamily" % l, "the%ss" % l, "%sand%s" % (f1, f2), "%s.%s" % (word, l),
                        "%s%s" % (word, l), "%s-%s" % (f1, f2), "%s.home" % l])
    dom = wchoice(rng, COUNTRY[p.cc]["mail"])
    e = "%s@%s" % (local, dom)
    while canon_email(e) in ctx.emails:
        e = "%s%d@%s" % (local, rng.randint(1, 99), dom)
    ctx.emails.add(canon_email(e))
    return e


def unique_phone(ctx, gen):
    for _ in range(50):
        ph = gen()
        key = (ph["cc"], ph["nsn"])
        if key not in ctx.phones:
            ctx.phones.add(key)
            return ph
    return ph


def new_person(ctx, cc, origin, sex, birth, first=None, last=None, addr=None, group="", region="",
               landline="new", with_email=True):
    rng = ctx.rng
    addr = addr or make_address(cc, rng)
    if origin == "IN" and not group:
        group, region = in_group(addr["city"], rng, cc)
    first = first or pick_first(origin, sex, rng, group, region)
    if last is None:
        last = form_surname(origin, sex, pick_surname(origin, sex, rng, group, region))
    p = Person(pid="P%06d" % (len(ctx.persons) + 1), cc=cc, origin=origin, sex=sex, birth=birth, first=first,
               last=last, addr=addr, group=group, region=region)
    if rng.random() < COUNTRY[origin]["middle"] and " " not in first:
        m = pick_first(origin, sex, rng, group, region)
        if m != first and " " not in m:
            p.middle = m
    # south-Indian patronymic naming: 'surname' is father's given name, often written as an initial
    if origin == "IN" and group == "hindu" and region == "south" and rng.random() < 0.4:
        p.patro = True
        p.flags.append("patronymic")
        if last is None or rng.random() < 0.5:
            p.last = IN_POOLS["patro"].pick(rng)
    city = addr["city"]
    p.mobile = unique_phone(ctx, lambda: gen_mobile(cc, city, rng)) if rng.random() < 0.95 else None
    if landline == "new":
        p.landline = unique_phone(ctx, lambda: gen_landline(cc, city, rng)) \
            if rng.random() < COUNTRY[cc]["landline"] * (1.4 if p.birth.year < 1965 else 1.0) else None
    else:
        p.landline = landline
    if p.mobile is None and p.landline is None:
        p.mobile = unique_phone(ctx, lambda: gen_mobile(cc, city, rng))
    p.email = make_email(ctx, p) if (with_email and rng.random() < (0.93 if p.birth.year > 1955 else 0.75)) else None
    # a second personal mailbox (different provider/pattern) used by some systems
    p.alt_email = make_email(ctx, p) if (p.email and rng.random() < 0.60) else None
    # an older mobile number still stored in some systems
    p.old_mobile = unique_phone(ctx, lambda: gen_mobile(cc, city, rng)) if (p.mobile and rng.random() < 0.25) else None
    if rng.random() < 0.15 and 1955 < p.birth.year < 2003:
        d = rng.choice(COUNTRY[cc]["work"])
        fw = slug(p.first.split()[0], rng, origin)
        lw = slug(email_surname(p.last, origin, rng), rng, origin)
        local = rng.choice(["%s.%s" % (fw, lw), "%s%s" % (fw[:1], lw), "%s_%s" % (fw, lw), "%s" % lw + fw[:1]])
        e = "%s@%s" % (local, d)
        while canon_email(e) in ctx.emails:
            e = "%s%d@%s" % (local, rng.randint(2, 9), d)
        ctx.emails.add(canon_email(e))
        p.work_email = e
    ctx.persons.append(p)
    return p


def make_single(ctx, cc):
    rng = ctx.rng
    origin = choose_origin(cc, rng)
    sex = rng.choice("MF")
    return new_person(ctx, cc, origin, sex, birth_from_age(rng, adult_age(rng)))


def make_namesake(ctx):
    """A different person sharing first name, surname and (mostly) city with an existing person."""
    rng = ctx.rng
    cands = ctx.persons[-400:]
    src = rng.choice(cands)
    city = src.addr["city"] if rng.random() < 0.85 else None
    addr = make_address(src.cc, rng, city)
    r = rng.random()
    if r < 0.05:
        birth = src.birth                                    # same date of birth (rare but real)
    elif r < 0.55:
        birth = dt.date(src.birth.year, rng.randint(1, 12), rng.randint(1, 28))   # same birth year
    else:
        birth = birth_from_age(rng, adult_age(rng))
    if birth > REF_DATE - dt.timedelta(days=18 * 366):
        birth = REF_DATE - dt.timedelta(days=18 * 366 + rng.randint(0, 400))
    last = src.maiden if (src.maiden and rng.random() < 0.3) else src.last
    if src.origin == "ES" and " " in last and rng.random() < 0.5:
        # Spanish: same first name + first surname, different second surname ("María García ...")
        a = last.split()[0]
        b = POOLS["ES"]["s"].pick(rng)
        last = a + " " + (b if b != a else POOLS["ES"]["s"].pick(rng))
    p = new_person(ctx, src.cc, src.origin, src.sex, birth, first=src.first, last=last, addr=addr,
                   group=src.group, region=src.region)
    p.flags.append("namesake_of:" + src.pid)
    return p


def make_household(ctx, cc, size):
    rng = ctx.rng
    ctx.n_hh += 1
    ctx.hh_sizes[size] += 1
    hid = "H%05d" % ctx.n_hh
    origin = choose_origin(cc, rng)
    addr = make_address(cc, rng)
    city = addr["city"]
    group, region = in_group(city, rng, cc) if origin == "IN" else ("", "")
    landline = unique_phone(ctx, lambda: gen_landline(cc, city, rng)) if rng.random() < 0.65 else None
    members = []

    if size == 2:
        kind = wchoice(rng, [("couple", 65), ("parent_child", 25), ("siblings", 10)])
    elif size == 3:
        kind = wchoice(rng, [("family", 70), ("parent_child", 20), ("siblings", 10)])
    else:
        kind = wchoice(rng, [("family", 85), ("parent_child", 15)])

    fam_base = pick_surname(origin, "M", rng, group, region)

    def mk(sex, birth, first=None, last=None, role="member"):
        p = new_person(ctx, cc, origin, sex, birth, first=first, last=last, addr=addr, group=group,
                       region=region, landline=landline)
        p.hh, p.role = hid, role
        members.append(p)
        return p

    def kids_last(father, mother):
        if origin == "ES":
            return father.last.split()[0] + " " + (mother.maiden or mother.last).split()[0]
        if origin == "BR":
            return br_last_word(mother.maiden or mother.last) + " " + br_last_word(father.last)
        if origin == "IN" and father.patro:
            return father.first
        return fam_base

    used_first = set()

    def fresh_first(sex):
        for _ in range(30):
            f = pick_first(origin, sex, rng, group, region)
            if f not in used_first:
                used_first.add(f)
                return f
        return f

    if kind in ("couple", "family"):
        n_kids = 0 if kind == "couple" else size - 2
        fa_age = rng.uniform(24, 85) if n_kids == 0 else rng.uniform(44, 82)
        father = mk("M", birth_from_age(rng, fa_age), fresh_first("M"), form_surname(origin, "M", fam_base), "father")
        mo_age = max(20.0, fa_age + rng.uniform(-9, 3))
        maiden = form_surname(origin, "F", pick_surname(origin, "F", rng, group, region))
        if origin == "ES":
            mo_last = maiden
            maiden = ""
        elif origin == "BR":
            mo_last = (br_units(maiden)[0] + " " + br_last_word(father.last)) if rng.random() < 0.6 else maiden
            maiden = maiden if mo_last != maiden else ""
        elif origin == "IN" and father.patro:
            mo_last = father.first if rng.random() < 0.5 else IN_POOLS["patro"].pick(rng)
            maiden = ""
        else:
            r = rng.random()
            keep = 0.70 if origin == "IT" else 0.12
            if r < keep:
                mo_last, maiden = maiden, ""
            elif r < keep + 0.08 and origin in ("DE", "NL", "FR", "PL"):
                mo_last = form_surname(origin, "F", fam_base) + "-" + maiden
            else:
                mo_last = form_surname(origin, "F", fam_base)
        mother = mk("F", birth_from_age(rng, mo_age), fresh_first("F"), mo_last, "mother")
        mother.maiden = maiden
        jr_p = {"US": 0.4, "BR": 0.3}.get(origin, 0.12)
        twins = n_kids >= 2 and rng.random() < 0.15
        first_kid_birth = None
        for k in range(n_kids):
            sex = rng.choice("MF")
            gap = rng.uniform(25, 35) if k == 0 else rng.uniform(25, 38)
            kb = add_years(father.birth, gap, rng) if sex == "M" or rng.random() < 0.5 else add_years(mother.birth, gap - 2, rng)
            if kb > REF_DATE - dt.timedelta(days=18 * 366):
                kb = REF_DATE - dt.timedelta(days=18 * 366 + rng.randint(0, 2000))
            if twins and k == 1:
                kb = first_kid_birth
            first_kid_birth = first_kid_birth or kb
            first = None
            if k == 0 and sex == "M" and not father.patro and rng.random() < jr_p * 2.2:
                first = father.first                 # Jr./Sr. : son named after father
            kid_last = form_surname(origin, sex, kids_last(father, mother))
            kid = mk(sex, kb, first or fresh_first(sex), kid_last, "child")
            if first:
                kid.flags.append("junior_of:" + father.pid)
                father.flags.append("senior_of:" + kid.pid)
                if origin == "US":
                    kid.suffix, father.suffix = "Jr.", "Sr."
                elif origin == "BR":
                    kid.suffix = rng.choice(["Filho", "Filho", "Júnior", "Junior", "Neto"])
                kid.middle = father.middle if rng.random() < 0.7 else kid.middle
            if twins and k == 1:
                kid.flags.append("twin_of:" + members[-2].pid)
                members[-2].flags.append("twin_of:" + kid.pid)
    elif kind == "parent_child":
        psex = rng.choice("MF")
        pa_age = rng.uniform(46, 85)
        parent = mk(psex, birth_from_age(rng, pa_age), fresh_first(psex), form_surname(origin, psex, fam_base),
                    "father" if psex == "M" else "mother")
        for k in range(size - 1):
            sex = rng.choice("MF")
            kb = add_years(parent.birth, rng.uniform(24, 38), rng)
            if kb > REF_DATE - dt.timedelta(days=18 * 366):
                kb = REF_DATE - dt.timedelta(days=18 * 366 + rng.randint(0, 2000))
            first = None
            if k == 0 and sex == psex and rng.random() < {"US": 0.35, "BR": 0.25}.get(origin, 0.1):
                first = parent.first
            kid = mk(sex, kb, first or fresh_first(sex), form_surname(origin, sex, fam_base), "child")
            if first:
                kid.flags.append("junior_of:" + parent.pid)
                parent.flags.append("senior_of:" + kid.pid)
                if origin == "US":
                    kid.suffix, parent.suffix = ("Jr.", "Sr.") if sex == "M" else ("", "")
                elif origin == "BR" and sex == "M":
                    kid.suffix = rng.choice(["Filho", "Júnior", "Junior"])
    else:   # siblings sharing a flat
        base_age = rng.uniform(19, 40)
        for k in range(size):
            sex = rng.choice("MF")
            b = birth_from_age(rng, max(18.0, base_age + rng.uniform(-6, 6)))
            mk(sex, b, fresh_first(sex), form_surname(origin, sex, fam_base), "sibling")
    # shared family e-mail address
    if len(members) >= 2 and rng.random() < 0.18:
        fe = make_family_email(ctx, members[0], members[1].first)
        for m in members:
            if m.role in ("father", "mother") or rng.random() < 0.4:
                m.family_email = fe
                if m.email is None or rng.random() < 0.25:
                    m.flags.append("family_email_only")
    return members


def pick_n_records(rng):
    if rng.random() < 0.45:
        return 1
    return wchoice(rng, [(2, 45), (3, 30), (4, 15), (5, 10)])


def assign_events(ctx):
    """Moves and surname changes; they only matter for persons with >= 2 records."""
    rng = ctx.rng
    for p in ctx.persons:
        p.n_rec = pick_n_records(rng)
    for p in ctx.persons:
        if p.n_rec < 2:
            continue
        # moved: later records carry a new address (usually another city) but the same mobile / e-mail
        pm = 0.30 if p.role == "child" else (0.05 if p.hh else 0.10)
        if rng.random() < pm:
            old = p.addr
            cities = [c for c in CITIES[p.cc] if c is not old["city"]]
            city = rng.choice(cities) if rng.random() < 0.85 else old["city"]
            p.prev_addr = old
            p.addr = make_address(p.cc, rng, city)
            p.prev_landline = p.landline
            p.landline = unique_phone(ctx, lambda: gen_landline(p.cc, city, rng)) if rng.random() < 0.3 else None
            if p.mobile is None:
                p.mobile = unique_phone(ctx, lambda: gen_mobile(p.cc, city, rng))
            p.split_move = rng.randint(1, p.n_rec - 1)
            p.flags.append("moved")
        # surname change by marriage
        age = (REF_DATE - p.birth).days / 365.25
        if p.sex == "F" and age >= 24 and p.origin != "ES":
            if p.maiden and rng.random() < 0.35:
                pass                                   # wife in household: some old records under maiden name
            elif not p.maiden and not p.hh and rng.random() < 0.08:
                p.maiden = p.last
                newlast = form_surname(p.origin, "F", pick_surname(p.origin, "M", rng, p.group, p.region))
                if p.origin == "BR":
                    newlast = br_last_word(p.last) + " " + br_last_word(newlast)
                p.last = newlast if rng.random() < 0.85 or p.origin not in ("DE", "NL", "FR", "PL") \
                    else newlast + "-" + p.maiden
            else:
                p.maiden = "" if not p.hh else p.maiden
                continue
            if not p.maiden:
                continue
            p.split_name = rng.randint(1, p.n_rec - 1)
            p.flags.append("surname_change")
            if p.email and rng.random() < 0.7:
                p.email_old = p.email if rng.random() < 0.5 else make_email(ctx, p, last=p.maiden)
                p.keep_email = rng.random() < 0.5


# ---------------------------------------------------------------------------
# Record rendering (each record draws its own corruptions)
# ---------------------------------------------------------------------------
SOURCES = [("crm", 35), ("shop", 35), ("support", 15), ("survey", 15)]

# per-source behaviour: nick = nickname prob, phon = phonetic respelling, typo, init = initial only,
# ascii = diacritics dropped, upper/lower = case, swap = first/last swapped, intl = phone in intl format
SRC = {
    "crm": dict(nick=0.05, phon=0.025, typo=0.03, init=0.02, ascii=0.15, upper=0.06, lower=0.01, swap=0.015,
                mid=0.22, intl=0.45, moji=0.012),
    "shop": dict(nick=0.10, phon=0.02, typo=0.045, init=0.02, ascii=0.35, upper=0.03, lower=0.07, swap=0.02,
                 mid=0.08, intl=0.30, moji=0.006),
    "support": dict(nick=0.09, phon=0.08, typo=0.05, init=0.05, ascii=0.30, upper=0.14, lower=0.02, swap=0.03,
                    mid=0.05, intl=0.15, moji=0.004),
    "survey": dict(nick=0.15, phon=0.02, typo=0.05, init=0.02, ascii=0.25, upper=0.03, lower=0.16, swap=0.02,
                   mid=0.05, intl=0.25, moji=0.0),
}

# field presence profiles per source: (weight, {field: probability})
F = ["first", "last", "email", "phone", "birth", "street", "city", "postcode", "country"]


def _prof(*vals):
    return dict(zip(F, vals))


PROFILES = {
    "crm": [(70, _prof(.99, .98, .72, .75, .80, .92, .93, .90, .90)),
            (30, _prof(.97, .95, .70, .90, .35, .40, .60, .40, .70))],
    "shop": [(75, _prof(.97, .95, .97, .45, .25, .90, .92, .92, .85)),
             (25, _prof(.85, .70, 1.0, .20, .05, .20, .30, .50, .40))],
    "support": [(35, _prof(.90, .40, 1.0, .15, .0, .0, .10, .0, .20)),
                (35, _prof(.90, .85, .10, 1.0, .10, .05, .20, .10, .20)),
                (30, _prof(.95, .85, .70, .60, .15, .30, .50, .35, .50))],
    "survey": [(40, _prof(1.0, .15, 1.0, .0, .50, .0, .30, .20, .50)),
               (60, _prof(.95, .70, .40, .15, .70, .05, .75, .50, .60))],
}


def render_first(p, rng, P):
    f = p.first
    o = p.origin
    if " " in f or "-" in f:
        sep = " " if " " in f else "-"
        a, b = f.split(sep, 1)
        r = rng.random()
        if o == "ES" and a in ("María", "Mª"):
            if r < 0.30:
                f = b
            elif r < 0.42:
                f = "Mª " + b
            elif r < 0.48:
                f = "M. " + b
            elif r < 0.56:
                f = a
        elif o == "ES" and a == "José" and r < 0.35:
            f = a if r < 0.22 else "J. " + b
        elif o == "FR" and sep == "-":
            if r < 0.20:
                f = a + " " + b
            elif r < 0.33:
                f = a
            elif r < 0.36:
                f = a + b.lower()
        elif r < 0.25:
            f = a
        elif r < 0.28:
            f = a + sep + b[0] + "."
    nick = NICK.get(o, {}).get(p.first) or NICK.get(o, {}).get(f)
    pn = P["nick"] * (4.0 if (o == "NL" and p.first in NL_OFFICIAL) else 1.0)
    if nick and rng.random() < pn:
        f = rng.choice(nick)
    if rng.random() < P["phon"]:
        f = phonetic(f, rng, o)
    if p.middle and rng.random() < P["mid"]:
        f = f + " " + (p.middle if rng.random() < 0.55 else p.middle[0] + rng.choice([".", ".", ""]))
    if rng.random() < P["init"]:
        f = f[0] + rng.choice([".", ".", ""]) + (" " + p.middle[0] + "." if p.middle and rng.random() < 0.3 else "")
    if rng.random() < P["typo"] and len(f) > 2:
        f = typo(f, rng)
    return f


def render_last(p, last, rng, P):
    """Returns (first_name_prefix, last_name)."""
    o = p.origin
    l = last
    prefix = ""
    r = rng.random()
    if o == "ES" and " " in l:
        a, b = l.split(" ", 1)
        if r < 0.35:
            l = a
        elif r < 0.42:
            l = a + "-" + b
        elif r < 0.45:
            l = a + " y " + b
        elif r < 0.50:
            l = a + " " + b[0] + "."
    elif o == "BR":
        words = l.split()
        core = [w for w in words if w not in ("da", "de", "do", "dos", "das")]
        if r < 0.25 and len(core) > 1:
            l = core[-1]                                    # only the last surname
        elif r < 0.35 and len(words) != len(core):
            l = " ".join(core)                              # particles dropped
        elif r < 0.40 and len(core) > 1:
            l = core[0][0] + ". " + core[-1]
    elif o == "NL" and l.split()[0].lower() in ("van", "de", "der", "den", "ter", "te", "het"):
        words = l.split()
        parts = [w for w in words if w.islower() or w.lower() in ("van", "de", "der", "den", "ter", "te", "het")]
        core = " ".join(w for w in words if w not in parts)
        part = " ".join(parts)
        if r < 0.20:
            l = part[:1].upper() + part[1:] + " " + core               # "Van den Berg"
        elif r < 0.33:
            l = core                                                   # "Berg"
        elif r < 0.38:
            l = "%s, %s" % (core, part)                                # "Berg, van den"
        elif r < 0.43:
            l = (part + core).replace(" ", "")                         # "vandenBerg"
            l = l[:1].upper() + l[1:].lower()                          # "Vandenberg"
        elif r < 0.46:
            l = "v.d. " + core if "van de" in part else part + " " + core
        elif r < 0.49:
            prefix = " " + part                                        # particle ends up in the first-name field
            l = core
    elif o == "IN" and p.patro:
        if r < 0.25:
            l = l[0] + rng.choice([".", ""])
        elif r < 0.40:
            prefix, l = "pre:" + l[0] + rng.choice([". ", " ", "."]), ""
        elif r < 0.52:
            l = ""
    elif o == "IN" and r < 0.06:
        l = ""
    if "'" in l and rng.random() < 0.25:
        l = l.replace("'", rng.choice(["", " ", "’"]))
    if p.suffix:
        if p.suffix in ("Jr.", "Sr."):
            pr = 0.4 if p.suffix == "Jr." else 0.15
            if rng.random() < pr:
                l = l + rng.choice([" " + p.suffix, " " + p.suffix.rstrip("."), ", " + p.suffix])
        elif rng.random() < 0.7:
            l = l + " " + p.suffix
    if o == "PL" and p.sex == "F" and rng.random() < 0.03:
        l = pl_male(l)
    if rng.random() < P["phon"]:
        w = l.split()
        if w:
            k = rng.randrange(len(w))
            w[k] = phonetic(w[k], rng, o)
            l = " ".join(w)
    if rng.random() < P["typo"] * 1.1 and len(l) > 2:
        l = typo(l, rng)
    return prefix, l


def render_birth(b, rng, src):
    r = rng.random()
    y, m, d = b.year, b.month, b.day
    if r < 0.03 and d <= 12 and d != m:
        m, d = d, m                                       # US vs EU day/month confusion
    elif r < 0.05:
        s = "%04d%02d%02d" % (y, m, d)                    # one digit typo (kept a valid date)
        for _ in range(10):
            i = rng.choice([2, 3, 5, 7])
            t = s[:i] + rng.choice("0123456789") + s[i + 1:]
            try:
                x = dt.date(int(t[:4]), int(t[4:6]), int(t[6:]))
                if x != b:
                    return x.isoformat()
            except ValueError:
                pass
    elif r < 0.065:
        y += rng.choice([-1, 1])
    elif r < 0.07 and src == "crm":
        return rng.choice(["1900-01-01", "1970-01-01", "1901-01-01"])
    elif r < 0.075 and src == "survey":
        return "%04d-01-01" % y                           # only the year was asked
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return dt.date(y, m, 28).isoformat()


DOMAIN_TYPOS = {"gmail.com": ["gmial.com", "gmai.com", "gmail.co", "gamil.com", "gnail.com", "gmail.con", "gmaill.com"],
                "hotmail.com": ["hotmial.com", "hotmail.co", "hotmal.com", "hotmail.con", "hotamil.com"],
                "yahoo.com": ["yaho.com", "yahooo.com", "yahoo.co"], "web.de": ["wep.de", "web.com", "wed.de"],
                "gmx.de": ["gmx.com", "gmx.d"], "outlook.com": ["outlok.com", "outlook.co"],
                "orange.fr": ["orange.com", "ornage.fr"], "libero.it": ["libero.com", "lbero.it"],
                "wp.pl": ["wp.com", "wpp.pl"], "yahoo.co.in": ["yahoo.in", "yahoo.co.n"],
                "uol.com.br": ["uol.com", "uol.br"], "hotmail.co.uk": ["hotmail.com.uk", "hotmail.co"]}
PLUS_OK = ("gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "icloud.com", "outlook.de", "yahoo.com")


def render_email(e, rng, src, P):
    local, dom = e.rsplit("@", 1)
    if dom in ("gmail.com", "googlemail.com"):
        if "." in local and rng.random() < 0.12:
            local = local.replace(".", "")
        elif rng.random() < 0.04 and len(local) > 5:
            k = rng.randint(2, len(local) - 2)
            if local[k - 1] != "." and local[k] != ".":
                local = local[:k] + "." + local[k:]
        if rng.random() < 0.06:
            dom = "googlemail.com" if dom == "gmail.com" else "gmail.com"
    if dom in PLUS_OK and rng.random() < (0.10 if src == "shop" else 0.015):
        local += "+" + rng.choice(["shop", "amazon", "news", "promo", "store", "online", "2023", "orders"])
    if rng.random() < 0.015:
        dom = rng.choice(DOMAIN_TYPOS.get(dom, [typo(dom.split(".")[0], rng) + "." + dom.split(".", 1)[1]]))
    if rng.random() < 0.012:
        local = typo(local, rng)
    e = "%s@%s" % (local, dom)
    r = rng.random()
    if r < P["upper"] * 0.6:
        e = e.upper()
    elif r < P["upper"] * 0.6 + 0.06:
        e = ".".join(x[:1].upper() + x[1:] for x in local.split(".")) + "@" + dom[:1].upper() + dom[1:]
    if rng.random() < 0.01:
        e = messy_ws(e, rng)
    return e


def render_country(cc, city, src, rng):
    m = COUNTRY[cc]
    w = {"crm": [("iso", 70), ("en", 15), ("", 10), ("iso3", 5)],
         "shop": [("en", 45), ("iso", 30), ("local", 10), ("", 10), ("extra", 5)],
         "support": [("local", 30), ("en", 25), ("extra", 15), ("iso", 10), ("", 20)],
         "survey": [("", 45), ("en", 25), ("local", 20), ("extra", 10)]}[src]
    k = wchoice(rng, w)
    if k == "":
        return ""
    if k == "extra":
        opts = list(m["extra"]) + ([city["nation"]] * 3 if city.get("nation") else [])
        v = rng.choice(opts)
    else:
        v = m[k]
    if k == "local" and has_acc(v) and rng.random() < 0.4:
        v = strip_acc(v)
    r = rng.random()
    if r < 0.04:
        v = v.upper()
    elif r < 0.07:
        v = v.lower()
    return v


def clean_ws(s):
    s = " ".join(s.split())
    while ", ," in s or " ," in s:
        s = s.replace(", ,", ",").replace(" ,", ",")
    return s.strip(" ,-")


def render_record(ctx, p, i, src):
    rng = ctx.rng
    P = SRC[src]
    prof = wchoice(rng, [(d, w) for w, d in PROFILES[src]])
    has = {f: rng.random() < prof[f] for f in F}
    if not (has["first"] or has["last"]):
        has["first"] = True
    old_addr = p.prev_addr is not None and i < p.split_move
    addr = p.prev_addr if old_addr else p.addr
    landline = p.prev_landline if old_addr else p.landline
    use_maiden = bool(p.split_name) and i < p.split_name
    last = p.maiden if use_maiden else p.last
    rec = dict(source=src, person=p.pid)

    # --- names
    first = render_first(p, rng, P)
    prefix, lastr = render_last(p, last, rng, P)
    if prefix.startswith("pre:"):
        first = prefix[4:] + first                      # "K. Venkatesh"
    elif prefix:
        first = first + prefix                          # "Jan van den" / "Berg"
    fn = first if has["first"] else ""
    ln = lastr if has["last"] else ""
    if has_acc(fn + ln) and rng.random() < P["ascii"]:
        fn, ln = fold(fn, rng, p.origin), fold(ln, rng, p.origin)
    if rng.random() < P["moji"]:
        fn, ln = mojibake(fn), mojibake(ln)
    if fn and ln and rng.random() < P["swap"]:
        fn, ln = ln, fn
    up, lo = P["upper"], P["lower"]
    x = rng.random()
    if x < up:
        fn, ln = fn.upper(), ln.upper()
    elif x < up + lo:
        fn, ln = fn.lower(), ln.lower()
    elif x < up + lo + 0.02:
        fn, ln = fn.title(), ln.title()
    if fn and rng.random() < 0.02:
        fn = messy_ws(fn, rng)
    if ln and rng.random() < 0.02:
        ln = messy_ws(ln, rng)
    rec["first_name"], rec["last_name"] = fn, ln

    # --- email
    em = ""
    if has["email"]:
        base = p.email
        if use_maiden and p.email_old:
            base = p.email_old
        elif p.email_old and p.keep_email:
            base = p.email_old
        if p.alt_email:
            # each system was registered with one mailbox; later records of that system usually reuse it
            key = ("em", src)
            if key not in p.sticky or rng.random() < 0.2:
                p.sticky[key] = rng.random() < 0.55
            if p.sticky[key]:
                base = p.alt_email
        if p.family_email and ("family_email_only" in p.flags or rng.random() < 0.35):
            base = p.family_email
        if p.work_email and rng.random() < {"support": 0.25, "crm": 0.10}.get(src, 0.04):
            base = p.work_email
        if base:
            em = render_email(base, rng, src, P)
    rec["email"] = em

    # --- phone
    ph = ""
    if has["phone"]:
        mob = p.mobile
        if p.old_mobile:
            key = ("mob", src)
            if key not in p.sticky or rng.random() < 0.2:
                p.sticky[key] = rng.random() < 0.5
            if p.sticky[key]:
                mob = p.old_mobile
        cands = [x for x in (mob, landline) if x]
        if cands:
            if len(cands) == 2:
                pick = landline if rng.random() < (0.45 if src == "support" else 0.30) else mob
            else:
                pick = cands[0]
            if rng.random() < 0.025:
                pick = phone_digit_error(pick, rng)
            ph = fmt_phone(pick, rng, P["intl"], trunk_err=rng.random() < 0.03,
                           drop_area=rng.random() < 0.02)
    rec["phone"] = ph

    # --- birth date
    rec["birth_date"] = render_birth(p.birth, rng, src) if has["birth"] else ""

    # --- address
    street = city = pc = ""
    if has["street"]:
        num = None
        r = rng.random()
        if r < 0.03:
            num = ""
        elif r < 0.05:
            n0 = int(addr["street"]["num"])
            num = str(max(1, n0 + rng.choice([-2, -1, 1, 2, 10, -10]))) if rng.random() < 0.7 else \
                (addr["street"]["num"][::-1].lstrip("0") or "1")
        street = render_street(addr, rng, abbrev=rng.random() < 0.30, show_apt=rng.random() < 0.6, num=num)
        if rng.random() < 0.02:
            street = typo(street, rng)
        if rng.random() < P["ascii"] and has_acc(street):
            street = fold(street, rng, addr["cc"])
        if rng.random() < P["upper"]:
            street = street.upper()
        street = clean_ws(street)
    if has["city"] or (has["street"] and rng.random() < 0.9):
        city = render_city(addr, rng, P["ascii"])
        if rng.random() < 0.015:
            city = typo(city, rng)
        if rng.random() < P["upper"] * 0.7:
            city = city.upper()
    if has["postcode"] or (has["street"] and rng.random() < 0.85):
        pc = render_postcode(addr, rng)
        if rng.random() < 0.025:
            pc = postcode_typo(pc, rng)
    rec["street"], rec["city"], rec["postcode"] = street, city, pc
    rec["country"] = render_country(addr["cc"], addr["city"], src, rng) if has["country"] else ""
    return rec


def new_source_id(ctx, src):
    rng = ctx.rng
    while True:
        if src == "crm":
            sid = "C%07d" % rng.randint(1000000, 9999999)
        elif src == "shop":
            sid = str(rng.randint(10000000, 99999999))
        elif src == "support":
            sid = "SUP-%06d" % rng.randint(0, 999999)
        else:
            sid = "%08x" % rng.getrandbits(32)
        if sid not in ctx.sids[src]:
            ctx.sids[src].add(sid)
            return sid


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------
def parse_mix(s):
    if not s:
        return [(c, 1.0) for c in CODES]
    out = []
    for part in s.split(","):
        k, _, v = part.partition("=")
        k = k.strip().upper()
        if k == "GB":
            k = "UK"
        if k not in CODES:
            raise SystemExit("unknown country %r (use %s)" % (k, ",".join(CODES)))
        out.append((k, float(v) if v else 1.0))
    return out


def generate(n_persons, seed, mix):
    rng = random.Random(seed)
    ctx = Ctx(rng, mix)
    p_hh, p_clone = 0.088, 0.025
    while len(ctx.persons) < n_persons:
        remaining = n_persons - len(ctx.persons)
        cc = wchoice(rng, mix)
        r = rng.random()
        if r < p_hh and remaining >= 2:
            size = min(wchoice(rng, [(2, 55), (3, 30), (4, 15)]), remaining)
            make_household(ctx, cc, size)
        elif r < p_hh + p_clone and len(ctx.persons) > 20:
            make_namesake(ctx)
        else:
            make_single(ctx, cc)
    assign_events(ctx)
    records = []
    for p in ctx.persons:
        for i in range(p.n_rec):
            src = wchoice(rng, SOURCES)
            rec = render_record(ctx, p, i, src)
            rec["source_id"] = new_source_id(ctx, src)
            records.append(rec)
    rng.shuffle(records)
    for k, rec in enumerate(records, 1):
        rec["record_id"] = "r%06d" % k
    return ctx, records


def summary(ctx, records):
    per = Counter(r["person"] for r in records)
    true_pairs = sum(n * (n - 1) // 2 for n in per.values())
    groups = defaultdict(list)
    for p in ctx.persons:
        groups[(norm_key(p.first), norm_key(p.last), p.addr["city"]["name"])].append(p)
    ns = [g for g in groups.values() if len(g) >= 2]
    loose = defaultdict(set)
    for p in ctx.persons:
        lw = norm_key(p.last).split()
        core = [w for w in lw if w not in ("van", "de", "der", "den", "da", "dos", "do", "das", "di", "del", "la")]
        loose[(norm_key(p.first).split()[0] if p.first.strip() else "", core[0] if core else "", p.addr["city"]["name"])].add(p.pid)
    ns_loose = sum(1 for v in loose.values() if len(v) >= 2)
    ns_year = sum(1 for g in ns if len({p.birth.year for p in g}) < len(g))
    hh_members = sum(1 for p in ctx.persons if p.hh)
    fl = Counter()
    for p in ctx.persons:
        for f in p.flags:
            fl[f.split(":")[0]] += 1
    lines = [
        "persons:            %d" % len(ctx.persons),
        "records:            %d  (%.2f per person; %d persons with 1 record)" % (
            len(records), len(records) / max(1, len(ctx.persons)), sum(1 for v in per.values() if v == 1)),
        "true pairs:         %d" % true_pairs,
        "households:         %d  (sizes %s; %d persons = %.1f%%)" % (
            ctx.n_hh, dict(sorted(ctx.hh_sizes.items())), hh_members, 100.0 * hh_members / len(ctx.persons)),
        "namesake groups:    %d  (same normalised first+last name + city, >=2 persons; %d persons; "
        "%d groups share a birth year)" % (len(ns), sum(len(g) for g in ns), ns_year),
        "  looser namesakes: %d groups (first given name + first surname word + city, e.g. 'Maria Garcia'/Madrid)" % ns_loose,
        "jr/sr pairs:        %d   twins pairs: %d   moved: %d   surname changes: %d   namesake clones: %d" % (
            fl["junior_of"], fl["twin_of"] // 2, fl["moved"], fl["surname_change"], fl["namesake_of"]),
        "records by source:  %s" % dict(sorted(Counter(r["source"] for r in records).items())),
        "persons by country: %s" % dict(sorted(Counter(p.cc for p in ctx.persons).items())),
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Synthetic multi-country customer records for entity resolution tests")
    ap.add_argument("--persons", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--country-mix", default="", help="e.g. US=1,UK=1,DE=2 (default: the 10 countries equally)")
    ap.add_argument("--truth-out", default="", help="optional JSONL with per-person ground truth metadata")
    a = ap.parse_args(argv)
    ctx, records = generate(a.persons, a.seed, parse_mix(a.country_mix))
    with open(a.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow({k: r.get(k, "") for k in HEADER})
    if a.truth_out:
        with open(a.truth_out, "w", encoding="utf-8") as fh:
            for p in ctx.persons:
                fh.write(json.dumps(dict(person=p.pid, country=p.cc, origin=p.origin, sex=p.sex, first=p.first,
                                         middle=p.middle, last=p.last, maiden=p.maiden, suffix=p.suffix,
                                         birth=p.birth.isoformat(), city=p.addr["city"]["name"],
                                         household=p.hh, role=p.role, flags=p.flags, n_records=p.n_rec),
                                    ensure_ascii=False) + "\n")
    print(summary(ctx, records), file=sys.stderr)


if __name__ == "__main__":
    main()
